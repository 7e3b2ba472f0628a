"""The one enqueue seam: arq on Redis in production, the in-process runner in the embedded default."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Protocol

from workers.jobs import JOBS

log = logging.getLogger("remit.workers")


class JobQueue(Protocol):
    async def enqueue(self, name: str, /, **kwargs: Any) -> None: ...


class InProcessQueue:
    """Runs the same job functions as the arq worker, as tasks on this event loop."""

    def __init__(self, ctx: dict[str, Any]) -> None:
        self.ctx = ctx
        self.tasks: set[asyncio.Task[Any]] = set()

    async def enqueue(self, name: str, /, **kwargs: Any) -> None:
        job = JOBS[name]
        task = asyncio.create_task(self._run(name, job, kwargs))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _run(self, name: str, job: Any, kwargs: dict[str, Any]) -> Any:
        try:
            return await job(self.ctx, **kwargs)
        except Exception:
            log.exception("job %s failed", name)
            return None

    async def drain(self) -> None:
        while self.tasks:
            await asyncio.gather(*list(self.tasks))


class ArqQueue:
    def __init__(self, pool: Any) -> None:
        self.pool = pool

    async def enqueue(self, name: str, /, **kwargs: Any) -> None:
        if name not in JOBS:
            raise KeyError(name)
        await self.pool.enqueue_job(name, **kwargs)
