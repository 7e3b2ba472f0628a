"""Charging saved methods and refunding: every bad request is a clear 4xx problem and writes nothing.

"Nothing" is checked row by row: our payments, allocations, ledger, refunds, disputes, saved methods,
idempotency keys and outbox, and the sandbox processor's own charges and refunds.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from adapters.bootstrap import Container
from api.app import create_app
from domain.ids import new_id
from tests.conftest import make_tenant
from tests.factories import charge_saved as charge
from tests.factories import make_customer, make_invoice, save_test_method, token_for

PROBLEM = "application/problem+json"
COUNTED = {
    table: f"SELECT count(*) FROM {table}"
    for table in (
        "payments",
        "allocations",
        "journal_entries",
        "journal_lines",
        "refunds",
        "disputes",
        "payment_methods",
        "idempotency_keys",
        "outbox_events",
        "sandbox_charges",
        "sandbox_refunds",
    )
}
COUNTED["sandbox_methods attached"] = "SELECT count(*) FROM sandbox_methods WHERE attached_id IS NOT NULL"
CARD = {"type": "card", "number": "4242424242424242", "exp_month": 12, "exp_year": 2040, "cvc": "123"}
US_BANK = {
    "type": "us_bank_account",
    "routing_number": "110000000",
    "account_number": "000123456789",
    "account_holder_name": "Acme",
}
MANDATE = {"ip_address": "203.0.113.7", "user_agent": "pytest"}
BAD_AMOUNTS: list[Any] = [0, -1, 2**63, 10**12 + 1, "10.00", "1000", 10.5, 0.01, 100.0, True, [100]]


async def row_counts(container: Container) -> dict[str, int]:
    async with container.sessions() as session:
        return {name: int((await session.execute(text(sql))).scalar_one()) for name, sql in COUNTED.items()}


@asynccontextmanager
async def writes_nothing(container: Container, *, ignore: tuple[str, ...] = ()) -> AsyncIterator[None]:
    before = await row_counts(container)
    yield
    after = await row_counts(container)
    changed = {k: (before[k], after[k]) for k in before if before[k] != after[k] and k not in ignore}
    assert not changed, f"a refused request wrote rows (before, after): {changed}"


def refused(r: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, f"expected {status} {code}, got {r.status_code} {r.text}"
    assert r.headers["content-type"] == PROBLEM, r.headers
    body = dict(r.json())
    assert body["status"] == status and body["code"] == code, body
    assert body.get("detail"), body
    return body


def key() -> dict[str, str]:
    """Every refused request carries a key: a refusal must not keep it either."""
    return {"Idempotency-Key": new_id("test")}


@pytest.fixture
async def other(container: Container) -> AsyncIterator[httpx.AsyncClient]:
    """Another partner, on the same server."""
    tenant = await make_tenant(container, "Other Partner")
    transport = httpx.ASGITransport(app=create_app(container))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://remit.test", headers={"Authorization": f"Bearer {tenant.api_key}"}
    ) as c:
        yield c


async def _invoice(client: httpx.AsyncClient, invoice_id: str) -> dict[str, Any]:
    return dict((await client.get(f"/v1/invoices/{invoice_id}")).json())


async def _billed(
    client: httpx.AsyncClient, kind: str = "visa", amount: int = 5_000
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """A customer with one open invoice and one saved method: (customer, invoice, method)."""
    customer = await make_customer(client)
    invoice = await make_invoice(client, customer["id"], amount=amount)
    return customer, invoice, await save_test_method(client, customer["id"], kind)


async def _card_payment(
    client: httpx.AsyncClient, amount: int = 10_000, kind: str = "visa_debit"
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A captured card payment for an invoice of `amount`; returns (payment, invoice). The default debit card adds
    no fee, so the payment is exactly `amount`."""
    customer, invoice, method = await _billed(client, kind, amount)
    r = await charge(client, customer["id"], method["id"], [(invoice["id"], amount)])
    assert r.status_code == 201 and r.json()["status"] == "succeeded", r.text
    assert r.json()["amount"] == amount or kind != "visa_debit"
    return dict(r.json()), invoice


