"""Customer repository; merging a duplicate hands its rows to the survivor here."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, delete, exists, func, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from adapters.db.paging import fetch_page
from adapters.db.statements import Statements
from adapters.db.tables import (
    AccessRequestRow,
    CustomerRow,
    InvoiceQuestionRow,
    InvoiceRow,
    PaymentMethodRow,
    PaymentRow,
    PortalLinkRow,
    PortalMembershipRow,
    PortalSessionRow,
    ScheduledPaymentRow,
)
from domain.customers.model import BillingTerms, Contact, Customer
from domain.errors import NotFound
from domain.pagination import Page, PageRequest
from domain.ports import CustomerQuery


def _to_domain(row: CustomerRow) -> Customer:
    return Customer(
        id=row.id,
        partner_id=row.partner_id,
        name=row.name,
        email=row.email,
        contacts=[Contact(**c) for c in row.contacts],
        tags=list(row.tags),
        billing_terms=BillingTerms(row.billing_terms),
        external_ids=dict(row.external_ids),
        metadata=dict(row.metadata_),
        archived=row.archived,
        card_fee_exempt=row.card_fee_exempt,
        language=row.language,
        external_id=row.external_id,
        merged_into=row.merged_into,
        merged_at=row.merged_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _fill(row: CustomerRow, c: Customer) -> None:
    row.name = c.name
    row.email = c.email
    row.contacts = [
        {"email": x.email, "name": x.name, "phone": x.phone, **({"language": x.language} if x.language else {})}
        for x in c.contacts
    ]
    row.tags = list(c.tags)
    row.billing_terms = c.billing_terms.value
    row.external_ids = dict(c.external_ids)
    row.metadata_ = dict(c.metadata)
    row.archived = c.archived
    row.card_fee_exempt = c.card_fee_exempt
    row.language = c.language
    row.merged_into = c.merged_into
    row.merged_at = c.merged_at
    row.updated_at = c.updated_at


def _matching(term: str) -> ColumnElement[bool]:
    """domain.customers.model.customer_matches in SQL: a prefix of the name, of a word of it, of the email or of
    the external id, case-insensitive (LIKE wildcards in the term are taken literally)."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    name = func.lower(CustomerRow.name)
    return or_(
        name.like(f"{escaped}%", escape="\\"),
        name.like(f"% {escaped}%", escape="\\"),
        func.lower(CustomerRow.email).like(f"{escaped}%", escape="\\"),
        func.lower(CustomerRow.external_id).like(f"{escaped}%", escape="\\"),
    )


