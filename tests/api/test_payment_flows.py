"""The payments engine end to end through the API: cards, bank debits, fees, refunds, returns, disputes."""

from __future__ import annotations

import json
from typing import Any

import httpx
from sqlalchemy import text

from adapters.bootstrap import Container
from tests.factories import charge_saved as charge
from tests.factories import make_customer, make_invoice
from tests.factories import save_test_method as save_method


async def _invoice(client: httpx.AsyncClient, invoice_id: str) -> dict[str, Any]:
    return dict((await client.get(f"/v1/invoices/{invoice_id}")).json())


async def _payment(client: httpx.AsyncClient, payment_id: str) -> dict[str, Any]:
    return dict((await client.get(f"/v1/payments/{payment_id}")).json())


async def _advance(client: httpx.AsyncClient, days: int) -> list[dict[str, Any]]:
    r = await client.post("/v1/sandbox/clock/advance", json={"days": days})
    assert r.status_code == 200, r.text
    return list(r.json()["events"])


async def _reasons(client: httpx.AsyncClient, payment_id: str) -> list[str]:
    r = await client.get("/v1/ledger/entries", params={"payment_id": payment_id, "limit": 100})
    return sorted(e["reason"] for e in r.json()["data"])


async def test_card_payment_with_a_passed_on_fee(client: httpx.AsyncClient) -> None:
    customer = await make_customer(client)
    invoice = await make_invoice(client, customer["id"], amount=100_000)
    card = await save_method(client, customer["id"], "visa")
    assert (card["brand"], card["last4"], card["funding"], card["is_default"]) == ("visa", "4242", "credit", True)

    quote = await client.post(
        "/v1/payments/quote",
        json={"customer_id": customer["id"], "payment_method_id": card["id"], "amount": 100_000},
    )
    assert quote.status_code == 200, quote.text
    # 2.9% of 1,000.00 is 29.00, plus 0.30
    assert (quote.json()["subtotal"], quote.json()["fee"], quote.json()["total"]) == (100_000, 2_930, 102_930)

    r = await charge(client, customer["id"], card["id"], [(invoice["id"], 100_000)])
    assert r.status_code == 201, r.text
    payment = r.json()
    assert (payment["status"], payment["amount"], payment["fee"]) == ("succeeded", 102_930, 2_930)
    assert payment["transaction_id"].startswith("RM-") and payment["processor_payment_id"].startswith("ch_")
    after = await _invoice(client, invoice["id"])
    assert (after["status"], after["amount_paid"], after["amount_due"], after["amount_pending"]) == (
        "paid",
        100_000,
        0,
        0,
    )
    assert await _reasons(client, payment["id"]) == ["payment_pending", "payment_settled"]

    found = await client.get("/v1/payments", params={"transaction_id": payment["transaction_id"]})
    assert [p["id"] for p in found.json()["data"]] == [payment["id"]]


async def test_no_fee_on_debit_cards_or_for_exempt_customers(client: httpx.AsyncClient) -> None:
    customer = await make_customer(client)
    debit = await save_method(client, customer["id"], "visa_debit")
    invoice = await make_invoice(client, customer["id"], amount=50_000)
    r = await charge(client, customer["id"], debit["id"], [(invoice["id"], 50_000)])
    assert (r.status_code, r.json()["fee"], r.json()["amount"]) == (201, 0, 50_000)

    exempt = await make_customer(client, card_fee_exempt=True)
    visa = await save_method(client, exempt["id"], "visa")
    other = await make_invoice(client, exempt["id"], amount=50_000)
    r = await charge(client, exempt["id"], visa["id"], [(other["id"], 50_000)])
    assert (r.status_code, r.json()["fee"]) == (201, 0)


async def test_amex_rate_and_the_cap(client: httpx.AsyncClient) -> None:
    customer = await make_customer(client)
    amex = await save_method(client, customer["id"], "amex")
    big = await make_invoice(client, customer["id"], amount=100_000)
    small = await make_invoice(client, customer["id"], amount=500)
    quote_big = await client.post(
        "/v1/payments/quote",
        json={
            "customer_id": customer["id"],
            "payment_method_id": amex["id"],
            "invoice_ids": [big["id"]],
            "amount": 100_000,
        },
    )
    assert quote_big.json()["fee"] == 3_530  # 3.5% + 0.30
    quote_small = await client.post(
        "/v1/payments/quote",
        json={
            "customer_id": customer["id"],
            "payment_method_id": amex["id"],
            "invoice_ids": [small["id"]],
            "amount": 500,
        },
    )
    assert quote_small.json()["fee"] == 20  # 0.475 by the rates, capped at 4% of 5.00


