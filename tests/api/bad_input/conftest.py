"""Fixtures of the bad-input tests: the partner each module's table-driven cases share (`shared`, on both
databases), and for the few tests that run alone, a client whose app answers 500 instead of raising here."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio

from adapters.bootstrap import Container, build
from adapters.settings import Settings
from api.app import create_app
from tests.api.bad_input.harness import BASE_URL, Shared, World
from tests.conftest import UNLIMITED, make_tenant
from tests.factories import make_customer, make_invoice


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def shared_db_url(request: pytest.FixtureRequest) -> str:
    """Like conftest's `db_url`, module-scoped (and synchronous: the session fixtures run their own loop)."""
    return str(request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url"))


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def shared(shared_db_url: str) -> AsyncIterator[Shared]:
    """Module-scoped on both databases: the tables hold hundreds of cases, each one request. Tests that use it are
    marked `SHARED`, so they run on the module's event loop, where its clients were made."""
    # Hundreds of requests in a few seconds, many with bad keys: lift the rate limits (tests/api/test_rate_limits.py
    # covers them) so every case sees the answer to its own input rather than a 429.
    settings = Settings(database_url=shared_db_url, env="test", db_pool_size=5, **UNLIMITED)
    container = build(settings)
    try:
        tenant = await make_tenant(container)
        transport = httpx.ASGITransport(app=create_app(container), raise_app_exceptions=False)
        auth = {"Authorization": f"Bearer {tenant.api_key}"}
        async with (
            httpx.AsyncClient(transport=transport, base_url=BASE_URL, headers=auth) as client,
            httpx.AsyncClient(transport=transport, base_url=BASE_URL) as anon,
        ):
            customer = await make_customer(client)
            invoice = await make_invoice(client, customer["id"], amount=10_000)
            assert invoice["status"] == "open"
            world = {"customer_id": customer["id"], "invoice_id": invoice["id"]}
            yield Shared(container, tenant, client, anon, world)
    finally:
        await container.close()


@pytest.fixture
async def app_client(container: Container) -> AsyncIterator[httpx.AsyncClient]:
    """Like conftest's, but an unhandled error comes back as the app's 500 answer instead of raising here,
    and the rate limits are lifted (hypothesis sends many requests in a burst)."""
    settings = container.settings.model_copy(update=UNLIMITED)
    transport = httpx.ASGITransport(
        app=create_app(dataclasses.replace(container, settings=settings)), raise_app_exceptions=False
    )
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as c:
        yield c


@pytest.fixture
async def world(client: httpx.AsyncClient) -> World:
    """One customer with one open USD invoice of 100.00 (10_000 minor units)."""
    customer = await make_customer(client)
    invoice = await make_invoice(client, customer["id"], amount=10_000)
    assert invoice["status"] == "open"
    return {"customer_id": customer["id"], "invoice_id": invoice["id"]}
