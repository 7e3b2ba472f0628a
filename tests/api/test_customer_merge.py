"""POST /v1/customers/{id}/merge: a duplicate's invoices, payments, saved methods, schedules, portal access,
contacts and tags move to the survivor in one transaction; its balance moves with its invoices; the duplicate
stays readable and changes no more; every refusal writes nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from adapters.bootstrap import Container
from adapters.db.tables import AuditLogRow, OutboxEventRow, PaymentMethodRow
from adapters.processors.sandbox.tables import SandboxMethodRow
from tests.conftest import Tenant, make_tenant
from tests.factories import charge_saved, make_customer, make_invoice, pay, save_test_method
from tests.portal_customers import Portals


@pytest.fixture
async def portals(client: httpx.AsyncClient, container: Container, tenant: Tenant) -> AsyncIterator[Portals]:
    async with Portals(client, container, tenant) as p:
        yield p


async def _merge(client: httpx.AsyncClient, customer_id: str, into: str) -> httpx.Response:
    return await client.post(f"/v1/customers/{customer_id}/merge", json={"into_customer_id": into})


async def _owed(client: httpx.AsyncClient, customer_id: str) -> int | None:
    """The customer's balance as the partner sees it: its line in the aging insight (sums of ledger lines)."""
    rows = (await client.get("/v1/insights/aging", params={"currency": "USD", "limit": 100})).json()["data"]
    found = [r for r in rows if r["customer_id"] == customer_id]
    return int(found[0]["buckets"]["total"]) if found else None


async def _writes(container: Container, tenant: Tenant) -> tuple[int, int]:
    async with container.sessions() as session:
        audit = await session.scalar(
            select(func.count()).select_from(AuditLogRow).where(AuditLogRow.partner_id == tenant.partner_id)
        )
        events = await session.scalar(
            select(func.count()).select_from(OutboxEventRow).where(OutboxEventRow.partner_id == tenant.partner_id)
        )
    return int(audit or 0), int(events or 0)


