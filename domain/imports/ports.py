"""What imports need beyond the unit of work every use case gets: their own rows, the keys they match on, and
savepoints, so that one row's refusal (or a dry run) undoes only that row."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Protocol

from domain.imports.model import Import, RowResult
from domain.pagination import Page, PageRequest
from domain.ports import UnitOfWork


class ImportRepository(Protocol):
    async def add(self, imported: Import, content: str) -> None: ...
    async def get(self, import_id: str) -> Import:
        """NotFound for another partner's."""
        ...

    async def claim(self, import_id: str, *, at: datetime, stale_before: datetime) -> Import | None:
        """Mark it running, if it is queued or its runner has not reported since `stale_before`; None when it has
        finished or another runner has it."""
        ...

    async def save(self, imported: Import) -> None:
        """Its status, progress and counts; a finished import's uploaded text is dropped."""
        ...

    async def content(self, import_id: str) -> str: ...
    async def judged_rows(self, import_id: str) -> set[int]: ...
    async def add_results(self, import_id: str, results: list[RowResult]) -> None: ...
    async def results(self, import_id: str, *, after_row: int | None, limit: int) -> Page[RowResult]: ...
    async def list(self, page: PageRequest) -> Page[Import]: ...
    async def customer_by_external_id(self, external_id: str) -> str | None: ...
    async def set_external_id(self, customer_id: str, external_id: str) -> None: ...
    async def invoice_by_number(self, number: str) -> str | None: ...


class Savepoint(Protocol):
    def discard(self) -> None:
        """Undo what was written inside the savepoint when it ends (a dry run)."""
        ...


class ImportUnitOfWork(UnitOfWork, Protocol):
    @property
    def imports(self) -> ImportRepository: ...

    def savepoint(self) -> AbstractAsyncContextManager[Savepoint]:
        """Writes (and recorded events) inside are undone if it raises or is discarded, and only they."""
        ...
