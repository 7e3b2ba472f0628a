"""The portal team: a colleague invited with a name and permissions (after a second factor), listed, narrowed and
removed; invitations refused when the partner turned them off."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from adapters.bootstrap import Container
from tests.conftest import Tenant
from tests.portal_customers import Portals, step_up
from tests.portal_helpers import last_email


@pytest.fixture
async def portals(client: httpx.AsyncClient, container: Container, tenant: Tenant) -> AsyncIterator[Portals]:
    async with Portals(client, container, tenant) as p:
        yield p


async def test_invite_with_a_name_then_change_and_remove(portals: Portals, container: Container) -> None:
    c = await portals.customer()
    invite = {"email": "Kim@Acme.example", "name": "  Kim Lee  ", "permissions": ["pay"]}
    r = await c.browser.post("/portal/v1/team/invites", json=invite)
    assert r.status_code == 403 and r.json()["code"] == "step_up_required", r.text
    await step_up(c.browser, container, c.email)
    r = await c.browser.post("/portal/v1/team/invites", json=invite)
    assert r.status_code == 201, r.text
    kim = r.json()
    assert (kim["email"], kim["name"], kim["permissions"], kim["active"]) == (
        "kim@acme.example",
        "Kim Lee",
        ["pay", "view"],
        False,
    )
    assert (await last_email(container, "kim@acme.example", "team_invite")).context["inviter_email"] == c.email

    team = {m["email"]: (m["name"], m["active"]) for m in (await c.browser.get("/portal/v1/team")).json()["data"]}
    assert team == {"kim@acme.example": ("Kim Lee", False), c.email: (None, True)}, "signed in with a code: active"

    r = await c.browser.patch(f"/portal/v1/team/{kim['user_id']}", json={"permissions": ["manage_methods"]})
    assert r.status_code == 200 and r.json()["permissions"] == ["manage_methods", "view"], r.text
    assert r.json()["name"] == "Kim Lee"

    r = await c.browser.delete(f"/portal/v1/team/{kim['user_id']}")
    assert r.status_code == 204, r.text
    assert [m["email"] for m in (await c.browser.get("/portal/v1/team")).json()["data"]] == [c.email]


async def test_a_name_given_later_does_not_rename_someone(portals: Portals, container: Container) -> None:
    acme = await portals.customer()
    await step_up(acme.browser, container, acme.email)
    r = await acme.browser.post("/portal/v1/team/invites", json={"email": "kim@acme.example", "name": "Kim Lee"})
    assert r.status_code == 201, r.text
    r = await acme.browser.post("/portal/v1/team/invites", json={"email": "kim@acme.example", "name": "Someone Else"})
    assert r.status_code == 201 and r.json()["name"] == "Kim Lee", r.text
    r = await acme.browser.post("/portal/v1/team/invites", json={"email": "lee@acme.example", "name": "   "})
    assert r.status_code == 422, "a blank name is refused, not stored"


async def test_invitations_off_and_without_a_name(portals: Portals, container: Container) -> None:
    c = await portals.customer()
    await step_up(c.browser, container, c.email)
    r = await c.browser.post("/portal/v1/team/invites", json={"email": "nameless@acme.example"})
    assert r.status_code == 201 and r.json()["name"] is None, r.text
    assert (await portals.partner.patch("/v1/settings/portal", json={"team_invites": False})).status_code == 200
    r = await c.browser.post("/portal/v1/team/invites", json={"email": "other@acme.example", "name": "Other"})
    assert r.status_code == 403 and r.json()["code"] == "team_invites_disabled", r.text
