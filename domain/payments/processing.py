"""What crosses the PaymentProcessor and BankConnector ports: domain dataclasses, never vendor objects.

Every answer keeps the processor's own payload in `raw`, for audit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from domain.errors import DomainError, ErrorCode, InvalidRequest
from domain.payments.model import MethodType, Payment


class Funding(StrEnum):
    CREDIT = "credit"
    DEBIT = "debit"
    PREPAID = "prepaid"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class MethodDetails:
    """A tokenized method as the processor describes it. Never a full card or account number."""

    processor_method_id: str
    type: MethodType
    last4: str
    country: str
    brand: str | None = None  # visa, mastercard, amex… for cards
    funding: Funding | None = None
    exp_month: int | None = None
    exp_year: int | None = None
    bank_name: str | None = None
    fingerprint: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ChargeRequest:
    account: str  # the partner's account at the processor
    idempotency_key: str
    processor_method_id: str
    amount: int
    currency: str
    description: str
    metadata: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, payment: Payment, processor_method_id: str) -> ChargeRequest:
        """The one request a payment is charged with, however often: the processor is idempotent on its key."""
        return cls(
            account=payment.partner_id,
            idempotency_key=payment.processor_idempotency_key,
            processor_method_id=processor_method_id,
            amount=payment.amount,
            currency=payment.currency,
            description=f"Payment {payment.transaction_id}",
            metadata={"payment_id": payment.id, "transaction_id": payment.transaction_id},
        )


class ChargeStatus(StrEnum):
    PENDING = "pending"  # a bank debit submitted, not settled
    SUCCEEDED = "succeeded"  # captured (card) or settled (bank debit)
    FAILED = "failed"  # declined, or refused at submission
    RETURNED = "returned"  # a bank debit the customer's bank sent back
    CANCELED = "canceled"  # a pending debit withdrawn before settlement


class DisputeStatus(StrEnum):
    WARNING_NEEDS_RESPONSE = "warning_needs_response"
    WARNING_UNDER_REVIEW = "warning_under_review"
    WARNING_CLOSED = "warning_closed"
    NEEDS_RESPONSE = "needs_response"
    UNDER_REVIEW = "under_review"
    WON = "won"
    LOST = "lost"


@dataclass(frozen=True, slots=True)
class DisputeState:
    processor_dispute_id: str
    status: DisputeStatus
    amount: int
    currency: str
    reason: str
    evidence_due_by: datetime | None = None
    raw: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ChargeState:
    """A charge as the processor sees it now. Applying it again, or an older one, changes nothing."""

    processor_payment_id: str
    status: ChargeStatus
    amount: int
    currency: str
    idempotency_key: str | None = None
    failure_code: str | None = None
    failure_message: str | None = None
    return_code: str | None = None
    dispute: DisputeState | None = None
    settled_at: datetime | None = None  # when the processor says the money settled (its clock, not ours)
    raw: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RefundRequest:
    account: str
    idempotency_key: str
    processor_payment_id: str
    amount: int
    currency: str


class RefundStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class RefundState:
    processor_refund_id: str
    status: RefundStatus
    amount: int
    failure_message: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ProcessorEvent:
    """An inbound event, verified. `charge` is the charge's state as of the event, when the event is about one."""

    id: str
    type: str
    account: str
    created_at: datetime
    charge: ChargeState | None
    raw: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class BankLink:
    """What an instant bank connection hands back: a token the processor can attach."""

    token: str
    institution_name: str
    last4: str
    raw: Mapping[str, Any] = field(default_factory=dict)


class ProcessorUnavailable(DomainError):
    """The processor did not answer (timeout, 5xx, connection lost): the outcome of the call is unknown."""

    code = ErrorCode.PROCESSOR_UNAVAILABLE


class InvalidSignature(DomainError):
    """An inbound event whose signature, body or timestamp does not verify."""

    code = ErrorCode.INVALID_SIGNATURE


def not_a_test_number(detail: str) -> InvalidRequest:
    return InvalidRequest(detail, code=ErrorCode.NOT_A_TEST_NUMBER)


def settles_on(submitted: date, banking_days: int) -> date:
    """Banking days skip weekends (holiday calendars arrive with payouts)."""
    day = submitted
    left = banking_days
    while left > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day
