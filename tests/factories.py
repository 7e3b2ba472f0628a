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
