"""Invoice repository: rows and lines, row locks for allocation, keyset lists."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.paging import fetch_page
from adapters.db.pg import Pg, Record, pg
from adapters.db.tables import InvoiceLineRow, InvoiceRow, core
from domain.errors import NotFound
from domain.ids import new_id
from domain.invoices.model import PAYABLE, Invoice, InvoiceLine, InvoiceStatus
from domain.pagination import Page, PageRequest
from domain.ports import InvoiceQuery


def _to_domain(row: InvoiceRow, lines: list[InvoiceLineRow]) -> Invoice:
    return Invoice(
        id=row.id,
        partner_id=row.partner_id,
        customer_id=row.customer_id,
        number=row.number,
        currency=row.currency,
        issue_date=row.issue_date,
        due_date=row.due_date,
        lines=[InvoiceLine(ln.description, ln.quantity, ln.unit_amount) for ln in lines],
        memo=row.memo,
        metadata=dict(row.metadata_),
        status=InvoiceStatus(row.status),
        created_at=row.created_at,
        finalized_at=row.finalized_at,
        voided_at=row.voided_at,
        archived_at=row.archived_at,
    )


def _from_record(row: Record, lines: list[InvoiceLine]) -> Invoice:
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


def _invoices_from(records: Iterable[Record]) -> list[Invoice]:
    """Invoices from rows of an invoice joined to its lines, one row per line, in the rows' order."""
    heads: dict[str, Record] = {}
    lines: dict[str, list[InvoiceLine]] = defaultdict(list)
    for record in records:
        heads.setdefault(record["id"], record)
        lines[record["id"]].append(InvoiceLine(record["description"], record["quantity"], record["unit_amount"]))
    return [_from_record(head, lines[ident]) for ident, head in heads.items()]


# The same reads for asyncpg (adapters/db/pg.py), the partner predicate explicit: the invoices the inner query
# chooses (and locks, when it says so), joined to their lines in one statement.
def _pg_joined_to_lines(invoices: str, order: str) -> str:
    return (
        "WITH chosen AS (SELECT id, partner_id, customer_id, number, currency, issue_date, due_date, memo, metadata,"
        f" status, created_at, finalized_at, voided_at, archived_at FROM invoices WHERE {invoices})"
        " SELECT chosen.*, l.description, l.quantity, l.unit_amount"
        f" FROM chosen JOIN invoice_lines l ON l.invoice_id = chosen.id ORDER BY chosen.id {order}, l.position"
    )


_PG_BY_IDS = _pg_joined_to_lines("partner_id = $1 AND id = ANY($2)", "ASC")
_PG_LOCK_BY_IDS = _pg_joined_to_lines("partner_id = $1 AND id = ANY($2) ORDER BY id FOR UPDATE", "ASC")  # id order
_PG_SAVE = (
    "UPDATE invoices SET status = $3, finalized_at = $4, voided_at = $5, archived_at = $6"
    " WHERE partner_id = $1 AND id = $2"
)

# Built once: constructing statements (and coercing IN lists) per call costs more than the database round trip.
# Invoices with their lines in one statement (lines never change, so reading them under the lock is free).
_BY_IDS = (
    select(InvoiceRow, InvoiceLineRow)
    .join(InvoiceLineRow, InvoiceLineRow.invoice_id == InvoiceRow.id)
    .where(InvoiceRow.id.in_(bindparam("ids", expanding=True)))
    .order_by(InvoiceRow.id, InvoiceLineRow.position)
)
_LOCK_BY_IDS = _BY_IDS.with_for_update(of=InvoiceRow)
_LINES_BY_INVOICE_IDS = (
    select(InvoiceLineRow)
    .where(InvoiceLineRow.invoice_id.in_(bindparam("ids", expanding=True)))
    .order_by(InvoiceLineRow.invoice_id, InvoiceLineRow.position)
)


