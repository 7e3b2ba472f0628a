"""Customer repository."""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.paging import fetch_page
from adapters.db.statements import Statements
from adapters.db.tables import CustomerRow
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
    row.updated_at = c.updated_at


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

    async def save(self, customer: Customer) -> None:
        _fill(await self._row(customer.id), customer)

    async def list(self, query: CustomerQuery, page: PageRequest) -> Page[Customer]:
        stmt = select(CustomerRow).where(CustomerRow.partner_id == self.partner_id)
        if query.archived is not None:
            stmt = stmt.where(CustomerRow.archived.is_(query.archived))
        if query.email is not None:
            stmt = stmt.where(CustomerRow.email == query.email)
        if query.tag is not None:
            # Case-insensitive membership in the JSON tag array.
            tags = self.json_texts.format(column="customers.tags", alias="t")
            has_tag = text(f"EXISTS (SELECT 1 FROM {tags} WHERE lower(t.value) = :tag)")
            stmt = stmt.where(has_tag.bindparams(tag=query.tag.strip().lower()))
        rows = await fetch_page(self.session, stmt, CustomerRow.id, page)
        return Page(items=[_to_domain(r) for r in rows.items], has_more=rows.has_more)
