"""The keyset fan-out the cron jobs share: select what is due, a batch at a time, and enqueue a job for it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from adapters.db.unit_of_work import SqlUnitOfWork
from workers.context import JobContext

# (partner id, row id) of a due row; the id is also the keyset cursor. No partner: a platform email.
Due = tuple[str | None, str]
SelectDue = Callable[[SqlUnitOfWork, str], Awaitable[Sequence[Due]]]


async def fan_out(ctx: JobContext, select_due: SelectDue, job_name: str, *, batched: bool = False) -> int:
    """Enqueue `job_name` for every row `select_due(uow, after_id)` finds, batch after batch until one is empty:
    one job per row (`partner_id`, `ident`), or with `batched` one job per batch (`ids`). Each batch is read in a
    unit of work of its own, closed before enqueuing. Returns how many rows were fanned out."""
    after = ""
    fanned = 0
    while True:
        async with ctx.container.uow() as uow:
            batch = await select_due(uow, after)
        if not batch:
            return fanned
        if batched:
            await ctx.queue.enqueue(job_name, ids=[ident for _, ident in batch])
        else:
            for partner_id, ident in batch:
                await ctx.queue.enqueue(job_name, partner_id=partner_id, ident=ident)
        fanned += len(batch)
        after = batch[-1][1]
