"""Refunds, full or partial: never more than captured minus what was already refunded or is being refunded.

A refund of a pending bank debit cancels the debit instead. A disputed payment cannot be refunded. Like a
charge, a processor refund is stored (and made durable by the checkpoint) before the call, keyed on its own id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from domain.clock import Clock
from domain.errors import Conflict, ErrorCode, InvalidRequest
from domain.events import REFUND_STATUS_EVENTS, RefundSucceeded
from domain.ledger import entries
from domain.payments.model import CAPTURED, Payment, PaymentStatus
from domain.payments.outcomes import ApplyChargeState, apply_charge_state
from domain.payments.processing import ProcessorUnavailable, RefundRequest, RefundState
from domain.payments.processing import RefundStatus as ProcessorRefundStatus
from domain.ports import Checkpoint, CheckpointReason, PaymentProcessor, UnitOfWork
from domain.refunds.model import Refund, RefundKind, RefundStatus


@dataclass(frozen=True, slots=True)
class RefundPayment:
    payment_id: str
    amount: int | None = None  # None: everything still refundable
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class RefreshRefund:
    """A refund in flight: one the recovery job found, or one an earlier attempt of the same request left."""

    refund_id: str


def refunded_so_far(refunds: list[Refund]) -> int:
    """Refunds that took money back, or may still: pending and succeeded ones."""
    return sum(r.amount for r in refunds if r.kind is RefundKind.REFUND and r.status is not RefundStatus.FAILED)


async def start_refund(cmd: RefundPayment, uow: UnitOfWork, *, clock: Clock) -> Refund:
    """Check and store the refund under the payment's lock. Offline refunds are done here; processor ones are
    left pending for `submit_refund`."""
    payment = await uow.payments.lock(cmd.payment_id)
    if payment.status is PaymentStatus.DISPUTED:
        raise Conflict("A disputed payment cannot be refunded.", code=ErrorCode.PAYMENT_DISPUTED)
    if payment.status is PaymentStatus.PENDING:
        return await _cancel_pending_debit(payment, cmd, uow, clock)
    if payment.status not in CAPTURED:
        raise Conflict(
            f"A {payment.status.value} payment has nothing to refund.", code=ErrorCode.PAYMENT_NOT_REFUNDABLE
        )
    refundable = payment.amount - refunded_so_far(await uow.refunds.for_payment(payment.id))
    amount = refundable if cmd.amount is None else cmd.amount
    if amount <= 0 or amount > refundable:
        raise Conflict(
            f"Only {refundable} {payment.currency} (minor units) can still be refunded.",
            code=ErrorCode.AMOUNT_EXCEEDS_REFUNDABLE,
            refundable=refundable,
        )
    now = clock.now()
    refund = Refund(
        partner_id=payment.partner_id,
        payment_id=payment.id,
        amount=amount,
        currency=payment.currency,
        reason=cmd.reason,
        created_at=now,
        updated_at=now,
    )
    await uow.refunds.add(refund)
    if payment.is_offline:  # money handed back outside any processor: record it as done
        await _succeeded(refund, payment, uow, clock)
    return refund


async def _cancel_pending_debit(payment: Payment, cmd: RefundPayment, uow: UnitOfWork, clock: Clock) -> Refund:
    if cmd.amount is not None and cmd.amount != payment.amount:
        raise InvalidRequest(
            "A bank debit that has not settled can only be canceled in full.",
            code=ErrorCode.PARTIAL_REFUND_OF_PENDING_DEBIT,
            field="amount",
        )
    now = clock.now()
    refund = Refund(
        partner_id=payment.partner_id,
        payment_id=payment.id,
        amount=payment.amount,
        currency=payment.currency,
        reason=cmd.reason,
        kind=RefundKind.DEBIT_CANCELLATION,
        created_at=now,
        updated_at=now,
    )
    await uow.refunds.add(refund)
    return refund


async def submit_refund(
    refund: Refund,
    uow: UnitOfWork,
    *,
    processors: Mapping[str, PaymentProcessor],
    clock: Clock,
    checkpoint: Checkpoint,
) -> Refund:
    """Make a stored pending refund durable, call the processor, then record the answer.

    Unreachable processor: the refund stays pending and the recovery job asks again with the same key."""
    if refund.status is not RefundStatus.PENDING:
        return refund
    payment = await uow.payments.get(refund.payment_id)
    processor = processors[payment.processor or ""]
    processor_payment_id = payment.processor_payment_id or ""
    await checkpoint(CheckpointReason.CALLING_PROCESSOR, refund.id)
    try:
        if refund.kind is RefundKind.DEBIT_CANCELLATION:
            state = await processor.cancel_charge(account=payment.partner_id, processor_payment_id=processor_payment_id)
            await apply_charge_state(ApplyChargeState(payment.id, state), uow, clock=clock)
            return await _close(refund, RefundStatus.SUCCEEDED, None, None, uow, clock)
        answer = await processor.refund(
            RefundRequest(
                account=payment.partner_id,
                idempotency_key=refund.processor_idempotency_key,
                processor_payment_id=processor_payment_id,
                amount=refund.amount,
                currency=refund.currency,
            )
        )
    except ProcessorUnavailable:
        return refund
    except Conflict as refused:  # the processor says no (already disputed, canceled meanwhile…)
        return await _close(refund, RefundStatus.FAILED, None, refused.detail, uow, clock)
    return await _apply_refund_state(refund.id, answer, uow, clock=clock)


async def refund_payment(
    cmd: RefundPayment | RefreshRefund,
    uow: UnitOfWork,
    *,
    processors: Mapping[str, PaymentProcessor],
    clock: Clock,
    checkpoint: Checkpoint,
) -> Refund:
    """The whole refund: start it (or, for the refund an earlier attempt of the same request left in flight,
    refresh it), make it durable, call the processor, converge on its answer."""
    if isinstance(cmd, RefreshRefund):
        return await refresh_refund(cmd, uow, processors=processors, clock=clock, checkpoint=checkpoint)
    started = await start_refund(cmd, uow, clock=clock)
    return await submit_refund(started, uow, processors=processors, clock=clock, checkpoint=checkpoint)


async def refresh_refund(
    cmd: RefreshRefund,
    uow: UnitOfWork,
    *,
    processors: Mapping[str, PaymentProcessor],
    clock: Clock,
    checkpoint: Checkpoint,
) -> Refund:
    """Ask the processor again, with the same key, about a refund whose answer never came."""
    refund = await uow.refunds.get(cmd.refund_id)
    return await submit_refund(refund, uow, processors=processors, clock=clock, checkpoint=checkpoint)


async def _apply_refund_state(refund_id: str, state: RefundState, uow: UnitOfWork, *, clock: Clock) -> Refund:
    refund = await uow.refunds.get(refund_id)
    payment = await uow.payments.lock(refund.payment_id)
    refund = await uow.refunds.get(refund_id)  # read again under the payment's lock
    if state.status is ProcessorRefundStatus.SUCCEEDED:
        if refund.status is RefundStatus.PENDING:
            refund.processor_refund_id = state.processor_refund_id
            await _succeeded(refund, payment, uow, clock)
        return refund
    if state.status is ProcessorRefundStatus.FAILED:
        return await _close(refund, RefundStatus.FAILED, state.processor_refund_id, state.failure_message, uow, clock)
    return refund


async def _close(
    refund: Refund,
    status: RefundStatus,
    processor_refund_id: str | None,
    message: str | None,
    uow: UnitOfWork,
    clock: Clock,
) -> Refund:
    if refund.status is not RefundStatus.PENDING:
        return refund
    refund.move_to(status)
    refund.processor_refund_id = processor_refund_id or refund.processor_refund_id
    refund.failure_message = message
    refund.updated_at = clock.now()
    await uow.refunds.save(refund)
    uow.record(REFUND_STATUS_EVENTS[status].of(refund))
    return refund


async def _succeeded(refund: Refund, payment: Payment, uow: UnitOfWork, clock: Clock) -> None:
    now = clock.now()
    refund.move_to(RefundStatus.SUCCEEDED)
    refund.updated_at = now
    await uow.refunds.save(refund)
    await uow.ledger.add(entries.refund_issued(payment, refund.amount, at=now))
    refunds = await uow.refunds.for_payment(payment.id)
    done = sum(r.amount for r in refunds if r.kind is RefundKind.REFUND and r.status is RefundStatus.SUCCEEDED)
    target = PaymentStatus.REFUNDED if done >= payment.amount else PaymentStatus.PARTIALLY_REFUNDED
    payment.move_to(target)
    payment.updated_at = now
    await uow.payments.save(payment)
    uow.record(RefundSucceeded.of(refund))
