"""arq WorkerSettings: the job table and cron table on Redis."""

from __future__ import annotations

from typing import Any, cast

from arq import cron, func
from arq.connections import RedisSettings

from adapters.bootstrap import build
from adapters.settings import Settings
from workers.jobs import CRON, JOBS
from workers.queue import ArqQueue


async def _shutdown(ctx: dict[str, Any]) -> None:
    await ctx["container"].close()


def worker_settings(settings: Settings, **overrides: Any) -> dict[str, Any]:
    """Keyword arguments for `arq.worker.Worker` (or `run_worker`), built from our settings."""
    if not settings.redis_url:
        raise ValueError("REMIT_REDIS_URL is required to run the arq worker")

    async def startup(ctx: dict[str, Any]) -> None:
        container = build(settings)
        container.queue = ArqQueue(ctx["redis"], queue_name=overrides.get("queue_name"))
        ctx["container"] = container
        ctx["queue"] = container.queue

    options: dict[str, Any] = {
        "functions": [func(cast(Any, job), name=name) for name, job in JOBS.items()],
        "cron_jobs": [
            cron(cast(Any, JOBS[name]), name=f"cron:{name}", minute=set(minutes), unique=True) for name, minutes in CRON
        ],
        "redis_settings": RedisSettings.from_dsn(settings.redis_url),
        "on_startup": startup,
        "on_shutdown": _shutdown,
        "handle_signals": True,
    }
    options.update(overrides)
    return options
