"""Domain events: what happened, in the past tense, as frozen dataclasses with one payload per type.

A use case records an event on its unit of work (`uow.record(PaymentSucceeded.of(payment))`); the unit of work
writes it to the outbox in the same transaction, and `domain/event_handlers.py` says what each type causes once
committed. A family's base dataclass fixes the payload; its members add only their name, so they need no decorator.
The type name is derived from the class: the family's subject, a dot, then the rest of the class name in snake
case (`PaymentSucceeded` → `payment.succeeded`, `InvoiceQuestionResolved` → `invoice.question_resolved`).
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime
from enum import Enum
from typing import Any, ClassVar, Self

from domain.invoices.model import InvoiceStatus
from domain.payments.model import Payment, PaymentStatus
from domain.refunds.model import Refund, RefundStatus

EVENT_TYPES: dict[str, type[Event]] = {}  # type name → class, for reading events back from the outbox


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _plain(value: Any) -> Any:
    """A payload value as JSON has it."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


@dataclasses.dataclass(frozen=True)
class Event:
    subject: ClassVar[str] = ""  # set by each family's base class
    type: ClassVar[str] = ""  # derived, below

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.subject or cls.__name__.endswith("Event"):
            return  # a family's base is never recorded itself
        snake = _snake(cls.__name__)
        prefix = f"{cls.subject}_"
        if not snake.startswith(prefix):
            raise TypeError(f"{cls.__name__} must start with its subject {cls.subject!r}")
        cls.type = f"{cls.subject}.{snake.removeprefix(prefix)}"
        if EVENT_TYPES.setdefault(cls.type, cls) is not cls:
            raise TypeError(f"two events are named {cls.type}")

    def payload(self) -> dict[str, Any]:
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Self:
        """The event again, from its payload as the outbox stored it. Raises KeyError, TypeError or ValueError
        for a payload of another shape."""
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            value = payload[f.name]
            if f.type == "date" and value is not None:
                value = date.fromisoformat(value)
            elif str(f.type).startswith("tuple"):
                value = tuple(value)
            values[f.name] = value
        return cls(**values)


# Customers


@dataclasses.dataclass(frozen=True)
class CustomerEvent(Event):
    subject = "customer"
    customer_id: str


class CustomerCreated(CustomerEvent):
    pass


@dataclasses.dataclass(frozen=True)
class CustomerUpdated(CustomerEvent):
    fields: tuple[str, ...]  # the names of the fields that changed


class CustomerArchived(CustomerEvent):
    pass


@dataclasses.dataclass(frozen=True)
class CustomerMerged(CustomerEvent):
    into_customer_id: str  # the customer that took over the merged one's invoices, payments and access


# Invoices


@dataclasses.dataclass(frozen=True)
class InvoiceEvent(Event):
    subject = "invoice"
    invoice_id: str


class InvoiceCreated(InvoiceEvent):
    pass


@dataclasses.dataclass(frozen=True)
class InvoiceFinalized(InvoiceEvent):
    total: int
    currency: str


class InvoiceVoided(InvoiceEvent):
    pass


class InvoiceArchived(InvoiceEvent):
    pass


class InvoicePaid(InvoiceEvent):
    pass


class InvoicePartiallyPaid(InvoiceEvent):
    pass


class InvoiceReopened(InvoiceEvent):
    """Money applied to it was refunded, returned or canceled: it is open again."""


@dataclasses.dataclass(frozen=True)
class InvoiceWrittenOff(InvoiceEvent):
    """Part or all of what was due is given up as bad debt; `amount_due` is what remains."""

    amount: int
    currency: str
    amount_due: int


INVOICE_STATUS_EVENTS: dict[InvoiceStatus, type[InvoiceEvent]] = {
    InvoiceStatus.PAID: InvoicePaid,
    InvoiceStatus.PARTIALLY_PAID: InvoicePartiallyPaid,
    InvoiceStatus.OPEN: InvoiceReopened,
    # A payment settles the rest of a partly written-off invoice: nothing remains to collect.
    InvoiceStatus.WRITTEN_OFF: InvoicePaid,
}


@dataclasses.dataclass(frozen=True)
class InvoiceQuestionEvent(Event):
    subject = "invoice"
    question_id: str
    invoice_id: str
    customer_id: str


class InvoiceQuestioned(InvoiceQuestionEvent):
    pass


class InvoiceQuestionResolved(InvoiceQuestionEvent):
    pass


# Payments