class SqlInvoices:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

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
        if driver := await pg(self.session):
            sql = _PG_LOCK_BY_IDS if lock else _PG_BY_IDS
            invoices = _invoices_from(await driver.fetch(sql, self.session.info["partner_id"], ids))
        else:
            result = await self.session.execute(_LOCK_BY_IDS if lock else _BY_IDS, {"ids": list(ids)})
            rows: dict[str, InvoiceRow] = {}
            lines: dict[str, list[InvoiceLineRow]] = defaultdict(list)
            for invoice, line in result:
                rows[invoice.id] = invoice
                lines[invoice.id].append(line)
            invoices = [_to_domain(row, lines[row.id]) for row in rows.values()]
        found = {invoice.id for invoice in invoices}
        for ident in ids:
            if ident not in found:
                raise NotFound("invoice", ident)
        return invoices

    async def _with_lines(self, rows: list[InvoiceRow]) -> list[Invoice]:
        if not rows:
            return []
        line_rows = await self.session.scalars(_LINES_BY_INVOICE_IDS, {"ids": [r.id for r in rows]})
        by_invoice: dict[str, list[InvoiceLineRow]] = defaultdict(list)
        for ln in line_rows:
            by_invoice[ln.invoice_id].append(ln)
        return [_to_domain(r, by_invoice[r.id]) for r in rows]

    async def get(self, invoice_id: str) -> Invoice:
        return (await self._load([invoice_id], lock=False))[0]

    async def lock(self, invoice_id: str) -> Invoice:
        return (await self._load([invoice_id], lock=True))[0]

    async def lock_many(self, invoice_ids: Sequence[str]) -> list[Invoice]:
        return await self._load(sorted(invoice_ids), lock=True)

    async def get_many(self, invoice_ids: Sequence[str]) -> list[Invoice]:
        return await self._load(sorted(invoice_ids), lock=False)

    async def save(self, invoice: Invoice) -> None:
        if driver := await pg(self.session):
            await driver.execute(
                _PG_SAVE,
                invoice.partner_id,
                invoice.id,
                invoice.status.value,
                invoice.finalized_at,
                invoice.voided_at,
                invoice.archived_at,
            )
            return
        await self.session.execute(
            update(InvoiceRow)
            .where(InvoiceRow.id == invoice.id)
            .values(
                status=invoice.status.value,
                finalized_at=invoice.finalized_at,
                voided_at=invoice.voided_at,
                archived_at=invoice.archived_at,
            )
            .execution_options(synchronize_session=False)
        )

    async def number_taken(self, number: str) -> bool:
        found = await self.session.scalar(select(InvoiceRow.id).where(InvoiceRow.number == number).limit(1))
        return found is not None

    async def list(self, query: InvoiceQuery, page: PageRequest) -> Page[Invoice]:
        if driver := await pg(self.session):
            return await self._list_pg(driver, query, page)
        stmt = select(InvoiceRow)
        if query.status is not None:
            stmt = stmt.where(InvoiceRow.status == query.status.value)
        if query.customer_id is not None:
            stmt = stmt.where(InvoiceRow.customer_id == query.customer_id)
        if query.due_before is not None:
            stmt = stmt.where(InvoiceRow.due_date < query.due_before)
        if query.due_after is not None:
            stmt = stmt.where(InvoiceRow.due_date > query.due_after)
        payable = [s.value for s in PAYABLE]
        if query.payable:
            stmt = stmt.where(InvoiceRow.status.in_(payable))
        if query.overdue_on is not None:
            stmt = stmt.where(InvoiceRow.status.in_(payable), InvoiceRow.due_date < query.overdue_on)
        if query.not_overdue_on is not None:
            stmt = stmt.where((InvoiceRow.status.not_in(payable)) | (InvoiceRow.due_date >= query.not_overdue_on))
        rows = await fetch_page(self.session, stmt, InvoiceRow.id, page)
        return Page(items=await self._with_lines(rows.items), has_more=rows.has_more)

    async def _list_pg(self, driver: Pg, query: InvoiceQuery, page: PageRequest) -> Page[Invoice]:
        """`list` in one asyncpg statement: the page (newest first, keyset) joined to its lines."""
        args: list[object] = [self.session.info["partner_id"]]

        def arg(value: object) -> str:
            args.append(value)
            return f"${len(args)}"

        where = ["partner_id = $1"]
        payable = [s.value for s in PAYABLE]
        if query.status is not None:
            where.append(f"status = {arg(query.status.value)}")
        if query.customer_id is not None:
            where.append(f"customer_id = {arg(query.customer_id)}")
        if query.due_before is not None:
            where.append(f"due_date < {arg(query.due_before)}")
        if query.due_after is not None:
            where.append(f"due_date > {arg(query.due_after)}")
        if query.payable:
            where.append(f"status = ANY({arg(payable)})")
        if query.overdue_on is not None:
            where.append(f"status = ANY({arg(payable)}) AND due_date < {arg(query.overdue_on)}")
        if query.not_overdue_on is not None:
            where.append(f"(status <> ALL({arg(payable)}) OR due_date >= {arg(query.not_overdue_on)})")
        if page.before_id is not None:
            where.append(f"id < {arg(page.before_id)}")
        sql = _pg_joined_to_lines(f"{' AND '.join(where)} ORDER BY id DESC LIMIT {arg(page.limit + 1)}", "DESC")
        items = _invoices_from(await driver.fetch(sql, *args))
        return Page(items=items[: page.limit], has_more=len(items) > page.limit)
