"""What the cron sweeps find due across every partner, in keyset batches of (partner id, row id). Unscoped on
purpose: a sweep walks all partners, and each job it fans out opens a unit of work scoped to the row's partner."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.emails import email_due
from adapters.db.imports import import_lost
from adapters.db.tables import EmailRow, ImportRow, PaymentRow, RefundRow, ScheduledPaymentRow
from domain.mail import EmailStatus
from domain.payments.model import IN_FLIGHT
from domain.scheduled_payments.model import ScheduledStatus


class SqlSweeps:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def in_flight_payments(
        self, *, started_before: datetime, after_id: str = "", limit: int = 1000
    ) -> list[tuple[str, str]]:
        """Payments still processing or pending that began before the cutoff (younger ones are still being
        answered)."""
        in_flight = PaymentRow.status.in_([s.value for s in IN_FLIGHT])
        return await self._batch(PaymentRow, after_id, limit, in_flight, PaymentRow.created_at < started_before)

    async def pending_refunds(
        self, *, started_before: datetime, after_id: str = "", limit: int = 1000
    ) -> list[tuple[str, str]]:
        pending = RefundRow.status == "pending"
        return await self._batch(RefundRow, after_id, limit, pending, RefundRow.created_at < started_before)

    async def due_scheduled_payments(
        self, *, today: date, after_id: str = "", limit: int = 1000
    ) -> list[tuple[str, str]]:
        """Schedules whose day has come, and any left processing by a run that died."""
        due = or_(
            (ScheduledPaymentRow.status == ScheduledStatus.SCHEDULED.value)
            & (ScheduledPaymentRow.scheduled_for <= today),
            ScheduledPaymentRow.status == ScheduledStatus.PROCESSING.value,
        )
        return await self._batch(ScheduledPaymentRow, after_id, limit, due)

    async def due_emails(self, *, now: datetime, after_id: str = "", limit: int = 100) -> list[tuple[str | None, str]]:
        """Queued emails whose first attempt or next retry is due (no partner: a platform email)."""
        queued = EmailRow.status == EmailStatus.QUEUED.value
        return await self._batch(EmailRow, after_id, limit, queued, email_due(now))

    async def lost_imports(
        self, *, queued_before: datetime, stale_before: datetime, after_id: str = "", limit: int = 100
    ) -> list[tuple[str, str]]:
        """Imports whose job was lost (never enqueued, or its worker died), to be run again from their last batch."""
        return await self._batch(
            ImportRow, after_id, limit, import_lost(queued_before=queued_before, stale_before=stale_before)
        )

    async def _batch(self, row: Any, after_id: str, limit: int, *where: ColumnElement[bool]) -> list[Any]:
        """The next keyset batch of (partner id, id) of `row`'s table matching `where`, in id order."""
        rows = await self.session.execute(
            select(row.partner_id, row.id).where(*where, row.id > after_id).order_by(row.id).limit(limit)
        )
        return [(p, i) for p, i in rows]
