"""The same job functions through the in-process runner and through arq on a real Redis."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import httpx
from arq import create_pool
from arq import func as arq_function
from arq.connections import RedisSettings
from arq.worker import Worker
from sqlalchemy import func, select

from adapters.bootstrap import Container
from adapters.db.tables import IdempotencyKeyRow
from adapters.db.unit_of_work import SqlUnitOfWork
from adapters.processors.sandbox.tables import SandboxChargeRow
from api.app import create_app
from tests.conftest import Tenant
from tests.factories import charge_saved, make_customer, make_invoice, save_test_method
from workers.arq_worker import CONTEXT, arq_job, worker_settings
from workers.context import JobContext
from workers.fan_out import Due, fan_out
from workers.jobs import CRON, DAILY, JOBS
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
    queue = InProcessQueue(container)
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


async def test_the_sweep_resolves_a_payment_whose_answer_was_lost(container: Container, tenant: Tenant) -> None:
    """The processor charged but its answer never came back: the cron sweep finds the payment still processing
    and the refresh job settles it, without a second charge."""
    app = create_app(container)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://remit.test") as client:
        client.headers["Authorization"] = f"Bearer {tenant.api_key}"
        customer = await make_customer(client)
        invoice = await make_invoice(client, customer["id"], amount=5_000)
        card = await save_test_method(client, customer["id"], "visa_debit")
        container.sandbox.faults.inject("charge", "lost_response")
        r = await charge_saved(client, customer["id"], card["id"], [(invoice["id"], 5_000)])
        assert (r.status_code, r.json()["status"]) == (201, "processing")
        payment_id = r.json()["id"]

        queue = InProcessQueue(container)
        await queue.enqueue("payments.sweep_in_flight", grace_seconds=0)
        await queue.drain()

        done = (await client.get(f"/v1/payments/{payment_id}")).json()
        assert done["status"] == "succeeded" and done["processor_payment_id"]
        assert (await client.get(f"/v1/invoices/{invoice['id']}")).json()["status"] == "paid"
    async with container.sessions() as session:
        charges = await session.scalar(
            select(func.count()).select_from(SandboxChargeRow).where(SandboxChargeRow.account == tenant.partner_id)
        )
    assert charges == 1


class RecordingQueue:
    def __init__(self) -> None:
        self.jobs: list[tuple[str, dict[str, Any]]] = []

    async def enqueue(self, name: str, /, **kwargs: Any) -> None:
        self.jobs.append((name, kwargs))


def _pages(rows: list[Due], size: int, reads: list[str]) -> Any:
    """A keyset selection over `rows`, `size` at a time, noting the cursor of every read."""

    async def select_due(uow: SqlUnitOfWork, after: str) -> Sequence[Due]:
        assert uow.session.in_transaction()  # each batch is read through a unit of work
        reads.append(after)
        return [row for row in rows if row[1] > after][:size]

    return select_due


async def test_fan_out_walks_every_batch_one_job_per_row(container: Container) -> None:
    rows: list[Due] = [
        ("ptn_a", "pay_1"),
        ("ptn_b", "pay_2"),
        ("ptn_a", "pay_3"),
        ("ptn_c", "pay_4"),
        ("ptn_b", "pay_5"),
    ]
    queue, reads = RecordingQueue(), []
    fanned = await fan_out(JobContext(container, queue), _pages(rows, 2, reads), "payments.refresh")
    assert fanned == 5
    assert queue.jobs == [("payments.refresh", {"partner_id": p, "ident": i}) for p, i in rows]
    assert reads == ["", "pay_2", "pay_4", "pay_5"]  # three batches, then the empty one that ends it


async def test_fan_out_batched_sends_one_job_per_batch(container: Container) -> None:
    rows: list[Due] = [(None, "eml_1"), ("ptn_a", "eml_2"), ("ptn_b", "eml_3")]
    queue, reads = RecordingQueue(), []
    fanned = await fan_out(JobContext(container, queue), _pages(rows, 2, reads), "emails.deliver", batched=True)
    assert fanned == 3
    assert queue.jobs == [("emails.deliver", {"ids": ["eml_1", "eml_2"]}), ("emails.deliver", {"ids": ["eml_3"]})]


async def test_fan_out_with_nothing_due_enqueues_nothing(container: Container) -> None:
    queue, reads = RecordingQueue(), []
    assert await fan_out(JobContext(container, queue), _pages([], 2, reads), "payments.refresh") == 0
    assert queue.jobs == [] and reads == [""]


async def test_the_in_process_runner_gives_jobs_its_context(container: Container) -> None:
    seen: list[tuple[Any, dict[str, Any]]] = []

    async def probe(ctx: JobContext, **kwargs: Any) -> None:
        seen.append((ctx, kwargs))

    queue = InProcessQueue(container, jobs={"test.probe": probe})
    await queue.enqueue("test.probe", ident="x_1")
    await queue.drain()
    [(ctx, kwargs)] = seen
    assert ctx == JobContext(container=container, queue=queue) and kwargs == {"ident": "x_1"}


def test_arq_registers_every_job_and_cron_entry_adapted(container: Container) -> None:
    options = worker_settings(container.settings.model_copy(update={"redis_url": "redis://127.0.0.1:6379"}))
    assert {f.name: f.coroutine.__wrapped__ for f in options["functions"]} == JOBS
    scheduled = [n for n, _ in CRON] + [n for n, _, _ in DAILY]
    assert {c.name: c.coroutine.__wrapped__ for c in options["cron_jobs"]} == {f"cron:{n}": JOBS[n] for n in scheduled}


async def test_the_arq_worker_gives_jobs_a_context_of_its_own(container: Container, redis_url: str) -> None:
    """The worker's startup builds the JobContext: its own container, and the worker's queue to fan out on."""
    seen: list[tuple[Any, dict[str, Any]]] = []

    async def probe(ctx: JobContext, **kwargs: Any) -> None:
        seen.append((ctx, kwargs))

    queue_name = f"remit-test-{uuid.uuid4().hex}"
    pool = await create_pool(RedisSettings.from_dsn(redis_url))
    try:
        await pool.enqueue_job("test.probe", ident="x_1", _queue_name=queue_name)
        settings = container.settings.model_copy(update={"redis_url": redis_url})
        options = worker_settings(
            settings,
            burst=True,
            handle_signals=False,
            queue_name=queue_name,
            cron_jobs=[],
            functions=[arq_function(arq_job(probe), name="test.probe")],
        )
        worker = Worker(**options)
        try:
            await worker.main()
            [(ctx, kwargs)] = seen
            assert isinstance(ctx, JobContext) and kwargs == {"ident": "x_1"}
            assert worker.ctx is not None and worker.ctx[CONTEXT] is ctx
            assert isinstance(ctx.queue, ArqQueue) and ctx.queue.queue_name == queue_name
            assert ctx.container is not container and ctx.container.queue is ctx.queue
        finally:
            await worker.close()
    finally:
        await pool.aclose()
