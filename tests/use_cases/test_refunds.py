"""Refunds, full and partial (domain/refunds/use_cases.py), on the fakes and the scripted processor."""

from __future__ import annotations

import pytest

from domain.clock import FixedClock
from domain.errors import Conflict, InvalidRequest
from domain.invoices.model import InvoiceStatus
from domain.ledger.balances import InvoiceBalance
from domain.ledger.model import Reason
from domain.payments.model import MethodType, Payment, PaymentStatus
from domain.payments.outcomes import ApplyChargeState, apply_charge_state
from domain.payments.processing import ChargeStatus, DisputeState, DisputeStatus, RefundRequest
from domain.payments.processing import RefundStatus as ProcessorRefundStatus
from domain.ports import CheckpointReason
from domain.refunds.model import Refund, RefundKind, RefundStatus
from domain.refunds.use_cases import RefreshRefund, RefundPayment, refresh_refund, refund_payment, start_refund
from tests.use_cases.factories import charge, make_customer, make_invoice, make_payer, pay
from tests.use_cases.fakes import FakeProcessor, FakeUnitOfWork, in_transaction


async def refund(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor, payment_id: str, amount: int | None = None
) -> Refund:
    """What the API does: the whole use case, committed at the edge."""
    cmd = RefundPayment(payment_id, amount)
    return await in_transaction(
        uow, refund_payment(cmd, uow, processors={"fake": processor}, clock=clock, checkpoint=uow.checkpoint)
    )


async def paid_by_card(uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor) -> Payment:
    payer = await make_payer(uow, clock, processor)
    return await charge(uow, clock, processor, payer)


