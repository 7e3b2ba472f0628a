"""Job functions. Thin: take ids, open their own unit of work, do one thing. Named `context.verb`."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from adapters.db.unit_of_work import EMAIL_BATCH, SqlUnitOfWork
from domain.event_handlers import HandleOutbox, handle_outbox
from domain.payments import recovery
from workers import scheduled_payments
from workers.context import Job, JobContext


async def purge_idempotency_keys(ctx: JobContext) -> int:
    """Forget idempotency keys older than the retention window (at least 24 hours)."""
    container = ctx.container
    cutoff = container.clock.now() - timedelta(hours=container.settings.idempotency_retention_hours)
    async with container.uow() as uow:
        purged = await uow.idempotency.purge_older_than(cutoff)
        await uow.commit()
    return purged


# A payment younger than this may still be waiting for its processor's answer in the request that made it.
IN_FLIGHT_GRACE = timedelta(minutes=2)


async def sweep_in_flight(ctx: JobContext, *, grace_seconds: float | None = None) -> int:
    """Fan out one refresh per payment or refund still in flight (lost answers, crashes, debits awaiting
    settlement when a webhook went missing). Exactly-once lives in the use cases, so a repeat is harmless."""
    container = ctx.container
    queue = ctx.queue
    grace = IN_FLIGHT_GRACE if grace_seconds is None else timedelta(seconds=grace_seconds)
    cutoff = container.clock.now() - grace
    fanned = 0
    selections: list[tuple[Callable[[SqlUnitOfWork, str], Awaitable[list[tuple[str, str]]]], str]] = [
        (lambda uow, after: uow.sweeps.in_flight_payments(started_before=cutoff, after_id=after), "payments.refresh"),
        (lambda uow, after: uow.sweeps.pending_refunds(started_before=cutoff, after_id=after), "refunds.refresh"),
    ]
    for select_due, job in selections:
        after = ""
        while True:
            async with container.uow() as uow:
                batch = await select_due(uow, after)
            if not batch:
                break
            for partner_id, ident in batch:
                await queue.enqueue(job, partner_id=partner_id, ident=ident)
            fanned += len(batch)
            after = batch[-1][1]
    return fanned


async def _refresh(ctx: JobContext, partner_id: str, ident: str, use_case: Any) -> str:
    """One in-flight payment or refund, in its own unit of work scoped to its partner; returns its status."""
    container = ctx.container
    async with container.uow() as uow:
        resolved = await use_case(
            ident, uow.scope_to(partner_id), processors=container.processors, clock=container.clock
        )
        await uow.commit()
    return str(resolved.status.value)


async def refresh_payment(ctx: JobContext, *, partner_id: str, ident: str) -> str:
    return await _refresh(ctx, partner_id, ident, recovery.refresh_payment)


async def refresh_refund(ctx: JobContext, *, partner_id: str, ident: str) -> str:
    return await _refresh(ctx, partner_id, ident, recovery.refresh_refund)


async def deliver_emails(ctx: JobContext, *, ids: list[str]) -> dict[str, int]:
    """Send these queued emails, each in its own claim; returns how many ended in each status (`skipped`: sent
    already, not due yet, or another worker has it). One email failing to render or send never stops the rest."""
    container = ctx.container
    delivery = container.delivery()
    outcomes: dict[str, int] = {}
    for ident in ids:
        try:
            status = await delivery.deliver(ident)
        except Exception:  # the database hiccuped: the row's lease runs out and the sweep tries again
            logging.getLogger("remit.mail").exception("delivering email %s", ident)
            status = "error"
        outcomes[status] = outcomes.get(status, 0) + 1
    return outcomes


async def sweep_emails(ctx: JobContext) -> int:
    """Fan out delivery of every queued email that is due: first attempts whose enqueue was lost (Redis down, a
    crash after commit), retries whose backoff has passed, claims whose worker died."""
    container = ctx.container
    queue = ctx.queue
    now = container.clock.now()
    after = ""
    fanned = 0
    while True:
        async with container.uow() as uow:
            batch = await uow.sweeps.due_emails(now=now, after_id=after, limit=EMAIL_BATCH)
        if not batch:
            break
        await queue.enqueue("emails.deliver", ids=[ident for _, ident in batch])
        fanned += len(batch)
        after = batch[-1][1]
    return fanned


async def notify_outbox(ctx: JobContext, *, ids: list[str] | None = None) -> int:
    """Run what domain events cause (domain/event_handlers.py: the customers' payment emails), one transaction per
    batch of events; the commit hands the emails to delivery. With `ids`, just those events (a commit's own,
    handled at once); without, every event not handled yet. Returns how many events were handled."""
    container = ctx.container
    handled = 0
    cmd = HandleOutbox(ids=tuple(ids) if ids is not None else None)
    while True:
        async with container.uow() as uow:
            claimed = await handle_outbox(cmd, uow, clock=container.clock)
            await uow.commit()
        if claimed == 0:
            return handled
        handled += claimed


JOBS: dict[str, Job] = {
    "maintenance.purge_idempotency_keys": purge_idempotency_keys,
    "payments.sweep_in_flight": sweep_in_flight,
    "payments.refresh": refresh_payment,
    "refunds.refresh": refresh_refund,
    "emails.deliver": deliver_emails,
    "emails.sweep": sweep_emails,
    "outbox.notify": notify_outbox,
    "scheduled_payments.run_due": scheduled_payments.run_due,
    "scheduled_payments.execute": scheduled_payments.execute,
}

EVERY_MINUTE = frozenset(range(60))
EVERY_FIVE_MINUTES = frozenset(range(0, 60, 5))
# (job name, minutes of the hour it runs at); both runners read this one table.
CRON: list[tuple[str, frozenset[int]]] = [
    ("maintenance.purge_idempotency_keys", frozenset({17})),
    ("payments.sweep_in_flight", EVERY_FIVE_MINUTES),
    ("emails.sweep", EVERY_MINUTE),
    ("outbox.notify", EVERY_MINUTE),
    ("scheduled_payments.run_due", frozenset({5})),
]
