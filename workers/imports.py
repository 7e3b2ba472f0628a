"""Import jobs: judge and apply an uploaded file's rows, committing each batch as it goes."""

from __future__ import annotations

import logging

from domain.imports import use_cases as imports
from workers.context import JobContext

log = logging.getLogger("remit.imports")


async def run_import(ctx: JobContext, *, partner_id: str, ident: str) -> str:
    """Run one import in its partner's unit of work; returns its status afterwards. Running it twice, or while
    another worker has it, is harmless: it goes on from the last committed batch or leaves it to the other."""
    container = ctx.container
    try:
        async with container.uow() as uow:
            done = await imports.run_import(
                imports.RunImport(ident), uow.scope_to(partner_id), clock=container.clock, checkpoint=uow.checkpoint
            )
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
