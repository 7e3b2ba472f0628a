from __future__ import annotations

import httpx

from tests.factories import make_customer, make_invoice, pay


async def _invoice(client: httpx.AsyncClient, invoice_id: str) -> dict[str, object]:
    return dict((await client.get(f"/v1/invoices/{invoice_id}")).json())


async def test_partial_then_full_payment(client: httpx.AsyncClient) -> None:
    customer = await make_customer(client)
    invoice = await make_invoice(client, customer["id"], amount=10_000)

    first = await pay(client, customer["id"], [(invoice["id"], 2_500)], reference="Check #1042")
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["amount"] == 2_500
    assert body["currency"] == "USD"
    assert body["status"] == "succeeded"
    after = await _invoice(client, invoice["id"])
    assert (after["status"], after["amount_paid"], after["amount_due"]) == ("partially_paid", 2_500, 7_500)

    rest = await pay(client, customer["id"], [(invoice["id"], 7_500)], method="bank_transfer")
    assert rest.status_code == 201
    done = await _invoice(client, invoice["id"])
    assert (done["status"], done["amount_paid"], done["amount_due"]) == ("paid", 10_000, 0)

    more = await pay(client, customer["id"], [(invoice["id"], 1)])
    assert more.status_code == 409
    assert more.json()["code"] == "invoice_not_payable"


async def test_one_payment_across_several_invoices(client: httpx.AsyncClient) -> None:
    customer = await make_customer(client)
    a = await make_invoice(client, customer["id"], amount=3_000)
    b = await make_invoice(client, customer["id"], amount=5_000)
    r = await pay(client, customer["id"], [(a["id"], 3_000), (b["id"], 1_000)], method="cash")
    assert r.status_code == 201, r.text
    payment = r.json()
    assert payment["amount"] == 4_000
    assert {x["invoice_id"]: x["amount"] for x in payment["allocations"]} == {a["id"]: 3_000, b["id"]: 1_000}
    assert (await _invoice(client, a["id"]))["status"] == "paid"
    assert (await _invoice(client, b["id"]))["amount_due"] == 4_000

    entries = (await client.get("/v1/ledger/entries", params={"payment_id": payment["id"]})).json()["data"]
    assert len(entries) == 1
    debits = sum(ln["amount"] for ln in entries[0]["lines"] if ln["direction"] == "debit")
    credits = sum(ln["amount"] for ln in entries[0]["lines"] if ln["direction"] == "credit")
    assert debits == credits == 4_000

    listed = (await client.get("/v1/payments", params={"invoice_id": b["id"]})).json()["data"]
    assert [p["id"] for p in listed] == [payment["id"]]
    got = await client.get(f"/v1/payments/{payment['id']}")
    assert got.json() == payment


async def test_over_allocation_is_refused_and_writes_nothing(client: httpx.AsyncClient) -> None:
    customer = await make_customer(client)
    a = await make_invoice(client, customer["id"], amount=3_000)
    b = await make_invoice(client, customer["id"], amount=5_000)
    r = await pay(client, customer["id"], [(a["id"], 1_000), (b["id"], 5_001)])
    assert r.status_code == 409
    problem = r.json()
    assert problem["code"] == "amount_exceeds_due"
    assert problem["context"]["invoice_id"] == b["id"]
    assert problem["context"]["amount_due"] == 5_000
    assert (await _invoice(client, a["id"]))["amount_due"] == 3_000
    assert (await client.get("/v1/payments")).json()["data"] == []


async def test_cancel_reverses_and_reopens(client: httpx.AsyncClient) -> None:
    customer = await make_customer(client)
    invoice = await make_invoice(client, customer["id"], amount=4_000)
    payment = (await pay(client, customer["id"], [(invoice["id"], 4_000)])).json()
    assert (await _invoice(client, invoice["id"]))["status"] == "paid"

    r = await client.post(f"/v1/payments/{payment['id']}/cancel")
    assert r.status_code == 200
    assert r.json()["status"] == "canceled"
    reopened = await _invoice(client, invoice["id"])
    assert (reopened["status"], reopened["amount_due"], reopened["amount_paid"]) == ("open", 4_000, 0)
    entries = (await client.get("/v1/ledger/entries", params={"payment_id": payment["id"]})).json()["data"]
    assert [e["reason"] for e in entries] == ["payment_reversed", "payment_applied"]
    assert entries[0]["reverses_entry_id"] == entries[1]["id"]

    twice = await client.post(f"/v1/payments/{payment['id']}/cancel")
    assert twice.status_code == 409
    assert twice.json()["code"] == "invalid_state_transition"


async def test_currency_rules(client: httpx.AsyncClient) -> None:
    customer = await make_customer(client)
    usd = await make_invoice(client, customer["id"])
    cad = await make_invoice(client, customer["id"], currency="CAD")
    mixed = await pay(client, customer["id"], [(usd["id"], 100), (cad["id"], 100)])
    assert mixed.status_code == 400
    assert mixed.json()["code"] == "currency_mismatch"
    stated = await pay(client, customer["id"], [(usd["id"], 100)], currency="CAD")
    assert stated.status_code == 400
    assert stated.json()["code"] == "currency_mismatch"
    ok = await pay(client, customer["id"], [(cad["id"], 100)], currency="cad")
    assert ok.status_code == 201
    assert ok.json()["currency"] == "CAD"