@dataclasses.dataclass(frozen=True)
class PaymentEvent(Event):
    subject = "payment"
    payment_id: str
    transaction_id: str
    customer_id: str
    amount: int
    currency: str

    @classmethod
    def of(cls, payment: Payment) -> Self:
        return cls(
            payment_id=payment.id,
            transaction_id=payment.transaction_id,
            customer_id=payment.customer_id,
            amount=payment.amount,
            currency=payment.currency,
        )


class PaymentProcessing(PaymentEvent):
    pass


class PaymentPending(PaymentEvent):
    pass


class PaymentSucceeded(PaymentEvent):
    pass


class PaymentSettled(PaymentEvent):
    pass


class PaymentFailed(PaymentEvent):
    pass


class PaymentReturned(PaymentEvent):
    pass


class PaymentCanceled(PaymentEvent):
    pass


class PaymentPartiallyRefunded(PaymentEvent):
    pass


class PaymentRefunded(PaymentEvent):
    pass


class PaymentDisputed(PaymentEvent):
    pass


PAYMENT_STATUS_EVENTS: dict[PaymentStatus, type[PaymentEvent]] = {
    PaymentStatus.PROCESSING: PaymentProcessing,
    PaymentStatus.PENDING: PaymentPending,
    PaymentStatus.SUCCEEDED: PaymentSucceeded,
    PaymentStatus.SETTLED: PaymentSettled,
    PaymentStatus.FAILED: PaymentFailed,
    PaymentStatus.RETURNED: PaymentReturned,
    PaymentStatus.CANCELED: PaymentCanceled,
    PaymentStatus.PARTIALLY_REFUNDED: PaymentPartiallyRefunded,
    PaymentStatus.REFUNDED: PaymentRefunded,
    PaymentStatus.DISPUTED: PaymentDisputed,
}


def payment_moved(payment: Payment) -> PaymentEvent:
    """The event for the status the payment has just reached."""
    return PAYMENT_STATUS_EVENTS[payment.status].of(payment)


# Payment methods


@dataclasses.dataclass(frozen=True)
class PaymentMethodEvent(Event):
    subject = "payment_method"
    payment_method_id: str
    customer_id: str


class PaymentMethodAttached(PaymentMethodEvent):
    pass


class PaymentMethodDetached(PaymentMethodEvent):
    pass


class PaymentMethodDefaultChanged(PaymentMethodEvent):
    pass


# Refunds


@dataclasses.dataclass(frozen=True)
class RefundEvent(Event):
    subject = "refund"
    refund_id: str
    payment_id: str
    amount: int

    @classmethod
    def of(cls, refund: Refund) -> Self:
        return cls(refund_id=refund.id, payment_id=refund.payment_id, amount=refund.amount)


class RefundPending(RefundEvent):
    pass


class RefundSucceeded(RefundEvent):
    pass


class RefundFailed(RefundEvent):
    pass


REFUND_STATUS_EVENTS: dict[RefundStatus, type[RefundEvent]] = {
    RefundStatus.PENDING: RefundPending,
    RefundStatus.SUCCEEDED: RefundSucceeded,
    RefundStatus.FAILED: RefundFailed,
}


# Disputes


@dataclasses.dataclass(frozen=True)
class DisputeEvent(Event):
    subject = "dispute"
    dispute_id: str
    payment_id: str
    status: str


class DisputeCreated(DisputeEvent):
    pass


class DisputeUpdated(DisputeEvent):
    pass


class DisputeClosed(DisputeEvent):
    pass


# Portal access requests


@dataclasses.dataclass(frozen=True)
class AccessRequestEvent(Event):
    subject = "access_request"
    access_request_id: str


class AccessRequestCreated(AccessRequestEvent):
    pass


@dataclasses.dataclass(frozen=True)
class AccessRequestApproved(AccessRequestEvent):
    customer_id: str


# Scheduled payments


@dataclasses.dataclass(frozen=True)
class ScheduledPaymentEvent(Event):
    subject = "scheduled_payment"
    scheduled_payment_id: str
    customer_id: str
    amount: int
    currency: str
    scheduled_for: date
    status: str


class ScheduledPaymentCreated(ScheduledPaymentEvent):
    pass


@dataclasses.dataclass(frozen=True)
class ScheduledPaymentCanceled(ScheduledPaymentEvent):
    canceled_by: str


@dataclasses.dataclass(frozen=True)
class ScheduledPaymentExecuted(ScheduledPaymentEvent):
    payment_id: str


@dataclasses.dataclass(frozen=True)
class ScheduledPaymentFailed(ScheduledPaymentEvent):
    reason: str
    payment_id: str | None  # None when it failed before a payment was made (no method, nothing due)
