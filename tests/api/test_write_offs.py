"""POST /v1/invoices/{id}/write-off: bad debt as a balanced ledger entry, whole or partial, never more than is due,
audited and announced; a written-off invoice cannot be paid by any road (API, portal, pay link)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from adapters.bootstrap import Container
from adapters.db.tables import OutboxEventRow
from adapters.db.verify import verify_ledger
from tests.conftest import Tenant, make_tenant
from tests.factories import make_customer, make_invoice, pay, token_for
from tests.portal_customers import Portals

PROBLEM = "application/problem+json"


async def _write_off(client: httpx.AsyncClient, invoice_id: str, **body: Any) -> httpx.Response:
    return await client.post(f"/v1/invoices/{invoice_id}/write-off", json={"reason": "Out of business", **body})


async def _invoice(client: httpx.AsyncClient, invoice_id: str) -> dict[str, Any]:
    return dict((await client.get(f"/v1/invoices/{invoice_id}")).json())


async def _violations(container: Container, *invoice_ids: str) -> list[Any]:
    async with container.sessions() as session:
        return [v for v in await verify_ledger(session) if v.subject in invoice_ids]


@pytest.fixture
async def portals(client: httpx.AsyncClient, container: Container, tenant: Tenant) -> AsyncIterator[Portals]:
    async with Portals(client, container, tenant) as p:
        yield p


async def test_writing_off_everything_due(client: httpx.AsyncClient, container: Container, tenant: Tenant) -> None:
    customer = await make_customer(client)
    invoice = await make_invoice(client, customer["id"], amount=10_000)
    assert (await pay(client, customer["id"], [(invoice["id"], 3_000)])).status_code == 201

    r = await _write_off(client, invoice["id"])
    assert r.status_code == 200, r.text
    body = r.json()
    figures = ("status", "amount_paid", "amount_due", "amount_written_off", "amount_pending", "total")
    assert tuple(body[k] for k in figures) == ("written_off", 3_000, 0, 7_000, 0, 10_000)
    assert body["overdue"] is False
    assert await _invoice(client, invoice["id"]) == body

    entries = (await client.get("/v1/ledger/entries", params={"invoice_id": invoice["id"]})).json()["data"]
    written = entries[0]
    assert written["reason"] == "invoice_written_off"
    lines = {(ln["account"], ln["direction"], ln["amount"], ln["invoice_id"]) for ln in written["lines"]}
    assert lines == {("write_off", "debit", 7_000, invoice["id"]), ("receivable", "credit", 7_000, invoice["id"])}
    assert await _violations(container, invoice["id"]) == []

    (event,) = (await client.get("/v1/audit-events", params={"action": "invoice.written_off"})).json()["data"]
    assert (event["actor"], event["subject"]) == (f"api_key:{tenant.api_key_id}", invoice["id"])
    assert event["details"] == {
        "amount": 7_000,
        "currency": "USD",
        "amount_due_before": 7_000,
        "amount_due_after": 0,
        "reason": "Out of business",
    }
    async with container.sessions() as session:
        announced = list(
            await session.scalars(
                select(OutboxEventRow.payload).where(
                    OutboxEventRow.partner_id == tenant.partner_id, OutboxEventRow.type == "invoice.written_off"
                )
            )
        )
    assert announced == [{"invoice_id": invoice["id"], "amount": 7_000, "currency": "USD", "amount_due": 0}]


async def test_a_partial_write_off_keeps_the_rest_payable(client: httpx.AsyncClient, container: Container) -> None:
    customer = await make_customer(client)
    invoice = await make_invoice(client, customer["id"], amount=10_000)

    r = await _write_off(client, invoice["id"], amount=4_000)
    assert r.status_code == 200, r.text
    figures = ("status", "amount_paid", "amount_due", "amount_written_off")
    assert tuple(r.json()[k] for k in figures) == ("open", 0, 6_000, 4_000)

    listed = (await client.get("/v1/invoices", params={"customer_id": customer["id"]})).json()["data"]
    assert listed[0]["amount_written_off"] == 4_000
    assert (await pay(client, customer["id"], [(invoice["id"], 6_001)])).status_code == 409
    assert (await pay(client, customer["id"], [(invoice["id"], 2_000)])).status_code == 201
    after = await _invoice(client, invoice["id"])
    assert tuple(after[k] for k in figures) == ("partially_paid", 2_000, 4_000, 4_000)
    # The customer pays the rest: nothing remains to collect, and part of it was given up.
    assert (await pay(client, customer["id"], [(invoice["id"], 4_000)])).status_code == 201
    after = await _invoice(client, invoice["id"])
    assert tuple(after[k] for k in figures) == ("written_off", 6_000, 0, 4_000)
    assert await _violations(container, invoice["id"]) == []


async def test_a_canceled_payment_reopens_a_written_off_invoice(
    client: httpx.AsyncClient, container: Container
) -> None:
    customer = await make_customer(client)
    invoice = await make_invoice(client, customer["id"], amount=10_000)
    check = (await pay(client, customer["id"], [(invoice["id"], 3_000)])).json()
    assert (await _write_off(client, invoice["id"])).json()["status"] == "written_off"

    r = await client.post(f"/v1/payments/{check['id']}/cancel")
    assert r.status_code == 200, r.text
    after = await _invoice(client, invoice["id"])
    assert (after["status"], after["amount_due"], after["amount_written_off"]) == ("open", 3_000, 7_000)
    assert await _violations(container, invoice["id"]) == []


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"amount": 10_001}, 409, "amount_exceeds_due"),
        ({"amount": 0}, 422, None),
        ({"amount": -5}, 422, None),
        ({"amount": 10.5}, 422, None),
        ({"amount": "100"}, 422, None),
        ({"reason": ""}, 422, None),
        ({"reason": "   "}, 422, None),
        ({"reason": "x" * 501}, 422, None),
        ({"reason": None}, 422, None),
    ],
)
async def test_bad_write_offs_are_refused_and_write_nothing(
    client: httpx.AsyncClient, body: dict[str, Any], status: int, code: str | None
) -> None:
    customer = await make_customer(client)
    invoice = await make_invoice(client, customer["id"], amount=10_000)
    r = await _write_off(client, invoice["id"], **body)
    assert r.status_code in ((status,) if status == 409 else (400, 422)), r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    if code:
        assert r.json()["code"] == code
    after = await _invoice(client, invoice["id"])
    assert (after["status"], after["amount_due"], after["amount_written_off"]) == ("open", 10_000, 0)


async def test_a_reason_is_required(client: httpx.AsyncClient) -> None:
    customer = await make_customer(client)
    invoice = await make_invoice(client, customer["id"])
    r = await client.post(f"/v1/invoices/{invoice['id']}/write-off", json={})
    assert r.status_code in (400, 422) and r.headers["content-type"].startswith(PROBLEM)
    long = await _write_off(client, invoice["id"], reason="  " + "x" * 500 + " ")
    assert long.status_code == 200, long.text
    (event,) = (await client.get("/v1/audit-events", params={"action": "invoice.written_off"})).json()["data"]
    assert event["details"]["reason"] == "x" * 500


async def test_only_open_or_partially_paid_invoices(client: httpx.AsyncClient) -> None:
    customer = await make_customer(client)
    draft = await make_invoice(client, customer["id"], draft=True)
    paid = await make_invoice(client, customer["id"], amount=1_000)
    assert (await pay(client, customer["id"], [(paid["id"], 1_000)])).status_code == 201
    void = await make_invoice(client, customer["id"])
    assert (await client.post(f"/v1/invoices/{void['id']}/void")).status_code == 200
    done = await make_invoice(client, customer["id"])
    assert (await _write_off(client, done["id"])).status_code == 200

    for invoice in (draft, paid, void, done):
        r = await _write_off(client, invoice["id"])
        assert (r.status_code, r.json()["code"]) == (409, "invoice_not_payable"), invoice["id"]
    assert (await _write_off(client, "inv_01JD3M7K2B0000000000000000")).status_code == 404


async def test_another_partners_invoice_is_not_found(
    client: httpx.AsyncClient, app_client: httpx.AsyncClient, container: Container
) -> None:
    customer = await make_customer(client)
    invoice = await make_invoice(client, customer["id"])
    other = await make_tenant(container, "Other")
    r = await app_client.post(
        f"/v1/invoices/{invoice['id']}/write-off",
        json={"reason": "Not mine"},
        headers={"Authorization": f"Bearer {other.api_key}"},
    )
    assert r.status_code == 404
    assert (await _invoice(client, invoice["id"]))["amount_written_off"] == 0


async def test_a_retry_with_the_same_key_writes_off_once(client: httpx.AsyncClient) -> None:
    customer = await make_customer(client)
    invoice = await make_invoice(client, customer["id"], amount=10_000)
    headers = {"Idempotency-Key": "write-off-1"}
    body = {"amount": 1_000, "reason": "Goodwill"}
    first = await client.post(f"/v1/invoices/{invoice['id']}/write-off", json=body, headers=headers)
    again = await client.post(f"/v1/invoices/{invoice['id']}/write-off", json=body, headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert (await _invoice(client, invoice["id"]))["amount_written_off"] == 1_000


async def test_two_racing_write_offs_one_wins(client: httpx.AsyncClient, container: Container) -> None:
    customer = await make_customer(client)
    invoice = await make_invoice(client, customer["id"], amount=10_000)

    first, second = await asyncio.gather(
        _write_off(client, invoice["id"], amount=6_000), _write_off(client, invoice["id"], amount=6_000)
    )

    assert sorted((first.status_code, second.status_code)) == [200, 409], (first.text, second.text)
    loser = first if first.status_code == 409 else second
    assert loser.json()["code"] == "amount_exceeds_due"
    after = await _invoice(client, invoice["id"])
    assert (after["status"], after["amount_due"], after["amount_written_off"]) == ("open", 4_000, 6_000)
    assert await _violations(container, invoice["id"]) == []


async def test_the_portal_shows_written_off_and_cannot_pay_it(portals: Portals) -> None:
    c = await portals.customer()
    whole = await c.invoice(5_000)
    part = await c.invoice(8_000)
    link = (await c.partner.post(f"/v1/invoices/{whole['id']}/pay-link")).json()
    assert (await _write_off(c.partner, whole["id"])).status_code == 200
    assert (await _write_off(c.partner, part["id"], amount=3_000)).status_code == 200

    rows = (await c.browser.get("/portal/v1/invoices", params={"status": "all"})).json()["data"]
    shown = {row["id"]: (row["standing"], row["amount_due"], row["pay_allowed"]) for row in rows}
    assert shown == {whole["id"]: ("written_off", 0, False), part["id"]: ("open", 5_000, True)}
    summary = (await c.browser.get("/portal/v1/invoices/summary")).json()["data"]
    assert [(s["currency"], s["amount_due"]) for s in summary] == [("USD", 5_000)]

    refused = await c.partner.post(f"/v1/invoices/{whole['id']}/pay-link")
    assert refused.status_code == 404, "no pay link is issued for an invoice that cannot be paid"
    view = await c.browser.get(f"/portal/v1/pay-links/{link['token']}")
    assert view.status_code == 200 and view.json()["amount_due"] == 0, view.text
    card = await token_for(c.partner, "visa")
    quote = await c.browser.post(f"/portal/v1/pay-links/{link['token']}/quote", json={"token": card})
    assert quote.status_code == 400 and quote.headers["content-type"].startswith(PROBLEM), "nothing to pay"
    paid = await pay(c.partner, c.id, [(whole["id"], 1)])
    assert (paid.status_code, paid.json()["code"]) == (409, "invoice_not_payable")


async def test_the_portal_invoice_says_what_was_written_off(portals: Portals) -> None:
    c = await portals.customer()
    part = await c.invoice(8_000)
    untouched = await c.invoice(2_000)
    assert (await _write_off(c.partner, part["id"], amount=3_000)).status_code == 200
    assert (await _invoice(c.partner, part["id"]))["amount_written_off"] == 3_000

    detail = (await c.browser.get(f"/portal/v1/invoices/{part['id']}")).json()
    assert (detail["amount_written_off"], detail["amount_due"], detail["total"]) == (3_000, 5_000, 8_000)
    rows = (await c.browser.get("/portal/v1/invoices", params={"status": "all"})).json()["data"]
    assert {r["id"]: r["amount_written_off"] for r in rows} == {part["id"]: 3_000, untouched["id"]: 0}
