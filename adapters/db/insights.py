"""Insights read from the rollup the journal writes keep (adapters/db/insights_rollup.py): sums per day of entry
creation, so any past date reads what was known at its end by summing the days up to it. Each statement reads
rows per day (and due date, method or paid day), never per ledger line: a few thousand rows whatever the size of
the journal. The same SQL on SQLite and PostgreSQL (buckets and periods are compared with bound dates)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import ColumnElement, case, func, literal, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.insights_rollup import FLOWS, INVOICE_DAYS, NO_METHOD, PAID
from adapters.db.tables import CustomerRow, InvoiceRow, core
from domain.insights.model import Aging, Bucket, due_date_floors

_INVOICES = core(InvoiceRow)
_CURRENCIES = text(
    """
    WITH RECURSIVE held(currency) AS (
        SELECT MIN(currency) FROM invoices WHERE partner_id = :partner
        UNION ALL
        SELECT (SELECT MIN(i.currency) FROM invoices i WHERE i.partner_id = :partner AND i.currency > held.currency)
        FROM held WHERE held.currency IS NOT NULL
    )
    SELECT currency FROM held
    """
)


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
class OwedInvoice:
    """An invoice with something owed at the end of a day, and how much (what the aging counts)."""

    invoice_id: str
    number: str
    customer_id: str
    currency: str
    due_date: date
    amount_due: int


@dataclass(frozen=True, slots=True)
class Flows:
    """Per segment (see domain.insights.model.segment_of): receivable + pending movements, net sales, and
    collections by payment method."""

    receivables: list[int]
    sales: list[int]
    collected: list[dict[str, int]]


def _day(edge: datetime) -> date:
    """The first day an edge leaves out: edges are midnights UTC (domain.insights.model.cutoff), which the
    rollup's days fall between."""
    if edge.astimezone(UTC).time() != time():
        raise ValueError(f"insights cut at midnight UTC, not at {edge.isoformat()}")
    return edge.astimezone(UTC).date()


def _bucket(due_date: ColumnElement[date], as_of: date) -> ColumnElement[str]:
    whens = [(due_date >= floor, literal(b.value)) for b, floor in due_date_floors(as_of) if floor]
    return case(*whens, else_=literal(Bucket.OVER_90.value)).label("bucket")


