"""Requests for portal access from people the partner does not know yet."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.dataclass_rows import add_row, build, save_row
from adapters.db.paging import fetch_page
from adapters.db.tables import (
    AccessRequestRow,
)
from domain.errors import NotFound
from domain.pagination import Page, PageRequest
from domain.portal.access_requests import AccessRequest, AccessRequestStatus


def _request(row: AccessRequestRow) -> AccessRequest:
    return build(AccessRequest, row, status=AccessRequestStatus(row.status))


class SqlAccessRequests:
    def __init__(self, session: AsyncSession, partner_id: str) -> None:
        self.session = session
        self.partner_id = partner_id

    async def add(self, request: AccessRequest) -> None:
        await add_row(self.session, AccessRequestRow, request)

    async def save(self, request: AccessRequest) -> None:
        await save_row(self.session, AccessRequestRow, request, partner_id=self.partner_id)

    async def get(self, request_id: str, *, lock: bool = False) -> AccessRequest:
        stmt = select(AccessRequestRow).where(
            AccessRequestRow.partner_id == self.partner_id, AccessRequestRow.id == request_id
        )
        row = await self.session.scalar(stmt.with_for_update() if lock else stmt)
        if row is None:
            raise NotFound("access request", request_id)
        return _request(row)

    async def latest_for_email(self, email: str) -> AccessRequest | None:
        row = await self.session.scalar(
            select(AccessRequestRow)
            .where(AccessRequestRow.partner_id == self.partner_id, AccessRequestRow.email == email)
            .order_by(AccessRequestRow.id.desc())
            .limit(1)
        )
        return None if row is None else _request(row)

    async def list(self, page: PageRequest, *, status: AccessRequestStatus | None = None) -> Page[AccessRequest]:
        stmt = select(AccessRequestRow).where(AccessRequestRow.partner_id == self.partner_id)
        if status is not None:
            stmt = stmt.where(AccessRequestRow.status == status.value)
        rows = await fetch_page(self.session, stmt, AccessRequestRow.id, page)
        return Page(items=[_request(r) for r in rows.items], has_more=rows.has_more)
