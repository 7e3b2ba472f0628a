"""/v1/team and switching partner: invitations, roles that take effect at once, the last admin, removal, and a
person on two teams. Both databases (the race between two admins on PostgreSQL, which locks the team)."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from fastapi import FastAPI

from adapters.bootstrap import Container
from api.app import create_app
from domain.clock import FixedClock
from domain.team.members import AddPerson, add_person
from domain.team.roles import Role
from tests.conftest import Tenant, make_tenant
from tests.dashboard_helpers import advance, audit_rows, emails_to, fixed_clock, fresh, link_token, use_token
from tests.team_helpers import PASSWORD, add_member, browser, sign_in, signed_in

INVITE = "dashboard_invite"
NEW_PERSON_PASSWORD = "my own fresh passphrase"


@pytest.fixture
def clock(container: Container) -> FixedClock:
    return fixed_clock(container)


@pytest.fixture
def app(container: Container, clock: FixedClock) -> FastAPI:
    return create_app(container)


async def join(container: Container, tenant: Tenant, email: str, role: Role) -> None:
    """Someone with a login already put on another team (their password stays)."""
    async with container.uow() as uow:
        await add_person(
            AddPerson(tenant.partner_id, email, role), uow, creds=container.credentials, clock=container.clock
        )
        await uow.commit()


async def member_of(client: httpx.AsyncClient, user_id: str) -> dict[str, object] | None:
    members = (await client.get("/v1/team")).json()["members"]
    return next((m for m in members if m["user_id"] == user_id), None)


# Invitations -------------------------------------------------------------------------------------------------------


async def test_a_new_person_accepts_an_invitation_with_a_password(
    app: FastAPI, container: Container, tenant: Tenant
) -> None:
    email = fresh("new-hire")
    async with signed_in(app, container, tenant, Role.ADMIN) as admin:
        r = await admin.client.post("/v1/team/invites", json={"email": email, "role": "sub_admin"})
        assert r.status_code == 201 and r.json()["role"] == "sub_admin", r.text
        pending = (await admin.client.get("/v1/team")).json()["invitations"]
        assert [i["email"] for i in pending] == [email]
        assert len(await emails_to(container, email, INVITE)) == 1
        token = await link_token(container, email, INVITE)

        async with browser(app) as b:
            no_password = await b.post("/v1/auth/invitations/accept", json={"token": token})
            assert no_password.status_code == 400 and no_password.json()["code"] == "missing_field", no_password.text
            r = await b.post(
                "/v1/auth/invitations/accept",
                json={"token": token, "name": "New Hire", "password": NEW_PERSON_PASSWORD},
            )
            assert r.status_code == 200 and r.json()["partner_id"] == tenant.partner_id, r.text
            use_token(b, r.json())
            me = (await b.get("/v1/me")).json()
            assert me["role"] == "sub_admin" and me["name"] == "New Hire"
            assert (await b.get("/v1/customers")).status_code == 200

            again = await b.post("/v1/auth/invitations/accept", json={"token": token, "password": NEW_PERSON_PASSWORD})
            assert again.status_code == 401 and again.json()["code"] == "invalid_link", "used once"

        joined = await member_of(admin.client, me["id"])
        assert joined is not None and joined["role"] == "sub_admin"
        assert (await admin.client.get("/v1/team")).json()["invitations"] == []
    async with browser(app) as b:
        await sign_in(b, email, NEW_PERSON_PASSWORD)
    for row in await audit_rows(container, tenant.partner_id):
        assert NEW_PERSON_PASSWORD not in repr(row.details) and token not in repr(row.details)


async def test_someone_with_a_login_joins_without_changing_their_password(
    app: FastAPI, container: Container, tenant: Tenant
) -> None:
    elsewhere = await make_tenant(container, "Elsewhere")
    user_id, email = await add_member(container, elsewhere, Role.MEMBER)
    async with signed_in(app, container, tenant, Role.ADMIN) as admin:
        r = await admin.client.post("/v1/team/invites", json={"email": email, "role": "read_only"})
        assert r.status_code == 201, r.text
        assert (await emails_to(container, email, INVITE))[0].context["has_account"] is True
        token = await link_token(container, email, INVITE)
        async with browser(app) as b:
            r = await b.post(
                "/v1/auth/invitations/accept", json={"token": token, "password": "an attempt to change it"}
            )
            assert r.status_code == 200 and r.json()["partner_id"] == tenant.partner_id, r.text
            use_token(b, r.json())
            me = (await b.get("/v1/me")).json()
            assert me["id"] == user_id and me["role"] == "read_only"
            assert {m["partner_id"] for m in me["memberships"]} == {tenant.partner_id, elsewhere.partner_id}
        assert (await member_of(admin.client, user_id)) is not None
    async with browser(app) as b:
        changed = await b.post(
            "/v1/auth/sign-in/password", json={"email": email, "password": "an attempt to change it"}
        )
        assert changed.status_code == 401
        await sign_in(b, email, PASSWORD)


async def test_an_invitation_expires_after_seven_days(
    app: FastAPI, container: Container, tenant: Tenant, clock: FixedClock
) -> None:
    email = fresh("late-joiner")
    async with signed_in(app, container, tenant, Role.ADMIN) as admin:
        assert (await admin.client.post("/v1/team/invites", json={"email": email, "role": "member"})).status_code == 201
    token = await link_token(container, email, INVITE)
    advance(clock, days=7, seconds=1)
    async with browser(app) as b:
        r = await b.post("/v1/auth/invitations/accept", json={"token": token, "password": NEW_PERSON_PASSWORD})
        assert r.status_code == 401 and r.json()["code"] == "invalid_link", r.text
        r = await b.post("/v1/auth/invitations/accept", json={"token": "x" * 43, "password": NEW_PERSON_PASSWORD})
        assert r.status_code == 401 and r.json()["code"] == "invalid_link"


async def test_a_member_cannot_invite(app: FastAPI, container: Container, tenant: Tenant) -> None:
    for role in (Role.MEMBER, Role.SUB_ADMIN, Role.READ_ONLY):
        async with signed_in(app, container, tenant, role) as person:
            email = fresh(f"invited-by-{role.value}")
            r = await person.client.post("/v1/team/invites", json={"email": email, "role": "admin"})
            assert r.status_code == 403 and r.json()["code"] == "forbidden_for_role", r.text
            assert await emails_to(container, email) == []
            assert (await person.client.get("/v1/team")).status_code == 200, "everyone reads the team"


async def test_an_api_key_cannot_manage_the_team(client: httpx.AsyncClient, container: Container) -> None:
    email = fresh("by-key")
    r = await client.post("/v1/team/invites", json={"email": email, "role": "admin"})
    assert r.status_code == 403 and r.json()["code"] == "forbidden_for_role"
    assert await emails_to(container, email) == []


# Roles and removal -------------------------------------------------------------------------------------------------


async def test_a_role_change_takes_effect_on_the_very_next_request(
    app: FastAPI, container: Container, tenant: Tenant
) -> None:
    async with (
        signed_in(app, container, tenant, Role.ADMIN) as admin,
        signed_in(app, container, tenant, Role.MEMBER) as clerk,
    ):
        assert (await clerk.client.post("/v1/customers", json={"name": "Before"})).status_code == 201
        r = await admin.client.patch(f"/v1/team/{clerk.user_id}", json={"role": "read_only"})
        assert r.status_code == 200 and r.json()["role"] == "read_only", r.text
        refused = await clerk.client.post("/v1/customers", json={"name": "After"})
        assert refused.status_code == 403 and refused.json()["code"] == "forbidden_for_role", refused.text
        assert (await clerk.client.get("/v1/me")).json()["role"] == "read_only"

        assert (await clerk.client.get("/v1/api-keys")).status_code == 403
        assert (await admin.client.patch(f"/v1/team/{clerk.user_id}", json={"role": "admin"})).status_code == 200
        assert (await clerk.client.get("/v1/api-keys")).status_code == 200, "promoted at once too"
        changes = [r for r in await audit_rows(container, tenant.partner_id) if r.action == "team.role_changed"]
        assert [(c.details["before"], c.details["after"]) for c in changes] == [
            ("member", "read_only"),
            ("read_only", "admin"),
        ]
        bad = await admin.client.patch(f"/v1/team/{clerk.user_id}", json={"role": "owner"})
        assert bad.status_code == 422


async def test_the_last_admin_can_be_neither_demoted_nor_removed(
    app: FastAPI, container: Container, tenant: Tenant
) -> None:
    async with signed_in(app, container, tenant, Role.ADMIN) as admin:
        demoted = await admin.client.patch(f"/v1/team/{admin.user_id}", json={"role": "sub_admin"})
        assert demoted.status_code == 409 and demoted.json()["code"] == "last_admin", demoted.text
        removed = await admin.client.delete(f"/v1/team/{admin.user_id}")
        assert removed.status_code == 409 and removed.json()["code"] == "last_admin", removed.text
        assert (await admin.client.get("/v1/me")).json()["role"] == "admin"

        second_id, _ = await add_member(container, tenant, Role.ADMIN)
        assert (await admin.client.patch(f"/v1/team/{admin.user_id}", json={"role": "sub_admin"})).status_code == 200
        assert (await admin.client.get("/v1/team")).status_code == 200
        assert (await admin.client.delete(f"/v1/team/{second_id}")).status_code == 403, "no longer an admin"


async def test_two_admins_demoting_each_other_at_once_leave_one_admin(
    app: FastAPI, container: Container, tenant: Tenant
) -> None:
    """PostgreSQL locks the team's memberships while one change is checked; SQLite's writers queue."""
    for _ in range(5):
        async with (
            signed_in(app, container, tenant, Role.ADMIN) as a,
            signed_in(app, container, tenant, Role.ADMIN) as b,
        ):
            for user_id, _ in [(m["user_id"], m) for m in (await a.client.get("/v1/team")).json()["members"]]:
                if user_id not in (a.user_id, b.user_id):  # earlier rounds' admins step aside
                    r = await a.client.delete(f"/v1/team/{user_id}")
                    assert r.status_code == 204, r.text
            answers = await asyncio.gather(
                a.client.patch(f"/v1/team/{b.user_id}", json={"role": "member"}),
                b.client.patch(f"/v1/team/{a.user_id}", json={"role": "member"}),
            )
            codes = sorted(r.status_code for r in answers)
            assert codes in ([200, 409], [200, 403]), [r.text for r in answers]
            admins = [m for m in (await a.client.get("/v1/team")).json()["members"] if m["role"] == "admin"]
            assert len(admins) == 1, admins


async def test_removing_someone_ends_their_sessions_for_that_partner_only(
    app: FastAPI, container: Container, tenant: Tenant
) -> None:
    other = await make_tenant(container, "Other")
    user_id, email = await add_member(container, tenant, Role.MEMBER)
    async with signed_in(app, container, tenant, Role.ADMIN) as admin:
        async with browser(app) as here, browser(app) as there:
            # the same person, on both teams, one session working for each
            await join(container, other, email, Role.MEMBER)
            await sign_in(here, email)
            await sign_in(there, email)
            r = await there.post("/v1/me/partner", json={"partner_id": other.partner_id})
            assert r.status_code == 200, r.text
            use_token(there, r.json())

            assert (await admin.client.delete(f"/v1/team/{user_id}")).status_code == 204
            ended = await here.get("/v1/customers")
            assert ended.status_code == 401 and ended.json()["code"] == "session_expired", ended.text
            assert (await there.get("/v1/customers")).status_code == 200, "their other team's session goes on"
            assert (await member_of(admin.client, user_id)) is None
            removed = [r for r in await audit_rows(container, tenant.partner_id) if r.action == "team.member_removed"]
            assert [r.subject for r in removed] == [user_id]
        async with browser(app) as b:
            body = await sign_in(b, email)
            assert body["partner_id"] == other.partner_id, "signs in to the team they are still on"


# Switching partner -------------------------------------------------------------------------------------------------


async def test_switching_partner_shows_only_the_second_partners_data(
    app: FastAPI, client: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    second = await make_tenant(container, "Second")
    stranger = await make_tenant(container, "Stranger")
    assert (await client.post("/v1/customers", json={"name": "First's customer"})).status_code == 201
    r = await client.post(
        "/v1/customers", json={"name": "Second's customer"}, headers={"Authorization": f"Bearer {second.api_key}"}
    )
    assert r.status_code == 201
    async with signed_in(app, container, tenant, Role.MEMBER) as person:
        await join(container, second, person.email, Role.ADMIN)
        names = [c["name"] for c in (await person.client.get("/v1/customers")).json()["data"]]
        assert names == ["First's customer"]
        old_cookie = person.client.cookies["remit_dashboard"]

        r = await person.client.post("/v1/me/partner", json={"partner_id": second.partner_id})
        assert r.status_code == 200 and r.json()["partner_id"] == second.partner_id, r.text
        use_token(person.client, r.json())
        assert person.client.cookies["remit_dashboard"] != old_cookie
        names = [c["name"] for c in (await person.client.get("/v1/customers")).json()["data"]]
        assert names == ["Second's customer"]
        me = (await person.client.get("/v1/me")).json()
        assert me["current_partner_id"] == second.partner_id and me["role"] == "admin"

        refused = await person.client.post("/v1/me/partner", json={"partner_id": stranger.partner_id})
        assert refused.status_code == 403 and refused.json()["code"] == "not_a_member", refused.text
        assert (await person.client.get("/v1/me")).json()["current_partner_id"] == second.partner_id


async def test_a_withdrawn_invitation_no_longer_works(app: FastAPI, container: Container, tenant: Tenant) -> None:
    email = fresh("withdrawn")
    async with signed_in(app, container, tenant, Role.ADMIN) as admin:
        invitation = (await admin.client.post("/v1/team/invites", json={"email": email, "role": "member"})).json()
        token = await link_token(container, email, INVITE)
        assert (await admin.client.delete(f"/v1/team/invites/{invitation['id']}")).status_code == 204
        assert (await admin.client.delete(f"/v1/team/invites/{invitation['id']}")).status_code == 404
        assert (await admin.client.get("/v1/team")).json()["invitations"] == []
        async with browser(app) as b:
            r = await b.post("/v1/auth/invitations/accept", json={"token": token, "password": NEW_PERSON_PASSWORD})
            assert r.status_code == 401 and r.json()["code"] == "invalid_link", r.text
        member = await admin.client.post("/v1/team/invites", json={"email": admin.email, "role": "member"})
        assert member.status_code == 409 and member.json()["code"] == "already_a_member"


async def test_an_invitation_accepted_twice_at_once_joins_one_person(
    app: FastAPI, container: Container, tenant: Tenant
) -> None:
    email = fresh("eager")
    async with signed_in(app, container, tenant, Role.ADMIN) as admin:
        assert (await admin.client.post("/v1/team/invites", json={"email": email, "role": "member"})).status_code == 201
        token = await link_token(container, email, INVITE)
        async with browser(app) as one, browser(app) as two:
            answers = await asyncio.gather(
                *(
                    b.post("/v1/auth/invitations/accept", json={"token": token, "password": NEW_PERSON_PASSWORD})
                    for b in (one, two)
                )
            )
        assert sorted(a.status_code for a in answers) == [200, 401], [a.text for a in answers]
        members = [m for m in (await admin.client.get("/v1/team")).json()["members"] if m["email"] == email]
        assert len(members) == 1