class SqlInsights:
    def __init__(self, session: AsyncSession, partner_id: str) -> None:
        self.session = session
        self.partner_id = partner_id

    def _flows(self, currency: str) -> list[ColumnElement[bool]]:
        return [FLOWS.c.partner_id == self.partner_id, FLOWS.c.currency == currency]

    async def currencies(self) -> list[str]:
        """The currencies of the partner's invoices (drafts too), one index probe each: a recursive walk that
        asks ix_invoices_partner_id_currency for the next currency after the last, where a DISTINCT would read
        every invoice."""
        rows = await self.session.scalars(_CURRENCIES, {"partner": self.partner_id})
        return sorted(c for c in rows if c is not None)

    async def position(self, currency: str, as_of: date) -> Position:
        """Aging by due date and pending, as known at the end of `as_of`: the days up to it."""
        bucket = _bucket(FLOWS.c.due_date, as_of)
        stmt = (
            select(bucket, func.sum(FLOWS.c.receivable), func.sum(FLOWS.c.pending))
            .where(*self._flows(currency), FLOWS.c.day <= as_of)
            .group_by(bucket)
        )
        rows = (await self.session.execute(stmt)).all()
        aging = Aging({Bucket(b): int(a) for b, a, _ in rows if a})
        return Position(aging, sum(int(p or 0) for _, _, p in rows))

    async def aging_by_customer(
        self, currency: str, as_of: date, *, before_customer: str | None, limit: int
    ) -> tuple[list[CustomerAging], bool]:
        """Customers with something outstanding, newest first, `limit` at a time after the keyset cursor. Walks
        the invoices by customer, newest first (ix_invoices_partner_id_customer_id_id), and each invoice's days
        (their primary key), so a page reads about its own customers' rows."""
        d, i = INVOICE_DAYS.c, _INVOICES.c
        joined = _INVOICES.join(INVOICE_DAYS, d.invoice_id == i.id)
        where = [
            i.partner_id == self.partner_id,
            d.partner_id == self.partner_id,
            d.currency == currency,
            d.day <= as_of,
        ]
        if before_customer is not None:
            where.append(i.customer_id < before_customer)
        page = (
            select(i.customer_id)
            .select_from(joined)
            .where(*where)
            .group_by(i.customer_id)
            .having(func.sum(d.receivable) != 0)
            .order_by(i.customer_id.desc())
            .limit(limit + 1)
            .cte("page")
        )
        # One statement: the page's customers, then their invoices' days by bucket (a list of ids bound instead of
        # the CTE let PostgreSQL hash-join every invoice day of the partner).
        bucket = _bucket(i.due_date, as_of)
        rows = (
            await self.session.execute(
                select(i.customer_id, bucket, func.sum(d.receivable))
                .select_from(joined.join(page, page.c.customer_id == i.customer_id))
                .where(*where)
                .group_by(i.customer_id, bucket)
            )
        ).all()
        found = sorted({customer_id for customer_id, _, _ in rows}, reverse=True)
        has_more = len(found) > limit
        ids = found[:limit]
        if not ids:
            return [], False
        names = dict(
            (
                await self.session.execute(
                    select(CustomerRow.id, CustomerRow.name).where(
                        CustomerRow.partner_id == self.partner_id, CustomerRow.id.in_(ids)
                    )
                )
            ).all()
        )
        amounts: dict[str, dict[Bucket, int]] = {c: {} for c in ids}
        for customer_id, b, amount in rows:
            if amount and customer_id in amounts:
                amounts[customer_id][Bucket(b)] = int(amount)
        return [CustomerAging(c, names.get(c, ""), Aging(amounts[c])) for c in ids], has_more

    async def flows(self, currency: str, edges: Sequence[datetime], *, since: datetime | None = None) -> Flows:
        """Sums per segment between `edges` (sorted midnights); entries from the last edge on are left out, and
        those before `since`, when given (the first segment then starts there)."""
        days = [_day(edge) for edge in edges]
        segment = case(
            *[(FLOWS.c.day < day, literal(i)) for i, day in enumerate(days)], else_=literal(len(days))
        ).label("segment")
        conditions = [*self._flows(currency), FLOWS.c.day < days[-1]]
        if since is not None:
            conditions.append(FLOWS.c.day >= _day(since))
        stmt = (
            select(
                segment,
                FLOWS.c.method,
                func.sum(FLOWS.c.receivable + FLOWS.c.pending),
                func.sum(-FLOWS.c.revenue),
                func.sum(FLOWS.c.collected),
            )
            .where(*conditions)
            .group_by(segment, FLOWS.c.method)
        )
        n = len(edges)
        out = Flows([0] * n, [0] * n, [{} for _ in range(n)])
        for seg, method, receivables, sales, collected in (await self.session.execute(stmt)).all():
            out.receivables[seg] += int(receivables or 0)
            out.sales[seg] += int(sales or 0)
            if method != NO_METHOD and collected:
                by_method = out.collected[seg]
                by_method[method] = by_method.get(method, 0) + int(collected)
        return out

    async def paid_spans(self, currency: str, since: datetime, before: datetime) -> list[tuple[int, int]]:
        """(days from issue to full payment, invoices) for the invoices that stood fully paid just before
        `before`, their last payment on or after `since` (voided or written-off ones aside): the paid-state
        changes up to then, per paid day and issue date."""
        count = func.sum(PAID.c.invoices)
        stmt = (
            select(PAID.c.paid_day, PAID.c.issue_date, count)
            .where(
                PAID.c.partner_id == self.partner_id,
                PAID.c.currency == currency,
                PAID.c.paid_day >= _day(since),
                PAID.c.day < _day(before),
            )
            .group_by(PAID.c.paid_day, PAID.c.issue_date)
            .having(count != 0)
        )
        rows = (await self.session.execute(stmt)).all()
        return [((paid - issued).days, int(n)) for paid, issued, n in rows]

    async def owed_invoices(
        self,
        as_of: date,
        *,
        currency: str | None,
        customer_id: str | None,
        before_invoice: str | None,
        limit: int,
    ) -> list[OwedInvoice]:
        """The invoices the aging counts at the end of `as_of` (what was owed on them then), newest first, `limit`
        at a time after the keyset cursor: each invoice's rollup days up to `as_of`, not today's balance."""
        d, i = INVOICE_DAYS.c, _INVOICES.c
        where = [i.partner_id == self.partner_id, d.partner_id == self.partner_id, d.day <= as_of]
        if currency is not None:
            where.append(d.currency == currency)
        if customer_id is not None:
            where.append(i.customer_id == customer_id)
        if before_invoice is not None:
            where.append(i.id < before_invoice)
        owed = func.sum(d.receivable)
        stmt = (
            select(i.id, i.number, i.customer_id, d.currency, i.due_date, owed)
            .select_from(_INVOICES.join(INVOICE_DAYS, d.invoice_id == i.id))
            .where(*where)
            .group_by(i.id, i.number, i.customer_id, d.currency, i.due_date)
            .having(owed != 0)
            .order_by(i.id.desc())
            .limit(limit)
        )
        rows = (await self.session.execute(stmt)).all()
        return [OwedInvoice(r[0], r[1], r[2], r[3], r[4], int(r[5])) for r in rows]
