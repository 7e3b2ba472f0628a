"""Invoice repository: rows and lines, row locks for allocation, keyset lists."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from enum import Enum
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, and_, bindparam, insert, inspect, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.statements import Record, Statements
from adapters.db.tables import InvoiceLineRow, InvoiceRow, core
from domain.errors import NotFound
from domain.ids import new_id
from domain.invoices.model import PAYABLE, Invoice, InvoiceLine, InvoiceStatus
from domain.pagination import Page, PageRequest
from domain.ports import InvoiceQuery


def _invoice(row: Record, lines: list[InvoiceLine]) -> Invoice:
    return Invoice(
        id=row["id"],
        partner_id=row["partner_id"],
        customer_id=row["customer_id"],
        number=row["number"],
        currency=row["currency"],
        issue_date=row["issue_date"],
        due_date=row["due_date"],
        lines=lines,
        memo=row["memo"],
        metadata=dict(row["metadata"]),
        status=InvoiceStatus(row["status"]),
        created_at=row["created_at"],
        finalized_at=row["finalized_at"],
        voided_at=row["voided_at"],
        archived_at=row["archived_at"],
    )


def _invoices(records: Iterable[Record]) -> list[Invoice]:
    """Invoices from rows of an invoice joined to its lines, one row per line, in the rows' order."""
    heads: dict[str, Record] = {}
    lines: dict[str, list[InvoiceLine]] = defaultdict(list)
    for record in records:
        heads.setdefault(record["id"], record)
        lines[record["id"]].append(InvoiceLine(record["description"], record["quantity"], record["unit_amount"]))
    return [_invoice(head, lines[ident]) for ident, head in heads.items()]


# Statements are built once: constructing them (and coercing IN lists) per call costs more than the round trip.
# Each reads the invoices an inner query chooses (and locks, when it says so) with their lines, in one statement;
# lines never change, so reading them under the lock is free.
_OURS = InvoiceRow.partner_id == bindparam("partner")
# Every invoice column but the total (the lines give it), named as in the table (`metadata` is `metadata_`).
_HEAD = select(
    *(getattr(InvoiceRow, a.key).label(a.columns[0].name) for a in inspect(InvoiceRow).column_attrs if a.key != "total")
).where(_OURS)


def _with_lines(chosen: Select[Any], *, newest_first: bool = False) -> Select[Any]:
    head = chosen.cte("chosen")
    return (
        select(head, InvoiceLineRow.description, InvoiceLineRow.quantity, InvoiceLineRow.unit_amount)
        .join(InvoiceLineRow, InvoiceLineRow.invoice_id == head.c.id)
        .order_by(head.c.id.desc() if newest_first else head.c.id, InvoiceLineRow.position)
    )


_BY_IDS = _HEAD.where(InvoiceRow.id.in_(bindparam("ids", expanding=True)))
_READ = _with_lines(_BY_IDS)
_LOCK = _with_lines(_BY_IDS.order_by(InvoiceRow.id).with_for_update())  # locks in id order: no deadlocks
_SAVE = (
    update(InvoiceRow)
    .where(_OURS, InvoiceRow.id == bindparam("invoice_id"))
    .values(
        status=bindparam("status"),
        finalized_at=bindparam("finalized_at"),
        voided_at=bindparam("voided_at"),
        archived_at=bindparam("archived_at"),
    )
    .execution_options(synchronize_session=False)
)

_PAYABLE = [s.value for s in PAYABLE]
# Every InvoiceQuery filter, once: the condition it adds, given the bind parameter holding its value.
_FILTERS: dict[str, Callable[[Any], ColumnElement[bool]]] = {
    "status": lambda value: InvoiceRow.status == value,
    "customer_id": lambda value: InvoiceRow.customer_id == value,
    "due_before": lambda value: InvoiceRow.due_date < value,
    "due_after": lambda value: InvoiceRow.due_date > value,
    "payable": lambda _: InvoiceRow.status.in_(_PAYABLE),
    "overdue_on": lambda value: and_(InvoiceRow.status.in_(_PAYABLE), InvoiceRow.due_date < value),
    "not_overdue_on": lambda value: or_(InvoiceRow.status.not_in(_PAYABLE), InvoiceRow.due_date >= value),
}


