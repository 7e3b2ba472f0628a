"""The journal entries each business event writes. One function per reason code."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from domain.ledger.model import Account, JournalEntry, JournalLine, Reason

if TYPE_CHECKING:
    from domain.invoices.model import Invoice
    from domain.payments.model import Payment


def invoice_issued(invoice: Invoice, *, at: datetime) -> JournalEntry:
    """The customer now owes the total: receivable up, revenue billed."""
    total, cur, inv = invoice.total, invoice.currency, invoice.id
    return JournalEntry(
        partner_id=invoice.partner_id,
        reason=Reason.INVOICE_ISSUED,
        invoice_id=inv,
        created_at=at,
        lines=(
            JournalLine(Account.RECEIVABLE, total, cur, inv),
            JournalLine(Account.REVENUE, -total, cur, inv),
        ),
    )


def invoice_voided(invoice: Invoice, amount_due: int, *, at: datetime) -> JournalEntry:
    """Take what is still receivable off the books."""
    cur, inv = invoice.currency, invoice.id
    return JournalEntry(
        partner_id=invoice.partner_id,
        reason=Reason.INVOICE_VOIDED,
        invoice_id=inv,
        created_at=at,
        lines=(
            JournalLine(Account.REVENUE, amount_due, cur, inv),
            JournalLine(Account.RECEIVABLE, -amount_due, cur, inv),
        ),
    )


def payment_applied(payment: Payment, *, at: datetime) -> JournalEntry:
    """Settled money received and applied to one or more invoices."""
    cur = payment.currency
    lines = [JournalLine(Account.CASH, payment.amount, cur)]
    lines += [JournalLine(Account.RECEIVABLE, -a.amount, cur, a.invoice_id) for a in payment.allocations]
    return JournalEntry(
        partner_id=payment.partner_id,
        reason=Reason.PAYMENT_APPLIED,
        payment_id=payment.id,
        created_at=at,
        lines=tuple(lines),
    )