async def test_a_declined_card_answers_402_and_leaves_the_invoice_owed(client: httpx.AsyncClient) -> None:
    customer = await make_customer(client)
    invoice = await make_invoice(client, customer["id"], amount=10_000)
    card = await save_method(client, customer["id"], "insufficient_funds")
    r = await charge(client, customer["id"], card["id"], [(invoice["id"], 10_000)], currency="USD")
    assert r.status_code == 402, r.text
    problem = r.json()
    assert problem["code"] == "insufficient_funds" and problem["payment_id"].startswith("pay_")
    payment = await _payment(client, problem["payment_id"])
    assert payment["status"] == "failed"
    after = await _invoice(client, invoice["id"])
    assert (after["status"], after["amount_due"], after["amount_pending"]) == ("open", 10_000, 0)
    assert await _reasons(client, payment["id"]) == ["payment_failed", "payment_pending"]


async def test_ach_debit_is_pending_until_it_settles(client: httpx.AsyncClient) -> None:
    customer = await make_customer(client)
    invoice = await make_invoice(client, customer["id"], amount=20_000)
    bank = await save_method(client, customer["id"], "settles")
    assert bank["mandate"]["text_version"] == "ach-2026-11" and bank["mandate"]["ip_address"] == "203.0.113.7"
    r = await charge(client, customer["id"], bank["id"], [(invoice["id"], 20_000)])
    assert r.status_code == 201, r.text
    payment = r.json()
    assert (payment["status"], payment["fee"]) == ("pending", 0)
    pending = await _invoice(client, invoice["id"])
    assert (pending["status"], pending["amount_paid"], pending["amount_pending"]) == ("partially_paid", 0, 20_000)

    events = await _advance(client, 5)
    assert [e["type"] for e in events] == ["charge.succeeded"]
    assert (await _payment(client, payment["id"]))["status"] == "settled"
    settled = await _invoice(client, invoice["id"])
    assert (settled["status"], settled["amount_paid"], settled["amount_pending"]) == ("paid", 20_000, 0)


async def test_r01_return_reopens_and_may_be_retried_twice(client: httpx.AsyncClient) -> None:
    customer = await make_customer(client)
    invoice = await make_invoice(client, customer["id"], amount=20_000)
    bank = await save_method(client, customer["id"], "returns_r01")
    payment = (await charge(client, customer["id"], bank["id"], [(invoice["id"], 20_000)])).json()
    await _advance(client, 10)
    returned = await _payment(client, payment["id"])
    assert (returned["status"], returned["return_code"]) == ("returned", "R01")
    reopened = await _invoice(client, invoice["id"])
    assert (reopened["status"], reopened["amount_due"]) == ("open", 20_000)
    assert "fee_charged" in await _reasons(client, payment["id"])  # the partner's return fee

    first = await client.post(f"/v1/payments/{payment['id']}/retry")
    assert first.status_code == 201, first.text
    assert (first.json()["retry_of"], first.json()["attempt"], first.json()["status"]) == (payment["id"], 2, "pending")
    await _advance(client, 10)
    second = await client.post(f"/v1/payments/{first.json()['id']}/retry")
    assert (second.status_code, second.json()["attempt"]) == (201, 3)
    await _advance(client, 10)
    third = await client.post(f"/v1/payments/{second.json()['id']}/retry")
    assert third.status_code == 409 and third.json()["code"] == "payment_not_retryable"


async def test_r02_return_blocks_the_method_for_autopay(client: httpx.AsyncClient) -> None:
    customer = await make_customer(client)
    invoice = await make_invoice(client, customer["id"], amount=20_000)
    bank = await save_method(client, customer["id"], "returns_r02")
    payment = (await charge(client, customer["id"], bank["id"], [(invoice["id"], 20_000)])).json()
    await _advance(client, 5)
    returned = await _payment(client, payment["id"])
    assert (returned["status"], returned["return_code"]) == ("returned", "R02")
    method = (await client.get(f"/v1/payment-methods/{bank['id']}")).json()
    assert method["usable_for_autopay"] is False and "R02" in method["autopay_blocked_reason"]
    retry = await client.post(f"/v1/payments/{payment['id']}/retry")
    assert retry.status_code == 409


