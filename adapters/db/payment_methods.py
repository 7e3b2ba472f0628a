"""Saved payment methods of customers."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.tables import PaymentMethodRow
from domain.errors import NotFound
from domain.payment_methods.model import Mandate, PaymentMethod
from domain.payments.model import MethodType
from domain.payments.processing import Funding


def _to_domain(row: PaymentMethodRow) -> PaymentMethod:
    return PaymentMethod(
        id=row.id,
        partner_id=row.partner_id,
        customer_id=row.customer_id,
        type=MethodType(row.type),
        processor=row.processor,
        processor_method_id=row.processor_method_id,
        last4=row.last4,
        country=row.country,
        brand=row.brand,
        bank_name=row.bank_name,
        exp_month=row.exp_month,
        exp_year=row.exp_year,
        funding=Funding(row.funding) if row.funding else None,
        fingerprint=row.fingerprint,
        is_default=row.is_default,
        autopay_blocked_reason=row.autopay_blocked_reason,
        one_off=row.one_off,
        mandate=Mandate.from_dict(row.mandate) if row.mandate else None,
        created_at=row.created_at,
        detached_at=row.detached_at,
    )


class SqlPaymentMethods:
    def __init__(self, session: AsyncSession, partner_id: str) -> None:
        self.session = session
        self.partner_id = partner_id

    async def add(self, method: PaymentMethod) -> None:
        self.session.add(
            PaymentMethodRow(
                id=method.id,
                partner_id=method.partner_id,
                customer_id=method.customer_id,
                type=method.type.value,
                processor=method.processor,
                processor_method_id=method.processor_method_id,
                brand=method.brand,
                bank_name=method.bank_name,
                last4=method.last4,
                exp_month=method.exp_month,
                exp_year=method.exp_year,
                funding=method.funding.value if method.funding else None,
                country=method.country,
                fingerprint=method.fingerprint,
                is_default=method.is_default,
                autopay_blocked_reason=method.autopay_blocked_reason,
                one_off=method.one_off,
                mandate=method.mandate.as_dict() if method.mandate else None,
                created_at=method.created_at,
                detached_at=method.detached_at,
            )
        )
        await self.session.flush()

    async def get(self, method_id: str) -> PaymentMethod:
        row = await self.session.scalar(
            select(PaymentMethodRow).where(
                PaymentMethodRow.partner_id == self.partner_id, PaymentMethodRow.id == method_id
            )
        )
        if row is None:
            raise NotFound("payment method", method_id)
        return _to_domain(row)

    async def save(self, method: PaymentMethod) -> None:
        await self.session.execute(
            update(PaymentMethodRow)
            .where(PaymentMethodRow.partner_id == self.partner_id, PaymentMethodRow.id == method.id)
            .values(
                is_default=method.is_default,
                autopay_blocked_reason=method.autopay_blocked_reason,
                one_off=method.one_off,
                detached_at=method.detached_at,
            )
            .execution_options(synchronize_session=False)
        )

    async def for_customer(self, customer_id: str) -> list[PaymentMethod]:
        rows = await self.session.scalars(
            select(PaymentMethodRow)
            .where(
                PaymentMethodRow.partner_id == self.partner_id,
                PaymentMethodRow.customer_id == customer_id,
                PaymentMethodRow.detached_at.is_(None),
            )
            .order_by(PaymentMethodRow.id.desc())
        )
        return [_to_domain(r) for r in rows]

    async def clear_default(self, customer_id: str) -> None:
        await self.session.execute(
            update(PaymentMethodRow)
            .where(
                PaymentMethodRow.partner_id == self.partner_id,
                PaymentMethodRow.customer_id == customer_id,
                PaymentMethodRow.is_default.is_(True),
            )
            .values(is_default=False)
            .execution_options(synchronize_session=False)
        )
