"""/v1/invoices: create (open or draft), retrieve, list with filters, finalize, void, archive, write off."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from api.deps import Read, ReadContext, WriteInvoices, WriteOffs, json_response
from api.errors import problems
from api.pagination import Cursor, Limit, ListOf, page_of, page_request
from api.v1.fields import (
    Amount,
    Currency,
    Day,
    Flag,
    LongText,
    Metadata,
    QueryFlag,
    RequestModel,
    ResourceId,
    SignedAmount,
)
from api.v1.schemas.approvals import ApprovalOut, held_for_approval
from domain.approvals import use_cases as approving
from domain.invoices import use_cases
from domain.invoices.model import MAX_LINES, MAX_QUANTITY, Invoice, InvoiceLine, InvoiceStatus
from domain.ledger.balances import InvoiceBalance
from domain.ports import InvoiceQuery

router = APIRouter(prefix="/v1/invoices", tags=["invoices"])


class LineIn(RequestModel):
    description: Annotated[str, Field(min_length=1, max_length=500)]
    quantity: Annotated[int, Field(strict=True, ge=1, le=MAX_QUANTITY)] = 1
    unit_amount: SignedAmount


class LineOut(BaseModel):
    description: str
    quantity: int
    unit_amount: int
    amount: int


class InvoiceCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "customer_id": "cus_01JD3M5Q8Z0000000000000000",
                    "currency": "USD",
                    "issue_date": "2026-11-21",
                    "due_date": "2026-12-21",
                    "lines": [
                        {"description": "Managed services, November", "quantity": 1, "unit_amount": 250000},
                        {"description": "On-site hours", "quantity": 3, "unit_amount": 12500},
                    ],
                }
            ]
        }
    )
    customer_id: ResourceId
    currency: Currency
    lines: Annotated[list[LineIn], Field(min_length=1, max_length=MAX_LINES)]
    issue_date: Day | None = Field(default=None, description="Defaults to today.")
    due_date: Day | None = Field(default=None, description="Defaults to issue date + the customer's billing terms.")
    number: Annotated[str, Field(min_length=1, max_length=64)] | None = Field(
        default=None, description="Unique per partner; generated (`INV-000042`) when omitted."
    )
    memo: LongText | None = None
    draft: Flag = Field(default=False, description="Create as a draft to finalize later; otherwise it opens at once.")
    metadata: Metadata = {}


class InvoiceOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "inv_01JD3M7K2B0000000000000000",
                    "object": "invoice",
                    "number": "INV-000042",
                    "customer_id": "cus_01JD3M5Q8Z0000000000000000",
                    "currency": "USD",
                    "status": "partially_paid",
                    "overdue": False,
                    "issue_date": "2026-11-21",
                    "due_date": "2026-12-21",
                    "lines": [
                        {"description": "Managed services", "quantity": 1, "unit_amount": 287500, "amount": 287500}
                    ],
                    "total": 287500,
                    "amount_paid": 100000,
                    "amount_pending": 0,
                    "amount_due": 187500,
                    "amount_written_off": 0,
                    "memo": None,
                    "metadata": {},
                    "created_at": "2026-11-21T09:00:00Z",
                    "finalized_at": "2026-11-21T09:00:00Z",
                    "voided_at": None,
                    "archived_at": None,
                }
            ]
        }
    )
    id: str
    object: str = "invoice"
    number: str
    customer_id: str
    currency: str
    status: InvoiceStatus
    overdue: bool = Field(description="Still payable and past its due date.")
    issue_date: date
    due_date: date
    lines: list[LineOut]
    total: int = Field(description="Sum of the lines, minor units.")
    amount_paid: int = Field(description="Settled money applied, from the ledger.")
    amount_pending: int = Field(description="Money on its way (bank debits not yet settled), from the ledger.")
    amount_due: int = Field(description="What the customer still owes: total - paid - pending - written off.")
    amount_written_off: int = Field(description="Given up as bad debt (write-offs), from the ledger.")
    memo: str | None
    metadata: dict[str, str]
    created_at: datetime
    finalized_at: datetime | None
    voided_at: datetime | None
    archived_at: datetime | None

    @classmethod
    def of(cls, inv: Invoice, bal: InvoiceBalance, today: date) -> InvoiceOut:
        return cls(
            id=inv.id,
            number=inv.number,
            customer_id=inv.customer_id,
            currency=inv.currency,
            status=inv.status,
            overdue=inv.is_overdue(today),
            issue_date=inv.issue_date,
            due_date=inv.due_date,
            lines=[
                LineOut(description=ln.description, quantity=ln.quantity, unit_amount=ln.unit_amount, amount=ln.amount)
                for ln in inv.lines
            ],
            total=bal.total,
            amount_paid=bal.amount_paid,
            amount_pending=bal.amount_pending,
            amount_due=bal.amount_due,
            amount_written_off=bal.amount_written_off,
            memo=inv.memo,
            metadata=inv.metadata,
            created_at=inv.created_at,
            finalized_at=inv.finalized_at,
            voided_at=inv.voided_at,
            archived_at=inv.archived_at,
        )


async def _out(ctx: ReadContext, invoice: Invoice) -> InvoiceOut:
    balance = (await ctx.uow.ledger.balances([invoice]))[invoice.id]
    return InvoiceOut.of(invoice, balance, ctx.clock.today())


@router.post(
    "",
    operation_id="invoices_create",
    summary="Create an invoice",
    description="Opens the invoice (a ledger entry makes the total receivable) unless `draft` is true.",
    status_code=201,
    response_model=InvoiceOut,
    responses=problems(400, 401, 404, 409, 422),
)
async def create(body: InvoiceCreate, ctx: WriteInvoices) -> Response:
    invoice = await use_cases.create_invoice(
        use_cases.CreateInvoice(
            customer_id=body.customer_id,
            currency=body.currency,
            lines=tuple(InvoiceLine(ln.description, ln.quantity, ln.unit_amount) for ln in body.lines),
            issue_date=body.issue_date,
            due_date=body.due_date,
            number=body.number,
            memo=body.memo,
            draft=body.draft,
            metadata=body.metadata,
        ),
        ctx.uow,
        clock=ctx.clock,
    )
    return await ctx.respond(201, await _out(ctx, invoice))


@router.get(
    "/{invoice_id}",
    operation_id="invoices_retrieve",
    summary="Retrieve an invoice",
    response_model=InvoiceOut,
    responses=problems(401, 404),
)
async def retrieve(invoice_id: str, ctx: Read) -> Response:
    return json_response(await _out(ctx, await ctx.uow.invoices.get(invoice_id)))


@router.get(
    "",
    operation_id="invoices_list",
    summary="List invoices",
    description="Newest first, with optional filters. `due_before`/`due_after` are exclusive.",
    response_model=ListOf[InvoiceOut],
    responses=problems(400, 401, 404, 422),
)
async def list_invoices(
    ctx: Read,
    limit: Limit = 20,
    cursor: Cursor = None,
    status: InvoiceStatus | None = None,
    customer_id: Annotated[str | None, Query(max_length=64)] = None,
    due_before: Day | None = None,
    due_after: Day | None = None,
    overdue: QueryFlag | None = None,
) -> Response:
    today = ctx.clock.today()
    query = InvoiceQuery(
        status=status,
        customer_id=customer_id,
        due_before=due_before,
        due_after=due_after,
        overdue_on=today if overdue is True else None,
        not_overdue_on=today if overdue is False else None,
    )
    page = await ctx.uow.invoices.list(query, page_request(limit, cursor))
    if customer_id is not None and not page.items:
        await ctx.uow.customers.get(customer_id)  # a foreign or unknown id answers 404, not an empty list
    balances = await ctx.uow.ledger.balances(page.items)
    return json_response(page_of(page, [InvoiceOut.of(inv, balances[inv.id], today) for inv in page.items]))


@router.post(
    "/{invoice_id}/finalize",
    operation_id="invoices_finalize",
    summary="Finalize a draft invoice",
    response_model=InvoiceOut,
    responses=problems(401, 404, 409),
)
async def finalize(invoice_id: str, ctx: WriteInvoices) -> Response:
    invoice = await use_cases.finalize_invoice(use_cases.FinalizeInvoice(invoice_id), ctx.uow, clock=ctx.clock)
    return await ctx.respond(200, await _out(ctx, invoice))


@router.post(
    "/{invoice_id}/void",
    operation_id="invoices_void",
    summary="Void an invoice",
    description="Drafts and unpaid open invoices only; a reversing ledger entry removes what was receivable.",
    response_model=InvoiceOut,
    responses=problems(401, 404, 409),
)
async def void(invoice_id: str, ctx: WriteInvoices) -> Response:
    invoice = await use_cases.void_invoice(use_cases.VoidInvoice(invoice_id), ctx.uow, clock=ctx.clock)
    return await ctx.respond(200, await _out(ctx, invoice))


@router.post(
    "/{invoice_id}/archive",
    operation_id="invoices_archive",
    summary="Archive an invoice",
    description="Paid, void or draft invoices only: archiving hides, it never forgives a balance.",
    response_model=InvoiceOut,
    responses=problems(401, 404, 409),
)
async def archive(invoice_id: str, ctx: WriteInvoices) -> Response:
    invoice = await use_cases.archive_invoice(use_cases.ArchiveInvoice(invoice_id), ctx.uow, clock=ctx.clock)
    return await ctx.respond(200, await _out(ctx, invoice))


class WriteOffCreate(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"reason": "Customer went out of business"}]})
    amount: Amount | None = Field(default=None, description="Defaults to everything still due; never more.")
    reason: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=use_cases.MAX_REASON_LENGTH)
    ] = Field(description="Why the debt is given up; recorded in the audit log.")


@router.post(
    "/{invoice_id}/write-off",
    operation_id="invoices_write_off",
    summary="Write off an invoice",
    description="Gives up part or all of what is still due as bad debt: a balanced `invoice_written_off` ledger "
    "entry (write-off debited, receivable credited). Open and partially paid invoices only, never more than is "
    "due, however many requests race. When nothing remains due the invoice reads `written_off` and can no longer "
    "be paid; otherwise it stays payable for the rest and shows `amount_written_off`. Audited, and announced as "
    "`invoice.written_off`. When the partner's approval rules hold write-offs (`/v1/settings/approvals`), it "
    "answers 202 with a pending `approval` instead, and nothing is written off until another person approves it.",
    response_model=InvoiceOut,
    responses={
        **problems(400, 401, 404, 409, 422),
        **held_for_approval("Held for approval: nothing was written off yet; approving the approval does it."),
    },
)
async def write_off(invoice_id: str, body: WriteOffCreate, ctx: WriteOffs) -> Response:
    cmd = use_cases.WriteOffInvoice(
        invoice_id=invoice_id,
        amount=body.amount,
        reason=body.reason,
        actor=ctx.principal.actor,
    )
    held = await approving.request_write_off(cmd, ctx.uow, clock=ctx.clock)
    if held is not None:
        return await ctx.respond(202, ApprovalOut.model_validate(held))
    invoice = await use_cases.write_off_invoice(cmd, ctx.uow, clock=ctx.clock)
    return await ctx.respond(200, await _out(ctx, invoice))
