"""Fault injection for tests: the sandbox times out, errors, loses its answer, or the caller dies mid-call."""

from __future__ import annotations

from collections import Counter
from typing import Literal, get_args

from domain.payments.processing import ProcessorUnavailable

Operation = Literal["charge", "refund", "retrieve", "cancel"]
Kind = Literal["timeout", "error", "lost_response", "crash_after"]


class SimulatedCrash(BaseException):
    """The process died right after the processor did the work: nothing after the call runs.

    A BaseException, so `except Exception` in the code under test cannot swallow it.
    """


class SandboxFaults:
    def __init__(self) -> None:
        self._pending: Counter[tuple[str, str]] = Counter()

    def inject(self, operation: Operation, kind: Kind, times: int = 1) -> None:
        if operation not in get_args(Operation):
            raise ValueError(f"unknown operation {operation!r}")
        if kind not in get_args(Kind):
            raise ValueError(f"unknown fault {kind!r}")
        self._pending[(operation, kind)] += times

    def clear(self) -> None:
        self._pending.clear()

    def before(self, operation: Operation) -> None:
        """Faults that leave the sandbox untouched."""
        if self._take(operation, "timeout"):
            raise ProcessorUnavailable("The sandbox processor timed out.")
        if self._take(operation, "error"):
            raise ProcessorUnavailable("The sandbox processor answered 500.")

    def after(self, operation: Operation) -> None:
        """Faults after the work is committed: the caller cannot know it happened."""
        if self._take(operation, "lost_response"):
            raise ProcessorUnavailable("The connection to the sandbox processor was lost before it answered.")
        if self._take(operation, "crash_after"):
            raise SimulatedCrash(f"simulated crash after the sandbox's {operation}")

    def _take(self, operation: str, kind: str) -> bool:
        if self._pending[(operation, kind)] <= 0:
            return False
        self._pending[(operation, kind)] -= 1
        return True
