"""Converging a payment on what the processor says: charge outcomes, bank settlement and returns, disputes.

Every change is a guarded move in a transition table under the payment's row lock, so the same state applied
twice, ten times at once, or an older state after a newer one changes nothing the second time. Each move writes
its ledger entry and its outbox event in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.clock import Clock
from domain.disputes.model import FUNDS_HELD, Dispute, path_to
from domain.errors import NotFound
from domain.events import DisputeClosed, DisputeCreated, DisputeUpdated, payment_moved
from domain.ledger import entries
from domain.ledger.model import Reason
from domain.payments.common import restate_invoices_of
from domain.payments.model import (
    BANK_DEBITS,
    RETRYABLE_RETURN_CODES,
    UNAUTHORIZED_RETURN_CODES,
    MethodType,
    Payment,
    PaymentStatus,
)
from domain.payments.processing import ChargeState, ChargeStatus, DisputeState, DisputeStatus
from domain.payments.settings import DisputeLostAction
from domain.ports import UnitOfWork

P = PaymentStatus


@dataclass(frozen=True, slots=True)
class ApplyChargeState:
    """What the processor says of a payment's charge now: its answer, a refresh, or an event."""

    payment_id: str
    state: ChargeState


async def apply_charge_state(cmd: ApplyChargeState, uow: UnitOfWork, *, clock: Clock) -> Payment:
    state = cmd.state
    payment = await uow.payments.lock(cmd.payment_id)
    if payment.processor_payment_id is None:
        payment.processor_payment_id = state.processor_payment_id
    changed = await _apply_status(payment, state, uow, clock)
    if state.dispute is not None:
        changed = await _apply_dispute(payment, state.dispute, uow, clock) or changed
    if changed:
        payment.updated_at = clock.now()
        await uow.payments.save(payment)
    return payment


async def _move(payment: Payment, target: PaymentStatus, uow: UnitOfWork) -> bool:
    if not payment.can_move_to(target):
        return False  # a repeated or out-of-date report: nothing to do
    payment.move_to(target)
    uow.record(payment_moved(payment))
    return True


async def _apply_status(payment: Payment, state: ChargeState, uow: UnitOfWork, clock: Clock) -> bool:
    now = clock.now()
    is_debit = payment.method in BANK_DEBITS
    status = state.status
    if status is ChargeStatus.PENDING:
        return await _move(payment, P.PENDING, uow)
    if status is ChargeStatus.SUCCEEDED:
        if is_debit and payment.status is P.PROCESSING:
            await _move(payment, P.PENDING, uow)
        if not await _move(payment, P.SETTLED if is_debit else P.SUCCEEDED, uow):
            return False
        payment.settled_at = state.settled_at or now
        await uow.ledger.add(entries.payment_settled(payment, at=now))
        await restate_invoices_of([a.invoice_id for a in payment.allocations], uow)
        return True
    if status is ChargeStatus.FAILED:
        if not await _move(payment, P.FAILED, uow):
            return False
        payment.failure_code = state.failure_code or "processing_error"
        payment.failure_message = state.failure_message
        await _release(payment, Reason.PAYMENT_FAILED, uow, clock)
        return True
    if status is ChargeStatus.CANCELED:
        if not await _move(payment, P.CANCELED, uow):
            return False
        payment.canceled_at = now
        await _release(payment, Reason.PAYMENT_CANCELED, uow, clock)
        return True
    if status is ChargeStatus.RETURNED:
        return await _apply_return(payment, state, uow, clock)
    return False


async def _release(payment: Payment, reason: Reason, uow: UnitOfWork, clock: Clock) -> None:
    await uow.ledger.add(entries.payment_released(payment, reason, at=clock.now()))
    await restate_invoices_of([a.invoice_id for a in payment.allocations], uow)