class SqlCustomers(Statements):
    def __init__(self, session: AsyncSession, partner_id: str) -> None:
        self.session = session
        self.partner_id = partner_id

    async def add(self, customer: Customer) -> None:
        row = CustomerRow(id=customer.id, partner_id=customer.partner_id, created_at=customer.created_at)
        _fill(row, customer)
        self.session.add(row)
        await self.session.flush()

    async def _row(self, customer_id: str) -> CustomerRow:
        row = await self.session.scalar(
            select(CustomerRow).where(CustomerRow.partner_id == self.partner_id, CustomerRow.id == customer_id)
        )
        if row is None:
            raise NotFound("customer", customer_id)
        return row

    async def get(self, customer_id: str) -> Customer:
        return _to_domain(await self._row(customer_id))

    async def _locked(self, customer_id: str, *, read: bool) -> Customer:
        # FOR SHARE to hold, FOR NO KEY UPDATE to change: the merge never changes a key, so a payment's or an
        # invoice's foreign-key check (FOR KEY SHARE) does not wait for it while it waits for their invoice locks.
        # SQLite has neither and serialises writers already.
        row = await self.session.scalar(
            select(CustomerRow)
            .where(CustomerRow.partner_id == self.partner_id, CustomerRow.id == customer_id)
            .with_for_update(read=read, key_share=not read)
            .execution_options(populate_existing=True)
        )
        if row is None:
            raise NotFound("customer", customer_id)
        return _to_domain(row)

    async def hold(self, customer_id: str) -> Customer:
        return await self._locked(customer_id, read=True)

    async def lock(self, customer_id: str) -> Customer:
        return await self._locked(customer_id, read=False)

    async def move_records(self, from_customer_id: str, into_customer_id: str) -> dict[str, int]:
        moved: dict[str, int] = {}
        # Every invoice of the duplicate is locked first, in id order as payments lock them: a payment holding one
        # finishes (and its row moves below); one that comes after reads the invoice again and finds it is the
        # survivor's, a customer mismatch.
        await self.session.execute(
            select(InvoiceRow.id)
            .where(InvoiceRow.partner_id == self.partner_id, InvoiceRow.customer_id == from_customer_id)
            .order_by(InvoiceRow.id)
            .with_for_update()
        )

        async def move(kind: str, table: Any, *where: Any, column: str = "customer_id") -> None:
            stmt = (
                update(table)
                .where(table.partner_id == self.partner_id, getattr(table, column) == from_customer_id, *where)
                .values({column: into_customer_id})
                .execution_options(synchronize_session=False)
            )
            result = await self.session.execute(stmt)
            moved[kind] = moved.get(kind, 0) + int(getattr(result, "rowcount", 0) or 0)

        await move("invoices", InvoiceRow)
        await move("payments", PaymentRow)
        # At most one default method per customer: the survivor's stays, or the duplicate's when it had none.
        survivor_has_default = await self.session.scalar(
            select(
                exists().where(
                    PaymentMethodRow.partner_id == self.partner_id,
                    PaymentMethodRow.customer_id == into_customer_id,
                    PaymentMethodRow.is_default.is_(True),
                    PaymentMethodRow.detached_at.is_(None),
                )
            )
        )
        if survivor_has_default:
            await self.session.execute(
                update(PaymentMethodRow)
                .where(
                    PaymentMethodRow.partner_id == self.partner_id,
                    PaymentMethodRow.customer_id == from_customer_id,
                    PaymentMethodRow.is_default.is_(True),
                )
                .values(is_default=False)
                .execution_options(synchronize_session=False)
            )
        await move("payment_methods", PaymentMethodRow)
        await move("scheduled_payments", ScheduledPaymentRow)
        await move("invoice_questions", InvoiceQuestionRow)
        # A portal user with access to both keeps the survivor's membership (and its permissions).
        theirs = aliased(PortalMembershipRow)
        both = exists().where(
            theirs.partner_id == self.partner_id,
            theirs.customer_id == into_customer_id,
            theirs.user_id == PortalMembershipRow.user_id,
        )
        await self.session.execute(
            delete(PortalMembershipRow)
            .where(
                PortalMembershipRow.partner_id == self.partner_id,
                PortalMembershipRow.customer_id == from_customer_id,
                both,
            )
            .execution_options(synchronize_session=False)
        )
        await move("portal_memberships", PortalMembershipRow)
        await move("portal_sessions", PortalSessionRow)
        await move("portal_links", PortalLinkRow)
        await move("access_requests", AccessRequestRow)
        await move("access_requests", AccessRequestRow, column="suggested_customer_id")
        return moved

    async def save(self, customer: Customer) -> None:
        _fill(await self._row(customer.id), customer)

    async def list(self, query: CustomerQuery, page: PageRequest) -> Page[Customer]:
        stmt = select(CustomerRow).where(CustomerRow.partner_id == self.partner_id)
        if query.archived is not None:
            archived = CustomerRow.archived.is_(query.archived)
            stmt = stmt.where(or_(archived, CustomerRow.merged_into.is_not(None)) if query.include_merged else archived)
        if not query.include_merged:
            stmt = stmt.where(CustomerRow.merged_into.is_(None))
        if query.email is not None:
            stmt = stmt.where(CustomerRow.email == query.email)
        if query.search is not None:
            stmt = stmt.where(_matching(query.search))
        if query.tag is not None:
            # Case-insensitive membership in the JSON tag array.
            tags = self.json_texts.format(column="customers.tags", alias="t")
            has_tag = text(f"EXISTS (SELECT 1 FROM {tags} WHERE lower(t.value) = :tag)")
            stmt = stmt.where(has_tag.bindparams(tag=query.tag.strip().lower()))
        rows = await fetch_page(self.session, stmt, CustomerRow.id, page)
        return Page(items=[_to_domain(r) for r in rows.items], has_more=rows.has_more)
