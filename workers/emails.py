"""Email jobs: deliver queued emails, and the sweep that finds the ones due (decision 0009)."""

from __future__ import annotations

import logging

from adapters.db.unit_of_work import EMAIL_BATCH
from workers.context import JobContext
from workers.fan_out import fan_out


async def deliver_emails(ctx: JobContext, *, ids: list[str]) -> dict[str, int]:
    """Send these queued emails, each in its own claim; returns how many ended in each status (`skipped`: sent
    already, not due yet, or another worker has it). One email failing to render or send never stops the rest."""
    delivery = ctx.container.delivery()
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
    now = ctx.container.clock.now()
    return await fan_out(
        ctx,
        lambda uow, after: uow.sweeps.due_emails(now=now, after_id=after, limit=EMAIL_BATCH),
        "emails.deliver",
        batched=True,
    )
