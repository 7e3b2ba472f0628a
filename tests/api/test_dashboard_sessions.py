"""Dashboard sessions as /v1 principals: timeouts, listing and ending them, password resets, signing out, CSRF and
Origin checks, and idempotency keys scoped to the person. Both databases."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from adapters.bootstrap import Container
from adapters.db.tables import EmailRow
from api.app import create_app
from domain.clock import FixedClock
from domain.team.roles import Role
from tests.conftest import Tenant
from tests.dashboard_helpers import advance, audit_rows, enrol_mfa, fixed_clock, fresh, link_token, use_token
from tests.team_helpers import PASSWORD, add_member, browser, sign_in, signed_in

NEW_PASSWORD = "a brand new passphrase for me"


@pytest.fixture
def clock(container: Container) -> FixedClock:
    return fixed_clock(container)


@pytest.fixture
def app(container: Container, clock: FixedClock) -> FastAPI:
    return create_app(container)


async def customer_names(client: httpx.AsyncClient) -> list[str]:
    r = await client.get("/v1/customers")
    assert r.status_code == 200, r.text
    return [c["name"] for c in r.json()["data"]]


# Timeouts ----------------------------------------------------------------------------------------------------------


async def test_thirty_idle_minutes_end_a_session(
    app: FastAPI, container: Container, tenant: Tenant, clock: FixedClock
) -> None:
    async with signed_in(app, container, tenant, Role.MEMBER) as person:
        for _ in range(3):  # each request keeps it alive for another 30 minutes
            advance(clock, minutes=29)
            assert (await person.client.get("/v1/customers")).status_code == 200
        advance(clock, minutes=30)
        r = await person.client.get("/v1/customers")
        assert r.status_code == 401 and r.json()["code"] == "session_expired", r.text
        advance(clock, seconds=1)
        assert (await person.client.get("/v1/me")).status_code == 401


async def test_twelve_hours_end_a_session_however_busy(
    app: FastAPI, container: Container, tenant: Tenant, clock: FixedClock
) -> None:
    async with signed_in(app, container, tenant, Role.MEMBER) as person:
        for _ in range(28):  # 28 times 25 min = 11 h 40 min
            advance(clock, minutes=25)
            assert (await person.client.get("/v1/customers")).status_code == 200
        advance(clock, minutes=19, seconds=59)
        assert (await person.client.get("/v1/customers")).status_code == 200
        advance(clock, seconds=1)
        r = await person.client.get("/v1/customers")
        assert r.status_code == 401 and r.json()["code"] == "session_expired", r.text


# Listing and ending ------------------------------------------------------------------------------------------------


async def test_people_list_and_end_their_own_sessions_only(app: FastAPI, container: Container, tenant: Tenant) -> None:
    async with (
        signed_in(app, container, tenant, Role.MEMBER) as me,
        signed_in(app, container, tenant, Role.ADMIN) as someone_else,
        browser(app) as my_phone,
    ):
        await sign_in(my_phone, me.email)
        listed = (await me.client.get("/v1/me/sessions")).json()["data"]
        assert len(listed) == 2 and sorted(s["current"] for s in listed) == [False, True]
        phone = next(s for s in listed if not s["current"])
        theirs = (await someone_else.client.get("/v1/me/sessions")).json()["data"]
        assert len(theirs) == 1

        r = await me.client.delete(f"/v1/me/sessions/{theirs[0]['id']}")
        assert r.status_code == 404, r.text
        assert (await someone_else.client.get("/v1/customers")).status_code == 200, "their session is untouched"

        assert (await me.client.delete(f"/v1/me/sessions/{phone['id']}")).status_code == 204
        assert (await my_phone.get("/v1/customers")).status_code == 401
        assert [s["id"] for s in (await me.client.get("/v1/me/sessions")).json()["data"]] != [phone["id"]]
        assert len((await me.client.get("/v1/me/sessions")).json()["data"]) == 1


async def test_a_password_reset_ends_the_other_sessions(app: FastAPI, container: Container, tenant: Tenant) -> None:
    async with signed_in(app, container, tenant, Role.MEMBER) as person, browser(app) as forgetful:
        unknown = await forgetful.post("/v1/auth/password-reset", json={"email": fresh("nobody-reset")})
        r = await forgetful.post("/v1/auth/password-reset", json={"email": person.email})
        assert r.status_code == unknown.status_code == 202 and r.json() == unknown.json()
        token = await link_token(container, person.email, "dashboard_password_reset")
        weak = await forgetful.post("/v1/auth/password-reset/confirm", json={"token": token, "password": "password"})
        assert weak.status_code == 400, "a weak password is refused before the link is spent"
        r = await forgetful.post("/v1/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD})
        assert r.status_code == 200 and r.json()["state"] == "active", r.text
        use_token(forgetful, r.json())
        assert (await forgetful.get("/v1/customers")).status_code == 200

        ended = await person.client.get("/v1/customers")
        assert ended.status_code == 401 and ended.json()["code"] == "session_expired"
        again = await forgetful.post("/v1/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD})
        assert again.status_code == 401 and again.json()["code"] == "invalid_link"

    async with browser(app) as b:
        old = await b.post("/v1/auth/sign-in/password", json={"email": person.email, "password": PASSWORD})
        assert old.status_code == 401
        await sign_in(b, person.email, NEW_PASSWORD)
    for row in await audit_rows(container, tenant.partner_id):
        assert NEW_PASSWORD not in repr(row.details) and token not in repr(row.details)


async def test_sign_out_clears_the_cookie_and_the_old_one_no_longer_works(
    app: FastAPI, container: Container, tenant: Tenant
) -> None:
    async with signed_in(app, container, tenant, Role.MEMBER) as person:
        cookie = person.client.cookies["remit_dashboard"]
        no_token = await person.client.post("/v1/auth/sign-out", headers={"X-CSRF-Token": ""})
        assert no_token.status_code == 403, "signing out is a change too"
        r = await person.client.post("/v1/auth/sign-out")
        assert r.status_code == 204, r.text
        assert 'remit_dashboard=""' in r.headers["set-cookie"] or "Max-Age=0" in r.headers["set-cookie"]
        assert "remit_dashboard" not in person.client.cookies
        async with browser(app) as thief:
            thief.cookies.set("remit_dashboard", cookie)
            r = await thief.get("/v1/customers")
            assert r.status_code == 401 and r.json()["code"] == "session_expired"


# CSRF and Origin ---------------------------------------------------------------------------------------------------


async def test_changes_need_the_csrf_token_and_our_origin(
    app: FastAPI, client: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    async with signed_in(app, container, tenant, Role.ADMIN) as admin:
        good = admin.client.headers["X-CSRF-Token"]
        del admin.client.headers["X-CSRF-Token"]
        assert (await admin.client.get("/v1/customers")).status_code == 200, "reads need no token"
        assert (await admin.client.get("/v1/me")).status_code == 200

        missing = await admin.client.post("/v1/customers", json={"name": "Missing token"})
        assert missing.status_code == 403 and missing.json()["code"] == "csrf_failed", missing.text
        wrong = await admin.client.post(
            "/v1/customers", json={"name": "Wrong token"}, headers={"X-CSRF-Token": "0" * len(good)}
        )
        assert wrong.status_code == 403 and wrong.json()["code"] == "csrf_failed"
        foreign = await admin.client.post(
            "/v1/customers",
            json={"name": "Foreign origin"},
            headers={"X-CSRF-Token": good, "Origin": "https://evil.example"},
        )
        assert foreign.status_code == 403 and foreign.json()["code"] == "bad_origin", foreign.text
        for path, body in [("/v1/settings/security", {"require_mfa": True}), ("/v1/me/mfa", None)]:
            r = await admin.client.request("PATCH" if "settings" in path else "POST", path, json=body)
            assert r.status_code == 403 and r.json()["code"] == "csrf_failed", (path, r.text)
        team = (await admin.client.get("/v1/team")).json()["members"]
        r = await admin.client.patch(f"/v1/team/{team[0]['user_id']}", json={"role": "member"})
        assert r.status_code == 403 and r.json()["code"] == "csrf_failed"

        assert await customer_names(admin.client) == [], "nothing was written"
        assert (await admin.client.get("/v1/settings/security")).json()["require_mfa"] is False
        assert (await admin.client.get("/v1/me")).json()["role"] == "admin"

        admin.client.headers["X-CSRF-Token"] = good
        ours = await admin.client.post(
            "/v1/customers", json={"name": "Our page"}, headers={"Origin": "http://remit.test"}
        )
        assert ours.status_code == 201, ours.text

    by_key = await client.post("/v1/customers", json={"name": "By key"})
    assert by_key.status_code == 201, "an API key needs no CSRF token (there is no cookie)"


async def test_a_csrf_token_belongs_to_its_session(app: FastAPI, container: Container, tenant: Tenant) -> None:
    async with (
        signed_in(app, container, tenant, Role.MEMBER) as one,
        signed_in(app, container, tenant, Role.MEMBER) as two,
    ):
        r = await one.client.post(
            "/v1/customers", json={"name": "Borrowed"}, headers={"X-CSRF-Token": two.client.headers["X-CSRF-Token"]}
        )
        assert r.status_code == 403 and r.json()["code"] == "csrf_failed"
        assert await customer_names(one.client) == []


# Idempotency -------------------------------------------------------------------------------------------------------


async def test_idempotency_keys_are_each_persons_own(app: FastAPI, container: Container, tenant: Tenant) -> None:
    async with (
        signed_in(app, container, tenant, Role.MEMBER) as one,
        signed_in(app, container, tenant, Role.MEMBER) as two,
    ):
        body = {"name": "Same key"}
        first = await one.client.post("/v1/customers", json=body, headers={"Idempotency-Key": "shared-key-1"})
        other = await two.client.post("/v1/customers", json=body, headers={"Idempotency-Key": "shared-key-1"})
        replay = await one.client.post("/v1/customers", json=body, headers={"Idempotency-Key": "shared-key-1"})
        assert first.status_code == other.status_code == replay.status_code == 201
        assert first.json()["id"] != other.json()["id"], "two people, two customers"
        assert replay.json()["id"] == first.json()["id"] and replay.headers.get("idempotent-replayed") == "true"
        assert sorted(await customer_names(one.client)) == ["Same key", "Same key"]


async def test_a_second_sign_in_by_the_same_person_replays_their_key(
    app: FastAPI, container: Container, tenant: Tenant
) -> None:
    _, email = await add_member(container, tenant, Role.MEMBER)
    async with browser(app) as laptop, browser(app) as phone:
        await sign_in(laptop, email)
        await sign_in(phone, email)
        body = {"name": "Once"}
        a = await laptop.post("/v1/customers", json=body, headers={"Idempotency-Key": "mine-1"})
        b = await phone.post("/v1/customers", json=body, headers={"Idempotency-Key": "mine-1"})
        assert a.status_code == b.status_code == 201 and a.json()["id"] == b.json()["id"]
        assert await customer_names(laptop) == ["Once"]


async def test_a_reset_link_lasts_an_hour_and_still_asks_for_the_second_factor(
    app: FastAPI, container: Container, tenant: Tenant, clock: FixedClock
) -> None:
    async with signed_in(app, container, tenant, Role.MEMBER) as person:
        await enrol_mfa(person.client, clock)
    async with browser(app) as b:
        assert (await b.post("/v1/auth/password-reset", json={"email": person.email})).status_code == 202
        stale = await link_token(container, person.email, "dashboard_password_reset")
        advance(clock, hours=1, seconds=1)
        r = await b.post("/v1/auth/password-reset/confirm", json={"token": stale, "password": NEW_PASSWORD})
        assert r.status_code == 401 and r.json()["code"] == "invalid_link", r.text

        assert (await b.post("/v1/auth/password-reset", json={"email": person.email})).status_code == 202
        token = await link_token(container, person.email, "dashboard_password_reset")
        r = await b.post("/v1/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD})
        assert r.status_code == 200 and r.json()["state"] == "mfa_required", r.text
        use_token(b, r.json())
        assert (await b.get("/v1/customers")).status_code == 401


async def test_the_session_list_leaves_out_idle_ones(
    app: FastAPI, container: Container, tenant: Tenant, clock: FixedClock
) -> None:
    async with signed_in(app, container, tenant, Role.MEMBER) as person, browser(app) as forgotten_tab:
        await sign_in(forgotten_tab, person.email)
        assert len((await person.client.get("/v1/me/sessions")).json()["data"]) == 2
        advance(clock, minutes=20)
        assert (await person.client.get("/v1/customers")).status_code == 200
        advance(clock, minutes=20)
        listed = (await person.client.get("/v1/me/sessions")).json()["data"]
        assert [s["current"] for s in listed] == [True]


async def test_over_https_the_cookie_is_host_only_and_secure(
    app: FastAPI, container: Container, tenant: Tenant
) -> None:
    _, email = await add_member(container, tenant, Role.MEMBER)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://remit.test") as b:
        r = await b.post("/v1/auth/sign-in/password", json={"email": email, "password": PASSWORD})
        assert r.status_code == 200, r.text
        cookie = r.headers["set-cookie"]
        assert cookie.startswith("__Host-remit_dashboard=") and "Secure" in cookie and "Path=/" in cookie
        use_token(b, r.json())
        assert (await b.get("/v1/customers")).status_code == 200
        assert (await b.post("/v1/customers", json={"name": "Over https"})).status_code == 201
        r = await b.post("/v1/auth/sign-out")
        assert r.status_code == 204 and "__Host-remit_dashboard" in r.headers["set-cookie"]
        assert (await b.get("/v1/customers")).status_code == 401


async def test_reset_emails_to_one_address_stop_after_five_an_hour_with_the_same_answer(
    app: FastAPI, container: Container, tenant: Tenant
) -> None:
    _, email = await add_member(container, tenant, Role.MEMBER)
    async with browser(app) as asker:
        answers = [await asker.post("/v1/auth/password-reset", json={"email": email}) for _ in range(7)]
        unknown = await asker.post("/v1/auth/password-reset", json={"email": fresh("nobody-reset")})
    assert {(r.status_code, r.text) for r in answers} == {(unknown.status_code, unknown.text)}
    async with container.sessions() as session:
        sent = await session.scalar(
            select(func.count())
            .select_from(EmailRow)
            .where(EmailRow.to_address == email, EmailRow.template == "dashboard_password_reset")
        )
    assert sent == 5