async def test_pad_debit_in_cad(client: httpx.AsyncClient) -> None:
    customer = await make_customer(client)
    invoice = await make_invoice(client, customer["id"], amount=30_000, currency="CAD")
    pad = await save_method(client, customer["id"], "settles", country="CA")
    assert pad["type"] == "ca_bank_account" and pad["mandate"]["text_version"].startswith("pad-")
    r = await charge(client, customer["id"], pad["id"], [(invoice["id"], 30_000)])
    assert (r.status_code, r.json()["status"], r.json()["currency"]) == (201, "pending", "CAD")
    usd = await make_invoice(client, customer["id"], amount=1_000)
    wrong = await charge(client, customer["id"], pad["id"], [(usd["id"], 1_000)])
    assert (wrong.status_code, wrong.json()["code"]) == (400, "currency_not_supported")


async def test_refunds_partial_then_full_never_beyond(client: httpx.AsyncClient) -> None:
    customer = await make_customer(client)
    invoice = await make_invoice(client, customer["id"], amount=10_000)
    card = await save_method(client, customer["id"], "visa_debit")
    payment = (await charge(client, customer["id"], card["id"], [(invoice["id"], 10_000)])).json()

    part = await client.post(f"/v1/payments/{payment['id']}/refunds", json={"amount": 4_000})
    assert (part.status_code, part.json()["status"], part.json()["kind"]) == (201, "succeeded", "refund")
    assert (await _payment(client, payment["id"]))["status"] == "partially_refunded"
    too_much = await client.post(f"/v1/payments/{payment['id']}/refunds", json={"amount": 6_001})
    assert (too_much.status_code, too_much.json()["code"]) == (409, "amount_exceeds_refundable")
    rest = await client.post(f"/v1/payments/{payment['id']}/refunds", json={})
    assert (rest.status_code, rest.json()["amount"]) == (201, 6_000)
    assert (await _payment(client, payment["id"]))["status"] == "refunded"
    listed = await client.get(f"/v1/payments/{payment['id']}/refunds")
    assert [r["amount"] for r in listed.json()["data"]] == [4_000, 6_000]
    assert (await _invoice(client, invoice["id"]))["status"] == "paid"  # a refund does not reopen


async def test_refund_of_a_pending_debit_cancels_it(client: httpx.AsyncClient) -> None:
    customer = await make_customer(client)
    invoice = await make_invoice(client, customer["id"], amount=10_000)
    bank = await save_method(client, customer["id"], "settles")
    payment = (await charge(client, customer["id"], bank["id"], [(invoice["id"], 10_000)])).json()
    partial = await client.post(f"/v1/payments/{payment['id']}/refunds", json={"amount": 100})
    assert (partial.status_code, partial.json()["code"]) == (400, "partial_refund_of_pending_debit")
    r = await client.post(f"/v1/payments/{payment['id']}/refunds", json={})
    assert (r.status_code, r.json()["kind"], r.json()["status"]) == (201, "debit_cancellation", "succeeded")
    assert (await _payment(client, payment["id"]))["status"] == "canceled"
    reopened = await _invoice(client, invoice["id"])
    assert (reopened["status"], reopened["amount_due"], reopened["amount_pending"]) == ("open", 10_000, 0)
    assert await _advance(client, 5) == []  # nothing left to settle


async def _disputed_payment(client: httpx.AsyncClient) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    customer = await make_customer(client)
    invoice = await make_invoice(client, customer["id"], amount=10_000)
    card = await save_method(client, customer["id"], "disputed")
    payment = (await charge(client, customer["id"], card["id"], [(invoice["id"], 10_000)])).json()
    assert payment["status"] == "succeeded"
    events = await _advance(client, 1)
    assert [e["type"] for e in events] == ["charge.dispute.created"]
    disputes = (await client.get("/v1/disputes", params={"payment_id": payment["id"]})).json()["data"]
    assert len(disputes) == 1 and disputes[0]["status"] == "needs_response"
    return invoice, payment, disputes[0]


