"""A partner's payment settings: one row, written on the first change."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.statements import Statements
from adapters.db.tables import PaymentSettingsRow
from domain.clock import Clock
from domain.payments.model import MethodType
from domain.payments.settings import DisputeLostAction, PaymentSettings

_PLAIN = (
    "processor",
    "partial_payments",
    "card_fee_pass_through",
    "card_fee_bps",
    "card_fee_fixed",
    "amex_fee_bps",
    "amex_fee_fixed",
    "card_fee_cap_bps",
    "bank_return_fee",
    "unauthorized_return_fee",
    "dispute_fee",
    "overdue_schedule_days",
)


class SqlPaymentSettings(Statements):
    def __init__(self, session: AsyncSession, partner_id: str, clock: Clock) -> None:
        self.session = session
        self.partner_id = partner_id
        self.clock = clock
        self._cached: PaymentSettings | None = None

    async def get(self) -> PaymentSettings:
        if self._cached is None:
            row = await self.session.scalar(
                select(PaymentSettingsRow).where(PaymentSettingsRow.partner_id == self.partner_id)
            )
            self._cached = PaymentSettings() if row is None else _to_domain(row)
        return self._cached

    async def save(self, settings: PaymentSettings) -> None:
        values: dict[str, Any] = {name: getattr(settings, name) for name in _PLAIN}
        values["enabled_methods"] = sorted(m.value for m in settings.enabled_methods)
        values["dispute_lost_action"] = settings.dispute_lost_action.value
        values["updated_at"] = self.clock.now()
        stmt = self.dialect_insert(PaymentSettingsRow).values(partner_id=self.partner_id, **values)
        await self.session.execute(stmt.on_conflict_do_update(index_elements=["partner_id"], set_=values))
        self._cached = settings


def _to_domain(row: PaymentSettingsRow) -> PaymentSettings:
    return PaymentSettings(
        **{name: getattr(row, name) for name in _PLAIN},
        enabled_methods=frozenset(MethodType(m) for m in row.enabled_methods),
        dispute_lost_action=DisputeLostAction(row.dispute_lost_action),
    )
