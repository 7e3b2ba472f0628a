"""The insights rollup: day-by-day sums of the journal, written by every journal write in its own transaction, so
the insights read a few thousand rows instead of every ledger line (adapters/db/insights.py).

Every insight cuts at midnight UTC after `as_of` (domain.insights.model.cutoff), so summing per day of creation
(UTC) loses nothing. Three tables:

* `insight_flows`: per day, due date of the invoice and payment method (collections only, '' otherwise), the
  receivable, pending and revenue lines and the money collected: aging, pending, sales and collections are sums
  of the days up to `as_of`.
* `insight_invoice_days`: per invoice and day, what moved (receivable, pending), the lines that close it without
  payment (void, write-off) and the last day it was paid. The per-customer aging sums them through the live
  invoice (so a customer merge moves them along).
* `insight_paid`: the changes of each invoice's "fully paid, last on `paid_day`" state, dated by the day they
  happen. The days-to-pay average as of a day sums the changes up to that day: it holds exactly the invoices paid
  then, even if a later return, void or write-off reopened them. When an entry touches an invoice, the changes it
  makes are recomputed from the invoice's days: those of the days with the entry's rows added in, less those of
  the days as they stand. Entries may arrive in any order of `created_at`.

Amounts only ever add up (`INSERT … ON CONFLICT DO UPDATE SET x = x + excluded.x`), so concurrent writers to the
same row lose nothing; the recomputation of paid states holds the invoices' rows (FOR NO KEY UPDATE, which the
journal lines' foreign-key checks do not wait for). SQLite sends the three writes one by one, paid-state changes
first; PostgreSQL as one statement (`Writes.in_one`). `backfill` rebuilds all three from the journal: the migration
that creates them runs it, and so do bulk loaders that COPY journal lines past the repository.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date
from functools import cache, cached_property
from typing import Any

from sqlalchemy import (
    Date,
    Executable,
    FromClause,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    case,
    cast,
    func,
    insert,
    literal_column,
    or_,
    select,
    true,
    type_coerce,
    union_all,
)
from sqlalchemy.sql.elements import ColumnElement

from adapters.db.tables import (
    InsightFlowRow,
    InsightInvoiceDayRow,
    InsightPaidRow,
    InvoiceRow,
    JournalEntryRow,
    JournalLineRow,
    PaymentRow,
    core,
)
from domain.ledger.model import Account, JournalEntry, Reason

FLOWS = core(InsightFlowRow)
INVOICE_DAYS = core(InsightInvoiceDayRow)
PAID = core(InsightPaidRow)
_LINES = core(JournalLineRow)
_ENTRIES = core(JournalEntryRow)
_INVOICES = core(InvoiceRow)
_PAYMENTS = core(PaymentRow)

# Money received and applied to invoices, net of debits that came back (the invoices' open lines, sign flipped).
COLLECTING = frozenset({Reason.PAYMENT_APPLIED, Reason.PAYMENT_SETTLED, Reason.PAYMENT_RETURNED})
# The entries that pay an invoice: the last of them dates its payment.
PAYING = frozenset({Reason.PAYMENT_APPLIED, Reason.PAYMENT_SETTLED})
_OPEN = (Account.RECEIVABLE.value, Account.PENDING.value)
_FLOWING = (Account.RECEIVABLE.value, Account.PENDING.value, Account.REVENUE.value)
NO_METHOD = ""


def _sum_of(account: Account, amount: ColumnElement[int] = _LINES.c.amount) -> ColumnElement[Any]:
    return func.sum(case((_LINES.c.account == account.value, amount), else_=0))


def _collected() -> ColumnElement[Any]:
    return func.sum(case((_LINES.c.account.in_(_OPEN), -_LINES.c.amount), else_=0))


_DAY_COLUMNS = [
    "invoice_id",
    "currency",
    "day",
    "partner_id",
    "receivable",
    "pending",
    "voids",
    "write_offs",
    "paid_day",
]


def _state_changes(days: FromClause, name: str, sign: int) -> list[Select[Any]]:
    """The paid-state changes of the invoices in `days` (rows shaped as insight_invoice_days), times `sign`.

    Running sums over each invoice's days give its state at the end of each day: paid (last on `paid_day`) when
    nothing is open, nothing voided or written off, and a payment came; a change is a day whose state differs
    from the day before, counted -1 for the state it leaves and +1 for the one it enters."""
    d = days.c
    by_invoice, by_day = [d.invoice_id, d.currency], d.day
    running = select(
        d.partner_id,
        d.currency,
        d.invoice_id,
        d.day,
        func.sum(d.receivable + d.pending).over(partition_by=by_invoice, order_by=by_day, rows=(None, 0)).label("open"),
        func.sum(d.voids + d.write_offs).over(partition_by=by_invoice, order_by=by_day, rows=(None, 0)).label("closed"),
        func.max(d.paid_day).over(partition_by=by_invoice, order_by=by_day, rows=(None, 0)).label("paid_day"),
    ).cte(f"{name}_running")
    r = running.c
    keyed = select(
        r.partner_id,
        r.currency,
        r.invoice_id,
        r.day,
        case((and_(r.open == 0, r.closed == 0), r.paid_day)).label("paid_day"),
    ).cte(f"{name}_keyed")
    k = keyed.c
    states = select(
        k.partner_id,
        k.currency,
        k.invoice_id,
        k.day,
        k.paid_day,
        func.lag(k.paid_day).over(partition_by=[k.invoice_id, k.currency], order_by=k.day).label("was"),
    ).cte(f"{name}_states")
    s = states.c
    gains = select(s.partner_id, s.currency, s.invoice_id, s.day, s.paid_day, literal_column(str(sign)).label("change"))
    gains = gains.where(s.paid_day.is_not(None), or_(s.was.is_(None), s.was != s.paid_day))
    losses = select(s.partner_id, s.currency, s.invoice_id, s.day, s.was, literal_column(str(-sign)))
    losses = losses.where(s.was.is_not(None), or_(s.paid_day.is_(None), s.paid_day != s.was))
    return [gains, losses]  # for one flat UNION ALL: SQLite takes no parenthesised compound selects


def _per_paid_day(changes: FromClause) -> Select[Any]:
    """Changes summed per (partner, currency, paid day, day, issue date): the rows of insight_paid."""
    c = changes.c
    total = func.sum(c.change)
    return (
        select(c.partner_id, c.currency, c.paid_day, c.day, _INVOICES.c.issue_date, total.label("invoices"))
        .select_from(changes.join(_INVOICES, _INVOICES.c.id == c.invoice_id))
        .where(true())  # SQLite reads ON CONFLICT after a join's ON as part of it without a WHERE
        .group_by(c.partner_id, c.currency, c.paid_day, c.day, _INVOICES.c.issue_date)
        .having(total != 0)
    )


def paid_changes() -> Select[Any]:
    """Every invoice's paid-state changes (the backfill)."""
    return _per_paid_day(union_all(*_state_changes(INVOICE_DAYS, "all", 1)).subquery("changes"))


