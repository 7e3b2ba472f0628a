"""Scheduled payments' jobs: the hourly fan-out of those whose day has come, and one charge per schedule."""

from __future__ import annotations

from domain.scheduled_payments import use_cases as scheduled_payments
from workers.context import JobContext
from workers.fan_out import fan_out


async def run_due(ctx: JobContext) -> int:
    """Enqueue one `scheduled_payments.execute` per schedule due today or earlier (and any a dead run left
    processing). Running it twice is harmless: exactly-once lives in the execute use case."""
    today = ctx.container.clock.today()
    return await fan_out(
        ctx,
        lambda uow, after: uow.sweeps.due_scheduled_payments(today=today, after_id=after),
        "scheduled_payments.execute",
    )


async def execute(ctx: JobContext, *, partner_id: str, ident: str) -> str:
    """Charge one schedule in a unit of work of its partner; returns its status afterwards."""
    container = ctx.container
    async with container.uow() as uow:
        done = await scheduled_payments.execute_scheduled(
            scheduled_payments.ExecuteScheduled(ident),
            uow.scope_to(partner_id),
            processors=container.processors,
            clock=container.clock,
            checkpoint=uow.checkpoint,
        )
        await uow.commit()  # its emails are handed to delivery by the commit
    return str(done.status.value)
