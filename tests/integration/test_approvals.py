"""Deciding approvals on both databases, as people (actors built here, since people cannot sign in over HTTP yet):
approving runs the original request exactly once, even when two approvers race; nobody decides their own request;
an expired request cannot be decided; a request that can no longer run leaves the approval `failed`."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from adapters.bootstrap import Container
from adapters.db.tables import AuditLogRow, EmailRow, RefundRow
from domain.approvals.model import ApprovalStatus
from domain.clock import FixedClock
from domain.errors import Conflict, DomainError, PermissionDenied
from tests.approval_helpers import ALICE, BOB, approve, card_payment, check_payment, reject, set_rules
from tests.conftest import Tenant
from tests.factories import make_customer, make_invoice


async def _hold_refund(client: httpx.AsyncClient, payment_id: str, **body: Any) -> dict[str, Any]:
    r = await client.post(f"/v1/payments/{payment_id}/refunds", json=body)
    assert r.status_code == 202, r.text
    return dict(r.json())


async def _refunds(container: Container, tenant: Tenant, payment_id: str) -> list[tuple[int, str]]:
    async with container.sessions() as session:
        rows = await session.execute(
            select(RefundRow.amount, RefundRow.status).where(
                RefundRow.partner_id == tenant.partner_id, RefundRow.payment_id == payment_id
            )
        )
        return [(a, s) for a, s in rows]


async def _audit(container: Container, tenant: Tenant, action: str) -> list[AuditLogRow]:
    async with container.sessions() as session:
        stmt = select(AuditLogRow).where(AuditLogRow.partner_id == tenant.partner_id, AuditLogRow.action == action)
        return list(await session.scalars(stmt.order_by(AuditLogRow.id)))


async def _emails(container: Container, tenant: Tenant, template: str) -> list[EmailRow]:
    async with container.sessions() as session:
        stmt = select(EmailRow).where(EmailRow.partner_id == tenant.partner_id, EmailRow.template == template)
        return list(await session.scalars(stmt.order_by(EmailRow.id)))


@pytest.fixture
async def approvers(client: httpx.AsyncClient) -> None:
    r = await client.patch("/v1/settings/portal", json={"support_email": "help@partner.example"})
    assert r.status_code == 200, r.text


async def test_approving_runs_the_refund_once_with_its_original_parameters(
    client: httpx.AsyncClient, container: Container, tenant: Tenant, approvers: None
) -> None:
    await set_rules(container, tenant, refunds_above={"USD": 10_000})
    payment = await card_payment(client, 30_000)
    held = await _hold_refund(client, payment["id"], amount=20_000, reason="Broken on arrival")
    await set_rules(container, tenant)  # rules changed meanwhile: the request still runs as it was asked

    done = await approve(container, tenant, held["id"], BOB)

    assert (done.status, done.decided_by) == (ApprovalStatus.APPROVED, BOB)
    assert done.decided_at is not None and done.decided_at <= container.clock.now()
    assert await _refunds(container, tenant, payment["id"]) == [(20_000, "succeeded")]
    assert done.result is not None and done.result["refund_id"].startswith("re_")
    (approved,) = await _audit(container, tenant, "approval.approved")
    assert (approved.actor, approved.subject) == (BOB, held["id"])
    (created,) = await _audit(container, tenant, "refund.created")
    assert created.actor == held["requested_by"]  # the requester's refund, approved by Bob
    assert created.details["approval_id"] == held["id"] and created.details["reason"] == "Broken on arrival"
    (asked,) = await _emails(container, tenant, "approval_requested")
    (told,) = await _emails(container, tenant, "approval_decided")
    assert asked.to_address == told.to_address == "help@partner.example"
    assert (told.context["decision"], told.context["decided_by"]) == ("approved", BOB)

    # Decided once: deciding again is refused and changes nothing.
    for decide in (approve(container, tenant, held["id"]), reject(container, tenant, held["id"], "Late")):
        with pytest.raises(Conflict) as refused:
            await decide
        assert refused.value.code == "approval_not_pending"
    assert len(await _refunds(container, tenant, payment["id"])) == 1


async def test_nobody_decides_their_own_request(
    client: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    await set_rules(container, tenant, write_offs=True)
    customer = await make_customer(client)
    invoice = await make_invoice(client, customer["id"], amount=10_000)
    held = (await client.post(f"/v1/invoices/{invoice['id']}/write-off", json={"reason": "Gone"})).json()
    for decide in (
        approve(container, tenant, held["id"], held["requested_by"]),
        reject(container, tenant, held["id"], "No", held["requested_by"]),
    ):
        with pytest.raises(PermissionDenied) as refused:
            await decide
        assert refused.value.code == "self_approval"
    assert (await client.get(f"/v1/approvals/{held['id']}")).json()["status"] == "pending"

    done = await approve(container, tenant, held["id"], ALICE)  # someone else may
    assert done.status is ApprovalStatus.APPROVED and done.result == {"invoice_id": invoice["id"]}
    after = (await client.get(f"/v1/invoices/{invoice['id']}")).json()
    assert (after["status"], after["amount_written_off"]) == ("written_off", 10_000)
    (written,) = await _audit(container, tenant, "invoice.written_off")
    assert written.actor == held["requested_by"]


async def test_an_expired_request_cannot_be_decided(
    client: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    await set_rules(container, tenant, refunds_above={"USD": 0})
    payment = await check_payment(client, 5_000)
    held = await _hold_refund(client, payment["id"])
    started = container.clock.now()
    container.clock = FixedClock(started + timedelta(days=7) - timedelta(seconds=1))
    assert (await client.get(f"/v1/approvals/{held['id']}")).json()["status"] == "pending"

    container.clock = FixedClock(started + timedelta(days=7))
    for decide in (approve(container, tenant, held["id"]), reject(container, tenant, held["id"], "Too late")):
        with pytest.raises(Conflict) as refused:
            await decide
        assert refused.value.code == "approval_expired"
    assert await _refunds(container, tenant, payment["id"]) == []
    assert (await client.get(f"/v1/approvals/{held['id']}")).json()["status"] == "expired"


async def test_a_request_that_can_no_longer_run_fails_with_its_problem(
    client: httpx.AsyncClient, container: Container, tenant: Tenant, approvers: None
) -> None:
    await set_rules(container, tenant, refunds_above={"USD": 10_000})
    payment = await card_payment(client, 30_000)
    held = await _hold_refund(client, payment["id"])  # everything: 30_000
    r = await client.post(f"/v1/payments/{payment['id']}/refunds", json={"amount": 5_000})
    assert r.status_code == 201, r.text  # refunded meanwhile, below the threshold

    done = await approve(container, tenant, held["id"])

    assert done.status is ApprovalStatus.FAILED and done.result is None
    assert done.failure is not None and done.failure["code"] == "amount_exceeds_refundable"
    assert await _refunds(container, tenant, payment["id"]) == [(5_000, "succeeded")]
    shown = (await client.get(f"/v1/approvals/{held['id']}")).json()
    assert (shown["status"], shown["failure"]["code"]) == ("failed", "amount_exceeds_refundable")
    assert (await client.get("/v1/approvals", params={"status": "failed"})).json()["data"][0]["id"] == held["id"]
    (told,) = await _emails(container, tenant, "approval_decided")
    assert told.context["decision"] == "failed" and "refunded" in told.context["failure"]


async def test_rejecting_needs_a_reason_and_runs_nothing(
    client: httpx.AsyncClient, container: Container, tenant: Tenant, approvers: None
) -> None:
    await set_rules(container, tenant, refunds_above={"USD": 10_000})
    payment = await check_payment(client, 30_000)
    held = await _hold_refund(client, payment["id"])
    with pytest.raises(DomainError) as refused:
        await reject(container, tenant, held["id"], "   ")
    assert refused.value.code == "missing_field"

    done = await reject(container, tenant, held["id"], "Customer asked for a credit instead")

    assert (done.status, done.reason, done.decided_by) == (
        ApprovalStatus.REJECTED,
        "Customer asked for a credit instead",
        ALICE,
    )
    assert await _refunds(container, tenant, payment["id"]) == []
    (told,) = await _emails(container, tenant, "approval_decided")
    assert (told.context["decision"], told.context["reason"]) == ("rejected", "Customer asked for a credit instead")
    with pytest.raises(Conflict):
        await approve(container, tenant, held["id"], BOB)


async def test_two_approvers_racing_make_one_refund(
    client: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    """Real parallel connections on PostgreSQL (the approval's row lock); SQLite serialises the two writers."""
    await set_rules(container, tenant, refunds_above={"USD": 10_000})
    payments = [await card_payment(client, 40_000) for _ in range(3)]
    for payment in payments:
        held = await _hold_refund(client, payment["id"], amount=30_000)

        outcomes = await asyncio.gather(
            approve(container, tenant, held["id"], ALICE),
            approve(container, tenant, held["id"], BOB),
            return_exceptions=True,
        )

        approved = [o for o in outcomes if not isinstance(o, BaseException)]
        refused = [o for o in outcomes if isinstance(o, BaseException)]
        assert len(approved) == 1 and approved[0].status is ApprovalStatus.APPROVED, outcomes
        assert len(refused) == 1 and isinstance(refused[0], Conflict), outcomes
        assert refused[0].code == "approval_not_pending"
        assert await _refunds(container, tenant, payment["id"]) == [(30_000, "succeeded")]
        assert len(await _audit(container, tenant, "approval.approved")) == payments.index(payment) + 1