_PAID_COLUMNS = ["partner_id", "currency", "paid_day", "day", "issue_date", "invoices"]


class Writes:
    """The statements one journal entry adds, built once per database's INSERT (for its ON CONFLICT)."""

    def __init__(self, dialect_insert: Callable[..., Any]) -> None:
        lines = _LINES.c
        entry = [lines.partner_id == bindparam("partner"), lines.entry_id == bindparam("entry")]
        day = bindparam("day", type_=Date)

        self.lock = (
            select(_INVOICES.c.id)
            .where(_INVOICES.c.partner_id == bindparam("partner"), _INVOICES.c.id.in_(bindparam("ids", expanding=True)))
            .order_by(_INVOICES.c.id)
            .with_for_update(key_share=True)
        )

        flows = dialect_insert(FLOWS).from_select(
            ["partner_id", "currency", "day", "due_date", "method", "receivable", "pending", "revenue", "collected"],
            select(
                lines.partner_id,
                lines.currency,
                day,
                _INVOICES.c.due_date,
                func.coalesce(
                    select(_PAYMENTS.c.method)
                    .where(_PAYMENTS.c.partner_id == bindparam("partner"), _PAYMENTS.c.id == bindparam("payment"))
                    .scalar_subquery(),
                    bindparam("no_method", type_=String),
                ),
                _sum_of(Account.RECEIVABLE),
                _sum_of(Account.PENDING),
                _sum_of(Account.REVENUE),
                _collected() * bindparam("collecting", type_=Integer),
            )
            .select_from(_LINES.join(_INVOICES, _INVOICES.c.id == lines.invoice_id))
            .where(*entry, lines.account.in_(_FLOWING))
            .group_by(lines.partner_id, lines.currency, _INVOICES.c.due_date),
        )
        self.flows = flows.on_conflict_do_update(
            index_elements=["partner_id", "currency", "day", "due_date", "method"],
            set_={n: FLOWS.c[n] + flows.excluded[n] for n in ("receivable", "pending", "revenue", "collected")},
        )

        # What the entry adds to each invoice's day: the rows the invoice-days upsert adds up.
        self.entry_days = (
            select(
                lines.invoice_id,
                lines.currency,
                day.label("day"),
                lines.partner_id,
                _sum_of(Account.RECEIVABLE).label("receivable"),
                _sum_of(Account.PENDING).label("pending"),
                (func.count() * bindparam("voided", type_=Integer)).label("voids"),
                _sum_of(Account.WRITE_OFF, literal_column("1")).label("write_offs"),
                bindparam("paid_day", type_=Date).label("paid_day"),
            )
            .where(*entry, lines.invoice_id.is_not(None))
            .group_by(lines.invoice_id, lines.currency, lines.partner_id)
        )
        days = dialect_insert(INVOICE_DAYS).from_select(_DAY_COLUMNS, self.entry_days)
        old, new = INVOICE_DAYS.c.paid_day, days.excluded.paid_day
        self.invoice_days = days.on_conflict_do_update(
            index_elements=["invoice_id", "currency", "day"],
            set_={
                **{n: INVOICE_DAYS.c[n] + days.excluded[n] for n in ("receivable", "pending", "voids", "write_offs")},
                "paid_day": case((new > old, new), else_=func.coalesce(old, new)),
            },
        )

        # The paid-state changes the entry makes, read before its days are added: those of the invoices' days
        # with the entry's rows added in, less those of the days as they stand.
        d = INVOICE_DAYS.c
        before = (
            select(*(d[n] for n in _DAY_COLUMNS))
            .where(d.partner_id == bindparam("partner"), d.invoice_id.in_(bindparam("ids", expanding=True)))
            .cte("days_before")
        )
        both = union_all(select(before), select(self.entry_days.cte("entry_days"))).subquery("both_days")
        b = both.c
        after = (
            select(
                b.invoice_id,
                b.currency,
                b.day,
                b.partner_id,
                *(func.sum(b[n]).label(n) for n in ("receivable", "pending", "voids", "write_offs")),
                func.max(b.paid_day).label("paid_day"),
            )
            .group_by(b.invoice_id, b.currency, b.day, b.partner_id)
            .cte("days_after")
        )
        net = union_all(*_state_changes(after, "after", 1), *_state_changes(before, "before", -1))
        paid = dialect_insert(PAID).from_select(_PAID_COLUMNS, _per_paid_day(net.subquery("changes")))
        self.paid = paid.on_conflict_do_update(
            index_elements=["partner_id", "currency", "paid_day", "day", "issue_date"],
            set_={"invoices": PAID.c.invoices + paid.excluded.invoices},
        )

    @cached_property
    def in_one(self) -> Executable:
        """The three writes as one statement, for PostgreSQL (data-modifying CTEs, which SQLite lacks): all of
        them see the rows as they stood before it, as the paid-state changes must; each writes its own table."""
        return self.flows.add_cte(self.paid.cte("paid_written"), self.invoice_days.cte("days_written"))  # type: ignore[no-any-return]


