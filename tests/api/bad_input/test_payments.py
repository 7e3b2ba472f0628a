"""POST /v1/payments with hostile and sloppy bodies, and payments the rules refuse: each answers 4xx
problem+json with a stable code and moves no money (the invoice figures stay as they were)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from domain.ids import new_id
from tests.api.bad_input.bodies import BAD_NUMBERS, DROP, alloc, base_payment, pay
from tests.api.bad_input.harness import NOT_DAYS, SHARED, Body, Shared, World, params, send
from tests.factories import make_invoice

PAYMENT_CASES = [
    # wrong JSON types
    pytest.param(pay(customer_id=1), 422, "validation_error", "customer_id", id="customer_id-int"),
    pytest.param(pay(method=1), 422, "validation_error", "method", id="method-int"),
    pytest.param(pay(method="wire"), 422, "validation_error", "method", id="method-unknown"),
    pytest.param(pay(method="CHECK"), 422, "validation_error", "method", id="method-upper-case"),
    pytest.param(pay(allocations="inv"), 422, "validation_error", "allocations", id="allocations-string"),
    pytest.param(pay(allocations={}), 422, "validation_error", "allocations", id="allocations-object"),
    pytest.param(pay(allocations=[1]), 422, "validation_error", "allocations[0]", id="allocation-int"),
    pytest.param(pay(reference=7), 422, "validation_error", "reference", id="reference-int"),
    pytest.param(pay(received_on=20261101), 422, "validation_error", "received_on", id="received_on-int"),
    pytest.param(pay(received_on="2026-02-30"), 422, "validation_error", "received_on", id="received_on-feb30"),
    pytest.param(alloc(invoice_id=5), 422, "validation_error", "allocations[0].invoice_id", id="invoice_id-int"),
    # missing and empty
    pytest.param(pay(customer_id=DROP), 422, "validation_error", "customer_id", id="customer_id-missing"),
    pytest.param(pay(method=DROP), 422, "validation_error", "method", id="method-missing"),
    pytest.param(pay(allocations=DROP), 422, "validation_error", "allocations", id="allocations-missing"),
    pytest.param(pay(allocations=[]), 422, "validation_error", "allocations", id="allocations-empty"),
    pytest.param(alloc(amount=DROP), 422, "validation_error", "allocations[0].amount", id="amount-missing"),
    pytest.param(alloc(invoice_id=""), 422, "validation_error", "allocations[0].invoice_id", id="invoice_id-empty"),
    # amounts
    pytest.param(alloc(amount=0), 422, "validation_error", "allocations[0].amount", id="amount-0"),
    pytest.param(alloc(amount=-1), 422, "validation_error", "allocations[0].amount", id="amount-minus-1"),
    pytest.param(alloc(amount=10_001), 409, "amount_exceeds_due", None, id="amount-over-due-by-1"),
    pytest.param(alloc(amount=10**12), 409, "amount_exceeds_due", None, id="amount-max-over-due"),
    # currencies
    pytest.param(pay(currency="XXX"), 400, "unknown_currency", "currency", id="currency-XXX"),
    pytest.param(pay(currency="usd "), 422, "validation_error", "currency", id="currency-trailing-space"),
    pytest.param(pay(currency="US"), 422, "validation_error", "currency", id="currency-US"),
    pytest.param(pay(currency=840), 422, "validation_error", "currency", id="currency-int"),
    pytest.param(pay(currency="EUR"), 400, "currency_mismatch", None, id="currency-differs-from-invoice"),
    pytest.param(pay(currency="eur"), 400, "currency_mismatch", None, id="currency-differs-lower-case"),
    # ids
    pytest.param(pay(customer_id=new_id("cus")), 404, "resource_missing", None, id="customer-unknown"),
    pytest.param(alloc(invoice_id=new_id("inv")), 404, "resource_missing", None, id="invoice-unknown"),
    pytest.param(alloc(invoice_id="nope"), 404, "resource_missing", None, id="invoice-garbage"),
    pytest.param(alloc(invoice_id="i" * 65), 422, "validation_error", "allocations[0].invoice_id", id="invoice_id-65"),
    pytest.param(pay(customer_id="c" * 65), 422, "validation_error", "customer_id", id="customer_id-65"),
    pytest.param(
        lambda w: {**base_payment(w), "allocations": [{"invoice_id": w["invoice_id"], "amount": 100}] * 2},
        400,
        "duplicate_allocation",
        "allocations",
        id="duplicate-invoice",
    ),
    pytest.param(
        lambda w: {**base_payment(w), "allocations": [{"invoice_id": w["invoice_id"], "amount": 1}] * 101},
        422,
        "validation_error",
        "allocations",
        id="allocations-101",
    ),
    # lengths and text
    pytest.param(pay(reference="r" * 201), 422, "validation_error", "reference", id="reference-201"),
    pytest.param(pay(reference="Check\u0000#1"), 422, "validation_error", "reference", id="reference-NUL"),
    pytest.param(pay(reference="\ud800"), 422, "validation_error", "reference", id="reference-lone-surrogate"),
    pytest.param(
        alloc(invoice_id="inv_\u0000"), 422, "validation_error", "allocations[0].invoice_id", id="invoice_id-NUL"
    ),
    # unknown fields
    pytest.param(pay(amount=1_000), 400, "invalid_request", "amount", id="offline-payment-with-amount"),
    pytest.param(pay(invoice_id="x"), 422, "validation_error", "invoice_id", id="unknown-field-invoice_id"),
    pytest.param(
        alloc(currency="USD"), 422, "validation_error", "allocations[0].currency", id="unknown-allocation-field"
    ),
]


@SHARED
@pytest.mark.parametrize(("make_body", "status", "code", "field"), PAYMENT_CASES)
async def test_payment_create_rejects(
    shared: Shared, make_body: Callable[[World], Body], status: int, code: str, field: str | None
) -> None:
    await shared.rejected("POST", "/v1/payments", make_body(shared.world), status, code, field)


@SHARED
@pytest.mark.parametrize("value", [pytest.param(0, id="0"), pytest.param(-1, id="minus-1"), *BAD_NUMBERS])
async def test_allocation_amount_must_be_a_positive_integer(shared: Shared, value: Any) -> None:
    body = alloc(amount=value)(shared.world)
    await shared.rejected("POST", "/v1/payments", body, 422, "validation_error", "allocations[0].amount")


@SHARED
async def test_invoices_in_different_currencies_in_one_payment(shared: Shared) -> None:
    w = await shared.fresh_world()
    eur = await make_invoice(shared.client, w["customer_id"], amount=5_000, currency="EUR")
    body = {
        **base_payment(w),
        "allocations": [{"invoice_id": w["invoice_id"], "amount": 100}, {"invoice_id": eur["id"], "amount": 100}],
    }
    await shared.rejected("POST", "/v1/payments", body, 400, "currency_mismatch", None)
    await shared.rejected("POST", "/v1/payments", {**body, "currency": "USD"}, 400, "currency_mismatch", None)
    await shared.rejected("POST", "/v1/payments", {**body, "currency": "EUR"}, 400, "currency_mismatch", None)


async def _figures(client: httpx.AsyncClient, invoice_id: str) -> tuple[str, int, int]:
    got = (await client.get(f"/v1/invoices/{invoice_id}")).json()
    return got["status"], got["amount_paid"], got["amount_due"]


@SHARED
async def test_over_allocation_on_one_of_two_invoices_writes_nothing(shared: Shared) -> None:
    w = await shared.fresh_world()
    second = await make_invoice(shared.client, w["customer_id"], amount=3_000)
    body = {
        **base_payment(w),
        "allocations": [
            {"invoice_id": w["invoice_id"], "amount": 10_000},
            {"invoice_id": second["id"], "amount": 3_001},
        ],
    }
    problem = await shared.rejected("POST", "/v1/payments", body, 409, "amount_exceeds_due", None)
    assert problem["context"]["invoice_id"] == second["id"]
    assert problem["context"]["amount_due"] == 3_000
    assert await _figures(shared.client, w["invoice_id"]) == ("open", 0, 10_000)
    assert await _figures(shared.client, second["id"]) == ("open", 0, 3_000)


@SHARED
async def test_over_allocation_after_a_partial_payment(shared: Shared) -> None:
    w = await shared.fresh_world()
    first = await send(shared.client, "POST", "/v1/payments", alloc(amount=6_000)(w))
    assert first.status_code == 201, first.text
    key = {"Idempotency-Key": f"over-{uuid.uuid4()}"}
    await shared.rejected("POST", "/v1/payments", alloc(amount=4_001)(w), 409, "amount_exceeds_due", None, headers=key)
    assert await _figures(shared.client, w["invoice_id"]) == ("partially_paid", 6_000, 4_000)
    # The refusal stored nothing under its key, so the corrected retry with the same key goes through.
    fixed = await send(shared.client, "POST", "/v1/payments", alloc(amount=4_000)(w), headers=key)
    assert fixed.status_code == 201, fixed.text
    assert "idempotent-replayed" not in fixed.headers
    assert await _figures(shared.client, w["invoice_id"]) == ("paid", 10_000, 0)


@SHARED
async def test_payment_total_over_the_maximum(shared: Shared) -> None:
    w = await shared.fresh_world()
    big = [await make_invoice(shared.client, w["customer_id"], amount=10**12) for _ in range(2)]
    body = {**base_payment(w), "allocations": [{"invoice_id": i["id"], "amount": 10**12} for i in big]}
    await shared.rejected("POST", "/v1/payments", body, 400, "amount_too_large", "allocations")


@SHARED
@pytest.mark.parametrize("status", ["draft", "void", "paid", "archived"])
async def test_paying_an_invoice_that_is_not_payable(shared: Shared, status: str) -> None:
    w = await shared.fresh_world()
    invoice = await make_invoice(shared.client, w["customer_id"], amount=2_000, draft=status in ("draft", "archived"))
    if status == "void":
        assert (await shared.client.post(f"/v1/invoices/{invoice['id']}/void")).status_code == 200
    elif status == "archived":
        assert (await shared.client.post(f"/v1/invoices/{invoice['id']}/archive")).status_code == 200
    elif status == "paid":
        paid = await send(
            shared.client,
            "POST",
            "/v1/payments",
            {**base_payment(w), "allocations": [{"invoice_id": invoice["id"], "amount": 2_000}]},
        )
        assert paid.status_code == 201, paid.text
    assert (await shared.client.get(f"/v1/invoices/{invoice['id']}")).json()["status"] == status
    body = {**base_payment(w), "allocations": [{"invoice_id": invoice["id"], "amount": 1}]}
    await shared.rejected("POST", "/v1/payments", body, 409, "invoice_not_payable", None)
    # ...also beside a payable invoice: the whole payment is refused
    body["allocations"].append({"invoice_id": w["invoice_id"], "amount": 1})
    await shared.rejected("POST", "/v1/payments", body, 409, "invoice_not_payable", None)


@SHARED
async def test_paying_another_customers_invoice(shared: Shared) -> None:
    w = await shared.fresh_world()
    other = await shared.fresh_world(amount=2_000)
    body = {**base_payment(w), "allocations": [{"invoice_id": other["invoice_id"], "amount": 100}]}
    await shared.rejected("POST", "/v1/payments", body, 400, "invoice_customer_mismatch", "allocations")
    # ...and mixed with one of the customer's own invoices
    body["allocations"].append({"invoice_id": w["invoice_id"], "amount": 100})
    await shared.rejected("POST", "/v1/payments", body, 400, "invoice_customer_mismatch", "allocations")


@SHARED
@pytest.mark.parametrize("value", params(NOT_DAYS))
async def test_received_on_is_yyyy_mm_dd(shared: Shared, value: Any) -> None:
    body = pay(received_on=value)(shared.world)
    await shared.rejected("POST", "/v1/payments", body, 422, "validation_error", "received_on")
