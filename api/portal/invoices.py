"""/portal/v1/invoices: the signed-in customer's invoices, filtered and sorted, what they owe in all, one by one
(with the payments behind it), and as PDFs.

`standing` and `standing_qualifiers` say where an invoice stands in the one vocabulary every surface shows
(domain/invoices/standing.py has the mapping from `status` and the figures); `status` stays the ledger's view."""

from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import date

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.deps import json_response
from api.errors import problems
from api.pagination import Cursor, Limit, ListOf
from api.portal import documents
from api.portal.deps import Portal, PortalContext
from api.portal.documents import DocumentLanguage
from domain.errors import ErrorCode, InvalidRequest
from domain.ids import looks_like_id
from domain.invoices.model import Invoice, InvoiceStatus
from domain.invoices.standing import Qualifier, Standing, standing_of
from domain.ledger.balances import InvoiceBalance
from domain.pagination import PageRequest
from domain.payments.model import MethodType, PaymentStatus
from domain.payments.standing import NOTHING_TAKEN, PaymentStanding, payment_standing
from domain.portal import invoices as portal_invoices
from domain.portal.invoices import After, InvoiceFilter, InvoiceSort, PortalInvoiceQuery
from domain.portal.users import Permission
from domain.ports import InvoiceQuery, PaymentQuery

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
    standing: Standing = Field(description="Where it stands, in the words the portal, PDF and emails use.")
    standing_qualifiers: list[Qualifier] = Field(
        description="What the standing also is: `partly_paid` (some received), `pending` (some on its way)."
    )
    description: str | None = Field(description="The first line's text: what the invoice is for.")
    currency: str
    issue_date: date
    due_date: date
    total: int
    amount_paid: int = Field(description="Settled money applied.")
    amount_pending: int = Field(description="Money on its way: bank debits not settled yet.")
    amount_due: int = Field(description="What is still owed: total - paid - pending - written off.")
    amount_written_off: int = Field(description="What the partner gave up as bad debt: neither paid nor owed.")
    overdue: bool = Field(description="Still payable and past its due date.")
    questioned: bool = Field(description="A question about it is open with the partner.")
    pay_allowed: bool = Field(description="It can be paid now by the signed-in user (owed, and allowed to pay).")

    @classmethod
    def of(cls, inv: Invoice, bal: InvoiceBalance, *, today: date, questioned: bool, can_pay: bool) -> PortalInvoice:
        standing = standing_of(inv.status, bal, due_date=inv.due_date, today=today)
        return cls(
            id=inv.id,
            number=inv.number,
            status=inv.status,
            standing=standing.standing,
            standing_qualifiers=list(standing.qualifiers),
            description=inv.lines[0].description if inv.lines else None,
            currency=inv.currency,
            issue_date=inv.issue_date,
            due_date=inv.due_date,
            total=bal.total,
            amount_paid=bal.amount_paid,
            amount_pending=bal.amount_pending,
            amount_due=bal.amount_due,
            amount_written_off=bal.amount_written_off,
            overdue=inv.is_overdue(today),
            questioned=questioned,
            pay_allowed=can_pay and portal_invoices.payable(inv, bal.amount_due),
        )


class PortalInvoicePayment(BaseModel):
    """A payment behind the invoice's "Paid" or "Pending" figure, and how much of it went to this invoice."""

    id: str
    transaction_id: str
    status: PaymentStatus
    standing: PaymentStanding
    method: MethodType
    method_label: str
    received_on: date
    amount: int = Field(description="What this payment applied to this invoice.")
    currency: str
    has_receipt: bool


class PortalInvoiceDetail(PortalInvoice):
    lines: list[PortalLine]
    memo: str | None
    payments: list[PortalInvoicePayment] = Field(
        description="Payments that paid it or are on their way, oldest first; declined and canceled attempts "
        "moved no money and are not listed."
    )


class PortalOwed(BaseModel):
    currency: str
    amount_due: int = Field(description="Still owed over every payable invoice.")
    amount_overdue: int = Field(description="The part of `amount_due` past its due date.")
    amount_pending: int = Field(description="Money on its way (bank debits not settled yet).")
    next_due_date: date | None = Field(description="The soonest due date still ahead, if anything owed has one.")
    overdue_invoice_ids: list[str] = Field(description="The overdue invoices, oldest due first.")