async def test_a_partial_refund_leaves_the_payment_partially_refunded(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payment = await paid_by_card(uow, clock, processor)

    done = await refund(uow, clock, processor, payment.id, 4_000)

    stored = uow.refund(done.id)
    assert (stored.status, stored.amount, stored.processor_refund_id) == (
        RefundStatus.SUCCEEDED,
        4_000,
        next(iter(processor.refunds)),
    )
    assert uow.payment(payment.id).status is PaymentStatus.PARTIALLY_REFUNDED
    assert [e.reason for e in uow.entries if e.payment_id == payment.id][-1] is Reason.REFUND_ISSUED
    invoice_id = payment.allocations[0].invoice_id
    assert uow.invoice(invoice_id).status is InvoiceStatus.PAID  # a refund is not a reopening
    assert ("refund.succeeded", {"refund_id": done.id, "payment_id": payment.id, "amount": 4_000}) in uow.events


async def test_the_processor_is_asked_once_with_a_key_derived_from_the_refund(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payment = await paid_by_card(uow, clock, processor)

    done = await refund(uow, clock, processor, payment.id, 4_000)

    assert processor.calls_to("refund") == [
        RefundRequest(
            uow.partner_id, f"remit-{done.id}", uow.payment(payment.id).processor_payment_id or "", 4_000, "USD"
        )
    ]
    assert uow.checkpoint.calls[-1] == (CheckpointReason.CALLING_PROCESSOR, done.id)  # stored before the call


async def test_a_refund_without_an_amount_refunds_everything_left(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payment = await paid_by_card(uow, clock, processor)
    await refund(uow, clock, processor, payment.id, 3_000)

    rest = await refund(uow, clock, processor, payment.id)

    assert (rest.amount, rest.status) == (7_000, RefundStatus.SUCCEEDED)
    assert uow.payment(payment.id).status is PaymentStatus.REFUNDED


async def test_more_than_is_left_is_refused_and_nothing_is_written(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payment = await paid_by_card(uow, clock, processor)
    await refund(uow, clock, processor, payment.id, 6_000)
    before = uow.state()

    with pytest.raises(Conflict) as refused:
        await refund(uow, clock, processor, payment.id, 4_001)

    assert (refused.value.code, refused.value.context) == ("amount_exceeds_refundable", {"refundable": 4_000})
    assert uow.state() == before
    assert len(processor.calls_to("refund")) == 1


async def test_a_refund_still_with_the_processor_counts_against_the_next_one(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payment = await paid_by_card(uow, clock, processor)
    await in_transaction(uow, start_refund(RefundPayment(payment.id, 6_000), uow, clock=clock))  # not submitted yet

    with pytest.raises(Conflict) as refused:
        await in_transaction(uow, start_refund(RefundPayment(payment.id, 5_000), uow, clock=clock))

    assert refused.value.context == {"refundable": 4_000}
    assert [r.status for r in uow.tables.refunds.values()] == [RefundStatus.PENDING]


async def test_a_refund_the_processor_fails_frees_its_amount_again(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payment = await paid_by_card(uow, clock, processor)
    processor.will_refund(ProcessorRefundStatus.FAILED, failure_message="The card was closed.")

    failed = await refund(uow, clock, processor, payment.id, 10_000)
    again = await refund(uow, clock, processor, payment.id, 10_000)

    assert (uow.refund(failed.id).status, uow.refund(failed.id).failure_message) == (
        RefundStatus.FAILED,
        "The card was closed.",
    )
    assert again.status is RefundStatus.SUCCEEDED
    assert uow.payment(payment.id).status is PaymentStatus.REFUNDED
    assert [e.reason for e in uow.entries].count(Reason.REFUND_ISSUED) == 1


async def test_a_refund_the_processor_refuses_is_failed_with_its_reason(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payment = await paid_by_card(uow, clock, processor)
    processor.will_refuse("refund", Conflict("The charge is disputed and cannot be refunded.", code="charge_disputed"))

    refused = await refund(uow, clock, processor, payment.id, 1_000)

    stored = uow.refund(refused.id)
    assert (stored.status, stored.failure_message) == (
        RefundStatus.FAILED,
        "The charge is disputed and cannot be refunded.",
    )
    assert uow.payment(payment.id).status is PaymentStatus.SUCCEEDED
    assert "refund.failed" in uow.event_types()


async def test_an_unanswered_refund_is_finished_by_recovery_with_the_same_key(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payment = await paid_by_card(uow, clock, processor)
    processor.will_lose_answer("refund")
    waiting = await refund(uow, clock, processor, payment.id, 2_500)
    assert uow.refund(waiting.id).status is RefundStatus.PENDING

    done = await in_transaction(
        uow,
        refresh_refund(
            RefreshRefund(waiting.id), uow, processors={"fake": processor}, clock=clock, checkpoint=uow.checkpoint
        ),
    )

    assert done.status is RefundStatus.SUCCEEDED
    assert [r.idempotency_key for r in processor.calls_to("refund")] == [f"remit-{waiting.id}"] * 2
    assert len(processor.refunds) == 1
    assert uow.payment(payment.id).status is PaymentStatus.PARTIALLY_REFUNDED


async def test_an_offline_payment_is_refunded_at_once_without_a_processor(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    customer = await make_customer(uow, clock)
    invoice = await make_invoice(uow, clock, customer.id)
    payment = await pay(uow, clock, customer.id, [(invoice.id, 10_000)])

    done = await refund(uow, clock, processor, payment.id)

    assert (uow.refund(done.id).status, uow.payment(payment.id).status) == (
        RefundStatus.SUCCEEDED,
        PaymentStatus.REFUNDED,
    )
    assert processor.calls == []
    assert uow.checkpoint.calls == []  # nothing to call out for: one transaction, committed at the edge


async def test_refunding_a_pending_bank_debit_cancels_it(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor, kind=MethodType.US_BANK_ACCOUNT)
    processor.will_charge(ChargeStatus.PENDING)
    payment = await charge(uow, clock, processor, payer)

    done = await refund(uow, clock, processor, payment.id)

    assert (done.kind, done.status, done.amount) == (RefundKind.DEBIT_CANCELLATION, RefundStatus.SUCCEEDED, 10_000)
    assert processor.calls_to("refund") == []
    assert len(processor.calls_to("cancel_charge")) == 1
    assert uow.payment(payment.id).status is PaymentStatus.CANCELED
    assert uow.balance(payer.invoice_id) == InvoiceBalance(10_000, 0, 0, 10_000)


async def test_part_of_a_pending_bank_debit_cannot_be_refunded(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor, kind=MethodType.US_BANK_ACCOUNT)
    processor.will_charge(ChargeStatus.PENDING)
    payment = await charge(uow, clock, processor, payer)

    with pytest.raises(InvalidRequest) as refused:
        await start_refund(RefundPayment(payment.id, 5_000), uow, clock=clock)

    assert refused.value.code == "partial_refund_of_pending_debit"


async def test_a_disputed_payment_cannot_be_refunded(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payment = await paid_by_card(uow, clock, processor)
    opened = DisputeState("dp_1", DisputeStatus.NEEDS_RESPONSE, 10_000, "USD", "fraudulent")
    state = processor.move(uow.payment(payment.id).processor_payment_id or "", ChargeStatus.SUCCEEDED, dispute=opened)
    await in_transaction(uow, apply_charge_state(ApplyChargeState(payment.id, state), uow, clock=clock))

    with pytest.raises(Conflict) as refused:
        await start_refund(RefundPayment(payment.id), uow, clock=clock)

    assert refused.value.code == "payment_disputed"


async def test_a_declined_payment_has_nothing_to_refund(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor)
    processor.will_decline()
    payment = await charge(uow, clock, processor, payer)

    with pytest.raises(Conflict) as refused:
        await start_refund(RefundPayment(payment.id), uow, clock=clock)

    assert refused.value.code == "payment_not_refundable"
