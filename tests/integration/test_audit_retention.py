"""The audit log keeps rows two years: the database refuses to delete a younger row or to change any row, whoever
asks; the daily `audit.purge` job deletes the older ones in batches, on both runners' cron."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import DBAPIError

from adapters.bootstrap import Container
from adapters.db.tables import AuditLogRow, core
from domain.ids import new_id
from tests.conftest import Tenant
from workers.arq_worker import worker_settings
from workers.jobs import DAILY, JOBS
from workers.queue import InProcessQueue, run_cron


async def _rows(container: Container, tenant: Tenant, *ages: timedelta) -> list[str]:
    """Audit rows of the tenant's, created `age` ago each (an insert is always allowed)."""
    now = datetime.now(UTC)
    ids = [new_id("aud") for _ in ages]
    async with container.sessions() as session, session.begin():
        await session.execute(
            insert(core(AuditLogRow)),
            [
                {
                    "id": ident,
                    "partner_id": tenant.partner_id,
                    "actor": "api_key:test",
                    "action": "test.retention",
                    "subject": None,
                    "details": {},
                    "created_at": now - age,
                }
                for ident, age in zip(ids, ages, strict=True)
            ],
        )
    return ids


async def _left(container: Container, ids: list[str]) -> set[str]:
    async with container.sessions() as session:
        return set(await session.scalars(select(AuditLogRow.id).where(AuditLogRow.id.in_(ids))))


async def _raw(container: Container, statement: str, **params: Any) -> None:
    async with container.engine.begin() as conn:
        await conn.execute(text(statement), params)


async def test_a_young_row_cannot_be_deleted_even_by_raw_sql(container: Container, tenant: Tenant) -> None:
    young, almost = await _rows(container, tenant, timedelta(0), timedelta(days=729, hours=23))
    for ident in (young, almost):
        with pytest.raises(DBAPIError, match="append-only"):
            await _raw(container, "DELETE FROM audit_log WHERE id = :id", id=ident)
    assert await _left(container, [young, almost]) == {young, almost}


async def test_no_row_can_be_changed_whatever_its_age(container: Container, tenant: Tenant) -> None:
    young, old = await _rows(container, tenant, timedelta(0), timedelta(days=1_000))
    for ident in (young, old):
        with pytest.raises(DBAPIError, match="append-only"):
            await _raw(container, "UPDATE audit_log SET action = 'forged' WHERE id = :id", id=ident)


async def test_an_old_row_may_be_deleted(container: Container, tenant: Tenant) -> None:
    [old] = await _rows(container, tenant, timedelta(days=731))
    await _raw(container, "DELETE FROM audit_log WHERE id = :id", id=old)
    assert await _left(container, [old]) == set()


async def test_the_job_purges_expired_rows_in_batches(container: Container, tenant: Tenant) -> None:
    old = await _rows(container, tenant, *(timedelta(days=800 + i) for i in range(5)))
    young = await _rows(container, tenant, timedelta(0), timedelta(days=700))
    ctx = InProcessQueue(container).context
    purged = await JOBS["audit.purge"](ctx, batch=2)  # three batches: 2, 2, then 1 (and done)
    assert purged >= 5  # other tests' expired rows would go too
    assert await _left(container, old + young) == set(young)
    assert await JOBS["audit.purge"](ctx, batch=2) == 0  # nothing left to do
    async with container.sessions() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(AuditLogRow)
            .where(AuditLogRow.partner_id == tenant.partner_id, AuditLogRow.created_at < datetime.now(UTC))
        )
    assert count >= len(young) + 1  # and the partner's own rows, written when it was made, stay


def test_it_runs_daily_on_the_arq_cron(container: Container) -> None:
    assert ("audit.purge", 3, 41) in DAILY
    options = worker_settings(container.settings.model_copy(update={"redis_url": "redis://127.0.0.1:6379"}))
    [entry] = [c for c in options["cron_jobs"] if c.name == "cron:audit.purge"]
    assert (entry.hour, entry.minute) == ({3}, {41})
    assert entry.coroutine.__wrapped__ is JOBS["audit.purge"]


class _Recorder:
    def __init__(self) -> None:
        self.names: list[str] = []

    async def enqueue(self, name: str, /, **kwargs: Any) -> None:
        self.names.append(name)


@pytest.mark.parametrize(("hour", "minute", "expected"), [(3, 41, 1), (4, 41, 0), (3, 40, 0)])
async def test_it_runs_daily_on_the_in_process_cron(hour: int, minute: int, expected: int) -> None:
    queue, stop = _Recorder(), asyncio.Event()

    def now() -> datetime:
        stop.set()  # one pass
        return datetime(2026, 12, 1, hour, minute, 5, tzinfo=UTC)

    await run_cron(queue, now=now, stop=stop)
    assert queue.names.count("audit.purge") == expected
