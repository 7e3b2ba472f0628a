"""Dropped database connections (a failover, a restart, `pg_terminate_backend`) cost at most a retryable 503.

The pool must discard a dead connection rather than hand it out again, so the next request works; none is
answered 500, none hangs, and a retry with the same idempotency key acts once.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest

from adapters.bootstrap import Container, build
from adapters.settings import Settings
from api.app import create_app
from tests.conftest import UNLIMITED, Tenant, make_tenant
from tests.factories import make_customer, make_invoice

pytestmark = pytest.mark.postgres


async def _terminate_backends(url: str) -> int:
    """Kill every server connection to the test database but our own, as a failover would."""
    base, _, name = url.rpartition("/")
    conn = await asyncpg.connect(f"{base}/postgres")
    try:
        killed = await conn.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1 AND pid <> "
            "pg_backend_pid()",
            name,
        )
        return int(killed)
    finally:
        await conn.close()


@pytest.fixture
async def served(own_pg_url: str) -> AsyncIterator[tuple[Container, Tenant, httpx.AsyncClient]]:
    # The container is handed to the app, so no in-process job runner touches the pool: as with REMIT_REDIS_URL
    # set, only requests can notice (and must survive) the dead connections.
    container = build(Settings(database_url=own_pg_url, env="test", db_pool_size=4, **UNLIMITED))
    tenant = await make_tenant(container)
    app = create_app(container)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://remit.test",
        timeout=30,
        headers={"Authorization": f"Bearer {tenant.api_key}"},
    ) as client:
        try:
            yield container, tenant, client
        finally:
            await container.close()


async def _warm(client: httpx.AsyncClient, n: int) -> None:
    """Fill the pool: n requests at once each hold a connection."""
    answers = await asyncio.gather(*(client.get("/v1/invoices") for _ in range(n)))
    assert {r.status_code for r in answers} == {200}


def _retryable(r: httpx.Response) -> bool:
    return r.status_code == 503 and r.headers.get("Retry-After") == "1" and r.json()["code"] == "database_unavailable"


async def test_requests_after_the_backends_die_get_503_or_succeed_and_the_pool_heals(
    served: tuple[Container, Tenant, httpx.AsyncClient], own_pg_url: str
) -> None:
    _, _, client = served
    customer = await make_customer(client)
    await make_invoice(client, customer["id"], amount=5_000)
    await _warm(client, 8)
    assert await _terminate_backends(own_pg_url) >= 1

    answers = []
    for _ in range(12):  # reads, one at a time, each on whatever the pool hands out
        answers.append(await asyncio.wait_for(client.get("/v1/invoices"), timeout=20))
    statuses = Counter(r.status_code for r in answers)
    assert set(statuses) <= {200, 503}, [r.text for r in answers if r.status_code not in (200, 503)]
    assert all(_retryable(r) for r in answers if r.status_code == 503)
    assert statuses[503] <= 1, statuses  # the first dead connection found discards the rest of the pool
    assert [r.status_code for r in answers[-10:]] == [200] * 10


async def test_a_write_cut_off_is_retried_with_the_same_key_and_acts_once(
    served: tuple[Container, Tenant, httpx.AsyncClient], own_pg_url: str
) -> None:
    _, _, client = served
    customer = await make_customer(client)
    invoice = await make_invoice(client, customer["id"], amount=7_500)
    await _warm(client, 8)
    await _terminate_backends(own_pg_url)

    key = str(uuid.uuid4())
    body = {
        "customer_id": customer["id"],
        "method": "check",
        "currency": "USD",
        "allocations": [{"invoice_id": invoice["id"], "amount": 7_500}],
    }
    first = await client.post("/v1/payments", json=body, headers={"Idempotency-Key": key})
    assert first.status_code in (201, 503), first.text
    again = await client.post("/v1/payments", json=body, headers={"Idempotency-Key": key})
    assert again.status_code == 201, again.text
    if first.status_code == 201:
        assert again.json()["id"] == first.json()["id"]
    after = (await client.get(f"/v1/invoices/{invoice['id']}")).json()
    assert (after["status"], after["amount_paid"], after["amount_due"]) == ("paid", 7_500, 0)
    payments = (await client.get("/v1/payments", params={"customer_id": customer["id"]})).json()["data"]
    assert len(payments) == 1


async def test_backends_killed_under_load_never_answer_500_or_hang(
    served: tuple[Container, Tenant, httpx.AsyncClient], own_pg_url: str
) -> None:
    _, _, client = served
    customer = await make_customer(client)
    await make_invoice(client, customer["id"], amount=1_000)
    stop = asyncio.Event()
    answers: list[httpx.Response] = []

    async def load() -> None:
        while not stop.is_set():
            answers.append(await asyncio.wait_for(client.get("/v1/invoices"), timeout=20))

    workers = [asyncio.create_task(load()) for _ in range(6)]
    for _ in range(3):  # three failovers while six clients read
        await asyncio.sleep(0.3)
        await _terminate_backends(own_pg_url)
    await asyncio.sleep(0.5)
    stop.set()
    await asyncio.gather(*workers)

    statuses = Counter(r.status_code for r in answers)
    assert set(statuses) <= {200, 503}, [r.text for r in answers if r.status_code not in (200, 503)]
    assert all(_retryable(r) for r in answers if r.status_code == 503)
    assert statuses[200] > statuses[503]
    assert (await client.get("/v1/invoices")).status_code == 200
