"""What events cause once committed (domain/event_handlers.py), on the fakes: which email goes to whom, once."""

from __future__ import annotations

from dataclasses import replace

from domain.clock import FixedClock
from domain.event_handlers import MAX_EVENT_AGE, HandleOutbox, handle_outbox
from domain.events import PaymentFailed
from domain.mail import Template
from domain.payments.model import MethodType, PaymentStatus
from domain.payments.processing import ChargeStatus
from tests.use_cases.factories import charge, make_customer, make_invoice, make_payer, pay
from tests.use_cases.fakes import FakeProcessor, FakeUnitOfWork, in_transaction


async def handle(uow: FakeUnitOfWork, clock: FixedClock) -> int:
    return await in_transaction(uow, handle_outbox(HandleOutbox(), uow, clock=clock))


def unhandled(uow: FakeUnitOfWork) -> list[str]:
    return [e.type for e in uow.tables.outbox.values() if e.id not in uow.tables.handled]


async def test_a_card_payment_is_confirmed_once_with_its_invoices_and_card(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor, amount=12_500)
    payment = await charge(uow, clock, processor, payer)

    assert await handle(uow, clock) > 0
    assert await handle(uow, clock) == 0  # everything was marked: a second run finds nothing

    [email] = uow.emails_queued
    assert (email.to, email.template) == ("ap@acme.example", Template.PAYMENT_CONFIRMATION)
    invoice = uow.invoice(payer.invoice_id)
    assert dict(email.context) == {
        "customer_id": payment.customer_id,
        "transaction_id": payment.transaction_id,
        "amount": 12_500,
        "currency": "USD",
        "method_label": "Visa •••• 4242",
        "fee": 0,
        "paid_on": payment.received_on.isoformat(),
        "invoices": [
            {
                "number": invoice.number,
                "amount": 12_500,
                "due": 0,
                "pending": 0,
                "standing": "paid",
                "qualifiers": [],
            }
        ],
    }
    assert unhandled(uow) == []


async def test_an_offline_payments_receipt_goes_to_the_receipt_address(uow: FakeUnitOfWork, clock: FixedClock) -> None:
    customer = await make_customer(uow, clock)
    invoice = await make_invoice(uow, clock, customer.id, 4_000)
    await pay(uow, clock, customer.id, [(invoice.id, 4_000)], receipt_email="books@acme.example")

    await handle(uow, clock)

    assert [(e.to, e.template, e.context["method_label"]) for e in uow.emails_queued] == [
        ("books@acme.example", Template.PAYMENT_CONFIRMATION, "Check")
    ]


async def test_a_bank_debit_is_announced_then_its_failure_told(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor, kind=MethodType.US_BANK_ACCOUNT)
    processor.will_charge(ChargeStatus.PENDING)
    payment = await charge(uow, clock, processor, payer)
    await handle(uow, clock)
    uow.record(PaymentFailed.of(payment))  # the processor reports a failure after submission
    await uow.commit()
    await handle(uow, clock)

    assert [e.template for e in uow.emails_queued] == [Template.BANK_DEBIT_PENDING, Template.BANK_DEBIT_FAILED]
    assert uow.emails_queued[0].context["business_days"] > 0


async def test_a_debit_refused_at_submission_is_not_emailed(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor, kind=MethodType.US_BANK_ACCOUNT)
    processor.will_decline("account_closed", "The account is closed.")
    payment = await charge(uow, clock, processor, payer)

    await handle(uow, clock)

    assert uow.payment(payment.id).status is PaymentStatus.FAILED
    assert uow.emails_queued == []  # the payer saw the refusal on screen


async def test_old_events_are_marked_without_an_email(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor)
    await charge(uow, clock, processor, payer)
    for stored in list(uow.tables.outbox.values()):
        uow.tables.outbox[stored.id] = replace(stored, recorded_at=clock.now() - MAX_EVENT_AGE * 2)
    await uow.commit()

    await handle(uow, clock)

    assert uow.emails_queued == []
    assert unhandled(uow) == []


async def test_a_malformed_event_is_skipped_and_does_not_hold_up_the_rest(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor)
    await charge(uow, clock, processor, payer)
    [succeeded] = [e for e in uow.tables.outbox.values() if e.type == "payment.succeeded"]
    uow.tables.outbox[succeeded.id] = replace(succeeded, payload={"payment_id": "pay_x"})  # an older shape
    second = await make_payer(uow, clock, processor)
    await charge(uow, clock, processor, second)
    await uow.commit()

    await handle(uow, clock)

    assert len(uow.emails_queued) == 1  # the second payment's receipt
    assert unhandled(uow) == []


async def test_only_the_named_events_are_handled(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    first = await make_payer(uow, clock, processor)
    await charge(uow, clock, processor, first)
    mine = tuple(uow.tables.outbox)
    second = await make_payer(uow, clock, processor)
    await charge(uow, clock, processor, second)

    await in_transaction(uow, handle_outbox(HandleOutbox(ids=mine), uow, clock=clock))

    assert set(uow.tables.handled) == set(mine)
    assert len(uow.emails_queued) == 1
