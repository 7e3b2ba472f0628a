"""Scheduled payments: the repository (the cross-partner selection of those whose day has come is a sweep)."""

from __future__ import annotations

import builtins

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.paging import fetch_page
from adapters.db.tables import ScheduledPaymentRow, core
from domain.errors import NotFound
from domain.pagination import Page, PageRequest
from domain.payments.model import Allocation
from domain.scheduled_payments.model import ScheduledPayment, ScheduledStatus


def _to_domain(row: ScheduledPaymentRow) -> ScheduledPayment:
    return ScheduledPayment(
        id=row.id,
        partner_id=row.partner_id,
        customer_id=row.customer_id,
        portal_user_id=row.portal_user_id,
        payment_method_id=row.payment_method_id,
        allocations=tuple(Allocation(a["invoice_id"], int(a["amount"])) for a in row.allocations),
        currency=row.currency,
        scheduled_for=row.scheduled_for,
        status=ScheduledStatus(row.status),
        payment_id=row.payment_id,
        failure_message=row.failure_message,
        created_at=row.created_at,
        executed_at=row.executed_at,
        canceled_at=row.canceled_at,
        canceled_by=row.canceled_by,
        cancel_reason=row.cancel_reason,
    )


class SqlScheduledPayments:
    def __init__(self, session: AsyncSession, partner_id: str) -> None:
        self.session = session
        self.partner_id = partner_id

    async def add(self, scheduled: ScheduledPayment) -> None:
        await self.session.execute(
            insert(core(ScheduledPaymentRow)),
            {
                "id": scheduled.id,
                "partner_id": scheduled.partner_id,
                "customer_id": scheduled.customer_id,
                "portal_user_id": scheduled.portal_user_id,
                "payment_method_id": scheduled.payment_method_id,
                "allocations": [{"invoice_id": a.invoice_id, "amount": a.amount} for a in scheduled.allocations],
                "amount": scheduled.amount,
                "currency": scheduled.currency,
                "scheduled_for": scheduled.scheduled_for,
                "status": scheduled.status.value,
                "created_at": scheduled.created_at,
            },
        )

    async def get(self, ident: str, *, lock: bool = False) -> ScheduledPayment:
        stmt = select(ScheduledPaymentRow).where(
            ScheduledPaymentRow.partner_id == self.partner_id, ScheduledPaymentRow.id == ident
        )
        if lock:
            stmt = stmt.with_for_update()
        row = await self.session.scalar(stmt)
        if row is None:
            raise NotFound("scheduled payment", ident)
        return _to_domain(row)

    async def save(self, scheduled: ScheduledPayment) -> None:
        await self.session.execute(
            update(ScheduledPaymentRow)
            .where(ScheduledPaymentRow.partner_id == self.partner_id, ScheduledPaymentRow.id == scheduled.id)
            .values(
                status=scheduled.status.value,
                payment_id=scheduled.payment_id,
                failure_message=scheduled.failure_message,
                executed_at=scheduled.executed_at,
                canceled_at=scheduled.canceled_at,
                canceled_by=scheduled.canceled_by,
                cancel_reason=scheduled.cancel_reason,
            )
            .execution_options(synchronize_session=False)
        )

    async def list(
        self, page: PageRequest, *, customer_id: str | None = None, status: ScheduledStatus | None = None
    ) -> Page[ScheduledPayment]:
        stmt = select(ScheduledPaymentRow).where(ScheduledPaymentRow.partner_id == self.partner_id)
        if customer_id is not None:
            stmt = stmt.where(ScheduledPaymentRow.customer_id == customer_id)
        if status is not None:
            stmt = stmt.where(ScheduledPaymentRow.status == status.value)
        rows = await fetch_page(self.session, stmt, ScheduledPaymentRow.id, page)
        return Page(items=[_to_domain(r) for r in rows.items], has_more=rows.has_more)

    async def waiting_for_customer(self, customer_id: str) -> builtins.list[ScheduledPayment]:
        rows = await self.session.scalars(
            select(ScheduledPaymentRow)
            .where(
                ScheduledPaymentRow.partner_id == self.partner_id,
                ScheduledPaymentRow.customer_id == customer_id,
                ScheduledPaymentRow.status == ScheduledStatus.SCHEDULED.value,
            )
            .order_by(ScheduledPaymentRow.id)
        )
        return [_to_domain(r) for r in rows]
