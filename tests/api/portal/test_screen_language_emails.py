"""Emails asked for before anyone is signed in (a sign-in code, a password reset) are written in the language of the
screen they were asked from, whatever the customer's record says; without it, the record decides."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from adapters.bootstrap import Container
from adapters.mail.render import render
from tests.conftest import Tenant
from tests.factories import make_customer
from tests.portal_helpers import last_email, portal_sign_in


async def _rendered(container: Container, to: str, template: str) -> tuple[str, str]:
    row = await last_email(container, to, template)
    async with container.sessions() as session:
        email = await render(session, row)
    return email.subject, email.text


async def test_a_code_asked_for_from_a_french_screen_comes_in_french(
    client: httpx.AsyncClient, container: Container, tenant: Tenant, browser: Callable[..., Any]
) -> None:
    await make_customer(client, email="ap@acme.example")  # the record says nothing: English by default
    async with browser() as b:
        r = await b.post(f"/portal/v1/partners/{tenant.slug}/sign-in/code", json={"email": "ap@acme.example"})
        assert r.status_code == 202, r.text
        english_subject, _ = await _rendered(container, "ap@acme.example", "sign_in_code")

        r = await b.post(
            f"/portal/v1/partners/{tenant.slug}/sign-in/code", json={"email": "ap@acme.example", "language": "fr"}
        )
        assert r.status_code == 202, r.text
        french_subject, french_text = await _rendered(container, "ap@acme.example", "sign_in_code")
    assert "code" in english_subject.lower() and "connexion" not in english_subject.lower()
    assert "connexion" in french_subject.lower(), french_subject
    assert "minutes" in french_text


async def test_a_password_reset_follows_the_screen_too(
    client: httpx.AsyncClient, container: Container, tenant: Tenant, browser: Callable[..., Any]
) -> None:
    await make_customer(client, email="ap@acme.example")
    async with browser() as b:
        await portal_sign_in(b, container, tenant.slug, "ap@acme.example")  # a portal user exists from here
        r = await b.post(
            f"/portal/v1/partners/{tenant.slug}/password-reset", json={"email": "ap@acme.example", "language": "fr"}
        )
        assert r.status_code == 202, r.text
    subject, _ = await _rendered(container, "ap@acme.example", "password_reset")
    assert "mot de passe" in subject.lower(), subject


async def test_an_unknown_screen_language_is_a_problem(
    client: httpx.AsyncClient, tenant: Tenant, browser: Callable[..., Any]
) -> None:
    async with browser() as b:
        r = await b.post(
            f"/portal/v1/partners/{tenant.slug}/sign-in/code", json={"email": "ap@acme.example", "language": "de"}
        )
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json"), r.text
    assert [e["field"] for e in r.json()["errors"]] == ["language"]
