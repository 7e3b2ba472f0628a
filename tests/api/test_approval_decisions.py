"""Deciding approvals as people signed in to the dashboard: admins and sub-admins other than the requester decide,
members cannot, and of two people approving at once one runs the request and the other gets 409."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from adapters.bootstrap import Container
from adapters.db.tables import EmailRow, RefundRow
from domain.team.roles import Role
from tests.approval_helpers import card_payment, check_payment, set_rules
from tests.conftest import Tenant
from tests.factories import make_customer, make_invoice
from tests.team_helpers import Person, app_of, signed_in


async def _refunds(container: Container, payment_id: str) -> int:
    async with container.sessions() as session:
        return int(await session.scalar(select(func.count()).where(RefundRow.payment_id == payment_id)) or 0)


def _key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


async def test_admins_set_the_rules_and_sub_admins_cannot(
    client: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    app = app_of(client)
    async with (
        signed_in(app, container, tenant, Role.ADMIN) as admin,
        signed_in(app, container, tenant, Role.SUB_ADMIN) as sub_admin,
    ):
        r = await admin.client.patch(
            "/v1/settings/approvals", json={"refunds_above": {"amount": 50_000, "currency": "usd"}, "write_offs": True}
        )
        assert r.status_code == 200, r.text
        assert r.json() == {
            "object": "approval_settings",
            "refunds_above": {"USD": 50_000},
            "write_offs": True,
            "payout_destination_changes": False,
        }
        r = await admin.client.patch("/v1/settings/approvals", json={"refunds_above": {"EUR": 1, "cad": 20_000}})
        assert r.json()["refunds_above"] == {"EUR": 1, "CAD": 20_000} and r.json()["write_offs"] is True
        r = await admin.client.patch("/v1/settings/approvals", json={"refunds_above": {"XXX": 1}})
        assert r.status_code == 400 and r.json()["code"] == "unknown_currency", r.text
        r = await admin.client.patch("/v1/settings/approvals", json={"refunds_above": {"USD": -1}})
        assert r.status_code == 422, r.text
        r = await admin.client.patch("/v1/settings/approvals", json={"refunds_above": None})
        assert r.json()["refunds_above"] == {}
        r = await sub_admin.client.patch("/v1/settings/approvals", json={"write_offs": False})
        assert r.status_code == 403 and r.json()["code"] == "forbidden_for_role", r.text
        (event,) = (await client.get("/v1/audit-events", params={"action": "settings.approvals.updated"})).json()[
            "data"
        ][-1:]
        assert event["actor"] == f"user:{admin.user_id}"


async def test_a_person_cannot_approve_their_own_request_but_another_can(
    client: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    app = app_of(client)
    async with (
        signed_in(app, container, tenant, Role.ADMIN) as admin,
        signed_in(app, container, tenant, Role.SUB_ADMIN) as sub_admin,
        signed_in(app, container, tenant, Role.MEMBER) as member,
    ):
        assert (await admin.client.patch("/v1/settings/approvals", json={"write_offs": True})).status_code == 200
        customer = await make_customer(client)
        invoice = await make_invoice(client, customer["id"], amount=10_000)
        r = await sub_admin.client.post(f"/v1/invoices/{invoice['id']}/write-off", json={"reason": "Gone"})
        assert r.status_code == 202, r.text
        held = r.json()
        assert held["requested_by"] == f"user:{sub_admin.user_id}"

        r = await sub_admin.client.post(f"/v1/approvals/{held['id']}/approve", headers=_key())
        assert r.status_code == 403 and r.json()["code"] == "self_approval", r.text
        r = await member.client.post(f"/v1/approvals/{held['id']}/approve", headers=_key())
        assert r.status_code == 403 and r.json()["code"] == "forbidden_for_role", r.text
        assert (await client.get(f"/v1/invoices/{invoice['id']}")).json()["amount_written_off"] == 0

        r = await admin.client.post(f"/v1/approvals/{held['id']}/approve", headers=_key())
        assert r.status_code == 200, r.text
        done = r.json()
        assert (done["status"], done["decided_by"], done["result"]) == (
            "approved",
            f"user:{admin.user_id}",
            {"invoice_id": invoice["id"]},
        )
        after = (await client.get(f"/v1/invoices/{invoice['id']}")).json()
        assert (after["status"], after["amount_written_off"]) == ("written_off", 10_000)
        r = await admin.client.post(f"/v1/approvals/{held['id']}/reject", json={"reason": "Too late"})
        assert r.status_code == 409 and r.json()["code"] == "approval_not_pending", r.text


async def test_rejecting_over_http_needs_a_reason(
    client: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    app = app_of(client)
    async with signed_in(app, container, tenant, Role.ADMIN) as admin:
        assert (
            await admin.client.patch("/v1/settings/approvals", json={"refunds_above": {"USD": 0}})
        ).status_code == 200
        payment = await check_payment(client, 5_000)
        held = (await client.post(f"/v1/payments/{payment['id']}/refunds", json={})).json()
        r = await admin.client.post(f"/v1/approvals/{held['id']}/reject", json={})
        assert r.status_code == 422, r.text
        r = await admin.client.post(f"/v1/approvals/{held['id']}/reject", json={"reason": "x" * 501})
        assert r.status_code == 422, r.text
        r = await admin.client.post(f"/v1/approvals/{held['id']}/reject", json={"reason": "Credit note instead"})
        assert r.status_code == 200 and r.json()["status"] == "rejected", r.text
        assert r.json()["reason"] == "Credit note instead"
        assert await _refunds(container, payment["id"]) == 0


async def test_two_people_approving_at_once_make_one_refund(
    client: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    app = app_of(client)
    async with (
        signed_in(app, container, tenant, Role.ADMIN) as admin,
        signed_in(app, container, tenant, Role.SUB_ADMIN) as sub_admin,
    ):
        r = await admin.client.patch("/v1/settings/approvals", json={"refunds_above": {"USD": 10_000}})
        assert r.status_code == 200, r.text
        payment = await card_payment(client, 40_000)
        held = (await client.post(f"/v1/payments/{payment['id']}/refunds", json={"amount": 30_000})).json()
        assert held["status"] == "pending"

        answers = await asyncio.gather(
            admin.client.post(f"/v1/approvals/{held['id']}/approve", headers=_key()),
            sub_admin.client.post(f"/v1/approvals/{held['id']}/approve", headers=_key()),
        )

        assert sorted(r.status_code for r in answers) == [200, 409], [r.text for r in answers]
        (refused,) = [r for r in answers if r.status_code == 409]
        assert refused.json()["code"] == "approval_not_pending"
        assert await _refunds(container, payment["id"]) == 1
        refunds = (await client.get(f"/v1/payments/{payment['id']}/refunds")).json()["data"]
        assert [(r["amount"], r["status"]) for r in refunds] == [(30_000, "succeeded")]


async def _emailed(container: Container, tenant: Tenant, template: str) -> list[tuple[str, dict[str, object]]]:
    async with container.sessions() as session:
        rows = await session.scalars(
            select(EmailRow)
            .where(EmailRow.partner_id == tenant.partner_id, EmailRow.template == template)
            .order_by(EmailRow.id)
        )
        return [(row.to_address, dict(row.context)) for row in rows]


async def test_the_other_deciders_are_asked_and_the_requester_is_told(
    client: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    app = app_of(client)
    async with (
        signed_in(app, container, tenant, Role.ADMIN) as admin,
        signed_in(app, container, tenant, Role.SUB_ADMIN) as sub_admin,
        signed_in(app, container, tenant, Role.MEMBER) as member,
    ):
        assert (await admin.client.patch("/v1/settings/approvals", json={"write_offs": True})).status_code == 200
        customer = await make_customer(client)
        invoice = await make_invoice(client, customer["id"], amount=10_000)
        r = await admin.client.post(f"/v1/invoices/{invoice['id']}/write-off", json={"reason": "Gone"})
        held = r.json()
        asked = await _emailed(container, tenant, "approval_requested")
        assert [to for to, _ in asked] == [sub_admin.email]  # not the requester, not a member
        assert asked[0][1]["requested_by"] == admin.email
        r = await sub_admin.client.post(f"/v1/approvals/{held['id']}/reject", json={"reason": "Call them first"})
        assert r.status_code == 200, r.text
        (told,) = await _emailed(container, tenant, "approval_decided")
        assert told[0] == admin.email
        assert (told[1]["decision"], told[1]["decided_by"], told[1]["reason"]) == (
            "rejected",
            sub_admin.email,
            "Call them first",
        )
        assert member.email not in {to for to, _ in asked}


JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
    | st.sampled_from(["USD", "usd", "XXX", "", "1e3", "\u0000"])
)
KEYS = st.sampled_from(["USD", "cad", "amount", "currency", "x", ""]) | st.text(max_size=4)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(KEYS, kids, max_size=3),
    max_leaves=6,
)


@pytest.fixture
async def admin(client: httpx.AsyncClient, container: Container, tenant: Tenant) -> AsyncIterator[Person]:
    async with signed_in(app_of(client), container, tenant, Role.ADMIN) as person:
        yield person


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(field=st.sampled_from(["refunds_above", "write_offs", "payout_destination_changes"]), value=JSON_VALUES)
async def test_any_json_for_the_rules_is_answered_without_a_server_error(
    client: httpx.AsyncClient, admin: Person, field: str, value: object
) -> None:
    before = (await client.get("/v1/settings/approvals")).json()
    r = await admin.client.patch("/v1/settings/approvals", json={field: value})
    assert r.status_code < 500, f"{field}={value!r}: {r.text}"
    if r.status_code != 200:
        assert 400 <= r.status_code < 500 and r.headers["content-type"] == "application/problem+json"
        assert (await client.get("/v1/settings/approvals")).json() == before, f"{field}={value!r} wrote"


@pytest.mark.parametrize("reason", [None, 1, "", " ", "\u0000", "x" * 501, ["a"], {"a": 1}])
async def test_a_rejection_without_a_usable_reason_is_refused_and_changes_nothing(
    client: httpx.AsyncClient, container: Container, tenant: Tenant, reason: object
) -> None:
    await set_rules(container, tenant, write_offs=True)
    customer = await make_customer(client)
    invoice = await make_invoice(client, customer["id"], amount=10_000)
    held = (await client.post(f"/v1/invoices/{invoice['id']}/write-off", json={"reason": "Gone"})).json()
    async with signed_in(app_of(client), container, tenant, Role.SUB_ADMIN) as sub_admin:
        r = await sub_admin.client.post(f"/v1/approvals/{held['id']}/reject", json={"reason": reason})
    assert r.status_code in (400, 422), r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert (await client.get(f"/v1/approvals/{held['id']}")).json()["status"] == "pending"
