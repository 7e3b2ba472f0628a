"""Payment repository: payments with their allocations."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.paging import fetch_page
from adapters.db.statements import Statements
from adapters.db.tables import AllocationRow, PaymentRow, core
from domain.errors import NotFound
from domain.ids import new_id
from domain.pagination import Page, PageRequest
from domain.payments.model import IN_FLIGHT, Allocation, MethodType, Payment, PaymentStatus
from domain.ports import PaymentQuery

_ALLOCATIONS_BY_PAYMENT_IDS = (
    select(AllocationRow)
    .where(
        AllocationRow.partner_id == bindparam("partner"), AllocationRow.payment_id.in_(bindparam("ids", expanding=True))
    )
    .order_by(AllocationRow.payment_id, AllocationRow.position)
)


class SqlPayments(Statements):
    def __init__(self, session: AsyncSession, partner_id: str) -> None:
        self.session = session
        self.partner_id = partner_id

    async def add(self, payment: Payment) -> None:
        # Plain inserts: no ORM unit-of-work bookkeeping on the hottest write path.
        row = {
            "id": payment.id,
            "partner_id": payment.partner_id,
            "customer_id": payment.customer_id,
            "method": payment.method.value,
            "status": payment.status.value,
            "amount": payment.amount,
            "fee": payment.fee,
            "currency": payment.currency,
            "reference": payment.reference,
            "received_on": payment.received_on,
            "transaction_id": payment.transaction_id,
            "payment_method_id": payment.payment_method_id,
            "processor": payment.processor,
            "processor_payment_id": payment.processor_payment_id,
            "failure_code": payment.failure_code,
            "failure_message": payment.failure_message,
            "return_code": payment.return_code,
            "retry_of": payment.retry_of,
            "attempt": payment.attempt,
            "created_at": payment.created_at,
            "updated_at": payment.updated_at,
            "settled_at": payment.settled_at,
            "canceled_at": payment.canceled_at,
            "receipt_email": payment.receipt_email,
        }
        await self._insert_rows(core(PaymentRow), [row])
        await self._insert_rows(
            core(AllocationRow),
            [
                {
                    "id": new_id("alc"),
                    "partner_id": payment.partner_id,
                    "payment_id": payment.id,
                    "invoice_id": a.invoice_id,
                    "position": i,
                    "amount": a.amount,
                }
                for i, a in enumerate(payment.allocations)
            ],
        )

    async def _with_allocations(self, rows: list[PaymentRow]) -> list[Payment]:
        if not rows:
            return []
        alloc_rows = await self.session.scalars(
            _ALLOCATIONS_BY_PAYMENT_IDS, {"partner": self.partner_id, "ids": [r.id for r in rows]}
        )
        by_payment: dict[str, list[Allocation]] = defaultdict(list)
        for a in alloc_rows:
            by_payment[a.payment_id].append(Allocation(a.invoice_id, a.amount))
        return [
            Payment(
                id=r.id,
                partner_id=r.partner_id,
                customer_id=r.customer_id,
                method=MethodType(r.method),
                status=PaymentStatus(r.status),
                currency=r.currency,
                allocations=by_payment[r.id],
                reference=r.reference,
                received_on=r.received_on,
                fee=r.fee,
                transaction_id=r.transaction_id,
                payment_method_id=r.payment_method_id,
                processor=r.processor,
                processor_payment_id=r.processor_payment_id,
                failure_code=r.failure_code,
                failure_message=r.failure_message,
                return_code=r.return_code,
                retry_of=r.retry_of,
                attempt=r.attempt,
                created_at=r.created_at,
                updated_at=r.updated_at,
                settled_at=r.settled_at,
                canceled_at=r.canceled_at,
                receipt_email=r.receipt_email,
            )
            for r in rows
        ]

    async def _one(self, payment_id: str, *, lock: bool) -> Payment:
        stmt = select(PaymentRow).where(PaymentRow.partner_id == self.partner_id, PaymentRow.id == payment_id)
        if lock:
            stmt = stmt.with_for_update()
        row = await self.session.scalar(stmt)
        if row is None:
            raise NotFound("payment", payment_id)
        return (await self._with_allocations([row]))[0]

    async def get(self, payment_id: str) -> Payment:
        return await self._one(payment_id, lock=False)

    async def lock(self, payment_id: str) -> Payment:
        return await self._one(payment_id, lock=True)

    async def save(self, payment: Payment) -> None:
        await self.session.execute(
            update(PaymentRow)
            .where(PaymentRow.partner_id == self.partner_id, PaymentRow.id == payment.id)
            .values(
                status=payment.status.value,
                processor_payment_id=payment.processor_payment_id,
                failure_code=payment.failure_code,
                failure_message=payment.failure_message,
                return_code=payment.return_code,
                updated_at=payment.updated_at,
                settled_at=payment.settled_at,
                canceled_at=payment.canceled_at,
            )
            .execution_options(synchronize_session=False)
        )

    async def by_processor_id(self, processor: str, processor_payment_id: str) -> Payment | None:
        row = await self.session.scalar(
            select(PaymentRow).where(
                PaymentRow.partner_id == self.partner_id,
                PaymentRow.processor == processor,
                PaymentRow.processor_payment_id == processor_payment_id,
            )
        )
        return None if row is None else (await self._with_allocations([row]))[0]

    async def list(self, query: PaymentQuery, page: PageRequest) -> Page[Payment]:
        stmt = select(PaymentRow).where(PaymentRow.partner_id == self.partner_id)
        if query.customer_id is not None:
            stmt = stmt.where(PaymentRow.customer_id == query.customer_id)
        if query.transaction_id is not None:
            stmt = stmt.where(PaymentRow.transaction_id == query.transaction_id.upper())
        if query.processor_payment_id is not None:
            stmt = stmt.where(PaymentRow.processor_payment_id == query.processor_payment_id)
        if query.status is not None:
            stmt = stmt.where(PaymentRow.status == query.status.value)
        if query.payment_method_id is not None:
            stmt = stmt.where(PaymentRow.payment_method_id == query.payment_method_id)
        if query.in_flight:
            stmt = stmt.where(PaymentRow.status.in_([s.value for s in IN_FLIGHT]))
        if query.invoice_id is not None:
            stmt = stmt.where(
                PaymentRow.id.in_(select(AllocationRow.payment_id).where(AllocationRow.invoice_id == query.invoice_id))
            )
        rows = await fetch_page(self.session, stmt, PaymentRow.id, page)
        return Page(items=await self._with_allocations(rows.items), has_more=rows.has_more)