async def test_dispute_won_reinstates_the_funds(client: httpx.AsyncClient) -> None:
    invoice, payment, dispute = await _disputed_payment(client)
    assert (await _payment(client, payment["id"]))["status"] == "disputed"
    refused = await client.post(f"/v1/payments/{payment['id']}/refunds", json={})
    assert (refused.status_code, refused.json()["code"]) == (409, "payment_disputed")
    r = await client.post(f"/v1/disputes/{dispute['id']}/evidence", json={"text": "winning_evidence: signed SOW"})
    assert (r.status_code, r.json()["status"]) == (200, "under_review")
    await _advance(client, 3)
    won = (await client.get(f"/v1/disputes/{dispute['id']}")).json()
    assert won["status"] == "won" and won["closed_at"]
    assert (await _invoice(client, invoice["id"]))["status"] == "paid"
    assert await _reasons(client, payment["id"]) == [
        "dispute_opened",
        "dispute_won",
        "payment_pending",
        "payment_settled",
    ]


async def test_dispute_lost_reopens_the_invoice(client: httpx.AsyncClient) -> None:
    invoice, _, dispute = await _disputed_payment(client)
    await _advance(client, 10)  # no evidence by the deadline
    lost = (await client.get(f"/v1/disputes/{dispute['id']}")).json()
    assert lost["status"] == "lost"
    reopened = await _invoice(client, invoice["id"])
    assert (reopened["status"], reopened["amount_due"]) == ("open", 10_000)


async def test_dispute_lost_written_off_when_the_partner_says_so(client: httpx.AsyncClient) -> None:
    r = await client.patch("/v1/settings/payments", json={"dispute_lost_action": "write_off"})
    assert r.status_code == 200 and r.json()["dispute_lost_action"] == "write_off"
    invoice, _, dispute = await _disputed_payment(client)
    await _advance(client, 10)
    assert (await client.get(f"/v1/disputes/{dispute['id']}")).json()["status"] == "lost"
    assert (await _invoice(client, invoice["id"]))["status"] == "paid"


async def test_lump_sum_is_spread_oldest_due_first(client: httpx.AsyncClient) -> None:
    customer = await make_customer(client)
    later = await make_invoice(client, customer["id"], amount=5_000, due_date="2026-12-20")
    sooner = await make_invoice(client, customer["id"], amount=5_000, due_date="2026-12-05")
    card = await save_method(client, customer["id"], "visa_debit")
    r = await client.post(
        "/v1/payments", json={"customer_id": customer["id"], "payment_method_id": card["id"], "amount": 7_000}
    )
    assert r.status_code == 201, r.text
    assert r.json()["allocations"] == [
        {"invoice_id": sooner["id"], "amount": 5_000},
        {"invoice_id": later["id"], "amount": 2_000},
    ]


async def test_settings_switch_off_partial_payments_and_methods(client: httpx.AsyncClient) -> None:
    customer = await make_customer(client)
    invoice = await make_invoice(client, customer["id"], amount=10_000)
    card = await save_method(client, customer["id"], "visa")
    r = await client.patch("/v1/settings/payments", json={"partial_payments": False, "enabled_methods": ["card"]})
    assert r.status_code == 200 and r.json()["enabled_methods"] == ["card"]
    partial = await charge(client, customer["id"], card["id"], [(invoice["id"], 5_000)])
    assert (partial.status_code, partial.json()["code"]) == (409, "partial_payments_disabled")
    bank = await save_method(client, customer["id"], "settles")
    disabled = await charge(client, customer["id"], bank["id"], [(invoice["id"], 10_000)])
    assert (disabled.status_code, disabled.json()["code"]) == (409, "method_not_enabled")
    bad = await client.patch("/v1/settings/payments", json={"card_fee_bps": 5_000})
    assert bad.status_code == 422


