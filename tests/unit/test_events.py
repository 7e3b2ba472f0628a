"""Domain events: type names derived from the class, one payload shape per type, plain JSON payloads."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import pytest

from domain.events import (
    EVENT_TYPES,
    INVOICE_STATUS_EVENTS,
    PAYMENT_STATUS_EVENTS,
    REFUND_STATUS_EVENTS,
    Event,
    InvoiceQuestionResolved,
    PaymentMethodDefaultChanged,
    PaymentSucceeded,
    ScheduledPaymentCanceled,
)
from domain.invoices.model import InvoiceStatus
from domain.payments.model import PaymentStatus
from domain.refunds.model import RefundStatus


def test_type_names_come_from_the_class_and_its_subject() -> None:
    assert PaymentSucceeded.type == "payment.succeeded"
    assert PaymentMethodDefaultChanged.type == "payment_method.default_changed"
    assert InvoiceQuestionResolved.type == "invoice.question_resolved"
    assert ScheduledPaymentCanceled.type == "scheduled_payment.canceled"


def test_every_type_is_registered_once_and_no_family_base_is() -> None:
    assert all(cls.type == name for name, cls in EVENT_TYPES.items())
    assert not any(name.endswith(".event") for name in EVENT_TYPES)
    assert len(EVENT_TYPES) == len({cls.__name__ for cls in EVENT_TYPES.values()})


def test_a_class_whose_name_does_not_start_with_its_subject_is_refused() -> None:
    with pytest.raises(TypeError, match="subject"):

        @dataclasses.dataclass(frozen=True)
        class Succeeded(PaymentSucceeded):
            pass


def test_a_second_class_with_the_same_name_is_refused() -> None:
    with pytest.raises(TypeError, match="two events"):

        @dataclasses.dataclass(frozen=True)
        class PaymentSucceeded(Event):
            subject = "payment"


def test_every_status_a_lifecycle_can_reach_has_its_event() -> None:
    assert set(PAYMENT_STATUS_EVENTS) == set(PaymentStatus)
    assert set(REFUND_STATUS_EVENTS) == set(RefundStatus)
    assert {PAYMENT_STATUS_EVENTS[s].type for s in PaymentStatus} == {f"payment.{s.value}" for s in PaymentStatus}
    assert set(INVOICE_STATUS_EVENTS) == {
        InvoiceStatus.OPEN,
        InvoiceStatus.PARTIALLY_PAID,
        InvoiceStatus.PAID,
        InvoiceStatus.WRITTEN_OFF,
    }


def test_payloads_are_plain_json_with_every_field() -> None:
    event = ScheduledPaymentCanceled(
        scheduled_payment_id="sp_1",
        customer_id="cus_1",
        amount=12_345,
        currency="CAD",
        scheduled_for=date(2026, 12, 24),
        status="canceled",
        canceled_by="customer",
    )
    payload = event.payload()
    assert payload == {
        "scheduled_payment_id": "sp_1",
        "customer_id": "cus_1",
        "amount": 12_345,
        "currency": "CAD",
        "scheduled_for": "2026-12-24",
        "status": "canceled",
        "canceled_by": "customer",
    }
    assert json.loads(json.dumps(payload)) == payload


def test_events_are_immutable() -> None:
    event = PaymentSucceeded(payment_id="pay_1", transaction_id="RM-1", customer_id="cus_1", amount=1, currency="USD")
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.amount = 2  # type: ignore[misc]


def test_an_event_reads_back_from_its_payload() -> None:
    event = ScheduledPaymentCanceled(
        scheduled_payment_id="sp_1",
        customer_id="cus_1",
        amount=5,
        currency="USD",
        scheduled_for=date(2027, 1, 4),
        status="canceled",
        canceled_by="partner",
    )
    assert ScheduledPaymentCanceled.from_payload(json.loads(json.dumps(event.payload()))) == event
    with pytest.raises(KeyError):
        PaymentSucceeded.from_payload({"payment_id": "pay_1"})  # an older, smaller shape
