"""The ledger's invariants, checked over aggregates the database computes."""

from __future__ import annotations

from dataclasses import dataclass

from domain.invoices.model import ISSUED, InvoiceStatus, status_for
from domain.ledger.balances import AccountSums, balance_of


@dataclass(frozen=True, slots=True)
class EntrySum:
    entry_id: str
    currency: str
    total: int
    line_count: int


@dataclass(frozen=True, slots=True)
class InvoiceFacts:
    invoice_id: str
    status: InvoiceStatus
    total: int  # stored total
    lines_total: int  # recomputed from the invoice's lines
    sums: AccountSums


@dataclass(frozen=True, slots=True)
class PaymentFacts:
    payment_id: str
    amount: int  # sum of allocations
    applied: int  # net credit the ledger shows for this payment's receivable lines


@dataclass(frozen=True, slots=True)
class Violation:
    kind: str
    subject: str
    detail: str


def check_entries(sums: list[EntrySum]) -> list[Violation]:
    out = []
    for s in sums:
        if s.total != 0:
            out.append(Violation("unbalanced_entry", s.entry_id, f"{s.currency} lines sum to {s.total}"))
        if s.line_count < 2:
            out.append(Violation("short_entry", s.entry_id, f"only {s.line_count} line(s) in {s.currency}"))
    return out


def check_grand_totals(totals: dict[str, int]) -> list[Violation]:
    return [
        Violation("ledger_not_zero", currency, f"all lines sum to {total}")
        for currency, total in sorted(totals.items())
        if total != 0
    ]


def check_invoice(facts: InvoiceFacts) -> list[Violation]:
    out: list[Violation] = []
    inv = facts.invoice_id
    if facts.total != facts.lines_total:
        out.append(Violation("invoice_total_mismatch", inv, f"stored {facts.total}, lines {facts.lines_total}"))
    if facts.status is InvoiceStatus.DRAFT:
        if facts.sums != AccountSums():
            out.append(Violation("draft_has_entries", inv, "a draft has ledger lines"))
        return out
    balance = balance_of(facts.total, facts.sums)
    if min(balance.amount_due, balance.amount_pending, balance.amount_paid) < 0:
        out.append(Violation("negative_balance", inv, f"{balance}"))
    if balance.amount_paid > facts.total:
        out.append(Violation("overpaid", inv, f"paid {balance.amount_paid} of {facts.total}"))
    if facts.status in ISSUED:
        if facts.sums.billed() != facts.total:
            out.append(Violation("billed_mismatch", inv, f"billed {facts.sums.billed()}, total {facts.total}"))
        expected = status_for(balance)
        if expected is not facts.status:
            out.append(Violation("status_mismatch", inv, f"status {facts.status.value}, ledger says {expected.value}"))
    if facts.status is InvoiceStatus.VOID and balance.amount_due != 0:
        out.append(Violation("void_with_balance", inv, f"{balance.amount_due} still receivable"))
    return out


def check_payment(facts: PaymentFacts, *, canceled: bool) -> list[Violation]:
    expected = 0 if canceled else facts.amount
    if facts.applied != expected:
        return [
            Violation("payment_mismatch", facts.payment_id, f"allocations {expected}, ledger applied {facts.applied}")
        ]
    return []
