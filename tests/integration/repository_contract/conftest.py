"""The `store` fixture: each contract test runs on the fakes, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from adapters.bootstrap import build
from adapters.settings import Settings
from tests.conftest import make_tenant
from tests.integration.repository_contract.harness import FakeStore, SqlStore, Store


@pytest.fixture(params=["fake", "sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest) -> tuple[str, str | None]:
    """The store's name and database URL: the session's migrated databases (tests/conftest.py), none for the fake.
    Resolved outside the event loop, as those fixtures migrate with asyncio.run."""
    if request.param == "fake":
        return "fake", None
    return request.param, str(request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url"))


@pytest.fixture
async def store(store_url: tuple[str, str | None]) -> AsyncIterator[Store]:
    name, url = store_url
    if url is None:
        yield FakeStore()
        return
    container = build(Settings(database_url=url, env="test"))
    try:
        tenant = await make_tenant(container)  # each test writes as a partner of its own
        yield SqlStore(name, container, tenant.partner_id)
    finally:
        await container.close()
