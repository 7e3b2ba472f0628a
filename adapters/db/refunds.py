"""Refunds of payments."""

from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.paging import fetch_page
from adapters.db.tables import RefundRow, core
from domain.errors import NotFound
from domain.pagination import Page, PageRequest
from domain.refunds.model import Refund, RefundKind, RefundStatus


def _to_domain(row: RefundRow) -> Refund:
    return Refund(
        id=row.id,
        partner_id=row.partner_id,
        payment_id=row.payment_id,
        kind=RefundKind(row.kind),
        amount=row.amount,
        currency=row.currency,
        status=RefundStatus(row.status),
        reason=row.reason,
        processor_refund_id=row.processor_refund_id,
        failure_message=row.failure_message,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class SqlRefunds:
    def __init__(self, session: AsyncSession, partner_id: str) -> None:
        self.session = session
        self.partner_id = partner_id

    async def add(self, refund: Refund) -> None:
        await self.session.execute(
            insert(core(RefundRow)),
            {
                "id": refund.id,
                "partner_id": refund.partner_id,
                "payment_id": refund.payment_id,
                "kind": refund.kind.value,
                "amount": refund.amount,
                "currency": refund.currency,
                "status": refund.status.value,
                "reason": refund.reason,
                "processor_refund_id": refund.processor_refund_id,
                "failure_message": refund.failure_message,
                "created_at": refund.created_at,
                "updated_at": refund.updated_at,
            },
        )

    async def save(self, refund: Refund) -> None:
        await self.session.execute(
            update(RefundRow)
            .where(RefundRow.partner_id == self.partner_id, RefundRow.id == refund.id)
            .values(
                status=refund.status.value,
                processor_refund_id=refund.processor_refund_id,
                failure_message=refund.failure_message,
                updated_at=refund.updated_at,
            )
            .execution_options(synchronize_session=False)
        )

    async def for_payment(self, payment_id: str) -> list[Refund]:
        rows = await self.session.scalars(
            select(RefundRow)
            .where(RefundRow.partner_id == self.partner_id, RefundRow.payment_id == payment_id)
            .order_by(RefundRow.id)
        )
        return [_to_domain(r) for r in rows]

    async def list(self, page: PageRequest, *, payment_id: str | None = None) -> Page[Refund]:
        """Every refund of the partner (or of one payment), newest first, a keyset page at a time."""
        stmt = select(RefundRow).where(RefundRow.partner_id == self.partner_id)
        if payment_id is not None:
            stmt = stmt.where(RefundRow.payment_id == payment_id)
        rows = await fetch_page(self.session, stmt, RefundRow.id, page)
        return Page(items=[_to_domain(r) for r in rows.items], has_more=rows.has_more)

    async def get(self, refund_id: str) -> Refund:
        row = await self.session.scalar(
            select(RefundRow).where(RefundRow.partner_id == self.partner_id, RefundRow.id == refund_id)
        )
        if row is None:
            raise NotFound("refund", refund_id)
        return _to_domain(row)
