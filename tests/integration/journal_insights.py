"""The insights recomputed straight from the journal lines: the statements the insights ran before the rollup
(adapters/db/insights_rollup.py), kept as the reference the rollup is tested against. Sums of ledger lines, each
cut at the instant its entry was created. They scan the whole journal, so they serve tests only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, literal_column, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.tables import CustomerRow, InvoiceRow, JournalEntryRow, JournalLineRow, PaymentRow
from domain.insights.model import Aging, Bucket, due_date_floors
from domain.ledger.model import Account, Reason

_OPEN = (Account.RECEIVABLE.value, Account.PENDING.value)
# Money received and applied to invoices (net of debits that came back): its invoice-side lines, sign flipped.
_BUCKET: ColumnElement[str] = literal_column("bucket")  # grouped by its name: the CASE carries bound dates
COLLECTING = (Reason.PAYMENT_APPLIED.value, Reason.PAYMENT_SETTLED.value, Reason.PAYMENT_RETURNED.value)
PAID = (Reason.PAYMENT_APPLIED.value, Reason.PAYMENT_SETTLED.value)


@dataclass(frozen=True, slots=True)
class Position:
    aging: Aging
    pending: int


@dataclass(frozen=True, slots=True)
class CustomerAging:
    customer_id: str
    name: str
    aging: Aging


@dataclass(frozen=True, slots=True)
class Flows:
    """Per segment (see domain.insights.model.segment_of): receivable + pending movements, net sales, and
    collections by payment method."""

    receivables: list[int]
    sales: list[int]
    collected: list[dict[str, int]]


class SqlInsights:
    def __init__(self, session: AsyncSession, partner_id: str) -> None:
        self.session = session
        self.partner_id = partner_id

    async def tune(self) -> None:
        """On PostgreSQL, for this transaction only: no JIT (compiling these one-off aggregates cost more than a
        second of a 5 s statement at 1M invoices) and room to sort and hash per invoice in memory rather than
        on disk. SQLite has neither."""
        if self.session.get_bind().dialect.name == "postgresql":
            await self.session.execute(text("SET LOCAL jit = off"))
            await self.session.execute(text("SET LOCAL work_mem = '64MB'"))

    def _lines(self, currency: str, before: datetime) -> list[ColumnElement[bool]]:
        return [
            JournalLineRow.partner_id == self.partner_id,
            JournalLineRow.currency == currency,
            JournalEntryRow.id == JournalLineRow.entry_id,
            JournalEntryRow.partner_id == self.partner_id,
            JournalEntryRow.created_at < before,
        ]

    async def currencies(self) -> list[str]:
        rows = await self.session.scalars(
            select(InvoiceRow.currency).where(InvoiceRow.partner_id == self.partner_id).distinct()
        )
        return sorted(rows)

    def _bucket(self, as_of: date) -> ColumnElement[str]:
        whens = [(InvoiceRow.due_date >= floor, literal(b.value)) for b, floor in due_date_floors(as_of) if floor]
        return case(*whens, else_=literal(Bucket.OVER_90.value))

    def _aging_select(self, currency: str, as_of: date, before: datetime) -> Select[str, int]:
        bucket = self._bucket(as_of).label("bucket")
        return (
            select(bucket, func.sum(JournalLineRow.amount).label("amount"))
            .select_from(JournalLineRow)
            .join(JournalEntryRow, JournalEntryRow.id == JournalLineRow.entry_id)
            .join(InvoiceRow, InvoiceRow.id == JournalLineRow.invoice_id)
            .where(
                *self._lines(currency, before),
                InvoiceRow.partner_id == self.partner_id,
                JournalLineRow.account == Account.RECEIVABLE.value,
            )
        )

    async def position(self, currency: str, as_of: date, before: datetime) -> Position:
        rows = (await self.session.execute(self._aging_select(currency, as_of, before).group_by(_BUCKET))).all()
        aging = Aging({Bucket(b): int(a) for b, a in rows if a})
        pending = await self.session.scalar(
            select(func.coalesce(func.sum(JournalLineRow.amount), 0))
            .select_from(JournalLineRow)
            .join(JournalEntryRow, JournalEntryRow.id == JournalLineRow.entry_id)
            .where(*self._lines(currency, before), JournalLineRow.account == Account.PENDING.value)
        )
        return Position(aging, int(pending or 0))

    async def aging_by_customer(
        self, currency: str, as_of: date, before: datetime, *, before_customer: str | None, limit: int
    ) -> tuple[list[CustomerAging], bool]:
        """Customers with something outstanding, newest first, `limit` at a time after the keyset cursor."""
        stmt = self._aging_select(currency, as_of, before).add_columns(InvoiceRow.customer_id)
        if before_customer is not None:
            stmt = stmt.where(InvoiceRow.customer_id < before_customer)
        totals = stmt.group_by(InvoiceRow.customer_id, _BUCKET).subquery()
        page = (
            select(totals.c.customer_id)
            .group_by(totals.c.customer_id)
            .having(func.sum(totals.c.amount) != 0)
            .order_by(totals.c.customer_id.desc())
            .limit(limit + 1)
        )
        ids = list(await self.session.scalars(page))
        has_more = len(ids) > limit
        ids = ids[:limit]
        if not ids:
            return [], False
        rows = (
            await self.session.execute(
                stmt.where(InvoiceRow.customer_id.in_(ids)).group_by(InvoiceRow.customer_id, _BUCKET)
            )
        ).all()
        names = dict(
            (
                await self.session.execute(
                    select(CustomerRow.id, CustomerRow.name).where(
                        CustomerRow.partner_id == self.partner_id, CustomerRow.id.in_(ids)
                    )
                )
            ).all()
        )
        amounts: dict[str, dict[Bucket, int]] = {i: {} for i in ids}
        for bucket, amount, customer_id in rows:
            if amount:
                amounts[customer_id][Bucket(bucket)] = int(amount)
        return [CustomerAging(i, names.get(i, ""), Aging(amounts[i])) for i in ids], has_more

    async def flows(self, currency: str, edges: Sequence[datetime], *, since: datetime | None = None) -> Flows:
        """Sums per segment between `edges` (sorted); entries from the last edge on are left out, and those
        before `since`, when given (the first segment then starts there)."""
        segment = case(
            *[(JournalEntryRow.created_at < edge, literal(i)) for i, edge in enumerate(edges)],
            else_=literal(len(edges)),
        ).label("segment")
        amount = JournalLineRow.amount
        is_open = JournalLineRow.account.in_(_OPEN)
        conditions = list(self._lines(currency, edges[-1]))
        if since is not None:
            conditions.append(JournalEntryRow.created_at >= since)
        stmt = (
            select(
                segment,
                PaymentRow.method,
                func.sum(case((is_open, amount), else_=0)).label("receivables"),
                func.sum(case((JournalLineRow.account == Account.REVENUE.value, -amount), else_=0)).label("sales"),
                func.sum(case((and_(is_open, JournalEntryRow.reason.in_(COLLECTING)), -amount), else_=0)).label(
                    "collected"
                ),
            )
            .select_from(JournalLineRow)
            .join(JournalEntryRow, JournalEntryRow.id == JournalLineRow.entry_id)
            .outerjoin(
                PaymentRow, and_(PaymentRow.id == JournalEntryRow.payment_id, PaymentRow.partner_id == self.partner_id)
            )
            .where(*conditions, JournalLineRow.invoice_id.is_not(None))
            .group_by(segment, PaymentRow.method)
        )
        n = len(edges)
        out = Flows([0] * n, [0] * n, [{} for _ in range(n)])
        for seg, method, receivables, sales, collected in (await self.session.execute(stmt)).all():
            out.receivables[seg] += int(receivables or 0)
            out.sales[seg] += int(sales or 0)
            if method is not None and collected:
                by_method = out.collected[seg]
                by_method[method] = by_method.get(method, 0) + int(collected)
        return out

    async def paid_spans(self, currency: str, since: datetime, before: datetime) -> list[int]:
        """Days from issue to full payment of the invoices whose last payment (`since` <= it < `before`) left
        nothing receivable or pending, voided or written-off ones aside. One pass over the invoices' lines, grouped
        by invoice; only the invoices it keeps are joined for their issue date."""
        paid_at = func.max(case((JournalEntryRow.reason.in_(PAID), JournalEntryRow.created_at))).label("paid_at")
        settled = (
            select(JournalLineRow.invoice_id, paid_at)
            .select_from(JournalLineRow)
            .join(JournalEntryRow, JournalEntryRow.id == JournalLineRow.entry_id)
            .where(*self._lines(currency, before), JournalLineRow.invoice_id.is_not(None))
            .group_by(JournalLineRow.invoice_id)
            .having(
                and_(
                    func.sum(case((JournalLineRow.account.in_(_OPEN), JournalLineRow.amount), else_=0)) == 0,
                    func.sum(case((JournalEntryRow.reason == Reason.INVOICE_VOIDED.value, 1), else_=0)) == 0,
                    func.sum(case((JournalLineRow.account == Account.WRITE_OFF.value, 1), else_=0)) == 0,
                    paid_at >= since,
                )
            )
            .subquery()
        )
        stmt = select(InvoiceRow.issue_date, settled.c.paid_at).join(
            settled, and_(InvoiceRow.id == settled.c.invoice_id, InvoiceRow.partner_id == self.partner_id)
        )
        rows = (await self.session.execute(stmt)).all()
        return [(paid.date() - issued).days for issued, paid in rows]