async def test_merge_moves_everything_and_the_balance_follows(
    portals: Portals, container: Container, tenant: Tenant
) -> None:
    client = portals.partner
    today = container.clock.today()
    dup = await portals.customer(
        "dana@dup.example",
        name="Acme Dental (dup)",
        contacts=[{"email": "office@dup.example", "name": "Office"}],
        tags=["dental", "west"],
    )
    survivor = await make_customer(client, name="Acme Dental", email="ap@acme.example", tags=["Dental", "vip"])
    dup_invoice = await dup.invoice(10_000, due_date=(today + timedelta(days=20)).isoformat())
    assert (await pay(client, dup.id, [(dup_invoice["id"], 3_000)])).status_code == 201
    card = await dup.method("visa")
    assert card["is_default"] is True
    scheduled = await dup.browser.post(
        "/portal/v1/scheduled-payments",
        json={
            "payment_method_id": card["id"],
            "amount": 2_000,
            "invoice_ids": [dup_invoice["id"]],
            "scheduled_for": (today + timedelta(days=3)).isoformat(),
        },
    )
    assert scheduled.status_code == 201, scheduled.text
    own_card = await save_test_method(client, survivor["id"], "mastercard")
    survivor_invoice = await make_invoice(client, survivor["id"], amount=5_000)
    before = {c: await _owed(client, c) for c in (dup.id, survivor["id"])}
    assert before == {dup.id: 7_000, survivor["id"]: 5_000}

    r = await _merge(client, dup.id, survivor["id"])
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["object"] == "customer_merge"
    moved = body["moved"]
    assert {k: moved[k] for k in ("invoices", "payments", "payment_methods", "scheduled_payments")} == {
        "invoices": 1,
        "payments": 1,
        "payment_methods": 1,
        "scheduled_payments": 1,
    }
    assert moved["portal_memberships"] == 1
    assert moved["contacts"] == 2 and moved["tags"] == 1  # dana@ and office@; "west" ("dental" was there)
    assert body["into"]["tags"] == ["Dental", "vip", "west"]
    assert [c["email"] for c in body["into"]["contacts"]] == ["dana@dup.example", "office@dup.example"]

    # The duplicate stays readable, archived, pointing at the survivor
    merged = (await client.get(f"/v1/customers/{dup.id}")).json()
    assert (merged["merged_into"], merged["archived"]) == (survivor["id"], True)
    assert merged["merged_at"] is not None
    assert merged == body["customer"]

    # The balance is the sum of both; the ledger was not written
    after = {c: await _owed(client, c) for c in (dup.id, survivor["id"])}
    assert after == {dup.id: None, survivor["id"]: before[dup.id] + before[survivor["id"]]}  # type: ignore[operator]
    entries = (await client.get("/v1/ledger/entries", params={"invoice_id": dup_invoice["id"]})).json()["data"]
    assert {e["reason"] for e in entries} == {"invoice_issued", "payment_applied"}
    invoices = (await client.get("/v1/invoices", params={"customer_id": survivor["id"]})).json()["data"]
    assert {i["id"] for i in invoices} == {dup_invoice["id"], survivor_invoice["id"]}
    got = (await client.get(f"/v1/invoices/{dup_invoice['id']}")).json()
    assert (got["customer_id"], got["amount_due"]) == (survivor["id"], 7_000)

    # Saved methods follow, one default kept; the moved card still charges, for the survivor's invoice
    methods = (await client.get(f"/v1/customers/{survivor['id']}/payment-methods")).json()["data"]
    assert {m["id"] for m in methods} == {card["id"], own_card["id"]}
    assert [m["id"] for m in methods if m["is_default"]] == [own_card["id"]]
    # The processor keeps the card under the customer it was attached for (the merged record, which still exists);
    # it charges a method by its own id on the partner's account, so that reference keeps working.
    async with container.sessions() as session:
        processor_customer = await session.scalar(
            select(SandboxMethodRow.customer_ref)
            .join(PaymentMethodRow, PaymentMethodRow.processor_method_id == SandboxMethodRow.attached_id)
            .where(PaymentMethodRow.id == card["id"])
        )
    assert processor_customer == dup.id
    charged = await charge_saved(client, survivor["id"], card["id"], [(survivor_invoice["id"], 5_000)])
    assert charged.status_code == 201, charged.text
    assert charged.json()["status"] == "succeeded"
    assert (await client.get(f"/v1/invoices/{survivor_invoice['id']}")).json()["status"] == "paid"

    # The duplicate's portal user now sees the survivor's invoices, and its schedule there
    portal_invoices = (await dup.browser.get("/portal/v1/invoices", params={"limit": 50})).json()["data"]
    assert {i["id"] for i in portal_invoices} >= {dup_invoice["id"]}
    schedules = (await client.get("/v1/scheduled-payments", params={"customer_id": survivor["id"]})).json()
    assert [s["id"] for s in schedules["data"]] == [scheduled.json()["id"]]

    # Lists hide it unless asked
    listed = [c["id"] for c in (await client.get("/v1/customers")).json()["data"]]
    assert survivor["id"] in listed and dup.id not in listed
    archived = [c["id"] for c in (await client.get("/v1/customers", params={"archived": "true"})).json()["data"]]
    assert dup.id not in archived
    for params in ({"include_merged": "true"}, {"include_merged": "true", "archived": "true"}):
        shown = [c["id"] for c in (await client.get("/v1/customers", params=params)).json()["data"]]
        assert dup.id in shown, params

    # Audited with the counts, announced as an event
    audit = (await client.get("/v1/audit-events", params={"action": "customer.merged"})).json()["data"]
    assert len(audit) == 1
    assert audit[0]["subject"] == dup.id
    assert audit[0]["details"]["into_customer_id"] == survivor["id"]
    assert audit[0]["details"]["moved"]["invoices"] == 1
    async with container.sessions() as session:
        payloads = list(
            await session.scalars(
                select(OutboxEventRow.payload).where(
                    OutboxEventRow.partner_id == tenant.partner_id, OutboxEventRow.type == "customer.merged"
                )
            )
        )
    assert payloads == [{"customer_id": dup.id, "into_customer_id": survivor["id"]}]


