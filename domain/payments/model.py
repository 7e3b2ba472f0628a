"""Payments and their allocations to invoices."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from domain.errors import InvalidRequest, InvalidTransition
from domain.ids import new_id
from domain.money import MAX_AMOUNT


class PaymentMethod(StrEnum):
    CHECK = "check"
    CASH = "cash"
    BANK_TRANSFER = "bank_transfer"
    OTHER = "other"


OFFLINE_METHODS = frozenset(PaymentMethod)


class PaymentStatus(StrEnum):
    SUCCEEDED = "succeeded"
    CANCELED = "canceled"  # an offline payment recorded in error, reversed in the ledger


TRANSITIONS: dict[PaymentStatus, frozenset[PaymentStatus]] = {
    PaymentStatus.SUCCEEDED: frozenset({PaymentStatus.CANCELED}),
    PaymentStatus.CANCELED: frozenset(),
}


@dataclass(frozen=True, slots=True)
class Allocation:
    invoice_id: str
    amount: int

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise InvalidRequest("Allocation amounts are integers in minor units.", code="invalid_amount")
        if self.amount <= 0:
            raise InvalidRequest("Allocation amounts must be positive.", code="invalid_amount", field="allocations")
        if self.amount > MAX_AMOUNT:
            raise InvalidRequest("Allocation amount is too large.", code="amount_too_large", field="allocations")


@dataclass(slots=True)
class Payment:
    partner_id: str
    customer_id: str
    method: PaymentMethod
    currency: str
    allocations: list[Allocation]
    created_at: datetime
    received_on: date
    reference: str | None = None
    status: PaymentStatus = PaymentStatus.SUCCEEDED
    canceled_at: datetime | None = None
    id: str = field(default_factory=lambda: new_id("pay"))

    def __post_init__(self) -> None:
        if not self.allocations:
            raise InvalidRequest("A payment needs at least one allocation.", code="no_allocations", field="allocations")
        invoice_ids = [a.invoice_id for a in self.allocations]
        if len(set(invoice_ids)) != len(invoice_ids):
            raise InvalidRequest(
                "Each invoice may appear once in a payment's allocations.",
                code="duplicate_allocation",
                field="allocations",
            )
        if self.amount > MAX_AMOUNT:
            raise InvalidRequest("The payment amount is too large.", code="amount_too_large", field="allocations")

    @property
    def amount(self) -> int:
        return sum(a.amount for a in self.allocations)

    def move_to(self, target: PaymentStatus) -> None:
        if target not in TRANSITIONS[self.status]:
            raise InvalidTransition("payment", self.id, self.status.value, target.value)
        self.status = target
