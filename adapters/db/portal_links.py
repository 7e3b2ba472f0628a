"""Single-use portal links: sign-in, invitations, password resets, impersonation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.dataclass_rows import add_row, build, save_row
from adapters.db.tables import (
    PortalLinkRow,
)
from domain.portal.links import LinkPurpose, PortalLink


def _link(row: PortalLinkRow) -> PortalLink:
    return build(PortalLink, row, purpose=LinkPurpose(row.purpose))


class SqlPortalLinks:
    def __init__(self, session: AsyncSession, partner_id: str) -> None:
        self.session = session
        self.partner_id = partner_id

    async def add(self, link: PortalLink) -> None:
        await add_row(self.session, PortalLinkRow, link)

    async def save(self, link: PortalLink) -> None:
        await save_row(self.session, PortalLinkRow, link, partner_id=self.partner_id)

    async def by_hash(self, token_hash: str) -> PortalLink | None:
        row = await self.session.scalar(
            select(PortalLinkRow)
            .where(PortalLinkRow.partner_id == self.partner_id, PortalLinkRow.token_hash == token_hash)
            .with_for_update()
        )
        return None if row is None else _link(row)

    async def revoke_unused(self, user_id: str, purpose: LinkPurpose, *, at: datetime) -> None:
        await self.session.execute(
            update(PortalLinkRow)
            .where(
                PortalLinkRow.partner_id == self.partner_id,
                PortalLinkRow.user_id == user_id,
                PortalLinkRow.purpose == purpose.value,
                PortalLinkRow.used_at.is_(None),
                PortalLinkRow.revoked_at.is_(None),
            )
            .values(revoked_at=at)
            .execution_options(synchronize_session=False)
        )