# Unknown and foreign ids ---------------------------------------------------------------------------------------


async def test_unknown_or_foreign_methods_and_invoices_are_404(
    client: httpx.AsyncClient, other: httpx.AsyncClient, container: Container
) -> None:
    customer, invoice, method = await _billed(client)
    sibling = await make_customer(client, name="Sibling Co")
    sibling_method = await save_test_method(client, sibling["id"])
    their_customer = await make_customer(other, name="Theirs Inc")
    their_invoice = await make_invoice(other, their_customer["id"], amount=5_000)
    their_method = await save_test_method(other, their_customer["id"])

    cases = [
        ("unknown method", customer["id"], new_id("pm"), invoice["id"]),
        ("another partner's method", customer["id"], their_method["id"], invoice["id"]),
        ("another customer's method", customer["id"], sibling_method["id"], invoice["id"]),
        ("unknown invoice", customer["id"], method["id"], new_id("inv")),
        ("another partner's invoice", customer["id"], method["id"], their_invoice["id"]),
        ("another partner's customer", their_customer["id"], method["id"], invoice["id"]),
        ("another partner's customer and method", their_customer["id"], their_method["id"], their_invoice["id"]),
    ]
    async with writes_nothing(container):
        for label, customer_id, method_id, invoice_id in cases:
            r = await charge(client, customer_id, method_id, [(invoice_id, 1_000)], headers=key())
            body = refused(r, 404, "resource_missing")
            assert body["context"]["id"] in (customer_id, method_id, invoice_id), (label, body)
        # one foreign invoice among the customer's own refuses the whole payment
        r = await charge(client, customer["id"], method["id"], [(invoice["id"], 100), (their_invoice["id"], 100)])
        refused(r, 404, "resource_missing")
        r = await client.post(f"/v1/payments/{new_id('pay')}/refunds", json={"amount": 100}, headers=key())
        refused(r, 404, "resource_missing")
    assert (await _invoice(client, invoice["id"]))["amount_due"] == 5_000
    assert (await _invoice(other, their_invoice["id"]))["amount_due"] == 5_000


# Business rules --------------------------------------------------------------------------------------------------


async def test_a_cad_invoice_cannot_be_debited_from_a_us_bank_account(
    client: httpx.AsyncClient, container: Container
) -> None:
    customer = await make_customer(client)
    cad = await make_invoice(client, customer["id"], amount=5_000, currency="CAD")
    bank = await save_test_method(client, customer["id"], "settles")
    assert bank["type"] == "us_bank_account" and bank["mandate"]["ip_address"] == MANDATE["ip_address"]
    async with writes_nothing(container):
        body = refused(
            await charge(client, customer["id"], bank["id"], [(cad["id"], 5_000)], headers=key()),
            400,
            "currency_not_supported",
        )
        assert body["errors"][0]["field"] == "payment_method_id"
        quote = await client.post(
            "/v1/payments/quote",
            json={"customer_id": customer["id"], "payment_method_id": bank["id"], "amount": 5_000},
        )
        refused(quote, 400, "currency_not_supported")
    assert (await _invoice(client, cad["id"]))["amount_due"] == 5_000


async def test_more_than_is_due_is_refused(client: httpx.AsyncClient, container: Container) -> None:
    customer, b, method = await _billed(client, "visa_debit")
    a = await make_invoice(client, customer["id"], amount=3_000)
    async with writes_nothing(container):
        body = refused(
            await charge(client, customer["id"], method["id"], [(a["id"], 3_001)], headers=key()),
            409,
            "amount_exceeds_due",
        )
        assert body["context"]["invoice_id"] == a["id"] and body["context"]["amount_due"] == 3_000
        r = await charge(client, customer["id"], method["id"], [(a["id"], 1_000), (b["id"], 5_001)], headers=key())
        refused(r, 409, "amount_exceeds_due")
    ok = await charge(client, customer["id"], method["id"], [(a["id"], 3_000)])
    assert ok.status_code == 201, ok.text
    async with writes_nothing(container):  # paid in full: nothing more may be charged to it
        r = await charge(client, customer["id"], method["id"], [(a["id"], 1)], headers=key())
        assert r.status_code == 409 and r.json()["code"] in ("amount_exceeds_due", "invoice_not_payable"), r.text


