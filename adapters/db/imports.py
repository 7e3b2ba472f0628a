"""Import repository: the uploaded file and its progress, each row's result, and the keys imports match on."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.paging import fetch_page
from adapters.db.tables import CustomerRow, ImportRow, ImportRowResultRow, InvoiceRow, core
from domain.errors import Conflict, ErrorCode, NotFound
from domain.imports.model import (
    Counts,
    FieldError,
    Import,
    ImportKind,
    ImportStatus,
    RowOutcome,
    RowResult,
)
from domain.pagination import Page, PageRequest


def _to_domain(row: ImportRow) -> Import:
    return Import(
        id=row.id,
        partner_id=row.partner_id,
        kind=ImportKind(row.kind),
        status=ImportStatus(row.status),
        dry_run=row.dry_run,
        filename=row.filename,
        total_rows=row.total_rows,
        processed_rows=row.processed_rows,
        counts=Counts(created=row.created, updated=row.updated, unchanged=row.unchanged, failed=row.failed),
        actor=row.actor,
        failure=row.failure,
        created_at=row.created_at,
        heartbeat_at=row.heartbeat_at,
        finished_at=row.finished_at,
    )


def _result(row: ImportRowResultRow) -> RowResult:
    return RowResult(
        row=row.row,
        outcome=RowOutcome(row.outcome),
        key=row.key,
        resource_id=row.resource_id,
        errors=tuple(
            FieldError(row=e["row"], field=e["field"], code=ErrorCode(e["code"]), message=e["message"])
            for e in row.errors
        ),
    )


class SqlImports:
    def __init__(self, session: AsyncSession, partner_id: str) -> None:
        self.session = session
        self.partner_id = partner_id

    def _ours(self, import_id: str) -> list[ColumnElement[bool]]:
        return [ImportRow.partner_id == self.partner_id, ImportRow.id == import_id]

    async def add(self, imported: Import, content: str) -> None:
        await self.session.execute(
            insert(core(ImportRow)),
            {
                "id": imported.id,
                "partner_id": imported.partner_id,
                "kind": imported.kind.value,
                "status": imported.status.value,
                "dry_run": imported.dry_run,
                "filename": imported.filename,
                "total_rows": imported.total_rows,
                "processed_rows": imported.processed_rows,
                "created": 0,
                "updated": 0,
                "unchanged": 0,
                "failed": 0,
                "content": content,
                "actor": imported.actor,
                "failure": None,
                "created_at": imported.created_at,
                "heartbeat_at": None,
                "finished_at": None,
            },
        )

    async def get(self, import_id: str) -> Import:
        row = await self.session.scalar(
            select(ImportRow).where(*self._ours(import_id)).execution_options(populate_existing=True)
        )
        if row is None:
            raise NotFound("import", import_id)
        return _to_domain(row)

    async def claim(self, import_id: str, *, at: datetime, stale_before: datetime) -> Import | None:
        claimable = or_(
            ImportRow.status == ImportStatus.QUEUED.value,
            and_(
                ImportRow.status == ImportStatus.RUNNING.value,
                or_(ImportRow.heartbeat_at.is_(None), ImportRow.heartbeat_at < stale_before),
            ),
        )
        result = await self.session.execute(
            update(core(ImportRow))
            .where(core(ImportRow).c.partner_id == self.partner_id, core(ImportRow).c.id == import_id, claimable)
            .values(status=ImportStatus.RUNNING.value, heartbeat_at=at)
        )
        if not getattr(result, "rowcount", 0):
            await self.get(import_id)  # NotFound for an unknown or foreign id
            return None
        return await self.get(import_id)

    async def save(self, imported: Import) -> None:
        values: dict[str, object] = {
            "status": imported.status.value,
            "processed_rows": imported.processed_rows,
            "created": imported.counts.created,
            "updated": imported.counts.updated,
            "unchanged": imported.counts.unchanged,
            "failed": imported.counts.failed,
            "failure": imported.failure,
            "heartbeat_at": imported.heartbeat_at,
            "finished_at": imported.finished_at,
        }
        if imported.finished:
            values["content"] = None  # the results are kept; the file (people's names and emails) is not
        table = core(ImportRow)
        await self.session.execute(
            update(table).where(table.c.partner_id == self.partner_id, table.c.id == imported.id).values(values)
        )

    async def content(self, import_id: str) -> str:
        text: str | None = await self.session.scalar(select(ImportRow.content).where(*self._ours(import_id)))
        if text is None:
            raise NotFound("import", import_id)
        return text

    async def judged_rows(self, import_id: str) -> set[int]:
        rows = await self.session.scalars(
            select(ImportRowResultRow.row).where(
                ImportRowResultRow.partner_id == self.partner_id, ImportRowResultRow.import_id == import_id
            )
        )
        return set(rows)

    async def add_results(self, import_id: str, results: list[RowResult]) -> None:
        await self.session.execute(
            insert(core(ImportRowResultRow)),
            [
                {
                    "import_id": import_id,
                    "row": r.row,
                    "partner_id": self.partner_id,
                    "outcome": r.outcome.value,
                    "key": r.key[:200] if r.key else None,
                    "resource_id": r.resource_id,
                    "errors": [
                        {"row": e.row, "field": e.field, "code": e.code.value, "message": e.message} for e in r.errors
                    ],
                }
                for r in results
            ],
        )

    async def results(self, import_id: str, *, after_row: int | None, limit: int) -> Page[RowResult]:
        stmt = select(ImportRowResultRow).where(
            ImportRowResultRow.partner_id == self.partner_id, ImportRowResultRow.import_id == import_id
        )
        if after_row is not None:
            stmt = stmt.where(ImportRowResultRow.row > after_row)
        rows = list((await self.session.scalars(stmt.order_by(ImportRowResultRow.row).limit(limit + 1))).all())
        return Page(items=[_result(r) for r in rows[:limit]], has_more=len(rows) > limit)

    async def list(self, page: PageRequest) -> Page[Import]:
        stmt = select(ImportRow).where(ImportRow.partner_id == self.partner_id)
        rows = await fetch_page(self.session, stmt, ImportRow.id, page)
        return Page(items=[_to_domain(r) for r in rows.items], has_more=rows.has_more)

    async def customer_by_external_id(self, external_id: str) -> str | None:
        return await self.session.scalar(
            select(CustomerRow.id).where(
                CustomerRow.partner_id == self.partner_id, CustomerRow.external_id == external_id
            )
        )

    async def set_external_id(self, customer_id: str, external_id: str) -> None:
        table = core(CustomerRow)
        try:
            await self.session.execute(
                update(table)
                .where(table.c.partner_id == self.partner_id, table.c.id == customer_id)
                .values(external_id=external_id)
            )
        except IntegrityError:  # another import made a customer with this key first
            raise Conflict(
                f"Another customer already has external_id '{external_id}'.",
                code=ErrorCode.CONFLICT,
                field="external_id",
            ) from None

    async def invoice_by_number(self, number: str) -> str | None:
        return await self.session.scalar(
            select(InvoiceRow.id).where(InvoiceRow.partner_id == self.partner_id, InvoiceRow.number == number)
        )


def import_lost(*, queued_before: datetime, stale_before: datetime) -> ColumnElement[bool]:
    """Imports whose job was lost: queued before the first cutoff (the enqueue never reached the queue), or running
    without a report since the second (the worker died)."""
    return or_(
        and_(ImportRow.status == ImportStatus.QUEUED.value, ImportRow.created_at < queued_before),
        and_(
            ImportRow.status == ImportStatus.RUNNING.value,
            or_(ImportRow.heartbeat_at.is_(None), ImportRow.heartbeat_at < stale_before),
        ),
    )
