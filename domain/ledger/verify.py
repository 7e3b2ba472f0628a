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
    if min(balance.amount_due, balance.amount_pending, balance.amount_paid, balance.amount_written_off) < 0:
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


# Statuses in which a payment's allocations are applied to its invoices (pending or paid), and those in which the
# money was captured at some point.
_APPLIED = {"processing", "pending", "succeeded", "settled", "partially_refunded", "refunded"}
_RELEASED = {"failed", "canceled", "returned"}
_CAPTURED = {"succeeded", "settled", "partially_refunded", "refunded", "disputed"}


@dataclass(frozen=True, slots=True)
class PaymentBooks:
    """What the payment row says beside what its ledger entries and refund rows add up to."""

    payment_id: str
    status: str
    offline: bool
    amount: int
    fee: int
    allocations: int
    pending: int  # sum of its per-invoice pending lines
    applied: int  # net credit to its invoices' receivable: what they count as received or on the way
    settled_cash: int  # cash its payment_settled entries brought in
    refunds_succeeded: int  # refund rows (kind refund) that succeeded
    refunds_ledger: int  # debit to the refunds account


def check_payment_books(b: PaymentBooks) -> list[Violation]:
    out: list[Violation] = []
    pid = b.payment_id
    if b.allocations + b.fee != b.amount:
        out.append(Violation("allocation_mismatch", pid, f"allocations {b.allocations} + fee {b.fee} != {b.amount}"))
    if b.offline:
        expected_applied = 0 if b.status == "canceled" else b.allocations
        if b.applied != expected_applied:
            out.append(Violation("payment_mismatch", pid, f"allocations {expected_applied}, applied {b.applied}"))
    else:
        in_flight = b.status in {"processing", "pending"}
        if b.pending != (b.allocations if in_flight else 0):
            out.append(Violation("pending_mismatch", pid, f"{b.status} payment with {b.pending} pending"))
        if b.status in _APPLIED and b.applied != b.allocations:
            out.append(
                Violation("payment_mismatch", pid, f"{b.status}: allocations {b.allocations}, applied {b.applied}")
            )
        if b.status in _RELEASED and b.applied != 0:
            out.append(Violation("payment_mismatch", pid, f"{b.status} payment still applies {b.applied}"))
        if b.status == "disputed" and not 0 <= b.applied <= b.allocations:
            out.append(Violation("payment_mismatch", pid, f"disputed payment applies {b.applied}"))
        captured = b.status in _CAPTURED
        if captured and b.settled_cash != b.amount:
            out.append(Violation("capture_mismatch", pid, f"{b.status} for {b.amount}, captured {b.settled_cash}"))
        if b.status in {"processing", "pending", "failed", "canceled"} and b.settled_cash != 0:
            out.append(Violation("capture_mismatch", pid, f"{b.status} payment has {b.settled_cash} captured"))
    if b.refunds_succeeded > b.amount:
        out.append(Violation("over_refunded", pid, f"refunded {b.refunds_succeeded} of {b.amount}"))
    if b.refunds_ledger != b.refunds_succeeded:
        out.append(Violation("refund_mismatch", pid, f"refund rows {b.refunds_succeeded}, ledger {b.refunds_ledger}"))
    return out


def check_processor_capture(
    charge_id: str, charge_amount: int, payment_status: str | None, amount: int | None
) -> list[Violation]:
    """A charge the processor captured must be a captured payment of ours, for the same amount."""
    if payment_status is None or amount is None:
        return [Violation("capture_without_payment", charge_id, f"processor captured {charge_amount}")]
    if payment_status not in _CAPTURED | {"returned"} or amount != charge_amount:
        return [
            Violation("capture_mismatch", charge_id, f"processor {charge_amount}, payment {payment_status} {amount}")
        ]
    return []


RollupKey = tuple[str, ...]  # the partner, then the rest of the row's key, as text
Figures = tuple[tuple[str, object], ...]  # (column, value) past the key


def check_rollup(table: str, kept: dict[RollupKey, Figures], journal: dict[RollupKey, Figures]) -> list[Violation]:
    """The rows of one insights rollup table that differ from what the journal gives, given only the rows found
    on one side and not the other (kept rows the journal does not give, rows the journal gives that are not kept)."""
    out: list[Violation] = []
    for key in sorted(kept.keys() | journal.keys()):
        partner, rest = key[0], "/".join(key[1:])
        subject = f"{partner} {table} {rest}"
        ours, theirs = kept.get(key), journal.get(key)
        if ours is None:
            out.append(Violation("rollup_missing", subject, f"the journal gives {_figures(theirs)}; no row kept"))
        elif theirs is None:
            out.append(Violation("rollup_extra", subject, f"kept {_figures(ours)}; the journal gives nothing"))
        else:
            out.append(
                Violation("rollup_mismatch", subject, f"kept {_figures(ours)}, the journal gives {_figures(theirs)}")
            )
    return out


def _figures(figures: Figures | None) -> str:
    return ", ".join(f"{name} {value}" for name, value in figures or ())