async def test_a_merged_customer_changes_no_more(client: httpx.AsyncClient) -> None:
    dup = await make_customer(client, name="Dup")
    survivor = await make_customer(client, name="Survivor")
    other = await make_customer(client, name="Other")
    assert (await _merge(client, dup["id"], survivor["id"])).status_code == 200

    refusals: list[tuple[str, str, dict[str, Any]]] = [
        ("PATCH", f"/v1/customers/{dup['id']}", {"name": "Back"}),
        ("POST", f"/v1/customers/{dup['id']}/archive", {}),
        ("POST", f"/v1/customers/{dup['id']}/merge", {"into_customer_id": other["id"]}),
        ("POST", f"/v1/customers/{other['id']}/merge", {"into_customer_id": dup["id"]}),
        (
            "POST",
            "/v1/invoices",
            {
                "customer_id": dup["id"],
                "currency": "USD",
                "lines": [{"description": "x", "quantity": 1, "unit_amount": 100}],
            },
        ),
    ]
    for method, url, body in refusals:
        r = await client.request(method, url, json=body)
        assert r.status_code == 409, (method, url, r.text)
        assert r.json()["code"] == "customer_merged", (method, url, r.text)
    assert (await client.get(f"/v1/customers/{other['id']}")).json()["merged_into"] is None


async def test_refused_merges_write_nothing(client: httpx.AsyncClient, container: Container, tenant: Tenant) -> None:
    dup = await make_customer(client, name="Dup", tags=["a"])
    invoice = await make_invoice(client, dup["id"])
    archived = await make_customer(client, name="Gone")
    assert (await client.post(f"/v1/customers/{archived['id']}/archive")).status_code == 200
    stranger = await make_tenant(container, "Stranger")
    async with httpx.AsyncClient(
        transport=client._transport,
        base_url=str(client.base_url),
        headers={"Authorization": f"Bearer {stranger.api_key}"},
    ) as theirs:
        foreign = await make_customer(theirs, name="Theirs")
        # Nor can the stranger pull ours into theirs
        assert (await _merge(theirs, dup["id"], foreign["id"])).status_code == 404
    writes = await _writes(container, tenant)

    cases = [
        (dup["id"], dup["id"], 400, "customer_merge_into_self"),
        (dup["id"], foreign["id"], 404, "resource_missing"),
        (dup["id"], "cus_00000000000000000000000000", 404, "resource_missing"),
        ("cus_00000000000000000000000000", dup["id"], 404, "resource_missing"),
        (dup["id"], archived["id"], 409, "customer_archived"),
    ]
    for source, into, status, code in cases:
        r = await _merge(client, source, into)
        assert r.status_code == status, (source, into, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["code"] == code, r.text
    r = await client.post(f"/v1/customers/{dup['id']}/merge", json={})
    assert r.status_code == 422

    assert await _writes(container, tenant) == writes
    still = (await client.get(f"/v1/customers/{dup['id']}")).json()
    assert (still["merged_into"], still["archived"], still["tags"]) == (None, False, ["a"])
    assert (await client.get(f"/v1/invoices/{invoice['id']}")).json()["customer_id"] == dup["id"]


async def test_an_archived_duplicate_can_be_merged(client: httpx.AsyncClient) -> None:
    dup = await make_customer(client, name="Old")
    survivor = await make_customer(client, name="New")
    assert (await client.post(f"/v1/customers/{dup['id']}/archive")).status_code == 200
    r = await _merge(client, dup["id"], survivor["id"])
    assert r.status_code == 200, r.text
    assert r.json()["customer"]["merged_into"] == survivor["id"]


async def test_two_merges_racing_in_opposite_directions_one_wins(client: httpx.AsyncClient) -> None:
    """Both rows are locked in id order before either is judged: no deadlock, and the loser finds a merged one."""
    a = await make_customer(client, name="A")
    b = await make_customer(client, name="B")
    await make_invoice(client, a["id"])
    await make_invoice(client, b["id"])
    answers = await asyncio.gather(_merge(client, a["id"], b["id"]), _merge(client, b["id"], a["id"]))
    assert sorted(r.status_code for r in answers) == [200, 409], [r.text for r in answers]
    lost = next(r for r in answers if r.status_code == 409)
    assert lost.json()["code"] == "customer_merged"
    won = next(r for r in answers if r.status_code == 200).json()
    survivor = won["into"]["id"]
    invoices = (await client.get("/v1/invoices", params={"customer_id": survivor})).json()["data"]
    assert len(invoices) == 2
