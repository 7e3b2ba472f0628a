"""Scheduled payments (domain/scheduled_payments/): stored for a day, charged once that day, resumable."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.clock import FixedClock
from domain.errors import Conflict, InvalidRequest
from domain.event_handlers import HandleOutbox, handle_outbox
from domain.invoices.model import InvoiceStatus
from domain.mail import Template
from domain.payments.model import Allocation, PaymentStatus
from domain.ports import CheckpointReason
from domain.scheduled_payments.model import ScheduledPayment, ScheduledStatus
from domain.scheduled_payments.use_cases import (
    CancelScheduled,
    ExecuteScheduled,
    SchedulePayment,
    cancel_scheduled,
    execute_scheduled,
    schedule_payment,
)
from tests.use_cases.factories import Payer, make_payer, pay
from tests.use_cases.fakes import FakeProcessor, FakeUnitOfWork, in_transaction

DAY = date(2026, 11, 10)  # the clock starts on 2026-11-02; the invoice is due on 2026-12-01


async def schedule(uow: FakeUnitOfWork, clock: FixedClock, payer: Payer, day: date = DAY) -> ScheduledPayment:
    cmd = SchedulePayment(
        payer.customer_id, payer.method_id, day, allocations=(Allocation(payer.invoice_id, payer.amount),)
    )
    return await in_transaction(uow, schedule_payment(cmd, uow, clock=clock))


async def run(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor, scheduled: ScheduledPayment
) -> ScheduledPayment:
    """What the scheduled-payments job does for one row, in its own unit of work."""
    processors = {"fake": processor}
    recorded = set(uow.tables.outbox)
    done = await in_transaction(
        uow,
        execute_scheduled(
            ExecuteScheduled(scheduled.id), uow, processors=processors, clock=clock, checkpoint=uow.checkpoint
        ),
    )
    new = tuple(ident for ident in uow.tables.outbox if ident not in recorded)
    if new:  # what its commit hands to the queue: the handling of its events (the emails they cause)
        await in_transaction(uow, handle_outbox(HandleOutbox(ids=new), uow, clock=clock))
    return done


def on_the_day(clock: FixedClock) -> None:
    clock.at = clock.at.replace(year=DAY.year, month=DAY.month, day=DAY.day)


async def test_scheduling_stores_the_payment_for_its_day_and_reserves_nothing(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor)

    scheduled = await schedule(uow, clock, payer)

    stored = uow.scheduled(scheduled.id)
    assert (stored.status, stored.scheduled_for, stored.allocations, stored.payment_id) == (
        ScheduledStatus.SCHEDULED,
        DAY,
        (Allocation(payer.invoice_id, 10_000),),
        None,
    )
    assert uow.event_types()[-1] == "scheduled_payment.created"
    assert uow.invoice(payer.invoice_id).status is InvoiceStatus.OPEN
    assert processor.calls_to("charge") == []


@pytest.mark.parametrize("day", [date(2026, 11, 2), date(2026, 12, 2)])
async def test_a_day_outside_tomorrow_to_the_due_date_is_refused(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor, day: date
) -> None:
    payer = await make_payer(uow, clock, processor)
    before = uow.state()

    with pytest.raises(InvalidRequest) as refused:
        await schedule(uow, clock, payer, day)

    assert refused.value.code == "invalid_scheduled_date"
    assert uow.state() == before


async def test_an_invoice_already_scheduled_cannot_be_scheduled_again(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor)
    await schedule(uow, clock, payer)

    with pytest.raises(Conflict) as refused:
        await schedule(uow, clock, payer, DAY + timedelta(days=1))

    assert (refused.value.code, refused.value.context) == ("already_scheduled", {"invoice_id": payer.invoice_id})


async def test_a_schedule_before_its_day_is_not_charged(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor)
    scheduled = await schedule(uow, clock, payer)
    before = uow.state()

    waiting = await run(uow, clock, processor, scheduled)

    assert waiting.status is ScheduledStatus.SCHEDULED
    assert uow.state() == before
    assert processor.calls_to("charge") == []


async def test_the_due_schedule_is_charged_once_however_often_it_runs(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor)
    scheduled = await schedule(uow, clock, payer)
    on_the_day(clock)

    first = await run(uow, clock, processor, scheduled)
    after_first = uow.state()
    second = await run(uow, clock, processor, scheduled)

    assert first.status is second.status is ScheduledStatus.EXECUTED
    assert len(processor.calls_to("charge")) == 1
    assert uow.state() == after_first
    assert first.payment_id is not None
    assert uow.payment(first.payment_id).status is PaymentStatus.SUCCEEDED
    assert uow.invoice(payer.invoice_id).status is InvoiceStatus.PAID
    assert sorted((e.to, e.template) for e in uow.emails_queued) == [
        ("ap@acme.example", Template.PAYMENT_CONFIRMATION),  # the card payment's receipt
        ("ap@acme.example", Template.SCHEDULED_PAYMENT_EXECUTED),
    ]


async def test_a_declined_scheduled_payment_fails_and_tells_the_customer(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor)
    scheduled = await schedule(uow, clock, payer)
    on_the_day(clock)
    processor.will_decline(message="Your card was declined.")

    failed = await run(uow, clock, processor, scheduled)

    assert (failed.status, failed.failure_message, failed.executed_at) == (
        ScheduledStatus.FAILED,
        "Your card was declined.",
        clock.now(),
    )
    assert uow.invoice(payer.invoice_id).status is InvoiceStatus.OPEN
    assert [e.template for e in uow.emails_queued] == [Template.SCHEDULED_PAYMENT_FAILED]


async def test_a_schedule_whose_invoice_was_paid_meanwhile_fails_without_charging(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor)
    scheduled = await schedule(uow, clock, payer)
    await pay(uow, clock, payer.customer_id, [(payer.invoice_id, 10_000)])  # a check arrived first
    on_the_day(clock)

    failed = await run(uow, clock, processor, scheduled)

    assert (failed.status, failed.payment_id) == (ScheduledStatus.FAILED, None)
    assert "cannot take a payment" in (failed.failure_message or "")
    assert processor.calls_to("charge") == []
    assert [p.method.value for p in uow.tables.payments.values()] == ["check"]
    assert uow.checkpoint.discarded == [CheckpointReason.REFUSED_START]  # the failure is recorded on its own


async def test_a_run_cut_off_after_the_charge_resumes_the_same_payment(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor)
    scheduled = await schedule(uow, clock, payer)
    on_the_day(clock)
    processor.will_lose_answer("charge")

    cut_off = await run(uow, clock, processor, scheduled)
    resumed = await run(uow, clock, processor, scheduled)

    assert cut_off.status is ScheduledStatus.PROCESSING
    assert (resumed.status, resumed.payment_id) == (ScheduledStatus.EXECUTED, cut_off.payment_id)
    assert len(uow.tables.payments) == 1
    assert len(processor.charges) == 1


async def test_a_canceled_schedule_is_never_charged(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor)
    scheduled = await schedule(uow, clock, payer)
    await in_transaction(uow, cancel_scheduled(CancelScheduled(scheduled.id, by="customer"), uow, clock=clock))
    on_the_day(clock)

    after = await run(uow, clock, processor, scheduled)

    assert (after.status, after.canceled_by) == (ScheduledStatus.CANCELED, "customer")
    assert processor.calls_to("charge") == []


async def test_a_schedule_that_ran_can_no_longer_be_canceled(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor)
    scheduled = await schedule(uow, clock, payer)
    on_the_day(clock)
    await run(uow, clock, processor, scheduled)

    with pytest.raises(Conflict) as refused:
        await cancel_scheduled(CancelScheduled(scheduled.id, by="customer"), uow, clock=clock)

    assert refused.value.code == "scheduled_payment_not_cancelable"