async def test_methods_list_default_and_detach(client: httpx.AsyncClient) -> None:
    customer = await make_customer(client)
    first = await save_method(client, customer["id"], "visa")
    second = await save_method(client, customer["id"], "mastercard")
    assert first["is_default"] and not second["is_default"]
    r = await client.post(f"/v1/payment-methods/{second['id']}/default")
    assert r.status_code == 200 and r.json()["is_default"]
    listed = (await client.get(f"/v1/customers/{customer['id']}/payment-methods")).json()["data"]
    assert {m["id"]: m["is_default"] for m in listed} == {first["id"]: False, second["id"]: True}
    gone = await client.delete(f"/v1/payment-methods/{second['id']}")
    assert gone.status_code == 200 and gone.json()["detached_at"]
    invoice = await make_invoice(client, customer["id"], amount=1_000)
    r = await charge(client, customer["id"], second["id"], [(invoice["id"], 1_000)])
    assert (r.status_code, r.json()["code"]) == (409, "payment_method_detached")
    reused = await client.post(f"/v1/customers/{customer['id']}/payment-methods", json={"token": "tok_nope"})
    assert (reused.status_code, reused.json()["code"]) == (400, "invalid_token")


async def test_processor_webhook_is_verified_and_applied_once(
    client: httpx.AsyncClient, container: Container, tenant: Any
) -> None:
    customer = await make_customer(client)
    invoice = await make_invoice(client, customer["id"], amount=10_000)
    bank = await save_method(client, customer["id"], "settles")
    payment = (await charge(client, customer["id"], bank["id"], [(invoice["id"], 10_000)])).json()
    [(body, headers)] = await container.sandbox.advance(tenant.partner_id, 5)

    tampered = body.replace(b'"succeeded"', b'"returned"')
    bad = await client.post("/webhooks/sandbox", content=tampered, headers=headers)
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_signature")
    assert (await _payment(client, payment["id"]))["status"] == "pending"

    first = await client.post("/webhooks/sandbox", content=body, headers=headers)
    again = await client.post("/webhooks/sandbox", content=body, headers=headers)
    assert (first.status_code, first.json()["duplicate"]) == (200, False)
    assert (again.status_code, again.json()["duplicate"]) == (200, True)
    assert (await _payment(client, payment["id"]))["status"] == "settled"
    assert (await _reasons(client, payment["id"])).count("payment_settled") == 1
    assert json.loads(body)["data"]["object"]["id"] == payment["processor_payment_id"]
    unknown = await client.post("/webhooks/nope", content=body, headers=headers)
    assert unknown.status_code == 404


async def test_the_ledger_verifies_after_every_kind_of_outcome(client: httpx.AsyncClient, container: Container) -> None:
    from adapters.db.verify import verify_ledger

    customer = await make_customer(client)
    outcomes = {
        "visa": 201,
        "declined": 402,
        "settles": 201,
        "returns_r01": 201,
        "returns_r02": 201,
        "fails": 402,
        "disputed": 201,
    }
    payments = []
    for kind, status in outcomes.items():
        invoice = await make_invoice(client, customer["id"], amount=12_345)
        method = await save_method(client, customer["id"], kind)
        r = await charge(client, customer["id"], method["id"], [(invoice["id"], 12_345)])
        assert r.status_code == status, (kind, r.text)
        payments.append(r.json().get("id") or r.json()["payment_id"])
    await client.post(f"/v1/payments/{payments[0]}/refunds", json={"amount": 1_000})
    await _advance(client, 12)
    charge_id = (await _payment(client, payments[0]))["processor_payment_id"]
    async with container.sessions() as session:
        assert await verify_ledger(session) == []
        # A forged capture on the processor's side is caught.
        await session.execute(
            text("UPDATE sandbox_charges SET amount = amount + 1 WHERE id = :id"),
            {"id": charge_id},
        )
        assert [v.kind for v in await verify_ledger(session)] == ["capture_mismatch"]
        await session.rollback()


async def test_the_snake_case_payment_method_paths_still_answer_as_deprecated_aliases(
    client: httpx.AsyncClient,
) -> None:
    customer = await make_customer(client)
    saved = await save_method(client, customer["id"], "visa")

    old = (await client.get(f"/v1/customers/{customer['id']}/payment_methods")).json()["data"]
    assert [m["id"] for m in old] == [saved["id"]]
    assert (await client.get(f"/v1/payment_methods/{saved['id']}")).json() == (
        await client.get(f"/v1/payment-methods/{saved['id']}")
    ).json()

    paths = (await client.get("/openapi.json")).json()["paths"]
    assert all(op["deprecated"] for op in paths["/v1/payment_methods/{payment_method_id}"].values())
    assert not any(op.get("deprecated") for op in paths["/v1/payment-methods/{payment_method_id}"].values())
