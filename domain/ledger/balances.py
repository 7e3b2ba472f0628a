"""Invoice figures derived from ledger lines: paid, pending and due are never stored on their own."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from domain.ledger.model import Account, JournalLine


@dataclass(frozen=True, slots=True)
class InvoiceBalance:
    total: int
    amount_paid: int
    amount_pending: int
    amount_due: int
    amount_written_off: int = 0  # given up as bad debt: neither paid nor due

    def applying(self, settled: int) -> InvoiceBalance:
        """The figures once `settled` more has been received and applied."""
        return replace(self, amount_paid=self.amount_paid + settled, amount_due=self.amount_due - settled)

    def reserving(self, pending: int) -> InvoiceBalance:
        """The figures once `pending` more is on its way (a processor payment not yet settled)."""
        return replace(self, amount_pending=self.amount_pending + pending, amount_due=self.amount_due - pending)

    @classmethod
    def unissued(cls, total: int) -> InvoiceBalance:
        """A draft: nothing is owed yet, though the lines add up to `total`."""
        return cls(total=total, amount_paid=0, amount_pending=0, amount_due=total)


@dataclass(frozen=True, slots=True)
class AccountSums:
    """Per-invoice sums of the per-invoice accounts (signed: debit > 0)."""

    receivable: int = 0
    pending: int = 0
    revenue: int = 0
    written_off: int = 0  # write_off lines that name the invoice (debit)

    @classmethod
    def of(cls, lines: Iterable[JournalLine], invoice_id: str) -> AccountSums:
        receivable = pending = revenue = written_off = 0
        for line in lines:
            if line.invoice_id != invoice_id:
                continue
            if line.account is Account.RECEIVABLE:
                receivable += line.amount
            elif line.account is Account.PENDING:
                pending += line.amount
            elif line.account is Account.REVENUE:
                revenue += line.amount
            elif line.account is Account.WRITE_OFF:
                written_off += line.amount
        return cls(receivable, pending, revenue, written_off)

    @classmethod
    def from_totals(cls, totals: dict[str, int]) -> AccountSums:
        """From {account name: signed sum}, as the database groups them."""
        return cls(
            receivable=totals.get(Account.RECEIVABLE.value, 0),
            pending=totals.get(Account.PENDING.value, 0),
            revenue=totals.get(Account.REVENUE.value, 0),
            written_off=totals.get(Account.WRITE_OFF.value, 0),
        )

    def billed(self) -> int:
        return -self.revenue


def balance_of(total: int, sums: AccountSums) -> InvoiceBalance:
    """Figures for an issued invoice. `billed` shrinks only when the invoice is voided; what was written off is
    billed but neither paid nor due."""
    due = sums.receivable
    pending = sums.pending
    written_off = sums.written_off
    paid = sums.billed() - due - pending - written_off
    return InvoiceBalance(
        total=total, amount_paid=paid, amount_pending=pending, amount_due=due, amount_written_off=written_off
    )