async def test_a_lump_sum_beyond_what_is_owed_is_the_same_409(client: httpx.AsyncClient, container: Container) -> None:
    customer, b, method = await _billed(client, "visa_debit")
    a = await make_invoice(client, customer["id"], amount=3_000)
    async with writes_nothing(container):
        for extra in ({}, {"invoice_ids": [a["id"], b["id"]]}, {"invoice_ids": [a["id"]]}):
            lump = {"customer_id": customer["id"], "payment_method_id": method["id"], "amount": 8_001, **extra}
            r = await client.post("/v1/payments", json=lump, headers=key())
            assert r.status_code < 500 and r.json()["code"] == "amount_exceeds_due", r.text
            refused(r, 409, "amount_exceeds_due")


async def test_refunds_never_exceed_what_was_captured(client: httpx.AsyncClient, container: Container) -> None:
    payment, invoice = await _card_payment(client, 10_000)
    url = f"/v1/payments/{payment['id']}/refunds"
    async with writes_nothing(container):
        body = refused(await client.post(url, json={"amount": 10_001}, headers=key()), 409, "amount_exceeds_refundable")
        assert body["context"]["refundable"] == 10_000
    first = await client.post(url, json={"amount": 6_000})
    assert first.status_code == 201 and first.json()["status"] == "succeeded", first.text
    async with writes_nothing(container):
        body = refused(await client.post(url, json={"amount": 4_001}, headers=key()), 409, "amount_exceeds_refundable")
        assert body["context"]["refundable"] == 4_000
    rest = await client.post(url, json={})  # no amount: everything still refundable
    assert rest.status_code == 201 and rest.json()["amount"] == 4_000, rest.text
    async with writes_nothing(container):
        refused(await client.post(url, json={"amount": 1}, headers=key()), 409, "payment_not_refundable")
        refused(await client.post(url, json={}, headers=key()), 409, "payment_not_refundable")
    got = (await client.get(f"/v1/payments/{payment['id']}")).json()
    assert got["status"] == "refunded"
    listed = (await client.get(url)).json()["data"]
    assert sorted((r["amount"], r["status"]) for r in listed) == [(4_000, "succeeded"), (6_000, "succeeded")]
    assert (await _invoice(client, invoice["id"]))["status"] == "paid"  # refunds leave the invoice paid


async def test_a_disputed_payment_cannot_be_refunded(client: httpx.AsyncClient, container: Container) -> None:
    payment, _ = await _card_payment(client, 4_000, "disputed")
    payment_id = payment["id"]
    advanced = await client.post("/v1/sandbox/clock/advance", json={"days": 1})
    assert advanced.status_code == 200, advanced.text
    assert (await client.get(f"/v1/payments/{payment_id}")).json()["status"] == "disputed"
    async with writes_nothing(container):
        refused(
            await client.post(f"/v1/payments/{payment_id}/refunds", json={"amount": 100}, headers=key()),
            409,
            "payment_disputed",
        )
        refused(
            await client.post(f"/v1/payments/{payment_id}/refunds", json={}, headers=key()), 409, "payment_disputed"
        )


async def test_partial_payments_can_be_turned_off(client: httpx.AsyncClient, container: Container) -> None:
    customer, invoice, method = await _billed(client, "visa_debit")
    r = await client.patch("/v1/settings/payments", json={"partial_payments": False})
    assert r.status_code == 200 and r.json()["partial_payments"] is False, r.text
    async with writes_nothing(container):
        body = refused(
            await charge(client, customer["id"], method["id"], [(invoice["id"], 4_999)], headers=key()),
            409,
            "partial_payments_disabled",
        )
        assert body["context"]["invoice_id"] == invoice["id"]
    full = await charge(client, customer["id"], method["id"], [(invoice["id"], 5_000)])
    assert full.status_code == 201, full.text