@cache
def _page(filters: tuple[str, ...], after: bool) -> Select[Any]:
    """A keyset page (newest first) of the invoices matching these filters, with their lines."""
    chosen = _HEAD.where(*(_FILTERS[name](bindparam(name)) for name in filters))
    if after:
        chosen = chosen.where(InvoiceRow.id < bindparam("before_id"))
    chosen = chosen.order_by(InvoiceRow.id.desc()).limit(bindparam("limit", type_=Integer))
    return _with_lines(chosen, newest_first=True)


def _filter_values(query: InvoiceQuery) -> dict[str, Any]:
    """The filters a query sets, with their values (a flag's value is unused: its condition is fixed)."""
    found: dict[str, Any] = {}
    for name in _FILTERS:
        value = getattr(query, name)
        if value is not None and value is not False:
            found[name] = value.value if isinstance(value, Enum) else value
    return found


class SqlInvoices(Statements):
    def __init__(self, session: AsyncSession, partner_id: str) -> None:
        self.session = session
        self.partner_id = partner_id

    async def add(self, invoice: Invoice) -> None:
        await self.session.execute(
            insert(core(InvoiceRow)),
            {
                "id": invoice.id,
                "partner_id": invoice.partner_id,
                "customer_id": invoice.customer_id,
                "number": invoice.number,
                "currency": invoice.currency,
                "status": invoice.status.value,
                "issue_date": invoice.issue_date,
                "due_date": invoice.due_date,
                "total": invoice.total,
                "memo": invoice.memo,
                "metadata": dict(invoice.metadata),
                "created_at": invoice.created_at,
                "finalized_at": invoice.finalized_at,
            },
        )
        await self.session.execute(
            insert(core(InvoiceLineRow)),
            [
                {
                    "id": new_id("il"),
                    "partner_id": invoice.partner_id,
                    "invoice_id": invoice.id,
                    "position": i,
                    "description": line.description,
                    "quantity": line.quantity,
                    "unit_amount": line.unit_amount,
                    "amount": line.amount,
                }
                for i, line in enumerate(invoice.lines)
            ],
        )

    async def _load(self, ids: Sequence[str], *, lock: bool) -> list[Invoice]:
        invoices = _invoices(
            await self._fetch_all(_LOCK if lock else _READ, {"partner": self.partner_id, "ids": list(ids)})
        )
        found = {invoice.id for invoice in invoices}
        for ident in ids:
            if ident not in found:
                raise NotFound("invoice", ident)
        return invoices

    async def get(self, invoice_id: str) -> Invoice:
        return (await self._load([invoice_id], lock=False))[0]

    async def lock(self, invoice_id: str) -> Invoice:
        return (await self._load([invoice_id], lock=True))[0]

    async def lock_many(self, invoice_ids: Sequence[str]) -> list[Invoice]:
        return await self._load(sorted(invoice_ids), lock=True)

    async def get_many(self, invoice_ids: Sequence[str]) -> list[Invoice]:
        return await self._load(sorted(invoice_ids), lock=False)

    async def save(self, invoice: Invoice) -> None:
        await self._execute(
            _SAVE,
            {
                "partner": self.partner_id,
                "invoice_id": invoice.id,
                "status": invoice.status.value,
                "finalized_at": invoice.finalized_at,
                "voided_at": invoice.voided_at,
                "archived_at": invoice.archived_at,
            },
        )

    async def number_taken(self, number: str) -> bool:
        found = await self.session.scalar(
            select(InvoiceRow.id).where(InvoiceRow.partner_id == self.partner_id, InvoiceRow.number == number).limit(1)
        )
        return found is not None

    async def list(self, query: InvoiceQuery, page: PageRequest) -> Page[Invoice]:
        filters = _filter_values(query)
        params = {"partner": self.partner_id, **filters, "limit": page.limit + 1}
        if page.before_id is not None:
            params["before_id"] = page.before_id
        items = _invoices(await self._fetch_all(_page(tuple(filters), page.before_id is not None), params))
        return Page(items=items[: page.limit], has_more=len(items) > page.limit)
