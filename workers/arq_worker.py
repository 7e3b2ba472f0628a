"""arq WorkerSettings: the job table and cron table on Redis."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any, cast

from arq import cron, func
from arq.connections import RedisSettings

from adapters.bootstrap import build
from adapters.settings import Settings
from workers.context import Job, JobContext
from workers.jobs import CRON, DAILY, JOBS
from workers.queue import ArqQueue

CONTEXT = "remit"  # where the worker's startup puts the JobContext in arq's ctx dict


def arq_job(job: Job) -> Callable[..., Awaitable[Any]]:
    """The job as arq calls it, with arq's ctx dict: it runs with the JobContext the worker's startup built, so
    both runners run the same job functions with the same typed context."""

    @functools.wraps(job)
    async def run(ctx: dict[str, Any], /, **kwargs: Any) -> Any:
        return await job(ctx[CONTEXT], **kwargs)

    return run


async def _shutdown(ctx: dict[str, Any]) -> None:
    await ctx[CONTEXT].container.close()


def worker_settings(settings: Settings, **overrides: Any) -> dict[str, Any]:
    """Keyword arguments for `arq.worker.Worker` (or `run_worker`), built from our settings."""
    if not settings.redis_url:
        raise ValueError("REMIT_REDIS_URL is required to run the arq worker")

    async def startup(ctx: dict[str, Any]) -> None:
        container = build(settings)
        queue = ArqQueue(ctx["redis"], queue_name=overrides.get("queue_name"))
        container.queue = queue  # what the jobs' commits hand on
        ctx[CONTEXT] = JobContext(container=container, queue=queue)

    options: dict[str, Any] = {
        "functions": [func(cast(Any, arq_job(job)), name=name) for name, job in JOBS.items()],
        "cron_jobs": [
            cron(cast(Any, arq_job(JOBS[name])), name=f"cron:{name}", minute=set(minutes), unique=True)
            for name, minutes in CRON
        ]
        + [
            cron(cast(Any, arq_job(JOBS[name])), name=f"cron:{name}", hour={hour}, minute={minute}, unique=True)
            for name, hour, minute in DAILY
        ],
        "redis_settings": RedisSettings.from_dsn(settings.redis_url),
        "on_startup": startup,
        "on_shutdown": _shutdown,
        "handle_signals": True,
    }
    options.update(overrides)
    return options
