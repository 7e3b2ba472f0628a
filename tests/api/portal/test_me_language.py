"""A portal user's language: read and saved on /portal/v1/me, and the language of their emails from then on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from adapters.bootstrap import Container
from adapters.mail.render import render
from tests.conftest import Tenant
from tests.factories import make_customer
from tests.portal_helpers import last_email, portal_sign_in


async def _subject_of_last_email(container: Container, to: str, template: str) -> str:
    row = await last_email(container, to, template)
    async with container.sessions() as session:
        return (await render(session, row)).subject


async def test_the_language_is_saved_and_read_back(
    client: httpx.AsyncClient, container: Container, tenant: Tenant, browser: Callable[..., Any]
) -> None:
    await make_customer(client, email="ap@acme.example")
    async with browser() as b:
        await portal_sign_in(b, container, tenant.slug, "ap@acme.example")
        assert (await b.get("/portal/v1/me")).json()["language"] is None  # not chosen yet: the portal saves one

        r = await b.patch("/portal/v1/me", json={"language": "fr"})
        assert r.status_code == 200, r.text
        assert r.json()["language"] == "fr" and r.json()["email"] == "ap@acme.example"
        assert (await b.get("/portal/v1/me")).json()["language"] == "fr"

        r = await b.patch("/portal/v1/me", json={"language": "en"})
        assert r.status_code == 200 and r.json()["language"] == "en"


async def test_bad_languages_and_missing_csrf_are_problems(
    client: httpx.AsyncClient, container: Container, tenant: Tenant, browser: Callable[..., Any]
) -> None:
    await make_customer(client, email="ap@acme.example")
    async with browser() as b:
        await portal_sign_in(b, container, tenant.slug, "ap@acme.example")
        for body in ({"language": "de"}, {"language": None}, {}, {"language": "fr", "theme": "dark"}):
            r = await b.patch("/portal/v1/me", json=body)
            assert r.status_code == 422, (body, r.text)
            assert r.headers["content-type"].startswith("application/problem+json")
        r = await b.patch("/portal/v1/me", json={"language": "de"})
        assert [e["field"] for e in r.json()["errors"]] == ["language"]
        csrf = b.headers.pop("X-CSRF-Token")
        r = await b.patch("/portal/v1/me", json={"language": "fr"})
        assert r.status_code == 403 and r.headers["content-type"].startswith("application/problem+json")
        b.headers["X-CSRF-Token"] = csrf
        assert (await b.get("/portal/v1/me")).json()["language"] is None  # nothing was saved
    async with browser() as stranger:
        assert (await stranger.patch("/portal/v1/me", json={"language": "fr"})).status_code == 401


async def test_emails_follow_the_users_language_over_the_customers(
    client: httpx.AsyncClient, container: Container, tenant: Tenant, browser: Callable[..., Any]
) -> None:
    await make_customer(client, email="ap@acme.example", language="fr")
    async with browser() as b:
        await portal_sign_in(b, container, tenant.slug, "ap@acme.example")
        # Before the user chooses: the customer's language.
        assert (await _subject_of_last_email(container, "ap@acme.example", "sign_in_code")).startswith(
            "Votre code de connexion"
        )
        assert (await b.patch("/portal/v1/me", json={"language": "en"})).status_code == 200
    async with browser() as again:
        await portal_sign_in(again, container, tenant.slug, "ap@acme.example")
    assert (await _subject_of_last_email(container, "ap@acme.example", "sign_in_code")).startswith("Your sign-in code")
