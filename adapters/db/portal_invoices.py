"""The portal's invoice list: one customer's invoices, filtered and keyset-paged over (sort key, id)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.invoices import SqlInvoices
from adapters.db.tables import InvoiceRow, JournalLineRow
from domain.invoices.model import PAYABLE, Invoice, InvoiceStatus
from domain.ledger.model import Account
from domain.pagination import Page
from domain.portal.invoices import HIDDEN, ONLY_UNDER_ALL, InvoiceFilter, InvoiceSort, PortalInvoiceQuery

_PAYABLE = [s.value for s in PAYABLE]
_SHOWN_BY_DEFAULT = [s.value for s in InvoiceStatus if s not in HIDDEN | ONLY_UNDER_ALL]
_SHOWN_UNDER_ALL = [s.value for s in InvoiceStatus if s not in HIDDEN]
# Invoices with money on its way: their per-invoice pending account has a debit balance.
_WITH_PENDING = (
    select(JournalLineRow.invoice_id)
    .where(JournalLineRow.account == Account.PENDING.value, JournalLineRow.invoice_id.is_not(None))
    .group_by(JournalLineRow.invoice_id)
    .having(func.sum(JournalLineRow.amount) > 0)
)


class SqlPortalInvoices:
    def __init__(self, session: AsyncSession, partner_id: str, invoices: SqlInvoices) -> None:
        self.session = session
        self.partner_id = partner_id
        self.invoices = invoices

    async def list(self, query: PortalInvoiceQuery) -> Page[Invoice]:
        stmt = select(InvoiceRow.id).where(
            InvoiceRow.partner_id == self.partner_id, InvoiceRow.customer_id == query.customer_id
        )
        f = query.filter
        if f is InvoiceFilter.OPEN:
            stmt = stmt.where(InvoiceRow.status.in_(_PAYABLE))
        elif f is InvoiceFilter.OVERDUE:
            stmt = stmt.where(InvoiceRow.status.in_(_PAYABLE), InvoiceRow.due_date < query.today)
        elif f is InvoiceFilter.PENDING:
            with_pending = _WITH_PENDING.where(JournalLineRow.partner_id == self.partner_id)
            stmt = stmt.where(InvoiceRow.status.in_(_SHOWN_BY_DEFAULT), InvoiceRow.id.in_(with_pending))
        elif f is InvoiceFilter.PAID:
            stmt = stmt.where(InvoiceRow.status == InvoiceStatus.PAID.value)
        else:
            stmt = stmt.where(InvoiceRow.status.in_(_SHOWN_UNDER_ALL))
        stmt = _keyset(stmt, query)
        ids = list((await self.session.scalars(stmt.limit(query.limit + 1))).all())
        page_ids = ids[: query.limit]
        loaded = {i.id: i for i in await self.invoices.get_many(page_ids)} if page_ids else {}
        return Page(items=[loaded[i] for i in page_ids], has_more=len(ids) > query.limit)


def _keyset(stmt: Any, query: PortalInvoiceQuery) -> Any:
    after = query.after
    if query.sort is InvoiceSort.CREATED_DESC:  # ids are time-ordered: newest first is id descending
        if after is not None:
            stmt = stmt.where(InvoiceRow.id < after.id)
        return stmt.order_by(InvoiceRow.id.desc())
    column: Any = InvoiceRow.number if query.sort is InvoiceSort.NUMBER else InvoiceRow.due_date
    if query.sort is InvoiceSort.DUE_DATE_DESC:
        if after is not None:
            stmt = stmt.where(or_(column < after.key, and_(column == after.key, InvoiceRow.id < after.id)))
        return stmt.order_by(column.desc(), InvoiceRow.id.desc())
    if after is not None:
        stmt = stmt.where(or_(column > after.key, and_(column == after.key, InvoiceRow.id > after.id)))
    return stmt.order_by(column.asc(), InvoiceRow.id.asc())