async def _apply_return(payment: Payment, state: ChargeState, uow: UnitOfWork, clock: Clock) -> bool:
    was_settled = payment.status is P.SETTLED
    if payment.status is P.PROCESSING:
        await _move(payment, P.PENDING, uow)
    if not await _move(payment, P.RETURNED, uow):
        return False
    now = clock.now()
    code = state.return_code or "R01"
    payment.return_code = code
    payment.failure_code = "bank_return"
    payment.failure_message = state.failure_message or f"The bank returned the debit ({code})."
    if was_settled:
        await uow.ledger.add(entries.payment_returned(payment, at=now))
        await restate_invoices_of([a.invoice_id for a in payment.allocations], uow)
    else:
        await _release(payment, Reason.PAYMENT_RETURNED, uow, clock)
    settings = await uow.payment_settings.get()
    fee = settings.unauthorized_return_fee if code in UNAUTHORIZED_RETURN_CODES else settings.bank_return_fee
    if fee:
        await uow.ledger.add(entries.partner_fee(payment, fee, at=now))
    if code not in RETRYABLE_RETURN_CODES and payment.payment_method_id:
        method = await uow.payment_methods.get(payment.payment_method_id)
        method.autopay_blocked_reason = f"The bank returned a debit with code {code}."
        await uow.payment_methods.save(method)
    return True


async def _apply_dispute(payment: Payment, state: DisputeState, uow: UnitOfWork, clock: Clock) -> bool:
    if payment.method is not MethodType.CARD:
        return False
    now = clock.now()
    dispute = await uow.disputes.by_processor_id(state.processor_dispute_id)
    created = dispute is None
    if dispute is None:
        warning = state.status.value.startswith("warning_")
        dispute = Dispute(
            partner_id=payment.partner_id,
            payment_id=payment.id,
            processor_dispute_id=state.processor_dispute_id,
            amount=min(state.amount, payment.amount),
            currency=payment.currency,
            status=DisputeStatus.WARNING_NEEDS_RESPONSE if warning else DisputeStatus.NEEDS_RESPONSE,
            reason=state.reason,
            evidence_due_by=state.evidence_due_by,
            created_at=now,
            updated_at=now,
        )
        await uow.disputes.add(dispute)
        uow.record(DisputeCreated(dispute_id=dispute.id, payment_id=payment.id, status=dispute.status.value))
        if not warning:
            await _funds_withdrawn(payment, dispute, uow, clock)
    elif dispute.payment_id != payment.id:
        raise NotFound("dispute", state.processor_dispute_id)
    path = path_to(dispute.status, state.status) or []
    for step in path:
        before = dispute.status
        dispute.move_to(step)
        if step is DisputeStatus.NEEDS_RESPONSE:
            await _funds_withdrawn(payment, dispute, uow, clock)
        elif step is DisputeStatus.WON and before in FUNDS_HELD:
            opened = await uow.ledger.entry_for_payment(payment.id, Reason.DISPUTE_OPENED)
            await uow.ledger.add(entries.dispute_won(opened, at=now))
        elif step is DisputeStatus.LOST:
            settings = await uow.payment_settings.get()
            reopen = settings.dispute_lost_action is DisputeLostAction.REOPEN
            await uow.ledger.add(entries.dispute_lost(payment, dispute.amount, reopen=reopen, at=now))
            if reopen:
                await restate_invoices_of([a.invoice_id for a in payment.allocations], uow)
    if state.evidence_due_by is not None:
        dispute.evidence_due_by = state.evidence_due_by
    if path:
        dispute.updated_at = now
        if dispute.status in {DisputeStatus.WON, DisputeStatus.LOST, DisputeStatus.WARNING_CLOSED}:
            dispute.closed_at = now
            uow.record(DisputeClosed(dispute_id=dispute.id, payment_id=payment.id, status=dispute.status.value))
        else:
            uow.record(DisputeUpdated(dispute_id=dispute.id, payment_id=payment.id, status=dispute.status.value))
        await uow.disputes.save(dispute)
    return created or bool(path)


async def _funds_withdrawn(payment: Payment, dispute: Dispute, uow: UnitOfWork, clock: Clock) -> None:
    settings = await uow.payment_settings.get()
    await uow.ledger.add(entries.dispute_opened(payment, dispute.amount, settings.dispute_fee, at=clock.now()))
    await _move(payment, P.DISPUTED, uow)
