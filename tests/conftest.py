"""Shared fixtures: migrated SQLite and PostgreSQL databases, the app through httpx, partners with keys."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from adapters.bootstrap import Container, build
from adapters.db.migrate import upgrade
from adapters.settings import Settings
from api.app import create_app
from domain.partners.use_cases import CreateApiKey, CreatePartner, create_api_key, create_partner
from tests.services import check_redis, create_pg_database, drop_pg_database

# Settings that lift the rate limits, for tests that send many requests on purpose (test_rate_limits covers them).
UNLIMITED: dict[str, Any] = {
    "rate_limit_per_second": 100_000,
    "rate_limit_burst": 1_000_000,
    "auth_failures_per_minute": 100_000,
}


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    path: Path = tmp_path_factory.mktemp("db") / "remit.db"
    url = f"sqlite:///{path}"
    asyncio.run(upgrade(url))
    return url


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    url = create_pg_database()
    try:
        asyncio.run(upgrade(url))
        yield url
    finally:
        drop_pg_database(url)


@pytest.fixture(scope="module")
def own_pg_url() -> Iterator[str]:
    """A PostgreSQL database of the module's own, for tests that judge the whole database (`verify_ledger`) or
    do things to its connections; the session's shared one also holds other tests' deliberate oddities."""
    url = create_pg_database()
    try:
        asyncio.run(upgrade(url))
        yield url
    finally:
        drop_pg_database(url)


@pytest.fixture(scope="session")
def redis_url() -> str:
    return check_redis()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> str:
    """The same test on both databases."""
    return str(request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url"))


@pytest.fixture
async def container(db_url: str) -> AsyncIterator[Container]:
    c = build(Settings(database_url=db_url, env="test", db_pool_size=20))
    try:
        yield c
    finally:
        await c.close()


@dataclass
class Tenant:
    partner_id: str
    slug: str
    api_key: str
    api_key_id: str


async def make_tenant(container: Container, name: str = "Partner") -> Tenant:
    slug = f"p-{uuid.uuid4().hex[:12]}"
    async with container.uow() as uow:
        partner = await create_partner(CreatePartner(name, slug), uow, clock=container.clock)
        key, secret = await create_api_key(CreateApiKey(slug), uow, clock=container.clock)
        await uow.commit()
    return Tenant(partner.id, slug, secret, key.id)


@pytest.fixture
async def tenant(container: Container) -> Tenant:
    return await make_tenant(container)


@pytest.fixture
async def app_client(container: Container) -> AsyncIterator[httpx.AsyncClient]:
    """An unauthenticated client for the app; pass headers per request or use `client`."""
    app = create_app(container)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://remit.test") as c:
        yield c


@pytest.fixture
async def client(app_client: httpx.AsyncClient, tenant: Tenant) -> httpx.AsyncClient:
    app_client.headers["Authorization"] = f"Bearer {tenant.api_key}"
    return app_client
