"""Housekeeping jobs."""

from __future__ import annotations

from datetime import timedelta

from workers.context import JobContext


async def purge_idempotency_keys(ctx: JobContext) -> int:
    """Forget idempotency keys older than the retention window (at least 24 hours)."""
    container = ctx.container
    cutoff = container.clock.now() - timedelta(hours=container.settings.idempotency_retention_hours)
    async with container.uow() as uow:
        purged = await uow.idempotency.purge_older_than(cutoff)
        await uow.commit()
    return purged
