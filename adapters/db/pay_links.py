"""Pay links: an invoice's guest-checkout link, one active per invoice."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.dataclass_rows import add_row, build, save_row
from adapters.db.tables import (
    PayLinkRow,
)
from domain.pay_links.model import PayLink


class SqlPayLinks:
    def __init__(self, session: AsyncSession, partner_id: str) -> None:
        self.session = session
        self.partner_id = partner_id

    async def add(self, link: PayLink) -> None:
        await add_row(self.session, PayLinkRow, link)

    async def save(self, link: PayLink) -> None:
        await save_row(self.session, PayLinkRow, link, partner_id=self.partner_id)

    async def find(self, link_id: str) -> PayLink | None:
        row = await self.session.scalar(
            select(PayLinkRow).where(PayLinkRow.partner_id == self.partner_id, PayLinkRow.id == link_id)
        )
        return None if row is None else build(PayLink, row)

    async def active_for(self, invoice_id: str) -> PayLink | None:
        row = await self.session.scalar(
            select(PayLinkRow).where(
                PayLinkRow.partner_id == self.partner_id,
                PayLinkRow.invoice_id == invoice_id,
                PayLinkRow.revoked_at.is_(None),
            )
        )
        return None if row is None else build(PayLink, row)
