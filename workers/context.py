"""What every job is given, whichever runner runs it: the composition root, and the queue to fan out on."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Concatenate

from adapters.bootstrap import Container
from domain.ports import JobQueue


@dataclass(frozen=True, slots=True)
class JobContext:
    """Built once per runner: by the arq worker's startup, or by the in-process queue for itself."""

    container: Container
    queue: JobQueue


# A job: its context, then keyword arguments that are ids and plain values (they cross Redis).
Job = Callable[Concatenate[JobContext, ...], Awaitable[Any]]
