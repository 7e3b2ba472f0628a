"""Payment events in the outbox turned into customer emails: receipts, bank debits started, cleared and failed.

One transaction per batch of events: the emails are queued and the events marked notified together, so a crash
re-reads the whole batch and a replay queues nothing new (each email's dedupe key names its event, template and
recipient). On PostgreSQL the batch is row-locked with SKIP LOCKED, so concurrent runners split the work.

These reads run unscoped (no tenant filter on the session): every select names the event's partner itself.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.emails import SqlEmails
from adapters.db.tables import (
    AllocationRow,
    CustomerRow,
    InvoiceRow,
    OutboxEventRow,
    PaymentMethodRow,
    PaymentRow,
    core,
)
from domain.clock import Clock
from domain.mail import Email, Template
from domain.payments.labels import DEBIT_BUSINESS_DAYS, is_bank_debit, method_label, return_reason
from domain.payments.model import MethodType

log = logging.getLogger("remit.mail")

EVENT_BATCH = 200
PAYMENT_EVENTS = frozenset(
    {"payment.succeeded", "payment.pending", "payment.settled", "payment.failed", "payment.returned"}
)
DEDUPE_KEY_MAX = 160  # the column's width
# Events older than this are marked without an email: a receipt a day late still helps, but a first run over a
# database with history (or workers back after a long outage) must not mail customers about old payments.
MAX_EVENT_AGE = timedelta(days=3)


@dataclass(frozen=True, slots=True)
class Batch:
    events: int  # how many events were marked notified
    email_ids: list[str]  # the emails queued for them (deliver once committed)


def dedupe_key(event_id: str, template: Template, to: str) -> str:
    key = f"{event_id}:{template.value}:{to.lower()}"
    if len(key) <= DEDUPE_KEY_MAX:
        return key
    return f"{event_id}:{template.value}:{hashlib.sha256(to.lower().encode()).hexdigest()}"


async def notify_batch(
    session: AsyncSession, clock: Clock, *, ids: list[str] | None = None, limit: int = EVENT_BATCH
) -> Batch:
    """Queue the emails for the oldest events not yet notified (of `ids`, when given) and mark them; the caller
    commits."""
    pending = select(OutboxEventRow).where(OutboxEventRow.notified_at.is_(None))
    if ids is not None:
        pending = pending.where(OutboxEventRow.id.in_(ids))
    events = list(
        await session.scalars(pending.order_by(OutboxEventRow.id).limit(limit).with_for_update(skip_locked=True))
    )
    if not events:
        return Batch(0, [])
    outbox = SqlEmails(session, clock)
    stale = clock.now() - MAX_EVENT_AGE
    for event in events:
        if event.type not in PAYMENT_EVENTS or event.created_at < stale:
            continue
        try:
            email = await _payment_email(session, event)
        except (KeyError, ValueError, TypeError):  # a malformed event must not hold up every later one
            log.exception("no email for event %s (%s)", event.id, event.type)
            continue
        if email is not None:
            await outbox.queue(email)
    ids = [e.id for e in events]
    table = core(OutboxEventRow)
    await session.execute(update(table).where(table.c.id.in_(ids)).values(notified_at=clock.now()))
    return Batch(len(events), list(outbox.queued))


async def _payment_email(session: AsyncSession, event: OutboxEventRow) -> Email | None:
    partner_id = event.partner_id
    payment = await session.scalar(
        select(PaymentRow).where(PaymentRow.partner_id == partner_id, PaymentRow.id == event.payload["payment_id"])
    )
    if payment is None:
        return None
    method = MethodType(payment.method)
    template = _template_for(event.type, method)
    if template is None:
        return None
    if event.type == "payment.failed" and not (
        payment.payment_method_id and await _was_pending(session, event, payment.id)
    ):
        return None  # refused at submission: the payer saw the answer on screen
    to = payment.receipt_email or await session.scalar(
        select(CustomerRow.email).where(CustomerRow.partner_id == partner_id, CustomerRow.id == payment.customer_id)
    )
    if not to:
        return None
    context = await _context(session, template, payment, method)
    return Email(
        to=to,
        template=template,
        context=context,
        partner_id=partner_id,
        dedupe_key=dedupe_key(event.id, template, to),
    )


def _template_for(event_type: str, method: MethodType) -> Template | None:
    debit = is_bank_debit(method)
    if event_type == "payment.succeeded":
        return None if debit else Template.PAYMENT_CONFIRMATION
    if not debit:
        return None  # a card decline is answered on screen; cards and offline payments have no pending phase
    return {
        "payment.pending": Template.BANK_DEBIT_PENDING,
        "payment.settled": Template.BANK_DEBIT_SETTLED,
        "payment.failed": Template.BANK_DEBIT_FAILED,
        "payment.returned": Template.BANK_DEBIT_FAILED,
    }.get(event_type)


async def _was_pending(session: AsyncSession, event: OutboxEventRow, payment_id: str) -> bool:
    """Whether the payment reached pending before it failed (a failure after submission, not a refusal)."""
    found = await session.scalar(
        select(OutboxEventRow.id)
        .where(
            OutboxEventRow.partner_id == event.partner_id,
            OutboxEventRow.type == "payment.pending",
            OutboxEventRow.id < event.id,
            OutboxEventRow.payload["payment_id"].as_string() == payment_id,
        )
        .limit(1)
    )
    return found is not None


async def _context(
    session: AsyncSession, template: Template, payment: PaymentRow, method: MethodType
) -> dict[str, Any]:
    label = await _method_label(session, payment, method)
    context: dict[str, Any] = {
        "transaction_id": payment.transaction_id,
        "amount": payment.amount,
        "currency": payment.currency,
        "method_label": label,
    }
    if template in (Template.PAYMENT_CONFIRMATION, Template.BANK_DEBIT_PENDING):
        context["fee"] = payment.fee
        context["paid_on"] = payment.received_on.isoformat()
        context["invoices"] = await _invoices(session, payment)
    if template is Template.BANK_DEBIT_PENDING:
        context["business_days"] = DEBIT_BUSINESS_DAYS[method]
    if template is Template.BANK_DEBIT_FAILED:
        context["return_code"] = payment.return_code
        context["reason"] = return_reason(payment.return_code, payment.failure_message)
    return context


async def _method_label(session: AsyncSession, payment: PaymentRow, method: MethodType) -> str:
    if payment.payment_method_id is None:
        return method_label(method)
    saved = await session.scalar(
        select(PaymentMethodRow).where(
            PaymentMethodRow.partner_id == payment.partner_id, PaymentMethodRow.id == payment.payment_method_id
        )
    )
    if saved is None:
        return method_label(method)
    return method_label(method, brand=saved.brand, bank_name=saved.bank_name, last4=saved.last4)


async def _invoices(session: AsyncSession, payment: PaymentRow) -> list[dict[str, Any]]:
    rows = await session.execute(
        select(InvoiceRow.number, AllocationRow.amount)
        .join(InvoiceRow, InvoiceRow.id == AllocationRow.invoice_id)
        .where(AllocationRow.partner_id == payment.partner_id, AllocationRow.payment_id == payment.id)
        .order_by(AllocationRow.position)
    )
    return [{"number": number, "amount": amount} for number, amount in rows]
