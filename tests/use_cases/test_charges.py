"""Charging a saved card or bank account (domain/payments/charges.py) on the fakes and the scripted processor."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.clock import FixedClock
from domain.errors import Conflict, NotFound, OverAllocation
from domain.invoices.model import InvoiceStatus
from domain.ledger.balances import InvoiceBalance
from domain.ledger.model import Reason
from domain.payment_methods.use_cases import AttachMethod, attach_method
from domain.payments.charges import (
    PayInvoices,
    RetryPayment,
    pay_invoices,
    quote_payment,
    retry_payment,
    start_payment,
    start_retry,
    submit_payment,
)
from domain.payments.model import Allocation, MethodType, Payment, PaymentStatus
from domain.payments.outcomes import ApplyChargeState, apply_charge_state
from domain.payments.processing import ChargeRequest, ChargeStatus
from domain.payments.recovery import RefreshPayment, refresh_payment
from domain.ports import CheckpointReason
from tests.use_cases.factories import (
    charge,
    make_customer,
    make_invoice,
    make_payer,
    save_method,
    set_payment_settings,
)
from tests.use_cases.fakes import FakeProcessor, FakeUnitOfWork, in_transaction


def reasons(uow: FakeUnitOfWork, payment_id: str) -> list[Reason]:
    return [e.reason for e in uow.entries if e.payment_id == payment_id]


async def test_a_card_charge_that_succeeds_pays_the_invoice(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor)

    payment = await charge(uow, clock, processor, payer)

    made = processor.charge_for(f"remit-{payment.id}", uow.partner_id)
    assert made is not None and payment.status is PaymentStatus.SUCCEEDED
    stored = uow.payment(payment.id)
    assert (stored.status, stored.processor_payment_id, stored.settled_at) == (
        PaymentStatus.SUCCEEDED,
        made.processor_payment_id,
        clock.now(),
    )
    assert uow.invoice(payer.invoice_id).status is InvoiceStatus.PAID
    assert uow.balance(payer.invoice_id) == InvoiceBalance(10_000, 10_000, 0, 0)
    assert reasons(uow, payment.id) == [Reason.PAYMENT_PENDING, Reason.PAYMENT_SETTLED]


async def test_the_processor_is_called_once_with_a_key_derived_from_the_payment(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor)

    payment = await charge(uow, clock, processor, payer)

    method = uow.method(payer.method_id)
    assert processor.calls_to("charge") == [
        ChargeRequest(
            account=uow.partner_id,
            idempotency_key=f"remit-{payment.id}",
            processor_method_id=method.processor_method_id,
            amount=10_000,
            currency="USD",
            description=f"Payment {payment.transaction_id}",
            metadata={"payment_id": payment.id, "transaction_id": payment.transaction_id},
        )
    ]


async def test_the_payment_and_its_reservation_are_committed_before_the_call(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor)
    cmd = PayInvoices(payer.customer_id, payer.method_id, allocations=(Allocation(payer.invoice_id, 10_000),))
    processor.will_be_unavailable()

    payment = await pay_invoices(cmd, uow, processors={"fake": processor}, clock=clock, checkpoint=uow.checkpoint)
    await uow.rollback()  # the process dies after the call: only what was committed remains

    assert uow.payment(payment.id).status is PaymentStatus.PROCESSING
    assert uow.balance(payer.invoice_id) == InvoiceBalance(10_000, 0, 10_000, 0)
    assert uow.invoice(payer.invoice_id).status is InvoiceStatus.PARTIALLY_PAID
    assert uow.event_types()[-2:] == ["payment.processing", "invoice.partially_paid"]
    assert uow.checkpoint.calls[-1] == (CheckpointReason.CALLING_PROCESSOR, payment.id)


async def test_a_declined_card_fails_the_payment_and_the_invoice_is_owed_again(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor)
    processor.will_decline("insufficient_funds", "Your card has insufficient funds.")

    payment = await charge(uow, clock, processor, payer)

    stored = uow.payment(payment.id)
    assert (stored.status, stored.failure_code, stored.failure_message) == (
        PaymentStatus.FAILED,
        "insufficient_funds",
        "Your card has insufficient funds.",
    )
    assert uow.invoice(payer.invoice_id).status is InvoiceStatus.OPEN
    assert uow.balance(payer.invoice_id) == InvoiceBalance(10_000, 0, 0, 10_000)
    assert reasons(uow, payment.id) == [Reason.PAYMENT_PENDING, Reason.PAYMENT_FAILED]
    assert "payment.failed" in uow.event_types()


async def test_a_bank_debit_stays_pending_until_the_bank_settles_it(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor, kind=MethodType.US_BANK_ACCOUNT)
    processor.will_charge(ChargeStatus.PENDING)

    payment = await charge(uow, clock, processor, payer)

    assert uow.payment(payment.id).status is PaymentStatus.PENDING
    assert uow.balance(payer.invoice_id) == InvoiceBalance(10_000, 0, 10_000, 0)
    assert reasons(uow, payment.id) == [Reason.PAYMENT_PENDING]


async def test_a_pending_debit_converges_when_the_processor_settles_it(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor, kind=MethodType.US_BANK_ACCOUNT)
    processor.will_charge(ChargeStatus.PENDING)
    payment = await charge(uow, clock, processor, payer)
    clock.at += timedelta(days=3)

    settled = processor.move(payment.processor_payment_id or "", ChargeStatus.SUCCEEDED)
    await in_transaction(uow, apply_charge_state(ApplyChargeState(payment.id, settled), uow, clock=clock))

    stored = uow.payment(payment.id)
    assert (stored.status, stored.settled_at) == (PaymentStatus.SETTLED, clock.now())
    assert uow.invoice(payer.invoice_id).status is InvoiceStatus.PAID
    assert reasons(uow, payment.id) == [Reason.PAYMENT_PENDING, Reason.PAYMENT_SETTLED]


async def test_a_charge_whose_answer_was_lost_converges_on_the_processors_report(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor)
    processor.will_lose_answer("charge")

    payment = await charge(uow, clock, processor, payer)
    assert (uow.payment(payment.id).status, uow.payment(payment.id).processor_payment_id) == (
        PaymentStatus.PROCESSING,
        None,
    )

    made = processor.charge_for(f"remit-{payment.id}", uow.partner_id)
    assert made is not None
    await in_transaction(uow, apply_charge_state(ApplyChargeState(payment.id, made), uow, clock=clock))

    stored = uow.payment(payment.id)
    assert (stored.status, stored.processor_payment_id) == (PaymentStatus.SUCCEEDED, made.processor_payment_id)
    assert uow.invoice(payer.invoice_id).status is InvoiceStatus.PAID


async def test_resuming_a_payment_whose_answer_was_lost_makes_no_second_charge(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor)
    processor.will_lose_answer("charge")
    payment = await charge(uow, clock, processor, payer)

    resumed = await in_transaction(
        uow,
        refresh_payment(
            RefreshPayment(payment.id), uow, processors={"fake": processor}, clock=clock, checkpoint=uow.checkpoint
        ),
    )

    keys = [r.idempotency_key for r in processor.calls_to("charge")]
    assert keys == [f"remit-{payment.id}", f"remit-{payment.id}"]
    assert len(processor.charges) == 1
    assert resumed.status is PaymentStatus.SUCCEEDED
    assert reasons(uow, payment.id) == [Reason.PAYMENT_PENDING, Reason.PAYMENT_SETTLED]


async def test_more_than_is_due_is_refused_before_anything_is_stored_or_charged(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor)
    before = uow.state()
    cmd = PayInvoices(payer.customer_id, payer.method_id, allocations=(Allocation(payer.invoice_id, 10_001),))

    with pytest.raises(OverAllocation):
        await in_transaction(
            uow, pay_invoices(cmd, uow, processors={"fake": processor}, clock=clock, checkpoint=uow.checkpoint)
        )

    assert uow.state() == before
    assert processor.calls_to("charge") == []


async def test_another_customers_method_is_not_found(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor)
    other = await make_customer(uow, clock, name="Other")
    theirs = await save_method(uow, clock, processor, other.id)
    cmd = PayInvoices(payer.customer_id, theirs.id, allocations=(Allocation(payer.invoice_id, 100),))

    with pytest.raises(NotFound):
        await start_payment(cmd, uow, clock=clock)


async def test_a_method_type_the_partner_does_not_take_is_refused(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor)
    await set_payment_settings(uow, enabled_methods=frozenset({MethodType.US_BANK_ACCOUNT}))
    cmd = PayInvoices(payer.customer_id, payer.method_id, allocations=(Allocation(payer.invoice_id, 100),))

    with pytest.raises(Conflict) as refused:
        await start_payment(cmd, uow, clock=clock)

    assert refused.value.code == "method_not_enabled"


async def test_part_of_an_invoice_is_refused_when_the_partner_takes_only_full_payments(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor)
    await set_payment_settings(uow, partial_payments=False)
    cmd = PayInvoices(payer.customer_id, payer.method_id, allocations=(Allocation(payer.invoice_id, 9_999),))

    with pytest.raises(Conflict) as refused:
        await start_payment(cmd, uow, clock=clock)

    assert refused.value.code == "partial_payments_disabled"


async def test_the_card_fee_is_charged_on_top_of_what_the_invoice_receives(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor, card_fees=True)

    payment = await charge(uow, clock, processor, payer)

    assert (payment.allocated, payment.fee, payment.amount) == (10_000, 320, 10_320)  # 2.9% + 30
    assert processor.calls_to("charge")[0].amount == 10_320
    assert uow.balance(payer.invoice_id) == InvoiceBalance(10_000, 10_000, 0, 0)


async def test_an_amount_is_spread_over_the_oldest_due_invoices_first(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor)
    earlier = uow.invoice(payer.invoice_id).due_date - timedelta(days=1)
    older = await make_invoice(uow, clock, payer.customer_id, 4_000, due_date=earlier)
    cmd = PayInvoices(payer.customer_id, payer.method_id, amount=6_000)

    quote = await quote_payment(cmd, uow, clock=clock)

    assert quote.allocations == [Allocation(older.id, 4_000), Allocation(payer.invoice_id, 2_000)]
    assert (quote.subtotal, quote.fee, quote.total) == (6_000, 0, 6_000)


async def test_a_quote_stores_nothing_and_calls_no_processor(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor, card_fees=True)
    before = uow.state()

    quote = await quote_payment(
        PayInvoices(payer.customer_id, payer.method_id, allocations=(Allocation(payer.invoice_id, 10_000),)),
        uow,
        clock=clock,
    )

    assert (quote.subtotal, quote.fee, quote.total) == (10_000, 320, 10_320)
    assert uow.state() == before
    assert processor.calls_to("charge") == []


async def test_submitting_the_same_started_payment_twice_charges_once(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor)
    cmd = PayInvoices(payer.customer_id, payer.method_id, allocations=(Allocation(payer.invoice_id, 10_000),))
    started = await in_transaction(uow, start_payment(cmd, uow, clock=clock))

    await in_transaction(
        uow, submit_payment(started, uow, processors={"fake": processor}, clock=clock, checkpoint=uow.checkpoint)
    )
    after_first = uow.state()
    await in_transaction(
        uow, submit_payment(started, uow, processors={"fake": processor}, clock=clock, checkpoint=uow.checkpoint)
    )

    assert len(processor.charges) == 1
    assert uow.state() == after_first


async def test_a_debit_returned_for_insufficient_funds_is_presented_again_as_a_linked_payment(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor, kind=MethodType.US_BANK_ACCOUNT)
    processor.will_charge(ChargeStatus.PENDING)
    first = await charge(uow, clock, processor, payer)
    returned = processor.move(first.processor_payment_id or "", ChargeStatus.RETURNED, return_code="R01")
    await in_transaction(uow, apply_charge_state(ApplyChargeState(first.id, returned), uow, clock=clock))

    retry = await in_transaction(uow, start_retry(RetryPayment(first.id), uow, clock=clock))

    stored = uow.payment(retry.payment.id)
    assert (stored.status, stored.retry_of, stored.attempt, stored.allocations) == (
        PaymentStatus.PROCESSING,
        first.id,
        2,
        first.allocations,
    )
    assert uow.balance(payer.invoice_id).amount_pending == 10_000


async def test_a_debit_returned_for_another_reason_is_not_presented_again(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor, kind=MethodType.US_BANK_ACCOUNT)
    processor.will_charge(ChargeStatus.PENDING)
    first = await charge(uow, clock, processor, payer)
    returned = processor.move(first.processor_payment_id or "", ChargeStatus.RETURNED, return_code="R02")
    await in_transaction(uow, apply_charge_state(ApplyChargeState(first.id, returned), uow, clock=clock))
    before = uow.state()

    with pytest.raises(Conflict) as refused:
        await in_transaction(uow, start_retry(RetryPayment(first.id), uow, clock=clock))

    assert refused.value.code == "payment_not_retryable"
    assert uow.state() == before


# The whole flow, as every payment route runs it ------------------------------------------------------------------


async def pay_now(
    uow: FakeUnitOfWork, processor: FakeProcessor, clock: FixedClock, cmd: PayInvoices | RefreshPayment
) -> Payment:
    return await in_transaction(
        uow, pay_invoices(cmd, uow, processors={"fake": processor}, clock=clock, checkpoint=uow.checkpoint)
    )


async def one_off_method(uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor, customer_id: str) -> str:
    """A card given for one payment only, stored (as the portal's `save: false` or a pay link's quote does)."""
    cmd = AttachMethod(customer_id=customer_id, token=processor.token(), one_off=True)
    method = await in_transaction(
        uow, attach_method(cmd, uow, processor=processor, clock=clock, checkpoint=uow.checkpoint)
    )
    return method.id


async def test_the_payment_is_made_durable_for_the_processor_call_and_named(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor)
    made_before = len(uow.checkpoint.calls)

    payment = await charge(uow, clock, processor, payer)

    assert uow.checkpoint.calls[made_before:] == [(CheckpointReason.CALLING_PROCESSOR, payment.id)]
    assert uow.checkpoint.discarded == []


async def test_a_payment_an_earlier_attempt_left_in_flight_is_resumed_not_made_again(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor)
    processor.will_lose_answer("charge")
    first = await charge(uow, clock, processor, payer)

    resumed = await pay_now(uow, processor, clock, RefreshPayment(first.id))

    assert (resumed.id, resumed.status) == (first.id, PaymentStatus.SUCCEEDED)
    assert len(processor.charges) == 1
    assert [p.id for p in uow.tables.payments.values()] == [first.id]


async def test_a_payers_one_off_method_goes_once_charged(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor)
    method_id = await one_off_method(uow, clock, processor, payer.customer_id)
    allocations = (Allocation(payer.invoice_id, 10_000),)

    await pay_now(uow, processor, clock, PayInvoices(payer.customer_id, method_id, allocations, forget_one_off=True))

    assert (uow.method(method_id).usable, uow.method(payer.method_id).usable) == (False, True)


async def test_a_payers_one_off_method_goes_when_declined_too(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor)
    method_id = await one_off_method(uow, clock, processor, payer.customer_id)
    processor.will_decline()
    allocations = (Allocation(payer.invoice_id, 10_000),)

    declined = await pay_now(
        uow, processor, clock, PayInvoices(payer.customer_id, method_id, allocations, forget_one_off=True)
    )

    assert declined.status is PaymentStatus.FAILED
    assert uow.method(method_id).usable is False


async def test_a_partner_charging_a_one_off_method_keeps_it(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor)
    method_id = await one_off_method(uow, clock, processor, payer.customer_id)

    await pay_now(
        uow, processor, clock, PayInvoices(payer.customer_id, method_id, (Allocation(payer.invoice_id, 100),))
    )

    assert uow.method(method_id).usable is True


async def test_a_quoted_one_off_method_stays_for_a_corrected_retry_when_refused(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor)
    method_id = await one_off_method(uow, clock, processor, payer.customer_id)
    too_much = PayInvoices(payer.customer_id, method_id, (Allocation(payer.invoice_id, 10_001),), forget_one_off=True)
    before = uow.state()

    with pytest.raises(OverAllocation):
        await pay_now(uow, processor, clock, too_much)

    assert uow.state() == before
    assert uow.checkpoint.discarded == []


async def test_a_one_off_method_given_with_a_refused_payment_goes_with_the_refusal(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor)
    method_id = await one_off_method(uow, clock, processor, payer.customer_id)
    made_before = len(uow.checkpoint.calls)
    too_much = PayInvoices(
        payer.customer_id, method_id, (Allocation(payer.invoice_id, 10_001),), forget_one_off=True, fresh_method=True
    )

    with pytest.raises(OverAllocation):
        await pay_now(uow, processor, clock, too_much)

    assert uow.method(method_id).usable is False  # forgotten although the request was refused
    assert uow.checkpoint.discarded == [CheckpointReason.REFUSED_START]
    assert uow.checkpoint.calls[made_before:] == [(CheckpointReason.FORGETTING_METHOD, None)]
    assert processor.calls_to("charge") == []
    assert uow.balance(payer.invoice_id) == InvoiceBalance(10_000, 0, 0, 10_000)


async def test_a_fresh_method_stored_only_by_the_refused_request_is_simply_gone(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor)
    cmd = AttachMethod(customer_id=payer.customer_id, token=processor.token(), one_off=True)
    # As the portal does it: attached in the same transaction as the payment (made durable only by the checkpoint
    # before the processor call, which comes before the method is stored).
    method = await attach_method(cmd, uow, processor=processor, clock=clock, checkpoint=uow.checkpoint)
    too_much = PayInvoices(
        payer.customer_id, method.id, (Allocation(payer.invoice_id, 10_001),), forget_one_off=True, fresh_method=True
    )

    with pytest.raises(OverAllocation):
        await pay_now(uow, processor, clock, too_much)

    assert method.id not in uow.tables.payment_methods
    assert uow.checkpoint.reasons[-1] is CheckpointReason.CALLING_PROCESSOR  # nothing forgotten: nothing to forget


async def test_a_returned_debit_is_retried_through_the_whole_flow(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor, kind=MethodType.US_BANK_ACCOUNT)
    processor.will_charge(ChargeStatus.PENDING)
    first = await charge(uow, clock, processor, payer)
    returned = processor.move(first.processor_payment_id or "", ChargeStatus.RETURNED, return_code="R09")
    await in_transaction(uow, apply_charge_state(ApplyChargeState(first.id, returned), uow, clock=clock))
    processor.will_charge(ChargeStatus.PENDING)

    retried = await in_transaction(
        uow,
        retry_payment(
            RetryPayment(first.id), uow, processors={"fake": processor}, clock=clock, checkpoint=uow.checkpoint
        ),
    )

    assert (retried.status, retried.retry_of, retried.attempt) == (PaymentStatus.PENDING, first.id, 2)
    assert uow.checkpoint.calls[-1] == (CheckpointReason.CALLING_PROCESSOR, retried.id)
    assert len(processor.charges) == 2
