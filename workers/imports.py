"""Import jobs: judge and apply an uploaded file's rows, committing each batch as it goes, and the sweep that picks
up imports whose job was lost."""

from __future__ import annotations

import logging
from datetime import timedelta

from domain.imports import use_cases as imports
from domain.imports.model import STALE_AFTER_SECONDS
from workers.context import JobContext
from workers.fan_out import fan_out

log = logging.getLogger("remit.imports")

# Seconds one run works before handing on to the next (arq stops a job after 300 s by default).
RUN_BUDGET_SECONDS = 120.0
QUEUED_GRACE = timedelta(minutes=1)  # an import queued this long ago whose job never started


async def run_import(ctx: JobContext, *, partner_id: str, ident: str, budget: float = RUN_BUDGET_SECONDS) -> str:
    """Run one import in its partner's unit of work for up to `budget` seconds, then enqueue itself to go on;
    returns its status afterwards. Running it twice, or while another worker has it, is harmless: it goes on from
    the last committed batch or leaves it to the other."""
    container = ctx.container
    try:
        async with container.uow() as uow:
            done = await imports.run_import(
                imports.RunImport(ident),
                uow.scope_to(partner_id),
                clock=container.clock,
                checkpoint=uow.checkpoint,
                budget_seconds=budget,
            )
            if not done.finished:
                uow.enqueue("imports.run", partner_id=partner_id, ident=ident)
            await uow.commit()
        return done.status.value
    except Exception:
        log.exception("import %s stopped", ident)
        async with container.uow() as uow:
            scoped = uow.scope_to(partner_id)
            stopped = await scoped.imports.get(ident)
            if not stopped.finished:
                stopped.fail(
                    "The import stopped on an internal error; rows reported so far stand.", container.clock.now()
                )
                await scoped.imports.save(stopped)
                await uow.commit()
            return stopped.status.value


async def sweep_imports(ctx: JobContext) -> int:
    """Enqueue `imports.run` for imports still queued a minute after they were taken (their enqueue was lost:
    Redis down, a crash after commit) and running ones whose worker stopped reporting (killed mid-batch)."""
    now = ctx.container.clock.now()
    return await fan_out(
        ctx,
        lambda uow, after: uow.sweeps.lost_imports(
            queued_before=now - QUEUED_GRACE,
            stale_before=now - timedelta(seconds=STALE_AFTER_SECONDS),
            after_id=after,
        ),
        "imports.run",
    )
