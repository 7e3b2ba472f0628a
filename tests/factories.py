"""Small factories that go through the public API, so tests exercise what integrators use."""

from __future__ import annotations

from typing import Any

import httpx


async def make_customer(client: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    body = {"name": "Acme Dental", "email": "ap@acme.example", **overrides}
    r = await client.post("/v1/customers", json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def make_invoice(
    client: httpx.AsyncClient, customer_id: str, amount: int = 10_000, **overrides: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "customer_id": customer_id,
        "currency": "USD",
        "issue_date": "2026-11-01",
        "due_date": "2026-12-01",
        "lines": [{"description": "Managed services", "quantity": 1, "unit_amount": amount}],
        **overrides,
    }
    r = await client.post("/v1/invoices", json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def pay(
    client: httpx.AsyncClient, customer_id: str, allocations: list[tuple[str, int]], **overrides: Any
) -> httpx.Response:
    body = {
        "customer_id": customer_id,
        "method": "check",
        "reference": "Check #1",
        "allocations": [{"invoice_id": i, "amount": a} for i, a in allocations],
        **overrides,
    }
    return await client.post("/v1/payments", json=body)


TEST_CARDS = {
    "visa": "4242424242424242",
    "visa_debit": "4000056655665556",
    "mastercard": "5555555555554444",
    "amex": "378282246310005",
    "declined": "4000000000000002",
    "insufficient_funds": "4000000000009995",
    "disputed": "4000000000000259",
}
TEST_BANK_ACCOUNTS = {
    "settles": "000123456789",
    "returns_r01": "000111111116",
    "returns_r02": "000111111113",
    "fails": "000222222227",
}


async def token_for(client: httpx.AsyncClient, kind: str = "visa", *, country: str = "US") -> str:
    """A single-use token from the sandbox tokenizer, as the browser would get it."""
    if kind in TEST_CARDS:
        cvc = "1234" if kind == "amex" else "123"
        body: dict[str, Any] = {
            "type": "card",
            "number": TEST_CARDS[kind],
            "exp_month": 12,
            "exp_year": 2040,
            "cvc": cvc,
        }
    elif country == "US":
        body = {
            "type": "us_bank_account",
            "routing_number": "110000000",
            "account_number": TEST_BANK_ACCOUNTS[kind],
            "account_holder_name": "Acme Dental",
        }
    else:
        body = {
            "type": "ca_bank_account",
            "institution_number": "000",
            "transit_number": "11000",
            "account_number": TEST_BANK_ACCOUNTS[kind],
            "account_holder_name": "Érable Dentaire",
        }
    r = await client.post("/sandbox/v1/tokens", json=body)
    assert r.status_code in (200, 201), r.text
    return str(r.json()["id"])


async def save_test_method(
    client: httpx.AsyncClient, customer_id: str, kind: str = "visa", *, country: str = "US"
) -> dict[str, Any]:
    token = await token_for(client, kind, country=country)
    body: dict[str, Any] = {"token": token}
    if kind in TEST_BANK_ACCOUNTS:
        body["mandate"] = {"ip_address": "203.0.113.7", "user_agent": "pytest"}
    r = await client.post(f"/v1/customers/{customer_id}/payment-methods", json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def charge_saved(
    client: httpx.AsyncClient,
    customer_id: str,
    method_id: str,
    allocations: list[tuple[str, Any]],
    *,
    headers: dict[str, str] | None = None,
    **overrides: Any,
) -> httpx.Response:
    body = {
        "customer_id": customer_id,
        "payment_method_id": method_id,
        "allocations": [{"invoice_id": i, "amount": a} for i, a in allocations],
        **overrides,
    }
    return await client.post("/v1/payments", json=body, headers=headers)
