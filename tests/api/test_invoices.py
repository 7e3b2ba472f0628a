from __future__ import annotations

from datetime import date, timedelta

import httpx

from tests.factories import make_customer, make_invoice, pay


async def test_open_invoice_figures_come_from_the_ledger(client: httpx.AsyncClient) -> None:
    customer = await make_customer(client)
    invoice = await make_invoice(
        client,
        customer["id"],
        lines=[
            {"description": "Managed services", "quantity": 1, "unit_amount": 250000},
            {"description": "On-site hours", "quantity": 3, "unit_amount": 12500},
            {"description": "Loyalty discount", "quantity": 1, "unit_amount": -7500},
        ],
    )
    assert invoice["status"] == "open"
    assert invoice["number"].startswith("INV-")
    assert invoice["total"] == 250000 + 37500 - 7500
    assert (invoice["amount_paid"], invoice["amount_pending"], invoice["amount_due"]) == (0, 0, invoice["total"])
    assert [ln["amount"] for ln in invoice["lines"]] == [250000, 37500, -7500]

    entries = (await client.get("/v1/ledger/entries", params={"invoice_id": invoice["id"]})).json()["data"]
    assert [e["reason"] for e in entries] == ["invoice_issued"]
    lines = entries[0]["lines"]
    assert {(ln["account"], ln["direction"], ln["amount"]) for ln in lines} == {
        ("receivable", "debit", invoice["total"]),
        ("revenue", "credit", invoice["total"]),
    }


async def test_numbers_are_generated_in_sequence_and_unique(client: httpx.AsyncClient) -> None:
    customer = await make_customer(client)
    first = await make_invoice(client, customer["id"])
    second = await make_invoice(client, customer["id"])
    assert (first["number"], second["number"]) == ("INV-000001", "INV-000002")
    taken = await client.post(
        "/v1/invoices",
        json={
            "customer_id": customer["id"],
            "currency": "USD",
            "number": "INV-000002",
            "lines": [{"description": "x", "unit_amount": 100}],
        },
    )
    assert taken.status_code == 409
    assert taken.json()["code"] == "invoice_number_taken"
    own = await make_invoice(client, customer["id"], number="INV-000003")
    after = await make_invoice(client, customer["id"])
    assert own["number"] == "INV-000003"
    assert after["number"] == "INV-000004"  # the generator skips numbers already chosen by hand


async def test_due_date_defaults_from_billing_terms(client: httpx.AsyncClient) -> None:
    customer = await make_customer(client, billing_terms="net_45")
    r = await client.post(
        "/v1/invoices",
        json={
            "customer_id": customer["id"],
            "currency": "cad",
            "issue_date": "2026-01-10",
            "lines": [{"description": "x", "unit_amount": 100}],
        },
    )
    assert r.status_code == 201, r.text
    assert r.json()["due_date"] == "2026-02-24"
    assert r.json()["currency"] == "CAD"


async def test_draft_finalize_void_archive(client: httpx.AsyncClient) -> None:
    customer = await make_customer(client)
    draft = await make_invoice(client, customer["id"], draft=True)
    assert draft["status"] == "draft"
    assert draft["finalized_at"] is None
    assert (await client.get("/v1/ledger/entries", params={"invoice_id": draft["id"]})).json()["data"] == []

    opened = await client.post(f"/v1/invoices/{draft['id']}/finalize")
    assert opened.status_code == 200
    assert opened.json()["status"] == "open"
    again = await client.post(f"/v1/invoices/{draft['id']}/finalize")
    assert again.status_code == 409
    assert again.json()["code"] == "invoice_not_draft"

    refused = await client.post(f"/v1/invoices/{draft['id']}/archive")
    assert refused.status_code == 409
    assert refused.json()["code"] == "invoice_has_balance"

    voided = await client.post(f"/v1/invoices/{draft['id']}/void")
    assert voided.status_code == 200
    body = voided.json()
    assert body["status"] == "void"
    assert body["amount_due"] == 0
    reasons = [
        e["reason"] for e in (await client.get("/v1/ledger/entries", params={"invoice_id": draft["id"]})).json()["data"]
    ]
    assert reasons == ["invoice_voided", "invoice_issued"]

    archived = await client.post(f"/v1/invoices/{draft['id']}/archive")
    assert archived.status_code == 200
    assert archived.json()["status"] == "archived"
    unarchivable = await client.post(f"/v1/invoices/{draft['id']}/void")
    assert unarchivable.status_code == 409
    assert unarchivable.json()["code"] == "invalid_state_transition"


async def test_void_refused_once_money_was_applied(client: httpx.AsyncClient) -> None:
    customer = await make_customer(client)
    invoice = await make_invoice(client, customer["id"], amount=5000)
    assert (await pay(client, customer["id"], [(invoice["id"], 1000)])).status_code == 201
    r = await client.post(f"/v1/invoices/{invoice['id']}/void")
    assert r.status_code == 409
    assert r.json()["code"] == "invoice_has_payments"


async def test_list_filters(client: httpx.AsyncClient) -> None:
    today = date.today()
    a = await make_customer(client, name="A")
    b = await make_customer(client, name="B")
    overdue = await make_invoice(
        client, a["id"], issue_date=str(today - timedelta(days=60)), due_date=str(today - timedelta(days=30))
    )
    current = await make_invoice(client, a["id"], issue_date=str(today), due_date=str(today + timedelta(days=30)))
    other = await make_invoice(client, b["id"], issue_date=str(today), due_date=str(today + timedelta(days=10)))
    paid = await make_invoice(
        client,
        b["id"],
        amount=700,
        issue_date=str(today - timedelta(days=60)),
        due_date=str(today - timedelta(days=30)),
    )
    assert (await pay(client, b["id"], [(paid["id"], 700)])).status_code == 201
    draft = await make_invoice(client, b["id"], draft=True)

    async def ids(**params: str) -> set[str]:
        r = await client.get("/v1/invoices", params=params)
        assert r.status_code == 200, r.text
        return {i["id"] for i in r.json()["data"]}

    assert await ids(customer_id=a["id"]) == {overdue["id"], current["id"]}
    assert await ids(overdue="true") == {overdue["id"]}
    assert await ids(overdue="false") == {current["id"], other["id"], paid["id"], draft["id"]}
    assert await ids(status="paid") == {paid["id"]}
    assert await ids(status="draft") == {draft["id"]}
    assert await ids(due_before=str(today)) == {overdue["id"], paid["id"]}
    assert await ids(due_after=str(today + timedelta(days=10))) == {current["id"]}
    got = (await client.get(f"/v1/invoices/{overdue['id']}")).json()
    assert got["overdue"] is True
