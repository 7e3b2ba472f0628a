"""The one enqueue seam: arq on Redis in production, the in-process runner in the embedded default."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from adapters.bootstrap import Container
from domain.ports import JobQueue
from workers.context import Job, JobContext
from workers.jobs import CRON, DAILY, JOBS

__all__ = ["ArqQueue", "InProcessQueue", "JobQueue", "run_cron"]

log = logging.getLogger("remit.workers")


class InProcessQueue:
    """Runs the same job functions as the arq worker, as tasks on this event loop, each given `context`: this
    container, and this queue to fan out on."""

    def __init__(self, container: Container, *, jobs: Mapping[str, Job] = JOBS) -> None:
        self.context = JobContext(container=container, queue=self)
        self.jobs = jobs
        self.tasks: set[asyncio.Task[Any]] = set()

    async def enqueue(self, name: str, /, **kwargs: Any) -> None:
        job = self.jobs[name]
        task = asyncio.create_task(self._run(name, job, kwargs))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _run(self, name: str, job: Job, kwargs: dict[str, Any]) -> Any:
        try:
            return await job(self.context, **kwargs)
        except Exception:
            log.exception("job %s failed", name)
            return None

    async def drain(self) -> None:
        while self.tasks:
            await asyncio.gather(*list(self.tasks))


class ArqQueue:
    def __init__(self, pool: Any, *, queue_name: str | None = None) -> None:
        self.pool = pool
        self.queue_name = queue_name

    async def enqueue(self, name: str, /, **kwargs: Any) -> None:
        if name not in JOBS:
            raise KeyError(name)
        options = {"_queue_name": self.queue_name} if self.queue_name else {}
        await self.pool.enqueue_job(name, **kwargs, **options)


async def run_cron(queue: JobQueue, *, now: Callable[[], datetime], stop: asyncio.Event) -> None:
    """The in-process cron: once a minute, enqueue the jobs whose minute has come (arq does this on Redis)."""
    last_minute: tuple[int, int, int, int] | None = None
    while not stop.is_set():
        current = now()
        stamp = (current.day, current.month, current.hour, current.minute)
        if stamp != last_minute:
            last_minute = stamp
            for name, minutes in CRON:
                if current.minute in minutes:
                    await queue.enqueue(name)
            for name, hour, minute in DAILY:
                if (current.hour, current.minute) == (hour, minute):
                    await queue.enqueue(name)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=20)
