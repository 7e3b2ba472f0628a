"""Converging on what the processor says (domain/payments/outcomes.py, inbound.py): once, in any order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.clock import FixedClock
from domain.invoices.model import InvoiceStatus
from domain.ledger.balances import InvoiceBalance
from domain.ledger.model import Reason
from domain.payments.model import MethodType, Payment, PaymentStatus
from domain.payments.outcomes import ApplyChargeState, apply_charge_state
from domain.payments.processing import ChargeState, ChargeStatus, DisputeState, DisputeStatus
from domain.payments.processor_events import ReceiveEvent, receive_event
from domain.payments.settings import DisputeLostAction
from tests.use_cases.factories import Payer, charge, make_payer, set_payment_settings
from tests.use_cases.fakes import FakeProcessor, FakeUnitOfWork, in_transaction

DUE_BY = datetime(2026, 11, 20, tzinfo=UTC)


async def apply(uow: FakeUnitOfWork, clock: FixedClock, payment: Payment, state: ChargeState) -> Payment:
    return await in_transaction(uow, apply_charge_state(ApplyChargeState(payment.id, state), uow, clock=clock))


def reasons(uow: FakeUnitOfWork, payment_id: str) -> list[Reason]:
    return [e.reason for e in uow.entries if e.payment_id == payment_id]


def dispute(status: DisputeStatus, amount: int = 10_000) -> DisputeState:
    return DisputeState("dp_fake_1", status, amount, "USD", "fraudulent", evidence_due_by=DUE_BY)


async def pending_debit(uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor) -> tuple[Payer, Payment]:
    payer = await make_payer(uow, clock, processor, kind=MethodType.US_BANK_ACCOUNT)
    processor.will_charge(ChargeStatus.PENDING)
    return payer, await charge(uow, clock, processor, payer)


def pid(payment: Payment) -> str:
    assert payment.processor_payment_id is not None
    return payment.processor_payment_id


async def test_the_same_state_applied_again_changes_nothing(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor)
    payment = await charge(uow, clock, processor, payer)
    before = uow.state()

    again = await apply(uow, clock, payment, processor.charges[pid(payment)])

    assert again.status is PaymentStatus.SUCCEEDED
    assert uow.state() == before


async def test_an_older_state_after_a_newer_one_changes_nothing(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    _, payment = await pending_debit(uow, clock, processor)
    pending = processor.charges[pid(payment)]
    await apply(uow, clock, payment, processor.move(pid(payment), ChargeStatus.SUCCEEDED))
    before = uow.state()

    late = await apply(uow, clock, payment, pending)

    assert late.status is PaymentStatus.SETTLED
    assert uow.state() == before


async def test_a_settlement_reported_before_its_pending_passes_through_pending(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor, kind=MethodType.US_BANK_ACCOUNT)
    processor.will_lose_answer("charge", charge=ChargeStatus.PENDING)
    payment = await charge(uow, clock, processor, payer)
    made = processor.charge_for(payment.processor_idempotency_key, uow.partner_id)
    assert made is not None
    pending = made

    settled = await apply(uow, clock, payment, processor.move(made.processor_payment_id, ChargeStatus.SUCCEEDED))
    before = uow.state()
    await apply(uow, clock, payment, pending)

    assert settled.status is PaymentStatus.SETTLED
    assert [t for t in uow.event_types() if t.startswith("payment.")][-2:] == ["payment.pending", "payment.settled"]
    assert uow.invoice(payer.invoice_id).status is InvoiceStatus.PAID
    assert uow.state() == before


async def test_a_failure_reported_after_a_card_succeeded_is_ignored(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor)
    payment = await charge(uow, clock, processor, payer)
    before = uow.state()

    failed = ChargeState(pid(payment), ChargeStatus.FAILED, 10_000, "USD", failure_code="card_declined")
    await apply(uow, clock, payment, failed)

    assert uow.state() == before


async def test_a_settled_debit_returned_by_the_bank_is_owed_again_with_a_return_fee(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer, payment = await pending_debit(uow, clock, processor)
    await apply(uow, clock, payment, processor.move(pid(payment), ChargeStatus.SUCCEEDED))

    returned = await apply(uow, clock, payment, processor.move(pid(payment), ChargeStatus.RETURNED, return_code="R01"))

    assert (returned.status, returned.return_code, returned.failure_code) == (
        PaymentStatus.RETURNED,
        "R01",
        "bank_return",
    )
    assert uow.invoice(payer.invoice_id).status is InvoiceStatus.OPEN
    assert uow.balance(payer.invoice_id) == InvoiceBalance(10_000, 0, 0, 10_000)
    assert reasons(uow, payment.id)[-2:] == [Reason.PAYMENT_RETURNED, Reason.FEE_CHARGED]
    fee = uow.entries[-1]
    assert sum(line.amount for line in fee.lines if line.amount > 0) == 1_500
    assert uow.method(payer.method_id).autopay_blocked_reason is None  # R01 may be presented again


async def test_a_return_that_may_not_be_retried_blocks_autopay_on_the_method(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer, payment = await pending_debit(uow, clock, processor)

    await apply(uow, clock, payment, processor.move(pid(payment), ChargeStatus.RETURNED, return_code="R02"))

    assert uow.method(payer.method_id).autopay_blocked_reason == "The bank returned a debit with code R02."


async def test_a_debit_returned_before_it_settled_releases_its_reservation(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer, payment = await pending_debit(uow, clock, processor)

    await apply(uow, clock, payment, processor.move(pid(payment), ChargeStatus.RETURNED, return_code="R01"))

    assert reasons(uow, payment.id) == [Reason.PAYMENT_PENDING, Reason.PAYMENT_RETURNED, Reason.FEE_CHARGED]
    assert uow.balance(payer.invoice_id) == InvoiceBalance(10_000, 0, 0, 10_000)


async def test_a_chargeback_opens_a_dispute_and_withdraws_the_funds(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor)
    payment = await charge(uow, clock, processor, payer)
    state = processor.move(pid(payment), ChargeStatus.SUCCEEDED, dispute=dispute(DisputeStatus.NEEDS_RESPONSE))

    disputed = await apply(uow, clock, payment, state)

    assert disputed.status is PaymentStatus.DISPUTED
    [opened] = uow.tables.disputes.values()
    assert (opened.payment_id, opened.status, opened.amount, opened.evidence_due_by) == (
        payment.id,
        DisputeStatus.NEEDS_RESPONSE,
        10_000,
        DUE_BY,
    )
    assert reasons(uow, payment.id)[-1] is Reason.DISPUTE_OPENED
    assert "dispute.created" in uow.event_types()
    assert uow.invoice(payer.invoice_id).status is InvoiceStatus.PAID  # paid until the dispute is lost


async def test_the_same_dispute_reported_twice_is_stored_once(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor)
    payment = await charge(uow, clock, processor, payer)
    state = processor.move(pid(payment), ChargeStatus.SUCCEEDED, dispute=dispute(DisputeStatus.NEEDS_RESPONSE))
    await apply(uow, clock, payment, state)
    before = uow.state()

    await apply(uow, clock, payment, state)

    assert uow.state() == before


@pytest.mark.parametrize(
    ("action", "status", "due"),
    [(DisputeLostAction.REOPEN, InvoiceStatus.OPEN, 10_000), (DisputeLostAction.WRITE_OFF, InvoiceStatus.PAID, 0)],
)
async def test_a_lost_dispute_reopens_the_invoice_or_writes_it_off_as_the_partner_chose(
    uow: FakeUnitOfWork,
    clock: FixedClock,
    processor: FakeProcessor,
    action: DisputeLostAction,
    status: InvoiceStatus,
    due: int,
) -> None:
    payer = await make_payer(uow, clock, processor)
    await set_payment_settings(uow, dispute_lost_action=action)
    payment = await charge(uow, clock, processor, payer)
    await apply(
        uow,
        clock,
        payment,
        processor.move(pid(payment), ChargeStatus.SUCCEEDED, dispute=dispute(DisputeStatus.NEEDS_RESPONSE)),
    )
    clock.at += timedelta(days=30)

    await apply(
        uow, clock, payment, processor.move(pid(payment), ChargeStatus.SUCCEEDED, dispute=dispute(DisputeStatus.LOST))
    )

    [lost] = uow.tables.disputes.values()
    assert (lost.status, lost.closed_at) == (DisputeStatus.LOST, clock.now())
    assert reasons(uow, payment.id)[-1] is Reason.DISPUTE_LOST
    assert (uow.invoice(payer.invoice_id).status, uow.balance(payer.invoice_id).amount_due) == (status, due)


async def test_a_won_dispute_gives_back_exactly_what_was_withdrawn(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor)
    payment = await charge(uow, clock, processor, payer)
    await apply(
        uow,
        clock,
        payment,
        processor.move(pid(payment), ChargeStatus.SUCCEEDED, dispute=dispute(DisputeStatus.NEEDS_RESPONSE)),
    )

    await apply(
        uow, clock, payment, processor.move(pid(payment), ChargeStatus.SUCCEEDED, dispute=dispute(DisputeStatus.WON))
    )

    opened, won = [e for e in uow.entries if e.reason in {Reason.DISPUTE_OPENED, Reason.DISPUTE_WON}]
    assert won.reverses_entry_id == opened.id
    assert sorted(ln.amount for ln in won.lines) == sorted(-ln.amount for ln in opened.lines)
    assert uow.tables.disputes[next(iter(uow.tables.disputes))].status is DisputeStatus.WON


# Inbound events: the processor inbox


async def test_a_webhook_delivered_twice_is_applied_once(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    _, payment = await pending_debit(uow, clock, processor)
    settled = processor.move(pid(payment), ChargeStatus.SUCCEEDED)
    body = processor.event(settled, event_id="evt_1", account=uow.partner_id, created_at=clock.now())
    processors = {"fake": processor}

    first = await in_transaction(
        uow, receive_event(ReceiveEvent("fake", body, {}), uow, processors=processors, clock=clock)
    )
    before = uow.state()
    second = await in_transaction(
        uow, receive_event(ReceiveEvent("fake", body, {}), uow, processors=processors, clock=clock)
    )

    assert (first.duplicate, first.outcome) == (False, f"applied: {payment.id} settled")
    assert (second.duplicate, second.outcome) == (True, "duplicate")
    assert uow.state() == before
    assert uow.tables.inbox[("fake", "evt_1")].outcome == first.outcome


async def test_an_event_that_beats_our_own_answer_finds_the_payment_by_its_key(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    payer = await make_payer(uow, clock, processor)
    processor.will_lose_answer("charge")
    payment = await charge(uow, clock, processor, payer)
    made = processor.charge_for(payment.processor_idempotency_key, uow.partner_id)
    assert made is not None and uow.payment(payment.id).processor_payment_id is None
    body = processor.event(made, event_id="evt_2", account=uow.partner_id, created_at=clock.now())

    received = await in_transaction(
        uow, receive_event(ReceiveEvent("fake", body, {}), uow, processors={"fake": processor}, clock=clock)
    )

    assert received.outcome == f"applied: {payment.id} succeeded"
    assert uow.payment(payment.id).processor_payment_id == made.processor_payment_id


async def test_an_event_for_an_unknown_account_is_kept_and_ignored(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor
) -> None:
    state = ChargeState("ch_elsewhere", ChargeStatus.SUCCEEDED, 100, "USD")
    body = processor.event(state, event_id="evt_3", account="acct_unknown", created_at=clock.now())

    received = await in_transaction(
        uow, receive_event(ReceiveEvent("fake", body, {}), uow, processors={"fake": processor}, clock=clock)
    )

    assert received.outcome == "ignored: unknown account"
    assert uow.tables.inbox[("fake", "evt_3")].outcome == "ignored: unknown account"
