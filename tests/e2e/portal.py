"""Shortcuts for browser tests that are not about signing in: call the portal API from the page as the app does, and
sign in by an emailed code without the screens (which tests/e2e/test_sign_in.py covers)."""

from __future__ import annotations

import re
from typing import Any

from playwright.async_api import Page

from tests.e2e.mail import CODE, Inbox, subject_of, text_of
from tests.e2e.seed import Partner

SIGN_IN_SUBJECT = re.compile(r"sign-in code|code de connexion")  # the email is in the person's language


async def portal_fetch(page: Page, method: str, path: str, body: Any = None) -> Any:
    """Call the portal API from the page, as the app does: session cookie, and the CSRF token on changes."""
    answer: dict[str, Any] = await page.evaluate(
        """async ([method, path, body]) => {
            const headers = {'content-type': 'application/json'}
            if (method !== 'GET') {
                const me = await fetch('/portal/v1/me')
                if (me.ok) headers['X-CSRF-Token'] = (await me.json()).csrf_token
                headers['Idempotency-Key'] = crypto.randomUUID()
            }
            const r = await fetch(path, {method, headers, body: body === null ? undefined : JSON.stringify(body)})
            const text = await r.text()
            return {status: r.status, body: text ? JSON.parse(text) : null}
        }""",
        [method, path, body],
    )
    assert answer["status"] < 400, f"{method} {path} answered {answer['status']}: {answer['body']}"
    return answer["body"]


async def sign_in(page: Page, partner: Partner, inbox: Inbox, email: str, path: str = "/invoices") -> None:
    """A code sign-in through the portal API from the page (the sign-in screens have their own tests), then `path`."""
    await page.goto(partner.portal_url("/sign-in"))
    seen = inbox.count(email)
    await portal_fetch(page, "POST", f"/portal/v1/partners/{partner.slug}/sign-in/code", {"email": email})
    # Receipts to the same address may arrive meanwhile: take the sign-in email's code.
    mail = await inbox.latest(email, after=seen, match=lambda m: SIGN_IN_SUBJECT.search(subject_of(m)) is not None)
    found = CODE.search(text_of(mail))
    assert found is not None, text_of(mail)
    signed = await portal_fetch(
        page, "POST", f"/portal/v1/partners/{partner.slug}/sign-in/verify", {"email": email, "code": found.group(1)}
    )
    assert signed["status"] == "signed_in", signed
    # A stored language wins over the browser's: keep it this browser's, as a person picking it in the menu would.
    language = str(await page.evaluate("navigator.language")).split("-")[0]
    if language in ("en", "fr"):
        await portal_fetch(page, "PATCH", "/portal/v1/me", {"language": language})
    await page.goto(partner.portal_url(path))
