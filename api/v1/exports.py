"""/v1/exports/*.csv: the lists as CSV downloads, with the lists' own filters, streamed a keyset batch at a time.

Each export reads through the same repository list method as its list endpoint, so a filter means the same thing
in both. The route checks the parameters and writes the audit row in the request's transaction; the rows are read
afterwards, while the response is sent, in a read-only unit of work of their own.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from adapters.db.insights import OwedInvoice, SqlInsights
from adapters.db.unit_of_work import SqlUnitOfWork
from api.csv_stream import Columns, keyset, money, read_ahead, write_csv, zone
from api.deps import Read, ReadContext, get_container
from api.errors import problems
from api.v1.fields import Currency, Day, QueryFlag
from domain.customers.model import Customer
from domain.disputes.model import Dispute
from domain.insights.model import Bucket, bucket_for
from domain.invoices.model import Invoice, InvoiceStatus
from domain.ledger.balances import InvoiceBalance
from domain.money import normalize_currency
from domain.payments.model import Payment, PaymentStatus
from domain.payments.processing import DisputeStatus
from domain.ports import CustomerQuery, DisputeQuery, InvoiceQuery, PaymentQuery
from domain.refunds.model import Refund

T = TypeVar("T")

router = APIRouter(prefix="/v1/exports", tags=["exports"])

ColumnsParam = Annotated[
    str | None,
    Query(
        max_length=2000,
        description="Comma-separated column names: which columns, in which order (default: all, in the order "
        "listed in the description). An unknown name answers 422 naming it.",
        examples=["id,number,amount_due,currency"],
    ),
]
TzParam = Annotated[
    str | None,
    Query(
        max_length=64,
        description="IANA time zone the timestamps are written in, with their offset (default UTC). Dates such as "
        "due dates are calendar dates and stay as they are.",
        examples=["America/Toronto"],
    ),
]
BomParam = Annotated[
    QueryFlag, Query(description="Start the file with a UTF-8 byte order mark, so that Excel reads accents right.")
]
IdFilter = Annotated[str | None, Query(max_length=64)]

_COMMON = (
    "UTF-8, comma-separated, one header row, CRLF line ends. Amounts are decimal strings in the currency's unit "
    "(`1234.56`) beside a `currency` column, never floats; dates are ISO 8601. Text a spreadsheet would run as a "
    "formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) is prefixed with `'`. Streamed: "
    "any size downloads in constant memory. Each export is recorded in the audit log."
)


def _responses(example: str) -> dict[int | str, dict[str, Any]]:
    return {
        200: {
            "description": "The CSV file, streamed.",
            "content": {"text/csv": {"schema": {"type": "string"}, "example": example}},
        },
        **problems(401, 404),
    }


def _describe(what: str, columns: Columns[Any]) -> str:
    return f"{what}\n\n{_COMMON}\n\nColumns: {', '.join(f'`{c}`' for c in columns.read)}."


@dataclass(frozen=True, slots=True)
class InvoiceRow:
    invoice: Invoice
    balance: InvoiceBalance
    today: date

    @property
    def id(self) -> str:
        return self.invoice.id


@dataclass(frozen=True, slots=True)
class AgingRow:
    invoice: OwedInvoice
    days_past_due: int

    @property
    def amount_due(self) -> int:
        return self.invoice.amount_due

    @property
    def bucket(self) -> Bucket:
        return bucket_for(self.days_past_due)


CUSTOMER_COLUMNS = Columns[Customer](
    {
        "id": lambda c: c.id,
        "name": lambda c: c.name,
        "email": lambda c: c.email,
        "billing_terms": lambda c: c.billing_terms,
        "tags": lambda c: c.tags,
        "external_ids": lambda c: c.external_ids,
        "language": lambda c: c.language,
        "card_fee_exempt": lambda c: c.card_fee_exempt,
        "archived": lambda c: c.archived,
        "metadata": lambda c: c.metadata,
        "created_at": lambda c: c.created_at,
        "updated_at": lambda c: c.updated_at,
    }
)

INVOICE_COLUMNS = Columns[InvoiceRow](
    {
        "id": lambda r: r.invoice.id,
        "number": lambda r: r.invoice.number,
        "customer_id": lambda r: r.invoice.customer_id,
        "status": lambda r: r.invoice.status,
        "overdue": lambda r: r.invoice.is_overdue(r.today),
        "currency": lambda r: r.invoice.currency,
        "total": lambda r: money(r.balance.total, r.invoice.currency),
        "amount_paid": lambda r: money(r.balance.amount_paid, r.invoice.currency),
        "amount_pending": lambda r: money(r.balance.amount_pending, r.invoice.currency),
        "amount_due": lambda r: money(r.balance.amount_due, r.invoice.currency),
        "issue_date": lambda r: r.invoice.issue_date,
        "due_date": lambda r: r.invoice.due_date,
        "memo": lambda r: r.invoice.memo,
        "metadata": lambda r: r.invoice.metadata,
        "created_at": lambda r: r.invoice.created_at,
        "finalized_at": lambda r: r.invoice.finalized_at,
        "voided_at": lambda r: r.invoice.voided_at,
        "archived_at": lambda r: r.invoice.archived_at,
    }
)

PAYMENT_COLUMNS = Columns[Payment](
    {
        "id": lambda p: p.id,
        "transaction_id": lambda p: p.transaction_id,
        "customer_id": lambda p: p.customer_id,
        "status": lambda p: p.status,
        "method": lambda p: p.method,
        "currency": lambda p: p.currency,
        "amount": lambda p: money(p.amount, p.currency),
        "fee": lambda p: money(p.fee, p.currency),
        "invoice_ids": lambda p: [a.invoice_id for a in p.allocations],
        "received_on": lambda p: p.received_on,
        "reference": lambda p: p.reference,
        "processor": lambda p: p.processor,
        "processor_payment_id": lambda p: p.processor_payment_id,
        "failure_code": lambda p: p.failure_code,
        "failure_message": lambda p: p.failure_message,
        "created_at": lambda p: p.created_at,
        "settled_at": lambda p: p.settled_at,
        "canceled_at": lambda p: p.canceled_at,
    }
)

REFUND_COLUMNS = Columns[Refund](
    {
        "id": lambda r: r.id,
        "payment_id": lambda r: r.payment_id,
        "kind": lambda r: r.kind,
        "status": lambda r: r.status,
        "currency": lambda r: r.currency,
        "amount": lambda r: money(r.amount, r.currency),
        "reason": lambda r: r.reason,
        "processor_refund_id": lambda r: r.processor_refund_id,
        "failure_message": lambda r: r.failure_message,
        "created_at": lambda r: r.created_at,
        "updated_at": lambda r: r.updated_at,
    }
)

DISPUTE_COLUMNS = Columns[Dispute](
    {
        "id": lambda d: d.id,
        "payment_id": lambda d: d.payment_id,
        "processor_dispute_id": lambda d: d.processor_dispute_id,
        "status": lambda d: d.status,
        "reason": lambda d: d.reason,
        "currency": lambda d: d.currency,
        "amount": lambda d: money(d.amount, d.currency),
        "evidence_due_by": lambda d: d.evidence_due_by,
        "evidence_submitted_at": lambda d: d.evidence_submitted_at,
        "closed_at": lambda d: d.closed_at,
        "created_at": lambda d: d.created_at,
        "updated_at": lambda d: d.updated_at,
    }
)

AGING_COLUMNS = Columns[AgingRow](
    {
        "invoice_id": lambda r: r.invoice.invoice_id,
        "number": lambda r: r.invoice.number,
        "customer_id": lambda r: r.invoice.customer_id,
        "currency": lambda r: r.invoice.currency,
        "due_date": lambda r: r.invoice.due_date,
        "days_past_due": lambda r: max(r.days_past_due, 0),
        "bucket": lambda r: r.bucket,
        "amount_due": lambda r: money(r.amount_due, r.invoice.currency),
    }
)


AGING_BATCH = 1000
Batches = Callable[[SqlUnitOfWork], AsyncIterator[Sequence[T]]]


async def _export(
    ctx: ReadContext,
    request: Request,
    *,
    name: str,
    columns: Columns[T],
    batches: Batches[T],
    asked: str | None,
    tz: str | None,
    bom: bool,
    filters: dict[str, Any],
) -> StreamingResponse:
    """Checks the parameters and audits now; the rows are read while the response streams."""
    names = columns.choose(asked)
    zone_info = zone(tz)
    await ctx.uow.audit(
        actor=ctx.principal.actor,
        action=f"export.{name}",
        subject=None,
        details={
            "columns": names,
            "tz": zone_info.key,
            "filters": {k: str(v) for k, v in filters.items() if v is not None},
        },
    )
    partner_id = ctx.principal.partner_id
    container = get_container(request)

    async def rows() -> AsyncIterator[Sequence[T]]:
        async with container.uow() as uow:
            async for batch in read_ahead(batches(uow.scope_to(partner_id))):
                yield batch

    filename = f"{name}-{ctx.clock.today().isoformat()}.csv"
    return StreamingResponse(
        write_csv(names, columns, rows(), tz=zone_info, bom=bom),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


@router.get(
    "/customers.csv",
    operation_id="exports_customers",
    summary="Export customers as CSV",
    description=_describe("Customers, newest first, with the filters of `GET /v1/customers`.", CUSTOMER_COLUMNS),
    response_class=StreamingResponse,
    responses=_responses(
        "id,name,email,billing_terms\r\ncus_01JD3M5Q8Z0000000000000000,Acme Dental,ap@acme.test,net_30\r\n"
    ),
)
async def export_customers(
    ctx: Read,
    request: Request,
    email: Annotated[str | None, Query(max_length=320)] = None,
    tag: Annotated[str | None, Query(max_length=50)] = None,
    archived: QueryFlag = False,
    columns: ColumnsParam = None,
    tz: TzParam = None,
    bom: BomParam = False,
) -> StreamingResponse:
    query = CustomerQuery(email=email, tag=tag, archived=archived)

    def batches(uow: SqlUnitOfWork) -> AsyncIterator[Sequence[Customer]]:
        return keyset(lambda page: uow.customers.list(query, page))

    return await _export(
        ctx,
        request,
        name="customers",
        columns=CUSTOMER_COLUMNS,
        batches=batches,
        asked=columns,
        tz=tz,
        bom=bom,
        filters={"email": email, "tag": tag, "archived": archived},
    )


@router.get(
    "/invoices.csv",
    operation_id="exports_invoices",
    summary="Export invoices as CSV",
    description=_describe(
        "Invoices, newest first, with the filters of `GET /v1/invoices`; the figures come from the ledger.",
        INVOICE_COLUMNS,
    ),
    response_class=StreamingResponse,
    responses=_responses(
        "id,number,customer_id,status,currency,amount_due\r\n"
        "inv_01JD3M7K2B0000000000000000,INV-000042,cus_01JD3M5Q8Z0000000000000000,open,USD,1875.00\r\n"
    ),
)
async def export_invoices(
    ctx: Read,
    request: Request,
    status: InvoiceStatus | None = None,
    customer_id: IdFilter = None,
    due_before: Day | None = None,
    due_after: Day | None = None,
    overdue: QueryFlag | None = None,
    columns: ColumnsParam = None,
    tz: TzParam = None,
    bom: BomParam = False,
) -> StreamingResponse:
    today = ctx.clock.today()
    if customer_id is not None:
        await ctx.uow.customers.get(customer_id)  # a foreign or unknown id answers 404, not an empty file
    query = InvoiceQuery(
        status=status,
        customer_id=customer_id,
        due_before=due_before,
        due_after=due_after,
        overdue_on=today if overdue is True else None,
        not_overdue_on=today if overdue is False else None,
    )

    async def batches(uow: SqlUnitOfWork) -> AsyncIterator[Sequence[InvoiceRow]]:
        async for invoices in keyset(lambda page: uow.invoices.list(query, page)):
            balances = await uow.ledger.balances(invoices)
            yield [InvoiceRow(inv, balances[inv.id], today) for inv in invoices]

    return await _export(
        ctx,
        request,
        name="invoices",
        columns=INVOICE_COLUMNS,
        batches=batches,
        asked=columns,
        tz=tz,
        bom=bom,
        filters={
            "status": status,
            "customer_id": customer_id,
            "due_before": due_before,
            "due_after": due_after,
            "overdue": overdue,
        },
    )


@router.get(
    "/payments.csv",
    operation_id="exports_payments",
    summary="Export payments as CSV",
    description=_describe("Payments, newest first, with the filters of `GET /v1/payments`.", PAYMENT_COLUMNS),
    response_class=StreamingResponse,
    responses=_responses(
        "id,transaction_id,status,method,currency,amount\r\npay_01JD3M9V4C0000000000000000,TX7K2M9Q4B8R,succeeded,"
        "card,USD,1000.00\r\n"
    ),
)
async def export_payments(
    ctx: Read,
    request: Request,
    customer_id: IdFilter = None,
    invoice_id: IdFilter = None,
    transaction_id: Annotated[str | None, Query(max_length=20)] = None,
    processor_payment_id: IdFilter = None,
    status: PaymentStatus | None = None,
    columns: ColumnsParam = None,
    tz: TzParam = None,
    bom: BomParam = False,
) -> StreamingResponse:
    if customer_id is not None:
        await ctx.uow.customers.get(customer_id)
    if invoice_id is not None:
        await ctx.uow.invoices.get(invoice_id)
    query = PaymentQuery(
        customer_id=customer_id,
        invoice_id=invoice_id,
        transaction_id=transaction_id,
        processor_payment_id=processor_payment_id,
        status=status,
    )

    def batches(uow: SqlUnitOfWork) -> AsyncIterator[Sequence[Payment]]:
        return keyset(lambda page: uow.payments.list(query, page))

    return await _export(
        ctx,
        request,
        name="payments",
        columns=PAYMENT_COLUMNS,
        batches=batches,
        asked=columns,
        tz=tz,
        bom=bom,
        filters={
            "customer_id": customer_id,
            "invoice_id": invoice_id,
            "transaction_id": transaction_id,
            "processor_payment_id": processor_payment_id,
            "status": status,
        },
    )


@router.get(
    "/refunds.csv",
    operation_id="exports_refunds",
    summary="Export refunds as CSV",
    description=_describe(
        "Every refund (and canceled bank debit), newest first; `payment_id` keeps those of one payment, as "
        "`GET /v1/payments/{payment_id}/refunds` lists them.",
        REFUND_COLUMNS,
    ),
    response_class=StreamingResponse,
    responses=_responses(
        "id,payment_id,kind,status,currency,amount\r\nre_01JD3MB2ZD0000000000000000,pay_01JD3M9V4C0000000000000000,"
        "refund,succeeded,USD,250.00\r\n"
    ),
)
async def export_refunds(
    ctx: Read,
    request: Request,
    payment_id: IdFilter = None,
    columns: ColumnsParam = None,
    tz: TzParam = None,
    bom: BomParam = False,
) -> StreamingResponse:
    if payment_id is not None:
        await ctx.uow.payments.get(payment_id)

    def batches(uow: SqlUnitOfWork) -> AsyncIterator[Sequence[Refund]]:
        return keyset(lambda page: uow.refunds.list(page, payment_id=payment_id))

    return await _export(
        ctx,
        request,
        name="refunds",
        columns=REFUND_COLUMNS,
        batches=batches,
        asked=columns,
        tz=tz,
        bom=bom,
        filters={"payment_id": payment_id},
    )


@router.get(
    "/disputes.csv",
    operation_id="exports_disputes",
    summary="Export disputes as CSV",
    description=_describe("Disputes, newest first, with the filters of `GET /v1/disputes`.", DISPUTE_COLUMNS),
    response_class=StreamingResponse,
    responses=_responses(
        "id,payment_id,status,currency,amount,evidence_due_by\r\ndp_01JD3MC7YE0000000000000000,"
        "pay_01JD3M9V4C0000000000000000,needs_response,USD,1000.00,2026-12-08T23:59:59+00:00\r\n"
    ),
)
async def export_disputes(
    ctx: Read,
    request: Request,
    payment_id: IdFilter = None,
    status: DisputeStatus | None = None,
    columns: ColumnsParam = None,
    tz: TzParam = None,
    bom: BomParam = False,
) -> StreamingResponse:
    if payment_id is not None:
        await ctx.uow.payments.get(payment_id)
    query = DisputeQuery(payment_id=payment_id, status=status)

    def batches(uow: SqlUnitOfWork) -> AsyncIterator[Sequence[Dispute]]:
        return keyset(lambda page: uow.disputes.list(query, page))

    return await _export(
        ctx,
        request,
        name="disputes",
        columns=DISPUTE_COLUMNS,
        batches=batches,
        asked=columns,
        tz=tz,
        bom=bom,
        filters={"payment_id": payment_id, "status": status},
    )


@router.get(
    "/aging.csv",
    operation_id="exports_aging",
    summary="Export the aging report as CSV",
    description=_describe(
        "One row per invoice owed at the end of `as_of` (default today), newest first: how many days past its due "
        "date it was then, its bucket (`current`, `1_30`, `31_60`, `61_90` or `over_90`) and what was owed on it "
        "then, exactly as `GET /v1/insights/aging` counts them (an invoice paid since still appears for a past "
        "day; one issued after it does not).",
        AGING_COLUMNS,
    ),
    response_class=StreamingResponse,
    responses=_responses(
        "invoice_id,number,customer_id,currency,due_date,days_past_due,bucket,amount_due\r\n"
        "inv_01JD3M7K2B0000000000000000,INV-000042,cus_01JD3M5Q8Z0000000000000000,USD,2026-10-21,41,31_60,"
        "1875.00\r\n"
    ),
)
async def export_aging(
    ctx: Read,
    request: Request,
    as_of: Annotated[Day | None, Query(description="The day ages are counted at; default today.")] = None,
    currency: Currency | None = None,
    customer_id: IdFilter = None,
    columns: ColumnsParam = None,
    tz: TzParam = None,
    bom: BomParam = False,
) -> StreamingResponse:
    day = as_of or ctx.clock.today()
    currency = normalize_currency(currency) if currency is not None else None
    if customer_id is not None:
        await ctx.uow.customers.get(customer_id)

    async def batches(uow: SqlUnitOfWork) -> AsyncIterator[Sequence[AgingRow]]:
        insights, before = SqlInsights(uow.session, uow.partner_id), None
        while True:
            owed = await insights.owed_invoices(
                day, currency=currency, customer_id=customer_id, before_invoice=before, limit=AGING_BATCH
            )
            if not owed:
                return
            yield [AgingRow(o, (day - o.due_date).days) for o in owed]
            before = owed[-1].invoice_id

    return await _export(
        ctx,
        request,
        name="aging",
        columns=AGING_COLUMNS,
        batches=batches,
        asked=columns,
        tz=tz,
        bom=bom,
        filters={"as_of": day, "currency": currency, "customer_id": customer_id},
    )
