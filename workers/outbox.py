"""The outbox job: what committed domain events cause (domain/event_handlers.py)."""

from __future__ import annotations

from domain.event_handlers import HandleOutbox, handle_outbox
from workers.context import JobContext


async def notify_outbox(ctx: JobContext, *, ids: list[str] | None = None) -> int:
    """Run what domain events cause (the customers' payment emails), one transaction per batch of events; the
    commit hands the emails to delivery. With `ids`, just those events (a commit's own, handled at once); without,
    every event not handled yet. Returns how many events were handled."""
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
