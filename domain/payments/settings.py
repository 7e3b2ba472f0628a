"""A partner's payment settings: which methods its customers may use, partial payments, card fees, bank fees."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from domain.errors import ErrorCode, InvalidRequest
from domain.payments.model import PROCESSOR_METHODS, MethodType


class DisputeLostAction(StrEnum):
    REOPEN = "reopen"  # the invoices are owed again
    WRITE_OFF = "write_off"  # the loss is written off; the invoices stay paid


MAX_FEE_BPS = 1_000  # 10%: above any network's surcharge cap, so a typo cannot bill a customer double
MAX_FIXED_FEE = 10_000
MAX_BANK_FEE = 100_000
MAX_OVERDUE_SCHEDULE_DAYS = 60


@dataclass(frozen=True, slots=True)
class PaymentSettings:
    processor: str = "sandbox"
    enabled_methods: frozenset[MethodType] = field(default_factory=lambda: PROCESSOR_METHODS)
    partial_payments: bool = True
    card_fee_pass_through: bool = True
    card_fee_bps: int = 290
    card_fee_fixed: int = 30
    amex_fee_bps: int = 350
    amex_fee_fixed: int = 30
    card_fee_cap_bps: int = 400  # no surcharge above this share of what is paid, whatever the rates say
    bank_return_fee: int = 1_500
    unauthorized_return_fee: int = 2_500
    dispute_fee: int = 2_500
    dispute_lost_action: DisputeLostAction = DisputeLostAction.REOPEN
    # How many days ahead a customer may schedule the payment of an invoice already due (0: pay it now).
    overdue_schedule_days: int = 7

    def changed(self, **changes: Any) -> PaymentSettings:
        """A copy with the changes applied, checked as a whole."""
        updated = replace(self, **changes)
        updated.check()
        return updated

    def check(self) -> None:
        unknown = self.enabled_methods - PROCESSOR_METHODS
        if unknown:
            raise InvalidRequest(
                f"Only card and bank-debit methods can be enabled here, not {sorted(m.value for m in unknown)}.",
                code=ErrorCode.INVALID_SETTING,
                field="enabled_methods",
            )
        for name in ("card_fee_bps", "amex_fee_bps", "card_fee_cap_bps"):
            if not 0 <= getattr(self, name) <= MAX_FEE_BPS:
                raise InvalidRequest(
                    f"{name} must be between 0 and {MAX_FEE_BPS}.", code=ErrorCode.INVALID_SETTING, field=name
                )
        for name in ("card_fee_fixed", "amex_fee_fixed"):
            if not 0 <= getattr(self, name) <= MAX_FIXED_FEE:
                raise InvalidRequest(
                    f"{name} must be between 0 and {MAX_FIXED_FEE}.", code=ErrorCode.INVALID_SETTING, field=name
                )
        for name in ("bank_return_fee", "unauthorized_return_fee", "dispute_fee"):
            if not 0 <= getattr(self, name) <= MAX_BANK_FEE:
                raise InvalidRequest(
                    f"{name} must be between 0 and {MAX_BANK_FEE}.", code=ErrorCode.INVALID_SETTING, field=name
                )

        if not 0 <= self.overdue_schedule_days <= MAX_OVERDUE_SCHEDULE_DAYS:
            raise InvalidRequest(
                f"overdue_schedule_days must be between 0 and {MAX_OVERDUE_SCHEDULE_DAYS}.",
                code=ErrorCode.INVALID_SETTING,
                field="overdue_schedule_days",
            )

    def allows(self, method: MethodType) -> bool:
        return method in self.enabled_methods