@cache
def writes(dialect_insert: Callable[..., Any]) -> Writes:
    return Writes(dialect_insert)


# What each statement of `Writes` binds, in a fixed order (PostgreSQL's prepared statements are keyed on it).
PAID_PARAMS = ("day", "voided", "paid_day", "partner", "entry")
DAYS_PARAMS = ("day", "voided", "paid_day", "partner", "entry")
FLOWS_PARAMS = ("day", "partner", "payment", "no_method", "collecting", "entry")
IN_ONE_PARAMS = ("day", "voided", "paid_day", "partner", "entry", "payment", "no_method", "collecting")


def entry_params(entry: JournalEntry) -> dict[str, Any]:
    """What the statements of `Writes` bind for one entry."""
    day = entry.created_at.astimezone(UTC).date()
    collecting = entry.reason in COLLECTING
    return {
        "partner": entry.partner_id,
        "entry": entry.id,
        "day": day,
        "payment": entry.payment_id if collecting else None,
        "no_method": NO_METHOD,
        "collecting": 1 if collecting else 0,
        "voided": 1 if entry.reason is Reason.INVOICE_VOIDED else 0,
        "paid_day": day if entry.reason in PAYING else None,
    }


def touched_invoices(entry: JournalEntry) -> list[str]:
    return sorted({line.invoice_id for line in entry.lines if line.invoice_id is not None})


def flows_touched(entry: JournalEntry) -> bool:
    return any(line.account.value in _FLOWING for line in entry.lines)


def _day_of(dialect_name: str) -> ColumnElement[date]:
    created = _ENTRIES.c.created_at
    if dialect_name == "postgresql":
        return cast(func.timezone("UTC", created), Date)
    return type_coerce(func.date(created), Date)  # SQLite keeps naive UTC text; CAST AS DATE would make it a number


