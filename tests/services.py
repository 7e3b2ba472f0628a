"""Reaching the test PostgreSQL and Redis: skip with a reason, or fail when REMIT_TEST_REQUIRE_SERVICES=1."""

from __future__ import annotations

import asyncio
import os
import uuid

import pytest

PG_URL = os.environ.get("REMIT_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("REMIT_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
REQUIRED = os.environ.get("REMIT_TEST_REQUIRE_SERVICES") == "1"


def unavailable(service: str, reason: str) -> None:
    message = f"{service} not reachable ({reason})"
    if REQUIRED:
        pytest.fail(f"{message} and REMIT_TEST_REQUIRE_SERVICES=1", pytrace=False)
    pytest.skip(message)


def _admin_dsn() -> str:
    return PG_URL.replace("postgresql+asyncpg://", "postgresql://")


async def _pg_execute(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(_admin_dsn(), timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def acreate_pg_database() -> str:
    """A fresh, empty database on the test server; returns its URL."""
    import asyncpg

    name = f"remit_test_{uuid.uuid4().hex[:12]}"
    try:
        await _pg_execute(f'CREATE DATABASE "{name}"')
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        unavailable("PostgreSQL", f"{PG_URL}: {exc.__class__.__name__}: {exc}")
    base, _, _ = _admin_dsn().rpartition("/")
    return f"{base}/{name}"


async def adrop_pg_database(url: str) -> None:
    name = url.rpartition("/")[2]
    await _pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def create_pg_database() -> str:
    return asyncio.run(acreate_pg_database())


def drop_pg_database(url: str) -> None:
    asyncio.run(adrop_pg_database(url))


def check_redis() -> str:
    import redis

    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
        client.ping()
        client.close()
    except Exception as exc:
        unavailable("Redis", f"{REDIS_URL}: {exc.__class__.__name__}")
    return REDIS_URL
