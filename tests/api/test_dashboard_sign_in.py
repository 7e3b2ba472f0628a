"""Signing in to the dashboard over /v1/auth: passwords and lockout, emailed codes, the second factor, a partner
that requires MFA, and self-service sign-up. Both databases."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from adapters.bootstrap import Container
from api.app import create_app
from domain.clock import FixedClock
from domain.team.members import AddPerson, add_person
from domain.team.roles import Role
from tests.conftest import Tenant, make_tenant
from tests.dashboard_helpers import (
    advance,
    audit_rows,
    code_sign_in,
    emails_to,
    enrol_mfa,
    fixed_clock,
    fresh,
    use_token,
)
from tests.portal_helpers import emailed_code
from tests.team_helpers import PASSWORD, add_member, browser, sign_in, signed_in


@pytest.fixture
def clock(container: Container) -> FixedClock:
    return fixed_clock(container)


@pytest.fixture
def app(container: Container, clock: FixedClock) -> FastAPI:
    return create_app(container)


@pytest.fixture
async def anon(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with browser(app) as c:
        yield c


def refusal(r: httpx.Response) -> tuple[int, str, str, str]:
    body = r.json()
    return r.status_code, body["code"], body["detail"], body.get("title", "")


# Passwords -----------------------------------------------------------------------------------------------------------


async def test_password_sign_in_opens_a_session_every_v1_route_accepts(
    app: FastAPI, container: Container, tenant: Tenant
) -> None:
    user_id, email = await add_member(container, tenant, Role.MEMBER)
    async with browser(app) as b:
        r = await b.post("/v1/auth/sign-in/password", json={"email": email.upper(), "password": PASSWORD})
        assert r.status_code == 200, r.text
        assert r.json()["state"] == "active" and r.json()["partner_id"] == tenant.partner_id
        assert "remit_dashboard" in r.cookies and r.headers["cache-control"] == "no-store"
        cookie = r.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie
        use_token(b, r.json())
        me = await b.get("/v1/me")
        assert me.status_code == 200 and me.json()["id"] == user_id and me.json()["role"] == "member"
        assert (await b.get("/v1/customers")).status_code == 200
        created = await b.post("/v1/customers", json={"name": "By a person"})
        assert created.status_code == 201, created.text


async def test_wrong_password_and_unknown_email_answer_alike(
    anon: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    _, email = await add_member(container, tenant, Role.ADMIN)
    wrong = await anon.post("/v1/auth/sign-in/password", json={"email": email, "password": "not-the-password-1"})
    unknown = await anon.post(
        "/v1/auth/sign-in/password", json={"email": fresh("nobody-here"), "password": "not-the-password-1"}
    )
    assert refusal(wrong) == refusal(unknown)
    assert wrong.status_code == 401 and wrong.json()["code"] == "invalid_credentials"
    assert "set-cookie" not in wrong.headers and "set-cookie" not in unknown.headers


async def test_five_failures_lock_the_account_and_are_audited_without_the_password(
    anon: httpx.AsyncClient, container: Container, tenant: Tenant, clock: FixedClock
) -> None:
    user_id, email = await add_member(container, tenant, Role.ADMIN)
    guesses = [f"guess-number-{i}-xyzzy" for i in range(5)]
    answers = [await anon.post("/v1/auth/sign-in/password", json={"email": email, "password": g}) for g in guesses]
    assert [a.status_code for a in answers[:4]] == [401] * 4
    locked = answers[4]
    assert locked.status_code == 429 and locked.json()["code"] == "account_locked", locked.text
    assert int(locked.headers["Retry-After"]) > 0
    right = await anon.post("/v1/auth/sign-in/password", json={"email": email, "password": PASSWORD})
    assert right.status_code == 429 and right.json()["code"] == "account_locked", "locked even for the right one"
    advance(clock, minutes=1, seconds=1)
    assert (
        await anon.post("/v1/auth/sign-in/password", json={"email": email, "password": PASSWORD})
    ).status_code == 200

    rows = await audit_rows(container, tenant.partner_id)
    failed = [r for r in rows if r.action == "user.sign_in_failed"]
    assert len(failed) == 5 and all(r.subject == user_id for r in failed)
    for row in rows:
        text = repr(row.details)
        assert PASSWORD not in text and not any(g in text for g in guesses), row.details


async def test_emailed_code_is_always_accepted_and_sent_only_to_people(
    anon: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    user_id, email = await add_member(container, tenant, Role.MEMBER)
    unknown = fresh("nobody-at-all")
    known_answer = await anon.post("/v1/auth/sign-in/code", json={"email": email})
    unknown_answer = await anon.post("/v1/auth/sign-in/code", json={"email": unknown})
    assert known_answer.status_code == unknown_answer.status_code == 202
    assert known_answer.json() == unknown_answer.json()
    assert await emails_to(container, unknown) == []
    code = await emailed_code(container, email, "dashboard_sign_in_code")
    r = await anon.post("/v1/auth/sign-in/verify", json={"email": email, "code": code})
    assert r.status_code == 200 and r.json()["state"] == "active", r.text
    use_token(anon, r.json())
    assert (await anon.get("/v1/me")).json()["id"] == user_id
    again = await anon.post("/v1/auth/sign-in/verify", json={"email": email, "code": code})
    assert again.status_code == 401 and again.json()["code"] == "invalid_code", "single use"
    for row in await audit_rows(container, tenant.partner_id):
        assert code not in repr(row.details)


async def test_five_wrong_codes_void_the_code(anon: httpx.AsyncClient, container: Container, tenant: Tenant) -> None:
    _, email = await add_member(container, tenant, Role.MEMBER)
    assert (await anon.post("/v1/auth/sign-in/code", json={"email": email})).status_code == 202
    code = await emailed_code(container, email, "dashboard_sign_in_code")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        r = await anon.post("/v1/auth/sign-in/verify", json={"email": email, "code": wrong})
        assert r.status_code == 401 and r.json()["code"] == "invalid_code"
    r = await anon.post("/v1/auth/sign-in/verify", json={"email": email, "code": code})
    assert r.status_code == 401 and r.json()["code"] == "invalid_code", "the fifth wrong code voided it"


async def test_at_most_five_codes_an_hour_and_the_answer_does_not_tell(
    anon: httpx.AsyncClient, container: Container, tenant: Tenant, clock: FixedClock
) -> None:
    _, email = await add_member(container, tenant, Role.MEMBER)
    unknown = fresh("nobody-either")
    known = [await anon.post("/v1/auth/sign-in/code", json={"email": email}) for _ in range(6)]
    strangers = [await anon.post("/v1/auth/sign-in/code", json={"email": unknown}) for _ in range(6)]
    assert len(await emails_to(container, email, "dashboard_sign_in_code")) == 5
    assert [(r.status_code, r.json()) for r in known] == [(r.status_code, r.json()) for r in strangers]
    advance(clock, hours=1, seconds=1)
    assert (await anon.post("/v1/auth/sign-in/code", json={"email": email})).status_code == 202
    assert len(await emails_to(container, email, "dashboard_sign_in_code")) == 6


# The second factor -------------------------------------------------------------------------------------------------


async def test_mfa_enrolment_then_sign_in_needs_the_second_factor(
    app: FastAPI, container: Container, tenant: Tenant, clock: FixedClock
) -> None:
    async with signed_in(app, container, tenant, Role.ADMIN) as admin:
        totp, recovery = await enrol_mfa(admin.client, clock)
        assert len(recovery) == 10 and len(set(recovery)) == 10
        assert (await admin.client.get("/v1/me")).json()["mfa_enabled"] is True

        async with browser(app) as b:
            first = await b.post("/v1/auth/sign-in/password", json={"email": admin.email, "password": PASSWORD})
            assert first.status_code == 200 and first.json()["state"] == "mfa_required", first.text
            use_token(b, first.json())
            pending_cookie = b.cookies["remit_dashboard"]
            for method, path in [
                ("GET", "/v1/customers"),
                ("GET", "/v1/team"),
                ("GET", "/v1/me"),
                ("GET", "/v1/me/sessions"),
                ("POST", "/v1/customers"),
                ("GET", "/v1/api-keys"),
                ("PATCH", "/v1/settings/security"),
            ]:
                r = await b.request(method, path, json={"name": "x"} if method != "GET" else None)
                assert r.status_code == 401 and r.json()["code"] == "mfa_required", (path, r.text)
            wrong = await b.post("/v1/auth/sign-in/mfa", json={"code": "000000"})
            assert wrong.status_code == 401 and wrong.json()["code"] == "invalid_mfa_code"
            done = await b.post("/v1/auth/sign-in/mfa", json={"code": totp.at(clock.now())})
            assert done.status_code == 200 and done.json()["state"] == "active", done.text
            assert b.cookies["remit_dashboard"] != pending_cookie, "a new token at the second factor"
            use_token(b, done.json())
            assert (await b.get("/v1/customers")).status_code == 200
            async with browser(app) as stale:
                stale.cookies.set("remit_dashboard", pending_cookie)
                assert (await stale.get("/v1/customers")).status_code == 401, "the pre-MFA token is gone"

        async with browser(app) as b:
            use_token(b, (await sign_in(b, admin.email)))
            r = await b.post("/v1/auth/sign-in/mfa", json={"code": recovery[0]})
            assert r.status_code == 200 and r.json()["state"] == "active", r.text
        async with browser(app) as b:
            await sign_in(b, admin.email)
            again = await b.post("/v1/auth/sign-in/mfa", json={"code": recovery[0]})
            assert again.status_code == 401, "a recovery code works once"
            assert (await b.post("/v1/auth/sign-in/mfa", json={"code": recovery[1]})).status_code == 200


async def test_turning_mfa_on_ends_the_other_sessions_and_off_needs_step_up(
    app: FastAPI, container: Container, tenant: Tenant, clock: FixedClock
) -> None:
    async with signed_in(app, container, tenant, Role.MEMBER) as person:
        async with browser(app) as other:
            await sign_in(other, person.email)
            assert (await other.get("/v1/customers")).status_code == 200
            await enrol_mfa(person.client, clock)
            ended = await other.get("/v1/customers")
            assert ended.status_code == 401 and ended.json()["code"] == "session_expired"
        assert (await person.client.get("/v1/customers")).status_code == 200, "the enrolling session stays"

        advance(clock, minutes=11)  # past the elevation that confirming gave
        refused = await person.client.delete("/v1/me/mfa")
        assert refused.status_code == 403 and refused.json()["code"] == "step_up_required"
        assert (await person.client.get("/v1/me")).json()["mfa_enabled"] is True
        wrong = await person.client.post("/v1/me/step-up", json={"password": "not-my-password"})
        assert wrong.status_code == 401
        up = await person.client.post("/v1/me/step-up", json={"password": PASSWORD})
        assert up.status_code == 200, up.text
        use_token(person.client, up.json())
        off = await person.client.delete("/v1/me/mfa")
        assert off.status_code == 200, off.text
        use_token(person.client, off.json())
        assert (await person.client.get("/v1/me")).json()["mfa_enabled"] is False
        for row in await audit_rows(container, tenant.partner_id):
            assert PASSWORD not in repr(row.details) and "not-my-password" not in repr(row.details)


async def test_a_partner_requiring_mfa_sends_members_to_enrolment_first(
    app: FastAPI, container: Container, tenant: Tenant, clock: FixedClock
) -> None:
    async with signed_in(app, container, tenant, Role.ADMIN) as admin:
        r = await admin.client.patch("/v1/settings/security", json={"require_mfa": True})
        assert r.status_code == 200 and r.json()["require_mfa"] is True, r.text
        assert any(row.action == "settings.security_updated" for row in await audit_rows(container, tenant.partner_id))

    _, email = await add_member(container, tenant, Role.MEMBER)
    async with browser(app) as b:
        body = await sign_in(b, email)
        assert body["state"] == "mfa_enrolment_required"
        me = await b.get("/v1/me")
        assert me.status_code == 200 and me.json()["session_state"] == "mfa_enrolment_required"
        for method, path in [("GET", "/v1/customers"), ("POST", "/v1/customers"), ("GET", "/v1/me/sessions")]:
            r = await b.request(method, path, json={"name": "x"} if method == "POST" else None)
            assert r.status_code == 401 and r.json()["code"] == "mfa_enrolment_required", (path, r.text)
        await enrol_mfa(b, clock)
        me = await b.get("/v1/me")
        assert me.json()["session_state"] == "active" and me.json()["mfa_enabled"] is True
        assert (await b.get("/v1/customers")).status_code == 200


async def test_only_an_admin_in_the_dashboard_changes_the_mfa_rule(
    app: FastAPI, client: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    async with signed_in(app, container, tenant, Role.SUB_ADMIN) as sub_admin:
        r = await sub_admin.client.patch("/v1/settings/security", json={"require_mfa": True})
        assert r.status_code == 403 and r.json()["code"] == "forbidden_for_role", r.text
    r = await client.patch("/v1/settings/security", json={"require_mfa": True})
    assert r.status_code == 403 and r.json()["code"] == "forbidden_for_role", r.text
    assert (await client.get("/v1/settings/security")).json()["require_mfa"] is False


# Sign-up -------------------------------------------------------------------------------------------------------------


async def test_sign_up_creates_a_partner_with_the_person_as_admin(
    anon: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    assert container.settings.sign_up_open
    email = fresh("founder")
    slug = f"new-{tenant.slug}"
    body = {"email": email, "password": PASSWORD, "partner_name": "New Partner", "slug": slug}
    r = await anon.post("/v1/auth/sign-up", json=body)
    assert r.status_code == 202, r.text
    code = await emailed_code(container, email, "sign_up_code")
    r = await anon.post("/v1/auth/sign-up/verify", json={"email": email, "code": code})
    assert r.status_code == 201 and r.json()["state"] == "active", r.text
    use_token(anon, r.json())
    me = (await anon.get("/v1/me")).json()
    assert me["role"] == "admin" and me["memberships"][0]["partner_slug"] == slug
    assert me["current_partner_id"] == r.json()["partner_id"] != tenant.partner_id
    assert (await anon.get("/v1/customers")).json()["data"] == []
    rows = await audit_rows(container, r.json()["partner_id"])
    assert "partner.signed_up" in {row.action for row in rows}
    for row in rows:
        assert PASSWORD not in repr(row.details) and code not in repr(row.details), row.details

    taken = await anon.post("/v1/auth/sign-up", json={**body, "email": fresh("second")})
    assert taken.status_code == 409 and taken.json()["code"] == "slug_taken", taken.text
    taken_existing = await anon.post("/v1/auth/sign-up", json={**body, "slug": tenant.slug})
    assert taken_existing.status_code == 409


async def test_sign_up_refuses_a_weak_password(anon: httpx.AsyncClient, container: Container) -> None:
    email = fresh("weak")
    for weak in ("short", "password", email):
        r = await anon.post(
            "/v1/auth/sign-up", json={"email": email, "password": weak, "partner_name": "Weak", "slug": "weak-pw-co"}
        )
        assert r.status_code == 400 and r.json()["code"] in ("password_length", "password_too_common"), r.text
    assert await emails_to(container, email) == []


async def test_sign_up_closed(container: Container) -> None:
    container.settings = container.settings.model_copy(update={"signup": "closed"})
    assert not container.settings.sign_up_open
    async with browser(create_app(container)) as anon:
        email = fresh("closed")
        body = {"email": email, "password": PASSWORD, "partner_name": "Closed", "slug": "closed-co"}
        r = await anon.post("/v1/auth/sign-up", json=body)
        assert r.status_code == 403 and r.json()["code"] == "sign_up_closed", r.text
        r = await anon.post("/v1/auth/sign-up/verify", json={"email": email, "code": "123456"})
        assert r.status_code == 403 and r.json()["code"] == "sign_up_closed"


async def test_code_sign_in_to_a_person_with_mfa_still_asks_for_it(
    app: FastAPI, container: Container, tenant: Tenant, clock: FixedClock
) -> None:
    async with signed_in(app, container, tenant, Role.MEMBER) as person:
        totp, _ = await enrol_mfa(person.client, clock)
        async with browser(app) as b:
            r = await code_sign_in(b, container, person.email)
            assert r.status_code == 200 and r.json()["state"] == "mfa_required", r.text
            use_token(b, r.json())
            assert (await b.get("/v1/customers")).status_code == 401
            r = await b.post("/v1/auth/sign-in/mfa", json={"code": totp.at(clock.now())})
            assert r.status_code == 200 and r.json()["state"] == "active"


async def test_sign_in_from_a_foreign_page_is_refused(
    anon: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    _, email = await add_member(container, tenant, Role.MEMBER)
    r = await anon.post(
        "/v1/auth/sign-in/password",
        json={"email": email, "password": PASSWORD},
        headers={"Origin": "https://evil.example"},
    )
    assert r.status_code == 403 and r.json()["code"] == "bad_origin", r.text
    assert "remit_dashboard" not in anon.cookies


async def test_a_new_code_voids_the_previous_one(anon: httpx.AsyncClient, container: Container, tenant: Tenant) -> None:
    _, email = await add_member(container, tenant, Role.MEMBER)
    assert (await anon.post("/v1/auth/sign-in/code", json={"email": email})).status_code == 202
    first = await emailed_code(container, email, "dashboard_sign_in_code")
    assert (await anon.post("/v1/auth/sign-in/code", json={"email": email})).status_code == 202
    second = await emailed_code(container, email, "dashboard_sign_in_code")
    if first != second:
        r = await anon.post("/v1/auth/sign-in/verify", json={"email": email, "code": first})
        assert r.status_code == 401 and r.json()["code"] == "invalid_code"
    r = await anon.post("/v1/auth/sign-in/verify", json={"email": email, "code": second})
    assert r.status_code == 200, r.text


async def test_five_wrong_second_factors_end_the_waiting_session(
    app: FastAPI, container: Container, tenant: Tenant, clock: FixedClock
) -> None:
    async with signed_in(app, container, tenant, Role.MEMBER) as person:
        totp, _ = await enrol_mfa(person.client, clock)
    async with browser(app) as b:
        await sign_in(b, person.email)
        for _ in range(5):
            r = await b.post("/v1/auth/sign-in/mfa", json={"code": "000000"})
            assert r.status_code == 401 and r.json()["code"] == "invalid_mfa_code", r.text
        late = await b.post("/v1/auth/sign-in/mfa", json={"code": totp.at(clock.now())})
        assert late.status_code == 401 and late.json()["code"] == "session_expired", late.text
    async with browser(app) as b:
        locked = await b.post("/v1/auth/sign-in/password", json={"email": person.email, "password": PASSWORD})
        assert locked.status_code == 429 and locked.json()["code"] == "account_locked", "they count towards the lock"
    failed = [r for r in await audit_rows(container, tenant.partner_id) if r.action == "user.sign_in_failed"]
    assert [r.details["reason"] for r in failed] == ["wrong_second_factor"] * 5


async def test_step_up_guesses_lock_the_account_like_sign_in_guesses(
    app: FastAPI, container: Container, tenant: Tenant
) -> None:
    async with signed_in(app, container, tenant, Role.MEMBER) as person:
        for i in range(5):
            r = await person.client.post("/v1/me/step-up", json={"password": f"step-up-guess-{i}"})
            assert r.status_code in (401, 429), r.text
        locked = await person.client.post("/v1/me/step-up", json={"password": PASSWORD})
        assert locked.status_code == 429 and locked.json()["code"] == "account_locked", locked.text
        assert int(locked.headers["Retry-After"]) > 0
        assert (await person.client.get("/v1/me")).status_code == 200, "the session itself goes on"


async def test_mfa_cannot_be_turned_off_while_the_team_requires_it(
    app: FastAPI, container: Container, tenant: Tenant, clock: FixedClock
) -> None:
    async with signed_in(app, container, tenant, Role.ADMIN) as admin:
        await enrol_mfa(admin.client, clock)
        assert (await admin.client.patch("/v1/settings/security", json={"require_mfa": True})).status_code == 200
        up = await admin.client.post("/v1/me/step-up", json={"password": PASSWORD})
        assert up.status_code == 200, up.text
        use_token(admin.client, up.json())
        r = await admin.client.delete("/v1/me/mfa")
        assert r.status_code == 409 and r.json()["code"] == "mfa_required_by_team", r.text
        assert (await admin.client.get("/v1/me")).json()["mfa_enabled"] is True


async def test_guesses_sent_at_once_are_all_counted(
    anon: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    """Racing guesses cannot outrun the counts: the code and the account are locked while one is checked."""
    _, email = await add_member(container, tenant, Role.MEMBER)
    assert (await anon.post("/v1/auth/sign-in/code", json={"email": email})).status_code == 202
    code = await emailed_code(container, email, "dashboard_sign_in_code")
    wrong = [f"{(int(code) + i) % 1_000_000:06d}" for i in range(1, 9)]
    answers = await asyncio.gather(
        *(anon.post("/v1/auth/sign-in/verify", json={"email": email, "code": w}) for w in wrong)
    )
    assert all(a.status_code == 401 for a in answers)
    r = await anon.post("/v1/auth/sign-in/verify", json={"email": email, "code": code})
    assert r.status_code == 401, "eight wrong codes at once voided it all the same"

    answers = await asyncio.gather(
        *(
            anon.post("/v1/auth/sign-in/password", json={"email": email, "password": f"racing-guess-{i}"})
            for i in range(8)
        )
    )
    assert sorted({a.status_code for a in answers}) == [401, 429]
    r = await anon.post("/v1/auth/sign-in/password", json={"email": email, "password": PASSWORD})
    assert r.status_code == 429 and r.json()["code"] == "account_locked"


async def test_a_locked_account_still_signs_in_with_an_emailed_code(
    app: FastAPI, container: Container, tenant: Tenant
) -> None:
    _, email = await add_member(container, tenant, Role.MEMBER)
    async with browser(app) as b:
        for i in range(5):
            await b.post("/v1/auth/sign-in/password", json={"email": email, "password": f"locking-guess-{i}"})
        locked = await b.post("/v1/auth/sign-in/password", json={"email": email, "password": PASSWORD})
        assert locked.status_code == 429
        r = await code_sign_in(b, container, email)
        assert r.status_code == 200 and r.json()["state"] == "active", r.text
        use_token(b, r.json())
        assert (await b.get("/v1/customers")).status_code == 200


async def test_switching_into_a_team_that_requires_mfa_asks_for_enrolment(
    app: FastAPI, container: Container, tenant: Tenant, clock: FixedClock
) -> None:
    strict = await make_tenant(container, "Strict")
    async with signed_in(app, container, strict, Role.ADMIN) as strict_admin:
        assert (await strict_admin.client.patch("/v1/settings/security", json={"require_mfa": True})).status_code == 200
    async with signed_in(app, container, tenant, Role.MEMBER) as person:
        async with container.uow() as uow:
            await add_person(
                AddPerson(strict.partner_id, person.email, Role.MEMBER),
                uow,
                creds=container.credentials,
                clock=container.clock,
            )
            await uow.commit()
        r = await person.client.post("/v1/me/partner", json={"partner_id": strict.partner_id})
        assert r.status_code == 200 and r.json()["state"] == "mfa_enrolment_required", r.text
        use_token(person.client, r.json())
        refused = await person.client.get("/v1/customers")
        assert refused.status_code == 401 and refused.json()["code"] == "mfa_enrolment_required"
        await enrol_mfa(person.client, clock)
        assert (await person.client.get("/v1/customers")).status_code == 200


async def test_someone_on_a_team_signs_up_another_partner_keeping_their_password(
    anon: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    user_id, email = await add_member(container, tenant, Role.MEMBER)
    slug = f"second-{tenant.slug}"
    body = {"email": email, "password": "another passphrase here", "partner_name": "My Second", "slug": slug}
    assert (await anon.post("/v1/auth/sign-up", json=body)).status_code == 202
    code = await emailed_code(container, email, "sign_up_code")
    r = await anon.post("/v1/auth/sign-up/verify", json={"email": email, "code": code})
    assert r.status_code == 201, r.text
    use_token(anon, r.json())
    me = (await anon.get("/v1/me")).json()
    assert me["id"] == user_id and me["role"] == "admin"
    assert {m["partner_id"]: m["role"] for m in me["memberships"]} == {
        tenant.partner_id: "member",
        r.json()["partner_id"]: "admin",
    }
    again = await anon.post("/v1/auth/sign-up/verify", json={"email": email, "code": code})
    assert again.status_code == 401, "the code worked once"
    async with browser(create_app(container)) as b:
        await sign_in(b, email, PASSWORD)


async def test_sign_up_checks_the_slug_and_name(anon: httpx.AsyncClient, container: Container) -> None:
    email = fresh("bad-slug")
    for slug in ("Not A Slug!", "-leading", "x" * 64):
        r = await anon.post(
            "/v1/auth/sign-up", json={"email": email, "password": PASSWORD, "partner_name": "Bad", "slug": slug}
        )
        assert r.status_code in (400, 422), (slug, r.text)
    assert await emails_to(container, email) == []


async def test_the_sign_in_pages_learn_whether_sign_up_is_open(container: Container) -> None:
    for signup, expected in ((None, True), ("closed", False), ("open", True)):
        settings = container.settings.model_copy(update={"signup": signup})
        app = create_app(dataclasses.replace(container, settings=settings))
        async with browser(app) as anyone:
            r = await anyone.get("/v1/auth/config")
        assert r.status_code == 200 and r.json() == {"object": "auth_config", "sign_up_open": expected}
