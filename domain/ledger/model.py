"""Journal entries and lines. Debits are positive, credits negative; every entry sums to zero per currency."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from domain.errors import UnbalancedEntry
from domain.ids import new_id
from domain.money import CURRENCIES


class Account(StrEnum):
    """Ledger accounts. Per-invoice accounts carry the invoice id on their lines."""

    RECEIVABLE = "receivable"  # per invoice: what the customer still owes (debit balance = amount_due)
    PENDING = "pending"  # per invoice: money on its way from the customer, not settled (amount_pending)
    REVENUE = "revenue"  # per invoice: what was billed (credit balance = invoice total while issued)
    CASH = "cash"  # settled money received (processor or bank clearing, or offline deposits)
    PENDING_CLEARING = "pending_clearing"  # bank debits submitted but not settled
    FEES = "fees"  # the partner's costs: bank return fees, dispute fees
    SURCHARGE = "surcharge"  # card fees the customer paid on top of the invoices
    REFUNDS = "refunds"  # money sent back to customers
    DISPUTES = "disputes"  # funds the card network holds while a dispute is open
    WRITE_OFF = "write_off"  # receivables given up; an invoice's write-off names it (amount_written_off)


PER_INVOICE_ACCOUNTS = frozenset({Account.RECEIVABLE, Account.PENDING, Account.REVENUE})


class Reason(StrEnum):
    """Why an entry exists (documented in docs/decisions/0003-ledger.md)."""

    INVOICE_ISSUED = "invoice_issued"
    INVOICE_VOIDED = "invoice_voided"
    INVOICE_WRITTEN_OFF = "invoice_written_off"
    PAYMENT_APPLIED = "payment_applied"
    PAYMENT_PENDING = "payment_pending"
    PAYMENT_SETTLED = "payment_settled"
    PAYMENT_RETURNED = "payment_returned"
    PAYMENT_REVERSED = "payment_reversed"
    PAYMENT_FAILED = "payment_failed"
    PAYMENT_CANCELED = "payment_canceled"
    FEE_CHARGED = "fee_charged"
    REFUND_ISSUED = "refund_issued"
    DISPUTE_OPENED = "dispute_opened"
    DISPUTE_WON = "dispute_won"
    DISPUTE_LOST = "dispute_lost"


@dataclass(frozen=True, slots=True)
class JournalLine:
    account: Account
    amount: int  # signed minor units: debit > 0, credit < 0
    currency: str
    invoice_id: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, int) or self.amount == 0:
            raise UnbalancedEntry("A journal line needs a non-zero integer amount.")
        if self.currency not in CURRENCIES:
            raise UnbalancedEntry(f"Unknown currency '{self.currency}' on a journal line.")
        if self.account in PER_INVOICE_ACCOUNTS and self.invoice_id is None:
            raise UnbalancedEntry(f"Account '{self.account}' needs an invoice id.")


@dataclass(frozen=True, slots=True)
class JournalEntry:
    partner_id: str
    reason: Reason
    lines: tuple[JournalLine, ...]
    created_at: datetime
    payment_id: str | None = None
    invoice_id: str | None = None
    reverses_entry_id: str | None = None
    id: str = field(default_factory=lambda: new_id("je"))

    def __post_init__(self) -> None:
        if len(self.lines) < 2:
            raise UnbalancedEntry("A journal entry needs at least two lines.")
        sums: dict[str, int] = defaultdict(int)
        for line in self.lines:
            sums[line.currency] += line.amount
        unbalanced = {cur: total for cur, total in sums.items() if total != 0}
        if unbalanced:
            raise UnbalancedEntry(f"Journal entry does not balance: {unbalanced}.")

    def reversal(self, *, reason: Reason, at: datetime) -> JournalEntry:
        """The correcting entry: the same lines with opposite signs."""
        return JournalEntry(
            partner_id=self.partner_id,
            reason=reason,
            lines=tuple(JournalLine(ln.account, -ln.amount, ln.currency, ln.invoice_id) for ln in self.lines),
            created_at=at,
            payment_id=self.payment_id,
            invoice_id=self.invoice_id,
            reverses_entry_id=self.id,
        )
