"""What each domain event causes once its transaction has committed: one table, `EVENT_HANDLERS`.

Today that is the customer's emails: receipts, bank debits started, cleared and failed, scheduled payments made or
not. Each email that lists invoices says, per invoice, what this payment gave it and what it still owes (from the
ledger's balances once the event's transaction committed), so a partial payment never reads "paid". Emails carry the
customer's id: the mail adapter writes each in its recipient's language (adapters/mail/language.py). Webhooks and
accounting sync will be further handlers of the same events. Handlers run in `handle_outbox`, one transaction per
batch of events: the events are marked handled and their emails queued together, so a crash handles the whole batch
again and a replay queues nothing new (each email's dedupe key names its event, template and recipient).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from domain.clock import Clock
from domain.errors import NotFound
from domain.events import (
    EVENT_TYPES,
    Event,
    PaymentEvent,
    PaymentFailed,
    PaymentPending,
    PaymentReturned,
    PaymentSettled,
    PaymentSucceeded,
    ScheduledPaymentExecuted,
    ScheduledPaymentFailed,
)
from domain.invoices.standing import standing_of
from domain.mail import Email, Template
from domain.payments.labels import DEBIT_BUSINESS_DAYS, is_bank_debit, method_label, return_reason
from domain.payments.model import Payment
from domain.scheduled_payments.model import ScheduledUnitOfWork

log = logging.getLogger("remit.events")

# Events older than this are marked handled without an email: a receipt a day late still helps, but a first run
# over a database with history (or workers back after a long outage) must not mail customers about old payments.
MAX_EVENT_AGE = timedelta(days=3)
DEDUPE_KEY_MAX = 160  # the emails table's column width


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """An event as the outbox keeps it."""

    id: str
    partner_id: str
    type: str
    payload: dict[str, Any]
    recorded_at: datetime


class Outbox(Protocol):
    async def claim(self, *, ids: Sequence[str] | None, limit: int) -> list[StoredEvent]:
        """The oldest events not handled yet (of `ids`, when given), locked for this transaction; events another
        transaction holds are skipped, so concurrent runners split the work."""
        ...

    async def mark_handled(self, ids: Sequence[str], *, at: datetime) -> None: ...

    async def recorded_before(self, event: StoredEvent, kind: type[PaymentEvent], payment_id: str) -> bool:
        """Whether an event of this kind was recorded for the payment before `event`."""
        ...


class HandlerUnitOfWork(ScheduledUnitOfWork, Protocol):
    @property
    def outbox(self) -> Outbox: ...


class OutboxUnitOfWork(Protocol):
    @property
    def outbox(self) -> Outbox: ...

    def scope_to(self, partner_id: str) -> HandlerUnitOfWork: ...


Handler = Callable[[Any, StoredEvent, HandlerUnitOfWork], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class HandleOutbox:
    ids: tuple[str, ...] | None = None  # just these events (a commit's own); None: any not handled yet
    limit: int = 200


async def handle_outbox(cmd: HandleOutbox, uow: OutboxUnitOfWork, *, clock: Clock) -> int:
    """Run the handlers of one batch of events and mark them handled; returns how many were claimed (0: none
    left). The caller commits."""
    claimed = await uow.outbox.claim(ids=cmd.ids, limit=cmd.limit)
    if not claimed:
        return 0
    await uow.outbox.mark_handled([e.id for e in claimed], at=clock.now())
    stale = clock.now() - MAX_EVENT_AGE
    for stored in claimed:
        kind = EVENT_TYPES.get(stored.type)
        handlers = EVENT_HANDLERS.get(kind, ()) if kind is not None else ()
        if not handlers or stored.recorded_at < stale:
            continue
        try:
            event = kind.from_payload(stored.payload) if kind is not None else None
        except (KeyError, TypeError, ValueError):  # a malformed event must not hold up every later one
            log.exception("event %s (%s) has an unreadable payload", stored.id, stored.type)
            continue
        scoped = uow.scope_to(stored.partner_id)
        for handler in handlers:
            await handler(event, stored, scoped)
    return len(claimed)


def dedupe_key(event_id: str, template: Template, to: str) -> str:
    key = f"{event_id}:{template.value}:{to.lower()}"
    if len(key) <= DEDUPE_KEY_MAX:
        return key
    return f"{event_id}:{template.value}:{hashlib.sha256(to.lower().encode()).hexdigest()}"


# Payments: the customer's receipt, and what happens to a bank debit.

DEBIT_TEMPLATES: dict[type[PaymentEvent], Template] = {
    PaymentPending: Template.BANK_DEBIT_PENDING,
    PaymentSettled: Template.BANK_DEBIT_SETTLED,
    PaymentFailed: Template.BANK_DEBIT_FAILED,
    PaymentReturned: Template.BANK_DEBIT_FAILED,
}


async def email_payment_outcome(event: PaymentEvent, stored: StoredEvent, uow: HandlerUnitOfWork) -> None:
    try:
        payment = await uow.payments.get(event.payment_id)
    except NotFound:
        return
    if is_bank_debit(payment.method):
        template = DEBIT_TEMPLATES.get(type(event))
    else:  # a card decline is answered on screen; cards and offline payments have no pending phase
        template = Template.PAYMENT_CONFIRMATION if isinstance(event, PaymentSucceeded) else None
    if template is None:
        return
    if isinstance(event, PaymentFailed) and not (
        payment.payment_method_id and await uow.outbox.recorded_before(stored, PaymentPending, payment.id)
    ):
        return  # refused at submission: the payer saw the answer on screen
    to = payment.receipt_email or (await uow.customers.get(payment.customer_id)).email
    if not to:
        return
    context = await _payment_context(template, payment, uow, today=stored.recorded_at.date())
    await _email(uow, stored, to, template, context, dedupe_key(stored.id, template, to))


async def _email(
    uow: HandlerUnitOfWork, stored: StoredEvent, to: str, template: Template, context: dict[str, Any], key: str
) -> None:
    await uow.emails.queue(
        Email(to=to, template=template, context=context, partner_id=stored.partner_id, dedupe_key=key)
    )


async def _payment_context(
    template: Template, payment: Payment, uow: HandlerUnitOfWork, *, today: date
) -> dict[str, Any]:
    context: dict[str, Any] = {
        "customer_id": payment.customer_id,
        "transaction_id": payment.transaction_id,
        "amount": payment.amount,
        "currency": payment.currency,
        "method_label": await _method_label(payment, uow),
        "fee": payment.fee,
        "invoices": await _invoice_lines(payment, uow, today=today),
    }
    if template in (Template.PAYMENT_CONFIRMATION, Template.BANK_DEBIT_PENDING):
        context["paid_on"] = payment.received_on.isoformat()
    if template is Template.BANK_DEBIT_PENDING:
        context["business_days"] = DEBIT_BUSINESS_DAYS[payment.method]
    if template is Template.BANK_DEBIT_FAILED:
        context["return_code"] = payment.return_code
        context["reason"] = return_reason(payment.return_code, payment.failure_message)
    return context


async def _invoice_lines(payment: Payment, uow: HandlerUnitOfWork, *, today: date) -> list[dict[str, Any]]:
    """Per invoice the payment went to: its share (`amount`), what the invoice still owes (`due`), what is on its
    way to it (`pending`, this debit's share included while it clears) and where it stands (`standing`,
    `qualifiers`: domain/invoices/standing.py, put in words in the email's language)."""
    invoices = {i.id: i for i in await uow.invoices.get_many([a.invoice_id for a in payment.allocations])}
    balances = await uow.ledger.balances(list(invoices.values()))
    lines = []
    for allocation in payment.allocations:
        invoice, balance = invoices[allocation.invoice_id], balances[allocation.invoice_id]
        standing = standing_of(invoice.status, balance, due_date=invoice.due_date, today=today)
        lines.append(
            {
                "number": invoice.number,
                "amount": allocation.amount,
                "due": max(balance.amount_due, 0),
                "pending": balance.amount_pending,
                "standing": standing.standing.value,
                "qualifiers": [q.value for q in standing.qualifiers],
            }
        )
    return lines


async def _method_label(payment: Payment, uow: HandlerUnitOfWork) -> str:
    if payment.payment_method_id is None:
        return method_label(payment.method)
    try:
        saved = await uow.payment_methods.get(payment.payment_method_id)
    except NotFound:
        return method_label(payment.method)
    return method_label(payment.method, brand=saved.brand, bank_name=saved.bank_name, last4=saved.last4)


# Scheduled payments: whoever scheduled it hears whether it was made.


async def email_scheduled_outcome(
    event: ScheduledPaymentExecuted | ScheduledPaymentFailed, stored: StoredEvent, uow: HandlerUnitOfWork
) -> None:
    scheduled = await uow.scheduled_payments.get(event.scheduled_payment_id)
    payment = await uow.payments.get(event.payment_id) if event.payment_id is not None else None
    to = await _scheduler(scheduled.portal_user_id, scheduled.customer_id, payment, uow)
    if to is None:
        return
    if isinstance(event, ScheduledPaymentExecuted) and payment is not None:
        template = Template.SCHEDULED_PAYMENT_EXECUTED
        context: dict[str, Any] = {
            "customer_id": scheduled.customer_id,
            "invoices": await _invoice_lines(payment, uow, today=stored.recorded_at.date()),
            "transaction_id": payment.transaction_id,
            "amount": payment.amount,
            "currency": payment.currency,
            "scheduled_for": event.scheduled_for.isoformat(),
            "status": payment.status.value,
        }
    else:
        template = Template.SCHEDULED_PAYMENT_FAILED
        context = {
            "customer_id": scheduled.customer_id,
            "amount": payment.amount if payment is not None else event.amount,
            "currency": event.currency,
            "scheduled_for": event.scheduled_for.isoformat(),
            "reason": getattr(event, "reason", "") or "The payment could not be made.",
        }
    await _email(uow, stored, to, template, context, f"scheduled_payment.{event.status}:{event.scheduled_payment_id}")


async def _scheduler(
    portal_user_id: str | None, customer_id: str, payment: Payment | None, uow: HandlerUnitOfWork
) -> str | None:
    if portal_user_id is not None:
        user = await uow.portal_users.find(portal_user_id)
        if user is not None:
            return user.email
    if payment is not None and payment.receipt_email:
        return payment.receipt_email
    return (await uow.customers.get(customer_id)).email


EVENT_HANDLERS: dict[type[Event], tuple[Handler, ...]] = {
    PaymentSucceeded: (email_payment_outcome,),
    PaymentPending: (email_payment_outcome,),
    PaymentSettled: (email_payment_outcome,),
    PaymentFailed: (email_payment_outcome,),
    PaymentReturned: (email_payment_outcome,),
    ScheduledPaymentExecuted: (email_scheduled_outcome,),
    ScheduledPaymentFailed: (email_scheduled_outcome,),
}
HANDLED_TYPES = frozenset(kind.type for kind in EVENT_HANDLERS)
