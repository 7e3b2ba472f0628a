"""Payments, their allocations to invoices, and their lifecycles (one transition table per kind of method)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from domain.errors import ErrorCode, InvalidRequest, InvalidTransition
from domain.ids import new_id
from domain.money import MAX_AMOUNT


class MethodType(StrEnum):
    CHECK = "check"
    CASH = "cash"
    BANK_TRANSFER = "bank_transfer"
    OTHER = "other"
    CARD = "card"
    US_BANK_ACCOUNT = "us_bank_account"  # ACH debit
    CA_BANK_ACCOUNT = "ca_bank_account"  # Canadian pre-authorized debit (PAD/EFT)


OFFLINE_METHODS = frozenset({MethodType.CHECK, MethodType.CASH, MethodType.BANK_TRANSFER, MethodType.OTHER})
BANK_DEBITS = frozenset({MethodType.US_BANK_ACCOUNT, MethodType.CA_BANK_ACCOUNT})
PROCESSOR_METHODS = frozenset({MethodType.CARD}) | BANK_DEBITS
# Bank debits run on one national network each.
DEBIT_CURRENCY = {MethodType.US_BANK_ACCOUNT: "USD", MethodType.CA_BANK_ACCOUNT: "CAD"}


class PaymentStatus(StrEnum):
    PROCESSING = "processing"  # stored, processor called or about to be; outcome not known yet
    PENDING = "pending"  # bank debit submitted, not settled
    SUCCEEDED = "succeeded"  # card captured, or offline money received
    SETTLED = "settled"  # bank debit settled
    FAILED = "failed"  # declined, or refused at submission
    RETURNED = "returned"  # bank debit returned by the customer's bank
    CANCELED = "canceled"  # offline payment recorded in error, or pending debit canceled
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"
    DISPUTED = "disputed"  # card chargeback opened; the dispute carries its own status


S = PaymentStatus
OFFLINE_TRANSITIONS: dict[PaymentStatus, frozenset[PaymentStatus]] = {
    S.SUCCEEDED: frozenset({S.CANCELED, S.PARTIALLY_REFUNDED, S.REFUNDED}),
    S.PARTIALLY_REFUNDED: frozenset({S.PARTIALLY_REFUNDED, S.REFUNDED}),
}
CARD_TRANSITIONS: dict[PaymentStatus, frozenset[PaymentStatus]] = {
    S.PROCESSING: frozenset({S.SUCCEEDED, S.FAILED}),
    S.SUCCEEDED: frozenset({S.PARTIALLY_REFUNDED, S.REFUNDED, S.DISPUTED}),
    S.PARTIALLY_REFUNDED: frozenset({S.PARTIALLY_REFUNDED, S.REFUNDED, S.DISPUTED}),
}
DEBIT_TRANSITIONS: dict[PaymentStatus, frozenset[PaymentStatus]] = {
    S.PROCESSING: frozenset({S.PENDING, S.FAILED}),
    S.PENDING: frozenset({S.SETTLED, S.FAILED, S.RETURNED, S.CANCELED}),
    S.SETTLED: frozenset({S.RETURNED, S.PARTIALLY_REFUNDED, S.REFUNDED}),
    S.PARTIALLY_REFUNDED: frozenset({S.PARTIALLY_REFUNDED, S.REFUNDED}),
}
# Money is in hand (and can be refunded) in these states.
CAPTURED = frozenset({S.SUCCEEDED, S.SETTLED, S.PARTIALLY_REFUNDED})
IN_FLIGHT = frozenset({S.PROCESSING, S.PENDING})

# Return codes that may be presented again (at most twice), per the ACH rules.
RETRYABLE_RETURN_CODES = frozenset({"R01", "R09"})
MAX_DEBIT_ATTEMPTS = 3
UNAUTHORIZED_RETURN_CODES = frozenset({"R05", "R07", "R10", "R11", "R29"})


def transitions_for(method: MethodType) -> dict[PaymentStatus, frozenset[PaymentStatus]]:
    if method is MethodType.CARD:
        return CARD_TRANSITIONS
    if method in BANK_DEBITS:
        return DEBIT_TRANSITIONS
    return OFFLINE_TRANSITIONS


def new_transaction_id() -> str:
    """What people read out on the phone: `RM-` and twelve Crockford base-32 characters in groups of four."""
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    body = "".join(secrets.choice(alphabet) for _ in range(12))
    return f"RM-{body[:4]}-{body[4:8]}-{body[8:]}"


@dataclass(frozen=True, slots=True)
class Allocation:
    invoice_id: str
    amount: int

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise InvalidRequest("Allocation amounts are integers in minor units.", code=ErrorCode.INVALID_AMOUNT)
        if self.amount <= 0:
            raise InvalidRequest(
                "Allocation amounts must be positive.", code=ErrorCode.INVALID_AMOUNT, field="allocations"
            )
        if self.amount > MAX_AMOUNT:
            raise InvalidRequest(
                "Allocation amount is too large.", code=ErrorCode.AMOUNT_TOO_LARGE, field="allocations"
            )


@dataclass(slots=True)
class Payment:
    partner_id: str
    customer_id: str
    method: MethodType
    currency: str
    allocations: list[Allocation]
    created_at: datetime
    received_on: date
    reference: str | None = None
    status: PaymentStatus = PaymentStatus.SUCCEEDED
    fee: int = 0  # card surcharge paid by the customer on top of the allocations
    payment_method_id: str | None = None
    processor: str | None = None
    processor_payment_id: str | None = None
    failure_code: str | None = None
    failure_message: str | None = None
    return_code: str | None = None
    retry_of: str | None = None
    attempt: int = 1
    settled_at: datetime | None = None
    canceled_at: datetime | None = None
    updated_at: datetime | None = None
    receipt_email: str | None = None  # where receipts and outcome emails go; the customer's email otherwise
    transaction_id: str = field(default_factory=new_transaction_id)
    id: str = field(default_factory=lambda: new_id("pay"))

    def __post_init__(self) -> None:
        if not self.allocations:
            raise InvalidRequest(
                "A payment needs at least one allocation.", code=ErrorCode.NO_ALLOCATIONS, field="allocations"
            )
        invoice_ids = [a.invoice_id for a in self.allocations]
        if len(set(invoice_ids)) != len(invoice_ids):
            raise InvalidRequest(
                "Each invoice may appear once in a payment's allocations.",
                code=ErrorCode.DUPLICATE_ALLOCATION,
                field="allocations",
            )
        if self.fee < 0:
            raise InvalidRequest("A fee cannot be negative.", code=ErrorCode.INVALID_AMOUNT, field="fee")
        if self.amount > MAX_AMOUNT:
            raise InvalidRequest(
                "The payment amount is too large.", code=ErrorCode.AMOUNT_TOO_LARGE, field="allocations"
            )

    @property
    def allocated(self) -> int:
        return sum(a.amount for a in self.allocations)

    @property
    def amount(self) -> int:
        """What the customer is charged: the allocations plus any card fee."""
        return self.allocated + self.fee

    @property
    def processor_idempotency_key(self) -> str:
        """Derived from the payment id, so a retry or the recovery job can never charge twice."""
        return f"remit-{self.id}"

    @property
    def is_offline(self) -> bool:
        return self.method in OFFLINE_METHODS

    def can_move_to(self, target: PaymentStatus) -> bool:
        return target in transitions_for(self.method).get(self.status, frozenset())

    def move_to(self, target: PaymentStatus) -> None:
        if not self.can_move_to(target):
            raise InvalidTransition("payment", self.id, self.status.value, target.value)
        self.status = target

    def retryable(self) -> bool:
        return (
            self.status is PaymentStatus.RETURNED
            and self.return_code in RETRYABLE_RETURN_CODES
            and self.attempt < MAX_DEBIT_ATTEMPTS
        )
