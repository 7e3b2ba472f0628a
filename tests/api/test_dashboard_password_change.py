"""Changing one's password from the dashboard, and stepping up: both need a proof, count failures, end the other
sessions (the password) and give this session a new token."""

from __future__ import annotations

import httpx

from adapters.bootstrap import Container
from domain.team.roles import Role
from tests.conftest import Tenant
from tests.team_helpers import PASSWORD, app_of, browser, sign_in, signed_in

NEW = "an entirely new passphrase"


async def test_a_new_password_ends_the_other_sessions_and_renews_this_one(
    app_client: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    app = app_of(app_client)
    async with signed_in(app, container, tenant, Role.MEMBER) as person, browser(app) as laptop:
        await sign_in(laptop, person.email)
        old_cookie = person.client.cookies.get("remit_dashboard")
        wrong = await person.client.post("/v1/me/password", json={"current_password": "not it", "password": NEW})
        assert wrong.status_code == 401 and wrong.json()["code"] == "invalid_credentials"
        weak = await person.client.post("/v1/me/password", json={"current_password": PASSWORD, "password": "password"})
        assert weak.status_code == 400 and weak.json()["code"] == "password_too_common"
        assert (await laptop.get("/v1/me")).status_code == 200  # nothing changed yet

        changed = await person.client.post("/v1/me/password", json={"current_password": PASSWORD, "password": NEW})
        assert changed.status_code == 200, changed.text
        assert person.client.cookies.get("remit_dashboard") != old_cookie
        person.client.headers["X-CSRF-Token"] = changed.json()["csrf_token"]
        assert (await person.client.get("/v1/me")).status_code == 200
        assert (await laptop.get("/v1/me")).json()["code"] == "session_expired"

    async with browser(app) as again:
        refused = await again.post("/v1/auth/sign-in/password", json={"email": person.email, "password": PASSWORD})
        assert refused.status_code == 401
        await sign_in(again, person.email, NEW)
        audit = (await again.get("/v1/audit-events", params={"action": "user.password_changed"})).json()
    # a member may not read the audit log: an admin checks it
    async with signed_in(app, container, tenant, Role.ADMIN) as admin:
        events = (await admin.client.get("/v1/audit-events", params={"action": "user.password_changed"})).json()
    assert audit.get("code") == "forbidden_for_role"
    assert [e["subject"] for e in events["data"]] == [person.user_id]
    assert NEW not in str(events) and PASSWORD not in str(events)


async def test_stepping_up_needs_a_proof_and_renews_the_token(
    app_client: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    async with signed_in(app_of(app_client), container, tenant, Role.ADMIN) as person:
        before = person.client.cookies.get("remit_dashboard")
        assert (await person.client.post("/v1/me/step-up", json={})).status_code == 400
        assert (await person.client.post("/v1/me/step-up", json={"password": "nope"})).status_code == 401
        stepped = await person.client.post("/v1/me/step-up", json={"password": PASSWORD})
        assert stepped.status_code == 200 and stepped.json()["state"] == "active"
        assert person.client.cookies.get("remit_dashboard") != before
        stale = await person.client.post("/v1/customers", json={"name": "Acme"})
        assert stale.status_code == 403 and stale.json()["code"] == "csrf_failed"  # the CSRF token changed too
        person.client.headers["X-CSRF-Token"] = stepped.json()["csrf_token"]
        assert (await person.client.post("/v1/customers", json={"name": "Acme"})).status_code == 201
