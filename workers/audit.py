"""The audit log's retention: rows are kept two years (domain.audit.RETENTION), then deleted, a batch at a time."""

from __future__ import annotations

from datetime import timedelta

from domain.audit import RETENTION
from workers.context import JobContext

PURGE_BATCH = 1_000
# The database's trigger judges age by its own clock: a day's leeway keeps a row the two clocks disagree about
# from failing a whole batch. Such a row goes the next day.
LEEWAY = timedelta(days=1)


async def purge_audit_log(ctx: JobContext, *, batch: int = PURGE_BATCH) -> int:
    """Delete audit rows past their retention, each batch in a transaction of its own; how many went."""
    container = ctx.container
    cutoff = container.clock.now() - RETENTION - LEEWAY
    purged = 0
    while True:
        async with container.uow() as uow:
            gone = await uow.audit_retention.purge_batch(cutoff, batch)
            await uow.commit()
        purged += gone
        if gone < batch:
            return purged
