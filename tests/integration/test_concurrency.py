"""Races on PostgreSQL with real parallel connections: the database settles them, not luck."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator

import httpx
import pytest

from adapters.bootstrap import Container, build
from adapters.db.verify import verify_ledger
from adapters.settings import Settings
from api.app import create_app
from tests.conftest import make_tenant
from tests.factories import make_customer, make_invoice


@pytest.fixture
async def pg_container(own_pg_url: str) -> AsyncIterator[Container]:
    c = build(Settings(database_url=own_pg_url, env="test", db_pool_size=25))
    try:
        yield c
    finally:
        await c.close()


@pytest.fixture
async def pg_client(pg_container: Container) -> AsyncIterator[httpx.AsyncClient]:
    tenant = await make_tenant(pg_container)
    transport = httpx.ASGITransport(app=create_app(pg_container))
    async with httpx.AsyncClient(
        transport=transport,
        base_url="http://remit.test",
        timeout=60,
        headers={"Authorization": f"Bearer {tenant.api_key}"},
    ) as client:
        yield client


async def test_fifty_racing_payments_never_overpay(
    pg_client: httpx.AsyncClient, pg_container: Container, own_pg_url: str
) -> None:
    customer = await make_customer(pg_client)
    invoice = await make_invoice(pg_client, customer["id"], amount=10_000)
    body = {
        "customer_id": customer["id"],
        "method": "check",
        "allocations": [{"invoice_id": invoice["id"], "amount": 250}],
    }

    responses = await asyncio.gather(*(pg_client.post("/v1/payments", json=body) for _ in range(50)))

    statuses = [r.status_code for r in responses]
    assert all(s < 500 for s in statuses), statuses
    assert statuses.count(201) == 40  # 40 payments of 250 is exactly the balance
    assert statuses.count(409) == 10
    assert {r.json()["code"] for r in responses if r.status_code == 409} <= {
        "amount_exceeds_due",
        "invoice_not_payable",
    }
    final = (await pg_client.get(f"/v1/invoices/{invoice['id']}")).json()
    assert (final["amount_paid"], final["amount_due"], final["status"]) == (10_000, 0, "paid")

    async with pg_container.sessions() as session:
        assert await verify_ledger(session) == []
    cli = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "api.cli", "ledger", "verify"],
        env={**os.environ, "REMIT_DATABASE_URL": own_pg_url},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert cli.returncode == 0, cli.stdout + cli.stderr


async def test_fifty_identical_requests_with_one_key_make_one_payment(pg_client: httpx.AsyncClient) -> None:
    customer = await make_customer(pg_client)
    invoice = await make_invoice(pg_client, customer["id"], amount=10_000)
    body = {
        "customer_id": customer["id"],
        "method": "check",
        "allocations": [{"invoice_id": invoice["id"], "amount": 100}],
    }
    headers = {"Idempotency-Key": "one-key-for-all"}

    responses = await asyncio.gather(*(pg_client.post("/v1/payments", json=body, headers=headers) for _ in range(50)))

    assert all(r.status_code in (201, 409) for r in responses), [r.status_code for r in responses]
    created = [r for r in responses if r.status_code == 201]
    assert {r.json()["id"] for r in created} and len({r.json()["id"] for r in created}) == 1
    assert sum(1 for r in created if r.headers.get("idempotent-replayed") != "true") == 1
    payments = (await pg_client.get("/v1/payments", params={"invoice_id": invoice["id"]})).json()["data"]
    assert len(payments) == 1
    final = (await pg_client.get(f"/v1/invoices/{invoice['id']}")).json()
    assert final["amount_paid"] == 100


async def test_racing_multi_invoice_payments_do_not_deadlock(pg_client: httpx.AsyncClient) -> None:
    customer = await make_customer(pg_client)
    a = await make_invoice(pg_client, customer["id"], amount=5_000)
    b = await make_invoice(pg_client, customer["id"], amount=5_000)
    forward = {
        "customer_id": customer["id"],
        "method": "cash",
        "allocations": [{"invoice_id": a["id"], "amount": 100}, {"invoice_id": b["id"], "amount": 100}],
    }
    backward = {**forward, "allocations": list(reversed(forward["allocations"]))}  # type: ignore[call-overload]

    responses = await asyncio.gather(
        *(pg_client.post("/v1/payments", json=forward if i % 2 else backward) for i in range(40))
    )
    assert [r.status_code for r in responses] == [201] * 40
    for inv in (a, b):
        got = (await pg_client.get(f"/v1/invoices/{inv['id']}")).json()
        assert got["amount_paid"] == 4_000
