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
    return _invoice_entry(invoice, Reason.INVOICE_ISSUED, Account.RECEIVABLE, Account.REVENUE, invoice.total, at)


def invoice_voided(invoice: Invoice, amount_due: int, *, at: datetime) -> JournalEntry:
    """Take what is still receivable off the books."""
    return _invoice_entry(invoice, Reason.INVOICE_VOIDED, Account.REVENUE, Account.RECEIVABLE, amount_due, at)


def invoice_written_off(invoice: Invoice, amount: int, *, at: datetime) -> JournalEntry:
    """Bad debt: part or all of what is still receivable is given up. Revenue stays billed."""
    return _invoice_entry(invoice, Reason.INVOICE_WRITTEN_OFF, Account.WRITE_OFF, Account.RECEIVABLE, amount, at)


def _invoice_entry(
    invoice: Invoice, reason: Reason, debit: Account, credit: Account, amount: int, at: datetime
) -> JournalEntry:
    """One amount moved between two of the invoice's own accounts, both lines naming it."""
    cur, inv = invoice.currency, invoice.id
    return JournalEntry(
        partner_id=invoice.partner_id,
        reason=reason,
        invoice_id=inv,
        created_at=at,
        lines=(JournalLine(debit, amount, cur, inv), JournalLine(credit, -amount, cur, inv)),
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


def _entry(payment: Payment, reason: Reason, lines: list[JournalLine], at: datetime) -> JournalEntry:
    return JournalEntry(
        partner_id=payment.partner_id, reason=reason, payment_id=payment.id, created_at=at, lines=tuple(lines)
    )


def payment_pending(payment: Payment, *, at: datetime) -> JournalEntry:
    """A processor payment is on its way: each allocation moves from receivable to pending, so no other payment
    can take the same balance while the processor decides."""
    cur = payment.currency
    lines: list[JournalLine] = []
    for a in payment.allocations:
        lines += [JournalLine(Account.PENDING, a.amount, cur, a.invoice_id)]
        lines += [JournalLine(Account.RECEIVABLE, -a.amount, cur, a.invoice_id)]
    return _entry(payment, Reason.PAYMENT_PENDING, lines, at)


def payment_released(payment: Payment, reason: Reason, *, at: datetime) -> JournalEntry:
    """The pending money never arrived (declined, failed, canceled, returned before settling): owed again."""
    cur = payment.currency
    lines: list[JournalLine] = []
    for a in payment.allocations:
        lines += [JournalLine(Account.RECEIVABLE, a.amount, cur, a.invoice_id)]
        lines += [JournalLine(Account.PENDING, -a.amount, cur, a.invoice_id)]
    return _entry(payment, reason, lines, at)


def payment_settled(payment: Payment, *, at: datetime) -> JournalEntry:
    """The processor captured (card) or the bank settled (debit): pending becomes paid; the card fee is income."""
    cur = payment.currency
    lines = [JournalLine(Account.CASH, payment.amount, cur)]
    lines += [JournalLine(Account.PENDING, -a.amount, cur, a.invoice_id) for a in payment.allocations]
    if payment.fee:
        lines.append(JournalLine(Account.SURCHARGE, -payment.fee, cur))
    return _entry(payment, Reason.PAYMENT_SETTLED, lines, at)


def payment_returned(payment: Payment, *, at: datetime) -> JournalEntry:
    """A settled debit came back: the cash leaves and the invoices are owed again."""
    cur = payment.currency
    lines = [JournalLine(Account.CASH, -payment.amount, cur)]
    lines += [JournalLine(Account.RECEIVABLE, a.amount, cur, a.invoice_id) for a in payment.allocations]
    if payment.fee:
        lines.append(JournalLine(Account.SURCHARGE, payment.fee, cur))
    return _entry(payment, Reason.PAYMENT_RETURNED, lines, at)


def partner_fee(payment: Payment, amount: int, *, at: datetime) -> JournalEntry:
    """A cost the partner bears (bank return fee): it comes out of cash."""
    cur = payment.currency
    lines = [JournalLine(Account.FEES, amount, cur), JournalLine(Account.CASH, -amount, cur)]
    return _entry(payment, Reason.FEE_CHARGED, lines, at)


def refund_issued(payment: Payment, amount: int, *, at: datetime) -> JournalEntry:
    """Money sent back to the customer. The invoices stay paid: a refund is not a reopening."""
    cur = payment.currency
    lines = [JournalLine(Account.REFUNDS, amount, cur), JournalLine(Account.CASH, -amount, cur)]
    return _entry(payment, Reason.REFUND_ISSUED, lines, at)


def dispute_opened(payment: Payment, amount: int, fee: int, *, at: datetime) -> JournalEntry:
    """The network withdraws the disputed amount (held) and the dispute fee (a cost)."""
    cur = payment.currency
    lines = [JournalLine(Account.DISPUTES, amount, cur), JournalLine(Account.CASH, -amount, cur)]
    if fee:
        lines += [JournalLine(Account.FEES, fee, cur), JournalLine(Account.CASH, -fee, cur)]
    return _entry(payment, Reason.DISPUTE_OPENED, lines, at)


def dispute_won(opened: JournalEntry, *, at: datetime) -> JournalEntry:
    """The held funds and the fee come back: exactly the opening entry, reversed."""
    return opened.reversal(reason=Reason.DISPUTE_WON, at=at)


def dispute_lost(payment: Payment, amount: int, *, reopen: bool, at: datetime) -> JournalEntry:
    """The held funds are gone. Either the invoices are owed again (up to the disputed amount, in allocation
    order, the card fee last) or the loss is written off and the invoices stay paid."""
    cur = payment.currency
    lines = [JournalLine(Account.DISPUTES, -amount, cur)]
    if not reopen:
        lines.append(JournalLine(Account.WRITE_OFF, amount, cur))
        return _entry(payment, Reason.DISPUTE_LOST, lines, at)
    left = amount
    for a in payment.allocations:
        part = min(left, a.amount)
        if part:
            lines.append(JournalLine(Account.RECEIVABLE, part, cur, a.invoice_id))
        left -= part
    if left:
        lines.append(JournalLine(Account.SURCHARGE, left, cur))
    return _entry(payment, Reason.DISPUTE_LOST, lines, at)
