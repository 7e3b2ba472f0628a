"""Maker-checker over HTTP: with a rule on, a refund above the threshold or a write-off answers 202 with a pending
approval and does nothing else; API keys may request but never decide; approvals are the partner's own."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
from sqlalchemy import func, select

from adapters.bootstrap import Container
from adapters.db.tables import EmailRow, RefundRow
from domain.clock import FixedClock
from tests.approval_helpers import ALICE, approve, card_payment, check_payment, reject, set_rules
from tests.conftest import Tenant, make_tenant
from tests.factories import charge_saved, make_customer, make_invoice, save_test_method

PROBLEM = "application/problem+json"


async def _refunds(container: Container, payment_id: str) -> int:
    async with container.sessions() as session:
        return int(await session.scalar(select(func.count()).where(RefundRow.payment_id == payment_id)) or 0)


async def test_no_rules_until_a_partner_switches_them_on(client: httpx.AsyncClient) -> None:
    r = await client.get("/v1/settings/approvals")
    assert r.status_code == 200, r.text
    assert r.json() == {
        "object": "approval_settings",
        "refunds_above": {},
        "write_offs": False,
        "payout_destination_changes": False,
    }
    payment = await check_payment(client, 90_000)
    r = await client.post(f"/v1/payments/{payment['id']}/refunds", json={})
    assert r.status_code == 201 and r.json()["status"] == "succeeded", r.text
    assert (await client.get("/v1/approvals")).json() == {"data": [], "next_cursor": None}


async def test_api_keys_cannot_change_the_rules(client: httpx.AsyncClient) -> None:
    r = await client.patch("/v1/settings/approvals", json={"write_offs": True})
    assert r.status_code == 403, r.text
    assert r.json()["code"] == "forbidden_for_role" and r.json()["context"]["permission"] == "security"
    assert (await client.get("/v1/settings/approvals")).json()["write_offs"] is False


async def test_a_refund_above_the_threshold_waits_for_approval(
    client: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    await set_rules(container, tenant, refunds_above={"USD": 50_000})
    assert (await client.get("/v1/settings/approvals")).json()["refunds_above"] == {"USD": 50_000}
    r = await client.patch("/v1/settings/portal", json={"notification_emails": ["approvers@partner.example"]})
    assert r.status_code == 200, r.text
    payment = await card_payment(client, 150_000)

    r = await client.post(f"/v1/payments/{payment['id']}/refunds", json={"amount": 50_001, "reason": "Duplicate"})
    assert r.status_code == 202, r.text
    held = r.json()
    assert held["object"] == "approval" and held["id"].startswith("apr_")
    assert (held["action"], held["status"], held["subject_id"]) == ("refund", "pending", payment["id"])
    assert (held["amount"], held["currency"]) == (50_001, "USD")
    assert held["params"] == {"payment_id": payment["id"], "amount": 50_001, "reason": "Duplicate"}
    assert held["requested_by"] == f"api_key:{tenant.api_key_id}"
    assert held["result"] is None and held["failure"] is None and held["decided_by"] is None
    assert await _refunds(container, payment["id"]) == 0  # nothing else happened
    assert (await client.get(f"/v1/payments/{payment['id']}")).json()["status"] == "succeeded"
    assert (await client.get(f"/v1/approvals/{held['id']}")).json() == held
    (listed,) = (await client.get("/v1/approvals", params={"status": "pending"})).json()["data"]
    assert listed == held
    async with container.sessions() as session:
        asked = await session.scalar(
            select(EmailRow).where(EmailRow.template == "approval_requested", EmailRow.partner_id == tenant.partner_id)
        )
    assert asked is not None and asked.to_address == "approvers@partner.example"
    (event,) = (await client.get("/v1/audit-events", params={"action": "approval.requested"})).json()["data"]
    assert (event["actor"], event["subject"]) == (held["requested_by"], held["id"])

    # At or below the threshold, and a full refund of a small payment: refunded at once as before.
    r = await client.post(f"/v1/payments/{payment['id']}/refunds", json={"amount": 50_000})
    assert r.status_code == 201 and r.json()["status"] == "succeeded", r.text
    small = await check_payment(client, 50_000)
    assert (await client.post(f"/v1/payments/{small['id']}/refunds", json={})).status_code == 201

    # Approving (as a person) runs the original request: 50_001 with its reason.
    done = await approve(container, tenant, held["id"])
    assert done.status.value == "approved" and done.result is not None
    refund_id = done.result["refund_id"]
    refunds = (await client.get(f"/v1/payments/{payment['id']}/refunds")).json()["data"]
    assert {(r["id"], r["amount"], r["reason"], r["status"]) for r in refunds} >= {
        (refund_id, 50_001, "Duplicate", "succeeded")
    }
    shown = (await client.get(f"/v1/approvals/{held['id']}")).json()
    assert (shown["status"], shown["decided_by"], shown["result"]) == ("approved", ALICE, {"refund_id": refund_id})


async def test_a_full_refund_counts_what_is_still_refundable(
    client: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    await set_rules(container, tenant, refunds_above={"USD": 50_000, "CAD": 1})
    payment = await check_payment(client, 60_000)
    r = await client.post(f"/v1/payments/{payment['id']}/refunds", json={})
    assert r.status_code == 202 and r.json()["amount"] == 60_000, r.text
    assert r.json()["params"] == {"payment_id": payment["id"], "amount": None, "reason": None}
    # A request that would be refused anyway is refused as usual, not held.
    r = await client.post(f"/v1/payments/{payment['id']}/refunds", json={"amount": 60_001})
    assert r.status_code == 409 and r.json()["code"] == "amount_exceeds_refundable", r.text


async def test_a_write_off_waits_for_approval_when_the_rule_is_on(
    client: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    await set_rules(container, tenant, write_offs=True)
    customer = await make_customer(client)
    invoice = await make_invoice(client, customer["id"], amount=10_000)
    r = await client.post(f"/v1/invoices/{invoice['id']}/write-off", json={"reason": "Gone", "amount": 4_000})
    assert r.status_code == 202, r.text
    held = r.json()
    assert (held["action"], held["subject_id"], held["amount"]) == ("write_off", invoice["id"], 4_000)
    after = (await client.get(f"/v1/invoices/{invoice['id']}")).json()
    assert (after["status"], after["amount_due"], after["amount_written_off"]) == ("open", 10_000, 0)

    rejected = await reject(container, tenant, held["id"], "  They will pay next week.  ")
    assert (rejected.status.value, rejected.reason) == ("rejected", "They will pay next week.")
    after = (await client.get(f"/v1/invoices/{invoice['id']}")).json()
    assert after["amount_written_off"] == 0
    shown = (await client.get(f"/v1/approvals/{held['id']}")).json()
    assert (shown["status"], shown["reason"], shown["decided_by"]) == ("rejected", "They will pay next week.", ALICE)
    (event,) = (await client.get("/v1/audit-events", params={"action": "approval.rejected"})).json()["data"]
    assert event["details"]["reason"] == "They will pay next week."


async def test_api_keys_request_but_never_decide(
    client: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    await set_rules(container, tenant, write_offs=True)
    customer = await make_customer(client)
    invoice = await make_invoice(client, customer["id"], amount=10_000)
    held = (await client.post(f"/v1/invoices/{invoice['id']}/write-off", json={"reason": "Gone"})).json()
    for path, body in (("approve", None), ("reject", {"reason": "No"})):
        r = await client.post(f"/v1/approvals/{held['id']}/{path}", json=body)
        assert r.status_code == 403 and r.headers["content-type"] == PROBLEM, r.text
        assert r.json()["code"] == "forbidden_for_role" and r.json()["context"]["permission"] == "approvals"
    assert (await client.get(f"/v1/approvals/{held['id']}")).json()["status"] == "pending"
    assert (await client.get(f"/v1/invoices/{invoice['id']}")).json()["amount_written_off"] == 0


async def test_pending_requests_read_expired_after_seven_days(
    client: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    await set_rules(container, tenant, write_offs=True)
    customer = await make_customer(client)
    invoice = await make_invoice(client, customer["id"], amount=10_000)
    held = (await client.post(f"/v1/invoices/{invoice['id']}/write-off", json={"reason": "Gone"})).json()
    container.clock = FixedClock(container.clock.now() + timedelta(days=7, seconds=1))
    assert (await client.get(f"/v1/approvals/{held['id']}")).json()["status"] == "expired"
    assert (await client.get("/v1/approvals", params={"status": "pending"})).json()["data"] == []
    (expired,) = (await client.get("/v1/approvals", params={"status": "expired"})).json()["data"]
    assert expired["id"] == held["id"]


async def test_bad_rules_and_filters_are_refused_clearly(
    client: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    r = await client.get("/v1/approvals", params={"status": "maybe"})
    assert r.status_code == 422 and r.headers["content-type"] == PROBLEM
    r = await client.get("/v1/approvals", params={"cursor": "nonsense"})
    assert r.status_code == 400 and r.json()["code"] == "invalid_cursor"
    r = await client.get(f"/v1/approvals/apr_{uuid.uuid4().hex[:26].upper()}")
    assert r.status_code == 404 and r.json()["code"] == "resource_missing"


async def test_another_partners_approval_is_not_found(
    client: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    await set_rules(container, tenant, write_offs=True)
    customer = await make_customer(client)
    invoice = await make_invoice(client, customer["id"], amount=10_000)
    held = (await client.post(f"/v1/invoices/{invoice['id']}/write-off", json={"reason": "Gone"})).json()
    other = await make_tenant(container, "Other")
    theirs = {"Authorization": f"Bearer {other.api_key}"}
    r = await client.get(f"/v1/approvals/{held['id']}", headers=theirs)
    assert r.status_code == 404 and r.json()["code"] == "resource_missing", r.text
    assert (await client.get("/v1/approvals", headers=theirs)).json()["data"] == []


async def test_a_retried_request_replays_its_approval_instead_of_holding_another(
    client: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    await set_rules(container, tenant, refunds_above={"USD": 100})
    payment = await check_payment(client, 5_000)
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = await client.post(f"/v1/payments/{payment['id']}/refunds", json={"amount": 200}, headers=key)
    again = await client.post(f"/v1/payments/{payment['id']}/refunds", json={"amount": 200}, headers=key)
    assert first.status_code == again.status_code == 202, again.text
    assert again.json() == first.json()
    assert len((await client.get("/v1/approvals")).json()["data"]) == 1


async def test_canceling_a_pending_bank_debit_is_held_whole_and_a_partial_one_refused(
    client: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    await set_rules(container, tenant, refunds_above={"USD": 5_000})
    customer = await make_customer(client)
    invoice = await make_invoice(client, customer["id"], amount=10_000)
    bank = await save_test_method(client, customer["id"], "settles")
    r = await charge_saved(client, customer["id"], bank["id"], [(invoice["id"], 10_000)])
    payment = r.json()
    assert payment["status"] == "pending", r.text

    partial = await client.post(f"/v1/payments/{payment['id']}/refunds", json={"amount": 100})
    assert (partial.status_code, partial.json()["code"]) == (400, "partial_refund_of_pending_debit")
    r = await client.post(f"/v1/payments/{payment['id']}/refunds", json={})
    assert r.status_code == 202 and r.json()["amount"] == 10_000, r.text

    done = await approve(container, tenant, r.json()["id"])
    assert done.status.value == "approved", done
    assert (await client.get(f"/v1/payments/{payment['id']}")).json()["status"] == "canceled"
