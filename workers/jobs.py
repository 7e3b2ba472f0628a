"""Job functions. Thin: take ids, open their own unit of work, do one thing. Named `context.verb`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from adapters.bootstrap import Container

Job = Callable[..., Awaitable[Any]]


async def purge_idempotency_keys(ctx: dict[str, Any]) -> int:
    """Forget idempotency keys older than the retention window (at least 24 hours)."""
    container: Container = ctx["container"]
    cutoff = container.clock.now() - timedelta(hours=container.settings.idempotency_retention_hours)
    async with container.uow() as uow:
        purged = await uow.idempotency.purge_older_than(cutoff)
        await uow.session.commit()
    return purged


JOBS: dict[str, Job] = {
    "maintenance.purge_idempotency_keys": purge_idempotency_keys,
}

# (job name, minute of the hour it runs at); both runners read this one table.
CRON: list[tuple[str, int]] = [
    ("maintenance.purge_idempotency_keys", 17),
]