class PortalOwedSummary(BaseModel):
    object: str = "invoice_summary"
    data: list[PortalOwed] = Field(description="One entry per currency owed, alphabetical.")


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


async def _payable(ctx: PortalContext) -> list[Invoice]:
    invoices: list[Invoice] = []
    before: str | None = None
    while True:
        page = await ctx.uow.invoices.list(
            InvoiceQuery(customer_id=ctx.customer_id, payable=True), PageRequest(limit=100, before_id=before)
        )
        invoices += page.items
        if not page.has_more or not page.items:
            return invoices
        before = page.items[-1].id


@router.get(
    "/summary",
    operation_id="portal_invoices_summary",
    summary="What the customer owes",
    description="Per currency, over every payable invoice (not a page of the list): the amount due, its overdue "
    'part, money pending, the next due date and the overdue invoices (for "Pay all overdue").',
    response_model=PortalOwedSummary,
    responses=problems(401, 403),
)
async def summary(ctx: Portal) -> Response:
    invoices = await _payable(ctx)
    balances = await ctx.uow.ledger.balances(invoices)
    owed = portal_invoices.owed(invoices, balances, today=ctx.uow.clock.today())
    return json_response(
        PortalOwedSummary(
            data=[
                PortalOwed(
                    currency=o.currency,
                    amount_due=o.amount_due,
                    amount_overdue=o.amount_overdue,
                    amount_pending=o.amount_pending,
                    next_due_date=o.next_due_date,
                    overdue_invoice_ids=list(o.overdue_invoice_ids),
                )
                for o in owed
            ]
        )
    )


# Attempts that moved no money, and debits the bank gave back: none of them is behind "Paid" or "Pending".
NOT_BEHIND = NOTHING_TAKEN | {PaymentStanding.RETURNED}


async def _payments_behind(ctx: PortalContext, invoice: Invoice) -> list[PortalInvoicePayment]:
    # payments.py reads this module's `attachment`: imported here so neither module needs the other first.
    from api.portal.payments import payment_views

    page = await ctx.uow.payments.list(PaymentQuery(invoice_id=invoice.id), PageRequest(limit=100))
    moved = [p for p in page.items if payment_standing(p.status) not in NOT_BEHIND]
    shown = []
    for view in sorted(await payment_views(ctx, moved), key=lambda v: (v.received_on, v.created_at)):
        applied = sum(a.amount for a in view.allocations if a.invoice_id == invoice.id)
        shown.append(
            PortalInvoicePayment(
                id=view.id,
                transaction_id=view.transaction_id,
                status=view.status,
                standing=payment_standing(view.status),
                method=view.method,
                method_label=view.method_label,
                received_on=view.received_on,
                amount=applied,
                currency=view.currency,
                has_receipt=view.status not in (PaymentStatus.FAILED, PaymentStatus.PROCESSING),
            )
        )
    return shown


@router.get(
    "/{invoice_id}",
    operation_id="portal_invoices_retrieve",
    summary="Retrieve one of the customer's invoices",
    description="With its lines and the payments behind what is paid and pending. Another customer's invoice "
    "answers 404.",
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
    payments = await _payments_behind(ctx, invoice)
    return json_response(PortalInvoiceDetail(**view.model_dump(), lines=lines, memo=invoice.memo, payments=payments))


def attachment(name: str) -> str:
    """A Content-Disposition value whose file name cannot break out of its quotes."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "document"
    return f'attachment; filename="{safe[:100]}.pdf"'


@router.get(
    "/{invoice_id}/pdf",
    operation_id="portal_invoices_pdf",
    summary="Download an invoice as a PDF",
    description="Itemized, in the partner's branding, with how to reach the partner, what is paid, pending and due "
    "today, the payments applied, and how to pay (the invoice's pay link and its QR code; issued if it has none). "
    "A tagged PDF with a title and language: English or French.",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "The PDF."}, **problems(401, 403, 404, 422)},
)
async def pdf(invoice_id: str, ctx: Portal, language: DocumentLanguage = None) -> Response:
    invoice = await portal_invoices.invoice_of(ctx.uow.invoices, invoice_id, ctx.customer_id)
    body = await documents.invoice_pdf(ctx, invoice, language)
    return Response(
        body,
        media_type="application/pdf",
        headers={"Content-Disposition": attachment(invoice.number), "Cache-Control": "private, no-store"},
    )
