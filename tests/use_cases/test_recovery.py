"""Resolving payments left in flight (domain/payments/recovery.py): ask the processor, never charge twice."""

from __future__ import annotations

from domain.clock import FixedClock
from domain.ledger.balances import InvoiceBalance
from domain.payments.model import MethodType, Payment, PaymentStatus
from domain.payments.processing import ChargeStatus
from domain.payments.recovery import RefreshPayment, refresh_payment
from tests.use_cases.factories import charge, make_payer
from tests.use_cases.fakes import FakeProcessor, FakeUnitOfWork, in_transaction


async def refresh(uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor, payment: Payment) -> Payment:
    """What the recovery job does for one payment, in its own unit of work."""
    return await in_transaction(
        uow,
        refresh_payment(
            RefreshPayment(payment.id), uow, processors={"fake": processor}, clock=clock, checkpoint=uow.checkpoint
        ),
    )


async def test_a_charge_the_processor_never_received_is_made_by_recovery(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor)
    processor.will_be_unavailable()
    payment = await charge(uow, clock, processor, payer)
    assert processor.charges == {}

    resolved = await refresh(uow, clock, processor, payment)

    assert resolved.status is PaymentStatus.SUCCEEDED
    assert len(processor.charges) == 1
    assert uow.balance(payer.invoice_id) == InvoiceBalance(10_000, 10_000, 0, 0)


async def test_a_charge_the_processor_made_is_resolved_without_a_second_one(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor)
    processor.will_lose_answer("charge")
    payment = await charge(uow, clock, processor, payer)

    resolved = await refresh(uow, clock, processor, payment)

    assert [r.idempotency_key for r in processor.calls_to("charge")] == [payment.processor_idempotency_key] * 2
    assert len(processor.charges) == 1
    assert uow.payment(payment.id).processor_payment_id == resolved.processor_payment_id is not None


async def test_recovery_converges_on_a_decline_it_learns_of(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor)
    processor.will_be_unavailable()
    payment = await charge(uow, clock, processor, payer)
    processor.will_decline()

    resolved = await refresh(uow, clock, processor, payment)

    assert (resolved.status, resolved.failure_code) == (PaymentStatus.FAILED, "card_declined")
    assert uow.balance(payer.invoice_id) == InvoiceBalance(10_000, 0, 0, 10_000)


async def test_a_pending_debit_is_asked_about_not_charged_again(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor, kind=MethodType.US_BANK_ACCOUNT)
    processor.will_charge(ChargeStatus.PENDING)
    payment = await charge(uow, clock, processor, payer)
    processor_id = uow.payment(payment.id).processor_payment_id or ""
    processor.move(processor_id, ChargeStatus.SUCCEEDED)

    resolved = await refresh(uow, clock, processor, payment)

    assert resolved.status is PaymentStatus.SETTLED
    assert len(processor.calls_to("charge")) == 1
    assert processor.calls_to("retrieve_charge") == [{"account": uow.partner_id, "processor_payment_id": processor_id}]


async def test_a_processor_still_unreachable_leaves_the_payment_in_flight(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor, kind=MethodType.US_BANK_ACCOUNT)
    processor.will_charge(ChargeStatus.PENDING)
    payment = await charge(uow, clock, processor, payer)
    before = uow.state()
    processor.will_be_unavailable("retrieve_charge")

    resolved = await refresh(uow, clock, processor, payment)

    assert resolved.status is PaymentStatus.PENDING
    assert uow.state() == before


async def test_a_payment_no_longer_in_flight_is_left_alone(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor)
    payment = await charge(uow, clock, processor, payer)
    calls, before = len(processor.calls), uow.state()

    resolved = await refresh(uow, clock, processor, payment)

    assert resolved.status is PaymentStatus.SUCCEEDED
    assert (len(processor.calls), uow.state()) == (calls, before)
