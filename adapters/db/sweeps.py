"""Cross-partner selections for cron jobs: keyset batches of rows that are due, as (partner id, row id)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.tables import PaymentRow, RefundRow
from domain.payments.model import IN_FLIGHT


async def in_flight_payments(
    session: AsyncSession, *, started_before: datetime, after_id: str = "", limit: int = 1000
) -> list[tuple[str, str]]:
    """Payments still processing or pending that began before the cutoff (younger ones are still being answered)."""
    rows = await session.execute(
        select(PaymentRow.partner_id, PaymentRow.id)
        .where(
            PaymentRow.status.in_([s.value for s in IN_FLIGHT]),
            PaymentRow.id > after_id,
            PaymentRow.created_at < started_before,
        )
        .order_by(PaymentRow.id)
        .limit(limit)
    )
    return [(p, i) for p, i in rows]


async def pending_refunds(
    session: AsyncSession, *, started_before: datetime, after_id: str = "", limit: int = 1000
) -> list[tuple[str, str]]:
    rows = await session.execute(
        select(RefundRow.partner_id, RefundRow.id)
        .where(RefundRow.status == "pending", RefundRow.id > after_id, RefundRow.created_at < started_before)
        .order_by(RefundRow.id)
        .limit(limit)
    )
    return [(p, i) for p, i in rows]