async def test_a_method_type_the_partner_disabled_cannot_be_charged(
    client: httpx.AsyncClient, container: Container
) -> None:
    customer, invoice, method = await _billed(client)
    r = await client.patch("/v1/settings/payments", json={"enabled_methods": ["us_bank_account"]})
    assert r.status_code == 200 and r.json()["enabled_methods"] == ["us_bank_account"], r.text
    async with writes_nothing(container):
        refused(
            await charge(client, customer["id"], method["id"], [(invoice["id"], 5_000)], headers=key()),
            409,
            "method_not_enabled",
        )
    r = await client.patch("/v1/settings/payments", json={"enabled_methods": ["card", "us_bank_account"]})
    assert r.status_code == 200, r.text
    assert (await charge(client, customer["id"], method["id"], [(invoice["id"], 5_000)])).status_code == 201


async def test_a_detached_method_cannot_be_charged(client: httpx.AsyncClient, container: Container) -> None:
    customer, invoice, method = await _billed(client)
    removed = await client.delete(f"/v1/payment-methods/{method['id']}")
    assert removed.status_code == 200 and removed.json()["detached_at"] is not None, removed.text
    async with writes_nothing(container):
        refused(
            await charge(client, customer["id"], method["id"], [(invoice["id"], 5_000)], headers=key()),
            409,
            "payment_method_detached",
        )
        refused(
            await client.post(f"/v1/payment-methods/{method['id']}/default", headers=key()),
            409,
            "payment_method_detached",
        )
    assert (await _invoice(client, invoice["id"]))["amount_due"] == 5_000


# Saving methods ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "details",
    [
        {**CARD, "number": "4111111111111111"},  # a Luhn-valid card number, but not one of the sandbox's
        {**CARD, "number": "4242424242424241"},
        {**US_BANK, "account_number": "000999999999"},
        {**US_BANK, "routing_number": "021000021"},
        {
            "type": "ca_bank_account",
            "institution_number": "001",
            "transit_number": "11000",
            "account_number": "000123456789",
            "account_holder_name": "Acme",
        },
    ],
    ids=["card-luhn-valid", "card-near-miss", "us-account", "us-routing", "ca-institution"],
)
async def test_only_the_sandboxs_test_numbers_become_tokens(
    client: httpx.AsyncClient, container: Container, details: dict[str, Any]
) -> None:
    async with writes_nothing(container):
        r = await client.post("/sandbox/v1/tokens", json=details)
        refused(r, 400, "not_a_test_number")
    for secret in (details.get("number"), details.get("account_number")):
        if secret and secret != "000123456789":
            assert secret not in r.text  # never echoed: someone may have typed a real number


async def test_a_bank_account_needs_a_mandate(client: httpx.AsyncClient, container: Container) -> None:
    customer = await make_customer(client)
    token = await token_for(client, "settles")
    async with writes_nothing(container):  # the single-use token is not spent either
        body = refused(
            await client.post(f"/v1/customers/{customer['id']}/payment-methods", json={"token": token}, headers=key()),
            400,
            "mandate_required",
        )
        assert body["errors"][0]["field"] == "mandate"
    listed = (await client.get(f"/v1/customers/{customer['id']}/payment-methods")).json()["data"]
    assert listed == []
    saved = await save_test_method(client, customer["id"], "settles")  # a new token with a mandate works
    assert saved["mandate"]["ip_address"] == MANDATE["ip_address"] and saved["mandate"]["text"]


async def test_a_corrected_retry_after_mandate_required_works_with_the_same_token(
    client: httpx.AsyncClient, container: Container
) -> None:
    customer = await make_customer(client)
    token = await token_for(client, "settles")
    url = f"/v1/customers/{customer['id']}/payment-methods"
    headers = key()
    before = await row_counts(container)
    refused(await client.post(url, json={"token": token}, headers=headers), 400, "mandate_required")
    after = await row_counts(container)
    corrected = await client.post(url, json={"token": token, "mandate": MANDATE}, headers=headers)
    assert corrected.status_code == 201, corrected.text  # today: 400 token_already_used
    assert after == before  # today: the refused attach left the method attached at the sandbox


# Amounts ---------------------------------------------------------------------------------------------------------


