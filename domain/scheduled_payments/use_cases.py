"""Scheduled payments: a customer picks a saved method, what to pay and a day; a job charges it that day.

Lifecycle: scheduled → processing → executed | failed, and scheduled → canceled (by the customer or the partner,
until it runs; or by the system on its day, when an invoice it pays was voided or written off meanwhile). Exactly
once: the move to processing, the stored payment (with its reservation) and the link to it commit together under
the row's lock before the processor is called; a run that finds the row processing resumes that payment instead of
starting another.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

from domain.clock import Clock
from domain.errors import Conflict, DomainError, ErrorCode, InvalidRequest
from domain.events import (
    ScheduledPaymentCanceled,
    ScheduledPaymentCreated,
    ScheduledPaymentEvent,
    ScheduledPaymentExecuted,
    ScheduledPaymentFailed,
)
from domain.invoices.model import InvoiceStatus
from domain.payments import charges, recovery
from domain.payments.model import Allocation, Payment, PaymentStatus
from domain.ports import Checkpoint, CheckpointReason, PaymentProcessor
from domain.scheduled_payments.model import ScheduledPayment, ScheduledStatus, ScheduledUnitOfWork


@dataclass(frozen=True, slots=True)
class SchedulePayment:
    """Explicit `allocations`, or an `amount` spread oldest due first over `invoice_ids` (or all open invoices)."""

    customer_id: str
    payment_method_id: str
    scheduled_for: date
    allocations: tuple[Allocation, ...] = ()
    amount: int | None = None
    invoice_ids: tuple[str, ...] = ()
    currency: str | None = None
    portal_user_id: str | None = None


async def schedule_payment(cmd: SchedulePayment, uow: ScheduledUnitOfWork, *, clock: Clock) -> ScheduledPayment:
    """Resolve what it pays now (the quote's checks: method, invoices, amounts, partner rules) and store it."""
    quote = await charges.quote_payment(
        charges.PayInvoices(
            customer_id=cmd.customer_id,
            payment_method_id=cmd.payment_method_id,
            allocations=cmd.allocations,
            amount=cmd.amount,
            invoice_ids=cmd.invoice_ids,
            currency=cmd.currency,
        ),
        uow,
        clock=clock,
    )
    if quote.method.one_off:
        raise InvalidRequest(
            "A card or bank account given for one payment cannot be charged later; save it, or pay now.",
            code=ErrorCode.METHOD_NOT_SAVED,
            field="payment_method_id",
        )
    invoices = await uow.invoices.get_many([a.invoice_id for a in quote.allocations])
    settings = await uow.payment_settings.get()
    earliest_due = min(i.due_date for i in invoices)
    _check_day(cmd.scheduled_for, earliest_due, clock.today(), overdue_days=settings.overdue_schedule_days)
    taken = {
        invoice_id: s.scheduled_for
        for s in await uow.scheduled_payments.waiting_for_customer(cmd.customer_id)
        for invoice_id in s.invoice_ids
    }
    for a in quote.allocations:
        if a.invoice_id in taken:
            raise Conflict(
                f"A payment of this invoice is already scheduled for {taken[a.invoice_id].isoformat()}; cancel it "
                "first to choose another day or amount.",
                code=ErrorCode.ALREADY_SCHEDULED,
                invoice_id=a.invoice_id,
            )
    scheduled = ScheduledPayment(
        partner_id=uow.partner_id,
        customer_id=cmd.customer_id,
        payment_method_id=quote.method.id,
        allocations=tuple(quote.allocations),
        currency=quote.currency,
        scheduled_for=cmd.scheduled_for,
        created_at=clock.now(),
        portal_user_id=cmd.portal_user_id,
    )
    await uow.scheduled_payments.add(scheduled)
    uow.record(_event(ScheduledPaymentCreated, scheduled))
    return scheduled


def _check_day(day: date, earliest_due: date, today: date, *, overdue_days: int) -> None:
    """Not due yet: any day up to the earliest due date. Due or past due: up to `overdue_days` ahead (the partner's
    setting), or not at all when that is 0."""
    first = today + timedelta(days=1)
    if earliest_due >= first:
        last, why = earliest_due, "the earliest due date of the invoices it pays"
    elif overdue_days > 0:
        last, why = (
            today + timedelta(days=overdue_days),
            f"{overdue_days} days ahead, as an invoice in it is already due",
        )
    else:
        raise InvalidRequest(
            f"An invoice in this payment was due {earliest_due.isoformat()}, and invoices already due cannot be "
            "scheduled for later; pay it now instead.",
            code=ErrorCode.INVALID_SCHEDULED_DATE,
            field="scheduled_for",
        )
    if not first <= day <= last:
        raise InvalidRequest(
            f"Choose a day from {first.isoformat()} to {last.isoformat()} ({why}).",
            code=ErrorCode.INVALID_SCHEDULED_DATE,
            field="scheduled_for",
        )


@dataclass(frozen=True, slots=True)
class CancelScheduled:
    scheduled_payment_id: str
    by: str  # who canceled it: "portal:<user id>", or the partner side's actor ("api_key:<id>", "user:<id>")


async def cancel_scheduled(cmd: CancelScheduled, uow: ScheduledUnitOfWork, *, clock: Clock) -> ScheduledPayment:
    scheduled = await uow.scheduled_payments.get(cmd.scheduled_payment_id, lock=True)
    scheduled.cancel(by=cmd.by, at=clock.now())
    await uow.scheduled_payments.save(scheduled)
    uow.record(_event(ScheduledPaymentCanceled, scheduled, canceled_by=cmd.by))
    return scheduled


@dataclass(frozen=True, slots=True)
class ExecuteScheduled:
    scheduled_payment_id: str


async def execute_scheduled(
    cmd: ExecuteScheduled,
    uow: ScheduledUnitOfWork,
    *,
    processors: Mapping[str, PaymentProcessor],
    clock: Clock,
    checkpoint: Checkpoint,
) -> ScheduledPayment:
    """Charge a schedule whose day has come; safe to run any number of times, also concurrently."""
    ident = cmd.scheduled_payment_id
    scheduled = await uow.scheduled_payments.get(ident, lock=True)
    if scheduled.status is ScheduledStatus.SCHEDULED:
        if scheduled.scheduled_for > clock.today():
            return scheduled  # not its day yet
        withdrawn = await _withdrawn(scheduled, uow)
        if withdrawn is not None:
            scheduled.cancel(by=SYSTEM, at=clock.now(), reason=withdrawn)
            await uow.scheduled_payments.save(scheduled)
            uow.record(_event(ScheduledPaymentCanceled, scheduled, canceled_by=SYSTEM))
            return scheduled
        scheduled.move_to(ScheduledStatus.PROCESSING)
        try:
            started = await charges.start_payment(_pay_command(scheduled), uow, clock=clock)
        except DomainError as refused:  # no longer payable, method removed, more than due, partial refused…
            return await _refused(ident, refused.detail, uow, clock=clock, checkpoint=checkpoint)
        scheduled.payment_id = started.payment.id
        await uow.scheduled_payments.save(scheduled)
        # Durable with the payment before calling out: a retry finds the payment instead of making another.
        payment = await charges.submit_payment(started, uow, processors=processors, clock=clock, checkpoint=checkpoint)
    elif scheduled.status is ScheduledStatus.PROCESSING and scheduled.payment_id is not None:
        payment = await recovery.refresh_payment(
            recovery.RefreshPayment(scheduled.payment_id),
            uow,
            processors=processors,
            clock=clock,
            checkpoint=checkpoint,
        )
    else:
        return scheduled  # executed, failed or canceled: nothing to do
    return await _conclude(ident, payment, uow, clock=clock)


SYSTEM = "system"  # canceled_by when no person canceled it


async def _withdrawn(scheduled: ScheduledPayment, uow: ScheduledUnitOfWork) -> str | None:
    """Why the partner has taken back what this schedule pays, or None: an invoice voided, written off, or partly
    written off so that less is due than it would take. Such a schedule is canceled, not failed: nothing went wrong
    with the customer's method, and there is nothing (or less) to pay."""
    invoices = {i.id: i for i in await uow.invoices.get_many(scheduled.invoice_ids)}
    balances = await uow.ledger.balances(list(invoices.values()))
    for a in scheduled.allocations:
        invoice, balance = invoices[a.invoice_id], balances[a.invoice_id]
        if invoice.status is InvoiceStatus.VOID:
            return f"Invoice {invoice.number} was voided."
        if invoice.status is InvoiceStatus.WRITTEN_OFF:
            return f"Invoice {invoice.number} was written off."
        if balance.amount_written_off > 0 and a.amount > balance.amount_due:
            return f"Invoice {invoice.number} was partly written off; less is due than this payment would take."
    return None


def _pay_command(scheduled: ScheduledPayment) -> charges.PayInvoices:
    return charges.PayInvoices(
        customer_id=scheduled.customer_id,
        payment_method_id=scheduled.payment_method_id,
        allocations=scheduled.allocations,
        currency=scheduled.currency,
    )


async def _refused(
    ident: str, reason: str, uow: ScheduledUnitOfWork, *, clock: Clock, checkpoint: Checkpoint
) -> ScheduledPayment:
    """Nothing was charged: record why, in a transaction of its own (the refused one held the start's writes)."""
    await checkpoint.discard(CheckpointReason.REFUSED_START)
    scheduled = await uow.scheduled_payments.get(ident, lock=True)
    if scheduled.status is not ScheduledStatus.SCHEDULED:
        return scheduled  # another run got there first
    scheduled.move_to(ScheduledStatus.PROCESSING)
    scheduled.fail(reason)
    scheduled.executed_at = clock.now()
    await uow.scheduled_payments.save(scheduled)
    uow.record(_event(ScheduledPaymentFailed, scheduled, reason=scheduled.failure_message or reason, payment_id=None))
    return scheduled


async def _conclude(ident: str, payment: Payment, uow: ScheduledUnitOfWork, *, clock: Clock) -> ScheduledPayment:
    """Move the schedule to where its payment ended; a payment still in flight leaves it processing."""
    if payment.status is PaymentStatus.PROCESSING:
        return await uow.scheduled_payments.get(ident)
    scheduled = await uow.scheduled_payments.get(ident, lock=True)
    if scheduled.status is not ScheduledStatus.PROCESSING:
        return scheduled
    if payment.status is PaymentStatus.FAILED:
        scheduled.fail(payment.failure_message or "The payment was declined.")
        event: ScheduledPaymentEvent = _event(
            ScheduledPaymentFailed, scheduled, reason=scheduled.failure_message or "", payment_id=payment.id
        )
    else:
        scheduled.move_to(ScheduledStatus.EXECUTED)
        event = _event(ScheduledPaymentExecuted, scheduled, payment_id=payment.id)
    scheduled.executed_at = clock.now()
    await uow.scheduled_payments.save(scheduled)
    uow.record(event)
    return scheduled


E = TypeVar("E", bound=ScheduledPaymentEvent)


def _event(kind: type[E], scheduled: ScheduledPayment, **details: Any) -> E:
    return kind(
        scheduled_payment_id=scheduled.id,
        customer_id=scheduled.customer_id,
        amount=scheduled.amount,
        currency=scheduled.currency,
        scheduled_for=scheduled.scheduled_for,
        status=scheduled.status.value,
        **details,
    )
