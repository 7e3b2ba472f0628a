"""CSV imports: what an import is, how far it got, and the vocabulary of what became of each row."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from domain.errors import ErrorCode
from domain.ids import new_id

MAX_BYTES = 10 * 1024 * 1024  # the largest file taken
INLINE_ROWS = 500  # files of at most this many rows are imported within the request; larger ones by a job
BATCH_ROWS = 200  # rows per committed batch of a job
STALE_AFTER_SECONDS = 300  # a running import whose job has not reported for this long may be taken over


class ImportKind(StrEnum):
    CUSTOMERS = "customers"
    INVOICES = "invoices"


class ImportStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"  # every row was judged; some may have failed (see `counts.failed`)
    FAILED = "failed"  # the import itself stopped (an internal error); rows judged before it keep their results


class RowOutcome(StrEnum):
    """What became of a row; in a dry run, what would have."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    FAILED = "failed"  # see its errors; nothing of it was written


@dataclass(frozen=True, slots=True)
class FieldError:
    row: int  # as a spreadsheet numbers it: the header is row 1
    field: str | None  # the column, or None for the row as a whole
    code: ErrorCode
    message: str


@dataclass(frozen=True, slots=True)
class RowResult:
    row: int
    outcome: RowOutcome
    key: str | None = None  # the row's external_id (customers) or number (invoices)
    resource_id: str | None = None  # the customer or invoice it made or matched; None in a dry run's creations
    errors: tuple[FieldError, ...] = ()


@dataclass(slots=True)
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0

    def add(self, outcome: RowOutcome) -> None:
        setattr(self, outcome.value, getattr(self, outcome.value) + 1)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged + self.failed


@dataclass(slots=True)
class Import:
    partner_id: str
    kind: ImportKind
    dry_run: bool
    total_rows: int
    actor: str  # who uploaded it, for the audit log
    created_at: datetime
    filename: str | None = None
    status: ImportStatus = ImportStatus.QUEUED
    processed_rows: int = 0
    counts: Counts = field(default_factory=Counts)
    failure: str | None = None
    heartbeat_at: datetime | None = None
    finished_at: datetime | None = None
    id: str = field(default_factory=lambda: new_id("imp"))

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED)

    def record(self, results: list[RowResult]) -> None:
        for result in results:
            self.counts.add(result.outcome)
        self.processed_rows += len(results)

    def finish(self, at: datetime) -> None:
        self.status = ImportStatus.SUCCEEDED
        self.finished_at = at

    def fail(self, reason: str, at: datetime) -> None:
        self.status = ImportStatus.FAILED
        self.failure = reason
        self.finished_at = at