def backfill(dialect_name: str) -> list[Executable]:
    """INSERT … SELECT statements that fill the (empty) rollup tables from the whole journal. Each groups a
    per-line subquery, so the day and method expressions (with their bound values) are written once."""
    lines = _LINES.c
    reason = _ENTRIES.c.reason
    collecting = reason.in_([r.value for r in COLLECTING])
    joined = _LINES.join(_ENTRIES, _ENTRIES.c.id == lines.entry_id)
    per_line = (
        select(
            lines.partner_id,
            lines.currency,
            _day_of(dialect_name).label("day"),
            _INVOICES.c.due_date,
            case((collecting, func.coalesce(_PAYMENTS.c.method, NO_METHOD)), else_=NO_METHOD).label("method"),
            case((lines.account == Account.RECEIVABLE.value, lines.amount), else_=0).label("receivable"),
            case((lines.account == Account.PENDING.value, lines.amount), else_=0).label("pending"),
            case((lines.account == Account.REVENUE.value, lines.amount), else_=0).label("revenue"),
            case((and_(collecting, lines.account.in_(_OPEN)), -lines.amount), else_=0).label("collected"),
        )
        .select_from(
            joined.join(_INVOICES, _INVOICES.c.id == lines.invoice_id).outerjoin(
                _PAYMENTS, _PAYMENTS.c.id == _ENTRIES.c.payment_id
            )
        )
        .where(lines.account.in_(_FLOWING))
        .subquery("per_line")
    )
    f = per_line.c
    keys = [f.partner_id, f.currency, f.day, f.due_date, f.method]
    flows = insert(FLOWS).from_select(
        ["partner_id", "currency", "day", "due_date", "method", "receivable", "pending", "revenue", "collected"],
        select(*keys, *(func.sum(f[n]).label(n) for n in ("receivable", "pending", "revenue", "collected")))
        .where(true())
        .group_by(*keys),
    )
    per_invoice_line = (
        select(
            lines.invoice_id,
            lines.currency,
            _day_of(dialect_name).label("day"),
            lines.partner_id,
            case((lines.account == Account.RECEIVABLE.value, lines.amount), else_=0).label("receivable"),
            case((lines.account == Account.PENDING.value, lines.amount), else_=0).label("pending"),
            case((reason == Reason.INVOICE_VOIDED.value, 1), else_=0).label("voids"),
            case((lines.account == Account.WRITE_OFF.value, 1), else_=0).label("write_offs"),
            case((reason.in_([r.value for r in PAYING]), literal_column("1")), else_=None).label("paying"),
        )
        .select_from(joined)
        .where(lines.invoice_id.is_not(None))
        .subquery("per_invoice_line")
    )
    v = per_invoice_line.c
    keys = [v.invoice_id, v.currency, v.day, v.partner_id]
    invoice_days = insert(INVOICE_DAYS).from_select(
        ["invoice_id", "currency", "day", "partner_id", "receivable", "pending", "voids", "write_offs", "paid_day"],
        select(
            *keys,
            *(func.sum(v[n]).label(n) for n in ("receivable", "pending", "voids", "write_offs")),
            case((func.max(v.paying).is_not(None), v.day)).label("paid_day"),
        )
        .where(true())
        .group_by(*keys),
    )
    paid = insert(PAID).from_select(_PAID_COLUMNS, paid_changes())
    return [flows, invoice_days, paid]


# The figures of each table past its key; a row whose figures are all zero (or NULL) is as good as none, since a
# write adds to a row and may leave it summing to nothing.
FIGURES = {
    FLOWS.name: ("receivable", "pending", "revenue", "collected"),
    INVOICE_DAYS.name: ("receivable", "pending", "voids", "write_offs", "paid_day"),
    PAID.name: ("invoices",),
}


def rebuilt(dialect_name: str) -> list[tuple[Any, Select[Any]]]:
    """Each rollup table with the rows the backfill computes for it from the journal alone: the backfill's SELECTs,
    the paid-state changes read from the rebuilt invoice days rather than the kept ones."""
    flows, invoice_days, _paid = backfill(dialect_name)
    days = invoice_days.select.cte("rebuilt_days")  # type: ignore[attr-defined]
    paid = _per_paid_day(union_all(*_state_changes(days, "rebuilt", 1)).subquery("changes"))
    return [(FLOWS, flows.select), (INVOICE_DAYS, invoice_days.select), (PAID, paid)]  # type: ignore[attr-defined]
