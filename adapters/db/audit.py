"""Reading the audit log back, one partner's rows at a time (written by `SqlUnitOfWork.audit`); deleting the rows
past their retention, across partners."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.paging import fetch_page
from adapters.db.tables import AuditLogRow
from domain.audit import AuditEvent, AuditQuery
from domain.pagination import Page, PageRequest


class SqlAuditLog:
    def __init__(self, session: AsyncSession, partner_id: str) -> None:
        self.session = session
        self.partner_id = partner_id

    async def list(self, query: AuditQuery, page: PageRequest) -> Page[AuditEvent]:
        stmt = select(AuditLogRow).where(AuditLogRow.partner_id == self.partner_id)
        if query.actor is not None:
            stmt = stmt.where(AuditLogRow.actor == query.actor)
        if query.action is not None:
            if query.action.endswith("."):
                stmt = stmt.where(AuditLogRow.action.startswith(query.action, autoescape=True))
            else:
                stmt = stmt.where(AuditLogRow.action == query.action)
        if query.since is not None:
            stmt = stmt.where(AuditLogRow.created_at >= query.since)
        if query.until is not None:
            stmt = stmt.where(AuditLogRow.created_at < query.until)
        rows = await fetch_page(self.session, stmt, AuditLogRow.id, page)
        return Page(items=[_event(r) for r in rows.items], has_more=rows.has_more)


class SqlAuditRetention:
    """Unscoped: the retention job walks every partner's rows (and the platform's)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def purge_batch(self, cutoff: datetime, limit: int) -> int:
        """Delete up to `limit` rows created before `cutoff`, oldest first; how many went."""
        oldest = select(AuditLogRow.id).where(AuditLogRow.created_at < cutoff).order_by(AuditLogRow.created_at)
        result = await self.session.execute(
            delete(AuditLogRow)
            .where(AuditLogRow.id.in_(oldest.limit(limit).scalar_subquery()))
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0)


def _event(row: AuditLogRow) -> AuditEvent:
    return AuditEvent(
        id=row.id,
        actor=row.actor,
        action=row.action,
        subject=row.subject,
        details=dict(row.details or {}),
        created_at=row.created_at,
    )
