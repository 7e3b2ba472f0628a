"""Shortcuts for the partner dashboard's browser tests (tests/e2e/test_dashboard_*.py): the built app, its URLs,
signing in with a password through the screens, and calling /v1 from the page as the app does."""

from __future__ import annotations

import time
from typing import Any

import pyotp
from playwright.async_api import Page, ViewportSize, expect

from tests.e2e.server import REPO

DASHBOARD_INDEX = REPO / "web-partner" / "dist" / "index.html"
PASSWORD = "correct horse battery staple"
TABLET: ViewportSize = {"width": 768, "height": 1024}


def require_dashboard() -> None:
    """The built dashboard; fails (not skips) when it is missing, as the portal's tests do."""
    if not DASHBOARD_INDEX.exists():
        import pytest

        pytest.fail(f"The dashboard is not built ({DASHBOARD_INDEX.relative_to(REPO)} is missing): run make web")


async def sign_in_with_password(page: Page, email: str, password: str = PASSWORD, path: str = "/dashboard") -> None:
    """Open `path` signed out (it sends to the sign-in page) and sign in with a password through the screen."""
    await page.goto(path)
    await expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to your dashboard")
    await page.get_by_label("Email address").fill(email)
    await page.get_by_label("Password", exact=True).fill(password)
    await page.get_by_role("button", name="Sign in", exact=True).click()


def next_step_code(totp: pyotp.TOTP) -> str:
    """The code of the next 30 s step: accepted (±1 step of drift) and never a step already used."""
    return totp.at(time.time() + 30)


async def dashboard_fetch(page: Page, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    """Call /v1 from the page as the app does: the session cookie, and the CSRF token from /v1/me on changes."""
    answer: dict[str, Any] = await page.evaluate(
        """async ([method, path, body]) => {
            const headers = {'content-type': 'application/json'}
            if (method !== 'GET') {
                const me = await fetch('/v1/me')
                if (me.ok) headers['X-CSRF-Token'] = (await me.json()).csrf_token
            }
            const r = await fetch(path, {method, headers, body: body === null ? undefined : JSON.stringify(body)})
            const text = await r.text()
            return {status: r.status, body: text ? JSON.parse(text) : null}
        }""",
        [method, path, body],
    )
    return answer["status"], answer["body"]
