"""The same job functions through the in-process runner and through arq on a real Redis."""

from __future__ import annotations

import uuid
from datetime import timedelta

from arq import create_pool
from arq.connections import RedisSettings
from arq.worker import Worker
from sqlalchemy import func, select

from adapters.bootstrap import Container
from adapters.db.tables import IdempotencyKeyRow
from tests.conftest import Tenant
from workers.arq_worker import worker_settings
from workers.queue import ArqQueue, InProcessQueue


async def _seed_keys(container: Container, tenant: Tenant) -> None:
    now = container.clock.now()
    async with container.uow() as uow:
        for name, at in (("old", now - timedelta(hours=25)), ("fresh", now - timedelta(hours=1))):
            await uow.idempotency.claim(
                partner_id=tenant.partner_id, api_key_id=tenant.api_key_id, key=name, request_hash="0" * 64, at=at
            )
        await uow.session.commit()


async def _keys(container: Container, tenant: Tenant) -> set[str]:
    async with container.sessions() as session:
        rows = await session.scalars(
            select(IdempotencyKeyRow.key).where(IdempotencyKeyRow.partner_id == tenant.partner_id)
        )
        return set(rows)


async def test_in_process_runner_runs_the_purge(container: Container, tenant: Tenant) -> None:
    await _seed_keys(container, tenant)
    queue = InProcessQueue({"container": container})
    await queue.enqueue("maintenance.purge_idempotency_keys")
    await queue.drain()
    assert await _keys(container, tenant) == {"fresh"}


async def test_arq_worker_runs_the_same_job(container: Container, tenant: Tenant, redis_url: str) -> None:
    await _seed_keys(container, tenant)
    queue_name = f"remit-test-{uuid.uuid4().hex}"
    pool = await create_pool(RedisSettings.from_dsn(redis_url))
    try:
        await ArqQueue(pool, queue_name=queue_name).enqueue("maintenance.purge_idempotency_keys")
        settings = container.settings.model_copy(update={"redis_url": redis_url})
        options = worker_settings(settings, burst=True, handle_signals=False, queue_name=queue_name, cron_jobs=[])
        worker = Worker(**options)
        try:
            await worker.main()
        finally:
            await worker.close()
        assert worker.jobs_complete == 1 and worker.jobs_failed == 0
    finally:
        await pool.aclose()
    assert await _keys(container, tenant) == {"fresh"}
    async with container.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(IdempotencyKeyRow)) is not None
