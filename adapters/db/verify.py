"""Whole-ledger verification: the database aggregates, domain/ledger/verify.py judges."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import except_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.insights_rollup import FIGURES, rebuilt
from adapters.db.tables import (
    AllocationRow,
    InvoiceLineRow,
    InvoiceRow,
    JournalEntryRow,
    JournalLineRow,
    PaymentRow,
    RefundRow,
)
from adapters.processors.sandbox.tables import SandboxChargeRow
from domain.invoices.model import InvoiceStatus
from domain.ledger import verify
from domain.ledger.balances import AccountSums
from domain.ledger.model import Account, Reason
from domain.payments.model import OFFLINE_METHODS, MethodType
from domain.refunds.model import RefundKind, RefundStatus

BATCH = 5000
Progress = Callable[[int], None]


def _pairs(rows: Any) -> dict[str, int]:
    return {str(key): int(value) for key, value in rows if key is not None}


async def count_subjects(session: AsyncSession) -> int:
    invoices = await session.scalar(select(func.count()).select_from(InvoiceRow)) or 0
    payments = await session.scalar(select(func.count()).select_from(PaymentRow)) or 0
    return int(invoices) + int(payments)


async def verify_ledger(session: AsyncSession, progress: Progress | None = None) -> list[verify.Violation]:
    advance = progress or (lambda _n: None)
    out: list[verify.Violation] = []
    out += await _entries(session)
    out += await _grand_totals(session)
    out += await _invoices(session, advance)
    out += await _payments(session, advance)
    out += await _rollup(session)
    return out


async def _entries(session: AsyncSession) -> list[verify.Violation]:
    rows = await session.execute(
        select(JournalLineRow.entry_id, JournalLineRow.currency, func.sum(JournalLineRow.amount), func.count())
        .group_by(JournalLineRow.entry_id, JournalLineRow.currency)
        .having((func.sum(JournalLineRow.amount) != 0) | (func.count() < 2))
    )
    sums = [verify.EntrySum(e, c, int(t), int(n)) for e, c, t, n in rows]
    empty = await session.scalars(
        select(JournalEntryRow.id).where(
            ~select(JournalLineRow.id).where(JournalLineRow.entry_id == JournalEntryRow.id).exists()
        )
    )
    sums += [verify.EntrySum(entry_id, "-", 0, 0) for entry_id in empty]
    return verify.check_entries(sums)


async def _grand_totals(session: AsyncSession) -> list[verify.Violation]:
    rows = await session.execute(
        select(JournalLineRow.currency, func.sum(JournalLineRow.amount)).group_by(JournalLineRow.currency)
    )
    return verify.check_grand_totals({c: int(t) for c, t in rows})


async def _batches(session: AsyncSession, *columns: Any) -> AsyncIterator[tuple[list[str], list[Any]]]:
    """Rows in id order, BATCH at a time (keyset), with their ids; the first column must be the id."""
    id_column = columns[0]
    after = ""
    while True:
        rows = list(await session.execute(select(*columns).where(id_column > after).order_by(id_column).limit(BATCH)))
        if not rows:
            return
        ids = [row[0] for row in rows]
        after = ids[-1]
        yield ids, rows


async def _invoices(session: AsyncSession, advance: Progress) -> list[verify.Violation]:
    out: list[verify.Violation] = []
    async for ids, invoices in _batches(session, InvoiceRow.id, InvoiceRow.status, InvoiceRow.total):
        line_totals: dict[str, int] = _pairs(
            (
                await session.execute(
                    select(InvoiceLineRow.invoice_id, func.sum(InvoiceLineRow.amount))
                    .where(InvoiceLineRow.invoice_id.in_(ids))
                    .group_by(InvoiceLineRow.invoice_id)
                )
            ).all()
        )
        sums: dict[str, dict[str, int]] = defaultdict(dict)
        for invoice_id, account, total in await session.execute(
            select(JournalLineRow.invoice_id, JournalLineRow.account, func.sum(JournalLineRow.amount))
            .where(JournalLineRow.invoice_id.in_(ids))
            .group_by(JournalLineRow.invoice_id, JournalLineRow.account)
        ):
            if invoice_id is not None:
                sums[invoice_id][account] = int(total)
        for invoice_id, status, total in invoices:
            s = sums.get(invoice_id, {})
            out += verify.check_invoice(
                verify.InvoiceFacts(
                    invoice_id=invoice_id,
                    status=InvoiceStatus(status),
                    total=int(total),
                    lines_total=int(line_totals.get(invoice_id, 0)),
                    sums=AccountSums.from_totals(s),
                )
            )
        advance(len(invoices))
    return out


async def _payments(session: AsyncSession, advance: Progress) -> list[verify.Violation]:
    out: list[verify.Violation] = []
    columns = (PaymentRow.id, PaymentRow.status, PaymentRow.method, PaymentRow.amount, PaymentRow.fee)
    async for ids, payments in _batches(session, *columns):
        allocated = _pairs(
            await session.execute(
                select(AllocationRow.payment_id, func.sum(AllocationRow.amount))
                .where(AllocationRow.payment_id.in_(ids))
                .group_by(AllocationRow.payment_id)
            )
        )
        by_account: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for payment_id, reason, account, total in await session.execute(
            select(
                JournalEntryRow.payment_id,
                JournalEntryRow.reason,
                JournalLineRow.account,
                func.sum(JournalLineRow.amount),
            )
            .join(JournalLineRow, JournalLineRow.entry_id == JournalEntryRow.id)
            .where(JournalEntryRow.payment_id.in_(ids))
            .group_by(JournalEntryRow.payment_id, JournalEntryRow.reason, JournalLineRow.account)
        ):
            books = by_account[str(payment_id)]
            books[account] += int(total)
            if reason == Reason.PAYMENT_SETTLED.value and account == Account.CASH.value:
                books["settled_cash"] += int(total)
        refunded = _pairs(
            await session.execute(
                select(RefundRow.payment_id, func.sum(RefundRow.amount))
                .where(
                    RefundRow.payment_id.in_(ids),
                    RefundRow.kind == RefundKind.REFUND.value,
                    RefundRow.status == RefundStatus.SUCCEEDED.value,
                )
                .group_by(RefundRow.payment_id)
            )
        )
        for payment_id, status, method, amount, fee in payments:
            books = by_account.get(payment_id, {})
            receivable = books.get(Account.RECEIVABLE.value, 0)
            pending = books.get(Account.PENDING.value, 0)
            out += verify.check_payment_books(
                verify.PaymentBooks(
                    payment_id=payment_id,
                    status=status,
                    offline=MethodType(method) in OFFLINE_METHODS,
                    amount=int(amount),
                    fee=int(fee),
                    allocations=int(allocated.get(payment_id, 0)),
                    pending=pending,
                    applied=-receivable,
                    settled_cash=books.get("settled_cash", 0),
                    refunds_succeeded=int(refunded.get(payment_id, 0)),
                    refunds_ledger=books.get(Account.REFUNDS.value, 0),
                )
            )
        advance(len(payments))
    out += await _processor_captures(session)
    return out


async def _processor_captures(session: AsyncSession) -> list[verify.Violation]:
    """Every charge the sandbox captured is a captured payment of ours, for the same amount."""
    out: list[verify.Violation] = []
    rows = await session.execute(
        select(SandboxChargeRow.id, SandboxChargeRow.amount, PaymentRow.status, PaymentRow.amount)
        .outerjoin(
            PaymentRow,
            (PaymentRow.processor == "sandbox") & (PaymentRow.processor_payment_id == SandboxChargeRow.id),
        )
        .where(SandboxChargeRow.status == "succeeded")
    )
    for charge_id, charge_amount, status, amount in rows:
        out += verify.check_processor_capture(
            charge_id, int(charge_amount), status, None if amount is None else int(amount)
        )
    return out


async def _rollup(session: AsyncSession) -> list[verify.Violation]:
    """The insights rollup holds what the migration's backfill computes from the journal: per table, the rows on one
    side and not the other (EXCEPT both ways, in the database), rows whose figures are all zero left out."""
    out: list[verify.Violation] = []
    for table, select_journal in rebuilt(session.get_bind().dialect.name):
        figures = FIGURES[table.name]
        keys = ["partner_id", *(c.name for c in table.primary_key.columns if c.name != "partner_id")]
        names = [*keys, *figures]
        journal = select_journal.subquery(f"journal_{table.name}")
        kept, journal_rows = _rows(table, names, figures), _rows(journal, names, figures)
        found: list[dict[verify.RollupKey, verify.Figures]] = []
        for ours, theirs in ((kept, journal_rows), (journal_rows, kept)):
            only = except_(ours, theirs).subquery("only")
            found.append(
                {
                    tuple(str(v) for v in row[: len(keys)]): tuple(
                        zip(figures, map(_plain, row[len(keys) :]), strict=True)
                    )
                    for row in await session.execute(select(only))
                }
            )
        out += verify.check_rollup(table.name, found[0], found[1])
    return out


def _rows(source: Any, names: list[str], figures: tuple[str, ...]) -> Any:
    """The named columns of `source`, rows whose figures are all zero (or NULL) left out."""
    nonzero = [source.c[n].is_not(None) if n == "paid_day" else source.c[n] != 0 for n in figures]
    return select(*(source.c[n] for n in names)).where(or_(*nonzero))


def _plain(value: Any) -> Any:
    """PostgreSQL sums integers as numeric: shown as the integers they are."""
    return int(value) if isinstance(value, Decimal) else value
