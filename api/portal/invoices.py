"""/portal/v1/invoices: the signed-in customer's invoices, filtered and sorted, one by one, and as PDFs."""

from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import date

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from adapters.pdf.invoice import render_invoice_pdf
from api.deps import json_response
from api.errors import problems
from api.pagination import Cursor, Limit, ListOf
from api.portal.deps import Portal, PortalContext
from domain.errors import ErrorCode, InvalidRequest
from domain.ids import looks_like_id
from domain.invoices.model import Invoice, InvoiceStatus
from domain.ledger.balances import InvoiceBalance
from domain.portal import invoices as portal_invoices
from domain.portal.invoices import After, InvoiceFilter, InvoiceSort, PortalInvoiceQuery
from domain.portal.users import Permission

router = APIRouter(prefix="/portal/v1/invoices", tags=["portal"])


class PortalLine(BaseModel):
    description: str
    quantity: int
    unit_amount: int
    amount: int


class PortalInvoice(BaseModel):
    id: str
    object: str = "invoice"
    number: str
    status: InvoiceStatus
    currency: str
    issue_date: date
    due_date: date
    total: int
    amount_paid: int = Field(description="Settled money applied.")
    amount_pending: int = Field(description="Money on its way: bank debits not settled yet.")
    amount_due: int = Field(description="What is still owed: total - paid - pending.")
    overdue: bool = Field(description="Still payable and past its due date.")
    questioned: bool = Field(description="A question about it is open with the partner.")
    pay_allowed: bool = Field(description="It can be paid now by the signed-in user (owed, and allowed to pay).")

    @classmethod
    def of(cls, inv: Invoice, bal: InvoiceBalance, *, today: date, questioned: bool, can_pay: bool) -> PortalInvoice:
        return cls(
            id=inv.id,
            number=inv.number,
            status=inv.status,
            currency=inv.currency,
            issue_date=inv.issue_date,
            due_date=inv.due_date,
            total=bal.total,
            amount_paid=bal.amount_paid,
            amount_pending=bal.amount_pending,
            amount_due=bal.amount_due,
            overdue=inv.is_overdue(today),
            questioned=questioned,
            pay_allowed=can_pay and portal_invoices.payable(inv, bal.amount_due),
        )


class PortalInvoiceDetail(PortalInvoice):
    lines: list[PortalLine]
    memo: str | None


def _encode(sort: InvoiceSort, last: Invoice) -> str:
    key = portal_invoices.sort_key(last, sort)
    raw = json.dumps([sort.value, key.isoformat() if isinstance(key, date) else key, last.id], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str | None, sort: InvoiceSort) -> After | None:
    if cursor is None:
        return None
    bad = InvalidRequest(
        "The cursor is not one this API issued for this sort order.", code=ErrorCode.INVALID_CURSOR, field="cursor"
    )
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        named_sort, raw_key, ident = value
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError):
        raise bad from None
    if named_sort != sort.value or not isinstance(ident, str) or not looks_like_id(ident):
        raise bad
    key: date | str | None = None
    try:
        if sort in (InvoiceSort.DUE_DATE, InvoiceSort.DUE_DATE_DESC):
            key = date.fromisoformat(raw_key)
        elif sort is InvoiceSort.NUMBER:
            key = str(raw_key) if isinstance(raw_key, str) else None
            if key is None:
                raise ValueError
    except (ValueError, TypeError):
        raise bad from None
    return After(key=key, id=ident)


async def views(ctx: PortalContext, invoices: list[Invoice]) -> list[PortalInvoice]:
    """Each invoice with its ledger figures and whether it is questioned or payable by this user."""
    balances = await ctx.uow.ledger.balances(invoices)
    questioned = await ctx.uow.invoice_questions.open_among([i.id for i in invoices])
    today = ctx.uow.clock.today()
    can_pay = ctx.membership.allows(Permission.PAY)
    return [
        PortalInvoice.of(inv, balances[inv.id], today=today, questioned=inv.id in questioned, can_pay=can_pay)
        for inv in invoices
    ]


@router.get(
    "",
    operation_id="portal_invoices_list",
    summary="List the customer's invoices",
    description="`status`: `open` (default: anything still payable, partially paid included), `overdue`, "
    "`pending` (money on its way from a bank debit), `paid`, or `all` (void and archived ones included; drafts "
    "are never shown). `sort`: `due_date` (default), `-due_date`, `number`, `-created`. Paged with `limit` and "
    "`cursor`; a cursor belongs to the sort it was made with.",
    response_model=ListOf[PortalInvoice],
    responses=problems(400, 401, 403, 422),
)
async def list_invoices(
    ctx: Portal,
    status: InvoiceFilter = InvoiceFilter.OPEN,
    sort: InvoiceSort = Query(InvoiceSort.DUE_DATE, description="Sort order; `-` means descending."),
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Response:
    page = await ctx.uow.portal_invoices.list(
        PortalInvoiceQuery(
            customer_id=ctx.customer_id,
            filter=status,
            sort=sort,
            today=ctx.uow.clock.today(),
            limit=limit,
            after=_decode(cursor, sort),
        )
    )
    data = await views(ctx, page.items)
    next_cursor = _encode(sort, page.items[-1]) if page.has_more and page.items else None
    return json_response(ListOf[PortalInvoice](data=data, next_cursor=next_cursor))


@router.get(
    "/{invoice_id}",
    operation_id="portal_invoices_retrieve",
    summary="Retrieve one of the customer's invoices",
    description="With its lines. Another customer's invoice answers 404.",
    response_model=PortalInvoiceDetail,
    responses=problems(401, 403, 404),
)
async def retrieve(invoice_id: str, ctx: Portal) -> Response:
    invoice = await portal_invoices.invoice_of(ctx.uow.invoices, invoice_id, ctx.customer_id)
    [view] = await views(ctx, [invoice])
    lines = [
        PortalLine(description=ln.description, quantity=ln.quantity, unit_amount=ln.unit_amount, amount=ln.amount)
        for ln in invoice.lines
    ]
    return json_response(PortalInvoiceDetail(**view.model_dump(), lines=lines, memo=invoice.memo))


def attachment(name: str) -> str:
    """A Content-Disposition value whose file name cannot break out of its quotes."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "document"
    return f'attachment; filename="{safe[:100]}.pdf"'


@router.get(
    "/{invoice_id}/pdf",
    operation_id="portal_invoices_pdf",
    summary="Download an invoice as a PDF",
    description="Itemized, in the partner's branding, with what is paid, pending and due today.",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "The PDF."}, **problems(401, 403, 404)},
)
async def pdf(invoice_id: str, ctx: Portal) -> Response:
    invoice = await portal_invoices.invoice_of(ctx.uow.invoices, invoice_id, ctx.customer_id)
    balance = (await ctx.uow.ledger.balances([invoice]))[invoice.id]
    customer = await ctx.uow.customers.get(ctx.customer_id)
    partner = await ctx.uow.partners.get(ctx.uow.partner_id)
    body = render_invoice_pdf(
        partner_name=partner.name,
        branding=await ctx.uow.portal_settings.get(),
        customer_name=customer.name,
        customer_email=customer.email,
        invoice=invoice,
        amount_paid=balance.amount_paid,
        amount_pending=balance.amount_pending,
        amount_due=balance.amount_due,
    )
    return Response(
        body,
        media_type="application/pdf",
        headers={"Content-Disposition": attachment(invoice.number), "Cache-Control": "private, no-store"},
    )
