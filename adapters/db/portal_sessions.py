"""Portal sessions, found by their token's hash before the partner is known."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.dataclass_rows import add_row, build, save_row
from adapters.db.tables import (
    PortalSessionRow,
)
from domain.errors import NotFound
from domain.portal.sessions import Factor, PortalSession, SessionState


def _session(row: PortalSessionRow) -> PortalSession:
    return build(PortalSession, row, state=SessionState(row.state), factors=[Factor(f) for f in row.factors])


class SqlPortalSessions:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, portal_session: PortalSession) -> None:
        await add_row(self.session, PortalSessionRow, portal_session)

    async def save(self, portal_session: PortalSession) -> None:
        await save_row(self.session, PortalSessionRow, portal_session, partner_id=portal_session.partner_id)

    async def by_token_hash(self, token_hash: str) -> PortalSession | None:
        row = await self.session.scalar(select(PortalSessionRow).where(PortalSessionRow.token_hash == token_hash))
        return None if row is None else _session(row)

    async def get(self, session_id: str) -> PortalSession:
        row = await self.session.scalar(select(PortalSessionRow).where(PortalSessionRow.id == session_id))
        if row is None:
            raise NotFound("session", session_id)
        return _session(row)

    async def active_for_user(self, user_id: str, now: datetime) -> list[PortalSession]:
        rows = await self.session.scalars(
            select(PortalSessionRow)
            .where(
                PortalSessionRow.user_id == user_id,
                PortalSessionRow.revoked_at.is_(None),
                PortalSessionRow.expires_at > now,
            )
            .order_by(PortalSessionRow.id.desc())
        )
        return [s for s in map(_session, rows) if s.alive(now)]

    async def revoke_for_user(self, user_id: str, *, at: datetime, keep: str | None = None) -> int:
        stmt = update(PortalSessionRow).where(
            PortalSessionRow.user_id == user_id, PortalSessionRow.revoked_at.is_(None)
        )
        if keep is not None:
            stmt = stmt.where(PortalSessionRow.id != keep)
        result = await self.session.execute(stmt.values(revoked_at=at).execution_options(synchronize_session=False))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