async def test_malformed_amounts_are_422_and_write_nothing(client: httpx.AsyncClient, container: Container) -> None:
    payment, invoice = await _card_payment(client, 10_000)
    customer_id, method_id = payment["customer_id"], payment["payment_method_id"]
    other_invoice = await make_invoice(client, customer_id, amount=10_000)
    async with writes_nothing(container):
        for amount in BAD_AMOUNTS:
            for body in (
                {
                    "customer_id": customer_id,
                    "payment_method_id": method_id,
                    "allocations": [{"invoice_id": other_invoice["id"], "amount": amount}],
                },
                {"customer_id": customer_id, "payment_method_id": method_id, "amount": amount},
            ):
                r = await client.post("/v1/payments", json=body, headers=key())
                assert r.status_code == 422, f"payment amount {amount!r}: {r.status_code} {r.text}"
                assert r.headers["content-type"] == PROBLEM
            r = await client.post(f"/v1/payments/{payment['id']}/refunds", json={"amount": amount}, headers=key())
            assert r.status_code == 422, f"refund amount {amount!r}: {r.status_code} {r.text}"
            assert r.headers["content-type"] == PROBLEM
    assert (await _invoice(client, other_invoice["id"]))["amount_due"] == 10_000
    assert (await client.get(f"/v1/payments/{payment['id']}")).json()["status"] == "succeeded"
    assert invoice["id"] != other_invoice["id"]


# Idempotency -----------------------------------------------------------------------------------------------------


async def test_a_refused_charge_keeps_no_key_so_the_corrected_retry_charges_once(
    client: httpx.AsyncClient, container: Container
) -> None:
    customer, invoice, method = await _billed(client, "visa_debit")
    headers = {"Idempotency-Key": "pay-invoice-once"}
    async with writes_nothing(container):
        refused(
            await charge(client, customer["id"], method["id"], [(invoice["id"], 5_001)], headers=headers),
            409,
            "amount_exceeds_due",
        )
        r = await charge(client, customer["id"], method["id"], [(invoice["id"], "50.00")], headers=headers)
        assert r.status_code == 422, r.text
        refused(
            await charge(client, customer["id"], new_id("pm"), [(invoice["id"], 5_000)], headers=headers),
            404,
            "resource_missing",
        )

    before = await row_counts(container)
    ok = await charge(client, customer["id"], method["id"], [(invoice["id"], 5_000)], headers=headers)
    assert ok.status_code == 201 and ok.json()["status"] == "succeeded", ok.text
    assert "idempotent-replayed" not in ok.headers
    after = await row_counts(container)
    assert after["payments"] - before["payments"] == 1
    assert after["sandbox_charges"] - before["sandbox_charges"] == 1
    assert after["idempotency_keys"] - before["idempotency_keys"] == 1

    async with writes_nothing(container):
        replay = await charge(client, customer["id"], method["id"], [(invoice["id"], 5_000)], headers=headers)
        assert replay.status_code == 201 and replay.headers.get("idempotent-replayed") == "true"
        assert replay.json() == ok.json()
        # The key is now spent: another body with it is refused, and changes nothing.
        refused(
            await charge(client, customer["id"], method["id"], [(invoice["id"], 1)], headers=headers),
            409,
            "idempotency_key_reused",
        )
    assert (await _invoice(client, invoice["id"]))["status"] == "paid"


async def test_a_declined_card_is_a_final_answer_replayed_under_its_key(
    client: httpx.AsyncClient, container: Container
) -> None:
    customer, invoice, method = await _billed(client, "declined")
    headers = {"Idempotency-Key": "declined-once"}
    first = await charge(client, customer["id"], method["id"], [(invoice["id"], 5_000)], headers=headers)
    body = refused(first, 402, "card_declined")
    assert body["payment_id"] and body["decline_code"] == "card_declined"
    async with writes_nothing(container):
        again = await charge(client, customer["id"], method["id"], [(invoice["id"], 5_000)], headers=headers)
        assert again.status_code == 402 and again.headers.get("idempotent-replayed") == "true"
        assert again.json() == first.json()
    assert (await client.get(f"/v1/payments/{body['payment_id']}")).json()["status"] == "failed"
    after = await _invoice(client, invoice["id"])
    assert (after["amount_due"], after["amount_pending"], after["status"]) == (5_000, 0, "open")
