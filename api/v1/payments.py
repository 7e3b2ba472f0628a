"""/v1/payments: charge saved methods or record offline payments, quote, list, refund, retry, cancel."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from api.deps import Read, Write, WriteContext, json_response, processors_of
from api.errors import problems
from api.pagination import Cursor, Limit, ListOf, page_of, page_request
from api.v1.fields import Amount, Currency, Day, Email, EmailOut, RequestModel, ResourceId, ShortText
from domain.errors import InvalidRequest
from domain.payments import charges, offline
from domain.payments.model import OFFLINE_METHODS, Allocation, MethodType, Payment, PaymentStatus
from domain.payments.recovery import RefreshPayment
from domain.ports import PaymentQuery
from domain.refunds import use_cases as refunding
from domain.refunds.model import Refund, RefundKind, RefundStatus

router = APIRouter(prefix="/v1/payments", tags=["payments"])


class AllocationIn(RequestModel):
    invoice_id: ResourceId
    amount: Amount


class AllocationOut(BaseModel):
    invoice_id: str
    amount: int


class PaymentCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "customer_id": "cus_01JD3M5Q8Z0000000000000000",
                    "method": "check",
                    "reference": "Check #1042",
                    "allocations": [
                        {"invoice_id": "inv_01JD3M7K2B0000000000000000", "amount": 100000},
                        {"invoice_id": "inv_01JD3M7K2C0000000000000000", "amount": 25000},
                    ],
                },
                {
                    "customer_id": "cus_01JD3M5Q8Z0000000000000000",
                    "payment_method_id": "pm_01JD3MB0000000000000000000",
                    "allocations": [{"invoice_id": "inv_01JD3M7K2B0000000000000000", "amount": 100000}],
                },
                {
                    "customer_id": "cus_01JD3M5Q8Z0000000000000000",
                    "payment_method_id": "pm_01JD3MB0000000000000000000",
                    "amount": 150000,
                },
            ]
        }
    )
    customer_id: ResourceId
    payment_method_id: ResourceId | None = Field(
        default=None, description="A saved card or bank account to charge. Omit it to record an offline payment."
    )
    method: MethodType | None = Field(
        default=None, description="For offline payments: check, cash, bank_transfer or other."
    )
    allocations: Annotated[list[AllocationIn], Field(min_length=1, max_length=100)] | None = Field(
        default=None, description="Which invoices to pay and how much of each."
    )
    amount: Amount | None = Field(
        default=None,
        description="Instead of allocations (saved methods only): one amount spread over `invoice_ids`, or over all "
        "the customer's open invoices, oldest due first.",
    )
    invoice_ids: Annotated[list[ResourceId], Field(max_length=100)] | None = None
    reference: ShortText | None = Field(default=None, description="Check number, transfer reference…")
    currency: Currency | None = Field(default=None, description="If given, every invoice must be in it.")
    received_on: Day | None = Field(default=None, description="When offline money arrived; defaults to today.")
    receipt_email: Email | None = Field(
        default=None,
        description="Where the receipt and the bank-debit outcome emails go; the customer's email otherwise.",
    )


class PaymentQuoteIn(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "customer_id": "cus_01JD3M5Q8Z0000000000000000",
                    "payment_method_id": "pm_01JD3MB0000000000000000000",
                    "amount": 150000,
                }
            ]
        }
    )
    customer_id: ResourceId
    payment_method_id: ResourceId
    allocations: Annotated[list[AllocationIn], Field(min_length=1, max_length=100)] | None = None
    amount: Amount | None = None
    invoice_ids: Annotated[list[ResourceId], Field(max_length=100)] | None = None
    currency: Currency | None = None


class PaymentQuoteOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "object": "payment_quote",
                    "customer_id": "cus_01JD3M5Q8Z0000000000000000",
                    "payment_method_id": "pm_01JD3MB0000000000000000000",
                    "method": "card",
                    "currency": "USD",
                    "allocations": [{"invoice_id": "inv_01JD3M7K2B0000000000000000", "amount": 100000}],
                    "subtotal": 100000,
                    "fee": 2930,
                    "total": 102930,
                }
            ]
        }
    )
    object: str = "payment_quote"
    customer_id: str
    payment_method_id: str
    method: MethodType
    currency: str
    allocations: list[AllocationOut]
    subtotal: int
    fee: int = Field(description="The card fee passed on to the customer; 0 for debit cards and bank debits.")
    total: int


class PaymentOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "pay_01JD3M9W4E0000000000000000",
                    "object": "payment",
                    "transaction_id": "RM-7KQ2-M9P4-XZ3B",
                    "customer_id": "cus_01JD3M5Q8Z0000000000000000",
                    "method": "card",
                    "status": "succeeded",
                    "amount": 102930,
                    "fee": 2930,
                    "currency": "USD",
                    "reference": None,
                    "received_on": "2026-11-21",
                    "payment_method_id": "pm_01JD3MB0000000000000000000",
                    "processor": "sandbox",
                    "processor_payment_id": "ch_sbx_3MB0000000000000",
                    "failure_code": None,
                    "failure_message": None,
                    "return_code": None,
                    "retry_of": None,
                    "attempt": 1,
                    "allocations": [{"invoice_id": "inv_01JD3M7K2B0000000000000000", "amount": 100000}],
                    "created_at": "2026-11-21T09:05:00Z",
                    "settled_at": "2026-11-21T09:05:01Z",
                    "canceled_at": None,
                    "receipt_email": "ap@acme.example",
                }
            ]
        }
    )
    id: str
    object: str = "payment"
    transaction_id: str = Field(description="Human-readable, unique per partner; searchable with `transaction_id`.")
    customer_id: str
    method: MethodType
    status: PaymentStatus
    amount: int = Field(description="What the customer paid: the allocations plus `fee`.")
    fee: int
    currency: str
    reference: str | None
    received_on: date
    payment_method_id: str | None
    processor: str | None
    processor_payment_id: str | None
    failure_code: str | None
    failure_message: str | None
    return_code: str | None
    retry_of: str | None
    attempt: int
    allocations: list[AllocationOut]
    created_at: datetime
    settled_at: datetime | None
    canceled_at: datetime | None
    receipt_email: EmailOut | None

    @classmethod
    def of(cls, p: Payment) -> PaymentOut:
        return cls(
            id=p.id,
            transaction_id=p.transaction_id,
            customer_id=p.customer_id,
            method=p.method,
            status=p.status,
            amount=p.amount,
            fee=p.fee,
            currency=p.currency,
            reference=p.reference,
            received_on=p.received_on,
            payment_method_id=p.payment_method_id,
            processor=p.processor,
            processor_payment_id=p.processor_payment_id,
            failure_code=p.failure_code,
            failure_message=p.failure_message,
            return_code=p.return_code,
            retry_of=p.retry_of,
            attempt=p.attempt,
            allocations=[AllocationOut(invoice_id=a.invoice_id, amount=a.amount) for a in p.allocations],
            created_at=p.created_at,
            settled_at=p.settled_at,
            canceled_at=p.canceled_at,
            receipt_email=p.receipt_email,
        )


class RefundCreate(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"amount": 2500, "reason": "Duplicate payment"}]})
    amount: Amount | None = Field(default=None, description="Defaults to everything still refundable.")
    reason: ShortText | None = None


class RefundOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "re_01JD3MC0000000000000000000",
                    "object": "refund",
                    "payment_id": "pay_01JD3M9W4E0000000000000000",
                    "kind": "refund",
                    "amount": 2500,
                    "currency": "USD",
                    "status": "succeeded",
                    "reason": "Duplicate payment",
                    "processor_refund_id": "re_sbx_3MC000000000",
                    "failure_message": None,
                    "created_at": "2026-11-21T10:00:00Z",
                }
            ]
        }
    )
    id: str
    object: str = "refund"
    payment_id: str
    kind: RefundKind = Field(description="`debit_cancellation` when the payment was a bank debit not yet settled.")
    amount: int
    currency: str
    status: RefundStatus
    reason: str | None
    processor_refund_id: str | None
    failure_message: str | None
    created_at: datetime

    @classmethod
    def of(cls, r: Refund) -> RefundOut:
        return cls(
            id=r.id,
            payment_id=r.payment_id,
            kind=r.kind,
            amount=r.amount,
            currency=r.currency,
            status=r.status,
            reason=r.reason,
            processor_refund_id=r.processor_refund_id,
            failure_message=r.failure_message,
            created_at=r.created_at,
        )


class RefundList(BaseModel):
    object: str = "list"
    data: list[RefundOut]


def _allocations(items: list[AllocationIn] | None) -> tuple[Allocation, ...]:
    return tuple(Allocation(a.invoice_id, a.amount) for a in items or [])


def _pay_command(body: PaymentCreate | PaymentQuoteIn, payment_method_id: str) -> charges.PayInvoices:
    return charges.PayInvoices(
        customer_id=body.customer_id,
        payment_method_id=payment_method_id,
        allocations=_allocations(body.allocations),
        amount=body.amount,
        invoice_ids=tuple(body.invoice_ids or ()),
        currency=body.currency,
        receipt_email=body.receipt_email if isinstance(body, PaymentCreate) else None,
    )


@router.post(
    "",
    operation_id="payments_create",
    summary="Create a payment",
    description="With `payment_method_id`, charges a saved card or bank account for one or more invoices of one "
    "customer (explicit `allocations`, or an `amount` spread oldest due first); a card fee is added when the "
    "partner passes it on. Without it, records an offline payment (`method`: check, cash, bank_transfer, other). "
    "No invoice is ever paid beyond its amount due, however many requests race, and a retried request never "
    "charges twice. Bank debits answer `pending` until they settle; a declined card answers 402 with the "
    "payment id and decline code.",
    status_code=201,
    response_model=PaymentOut,
    responses=problems(400, 401, 402, 404, 409, 422, 503),
)
async def create(body: PaymentCreate, ctx: Write, request: Request) -> Response:
    cmd: charges.PayInvoices | RefreshPayment
    if ctx.resume is not None:  # an earlier attempt with this key stored a payment and then went silent
        cmd = RefreshPayment(ctx.resume)
    elif body.payment_method_id is None:
        return await _record_offline(body, ctx)
    elif body.method is not None and body.method in OFFLINE_METHODS:
        raise InvalidRequest(
            "Offline methods take no payment_method_id.", code="invalid_request", field="payment_method_id"
        )
    else:
        cmd = _pay_command(body, body.payment_method_id)
    payment = await charges.pay_invoices(
        cmd, ctx.uow, processors=processors_of(request), clock=ctx.clock, checkpoint=ctx.checkpoint
    )
    return await ctx.respond_payment(payment, PaymentOut.of(payment))


async def _record_offline(body: PaymentCreate, ctx: WriteContext) -> Response:
    missing = [name for name in ("method", "allocations") if getattr(body, name) is None]
    if missing:  # required when no saved method is charged: a payload error like any missing field
        raise RequestValidationError(
            [
                {"loc": ("body", name), "msg": "Field required for an offline payment", "type": "missing"}
                for name in missing
            ]
        )
    assert body.method is not None
    if body.amount is not None or body.invoice_ids:
        raise InvalidRequest(
            "Offline payments take allocations, not an amount.", code="invalid_request", field="amount"
        )
    payment = await offline.record_offline_payment(
        offline.RecordOfflinePayment(
            customer_id=body.customer_id,
            method=body.method,
            allocations=_allocations(body.allocations),
            reference=body.reference,
            currency=body.currency,
            received_on=body.received_on,
            receipt_email=body.receipt_email,
        ),
        ctx.uow,
        clock=ctx.clock,
    )
    return await ctx.respond(201, PaymentOut.of(payment))


@router.post(
    "/quote",
    operation_id="payments_quote",
    summary="Quote a payment",
    description="What `POST /v1/payments` would charge with this method (allocations, card fee, total), without "
    "charging or holding anything. Shown to the customer before they confirm.",
    response_model=PaymentQuoteOut,
    responses=problems(400, 401, 404, 409, 422),
)
async def quote(body: PaymentQuoteIn, ctx: Read) -> Response:
    q = await charges.quote_payment(
        _pay_command(body, body.payment_method_id),
        ctx.uow,
        clock=ctx.clock,
    )
    return json_response(
        PaymentQuoteOut(
            customer_id=q.customer_id,
            payment_method_id=q.method.id,
            method=q.method.type,
            currency=q.currency,
            allocations=[AllocationOut(invoice_id=a.invoice_id, amount=a.amount) for a in q.allocations],
            subtotal=q.subtotal,
            fee=q.fee,
            total=q.total,
        )
    )


@router.get(
    "/{payment_id}",
    operation_id="payments_retrieve",
    summary="Retrieve a payment",
    response_model=PaymentOut,
    responses=problems(401, 404),
)
async def retrieve(payment_id: str, ctx: Read) -> Response:
    return json_response(PaymentOut.of(await ctx.uow.payments.get(payment_id)))


@router.get(
    "",
    operation_id="payments_list",
    summary="List payments",
    description="Newest first. Filter by customer, invoice, status, our `transaction_id` or the processor's id.",
    response_model=ListOf[PaymentOut],
    responses=problems(400, 401, 404, 422),
)
async def list_payments(
    ctx: Read,
    limit: Limit = 20,
    cursor: Cursor = None,
    customer_id: Annotated[str | None, Query(max_length=64)] = None,
    invoice_id: Annotated[str | None, Query(max_length=64)] = None,
    transaction_id: Annotated[str | None, Query(max_length=20)] = None,
    processor_payment_id: Annotated[str | None, Query(max_length=64)] = None,
    status: PaymentStatus | None = None,
) -> Response:
    if customer_id is not None:
        await ctx.uow.customers.get(customer_id)
    if invoice_id is not None:
        await ctx.uow.invoices.get(invoice_id)
    page = await ctx.uow.payments.list(
        PaymentQuery(
            customer_id=customer_id,
            invoice_id=invoice_id,
            transaction_id=transaction_id,
            processor_payment_id=processor_payment_id,
            status=status,
        ),
        page_request(limit, cursor),
    )
    return json_response(page_of(page, [PaymentOut.of(p) for p in page.items]))


@router.post(
    "/{payment_id}/cancel",
    operation_id="payments_cancel",
    summary="Cancel an offline payment recorded in error",
    description="Writes a reversing ledger entry and reopens the invoices it paid. The payment stays, canceled.",
    response_model=PaymentOut,
    responses=problems(401, 404, 409),
)
async def cancel(payment_id: str, ctx: Write) -> Response:
    payment = await offline.cancel_offline_payment(offline.CancelOfflinePayment(payment_id), ctx.uow, clock=ctx.clock)
    return await ctx.respond(200, PaymentOut.of(payment))


@router.post(
    "/{payment_id}/refunds",
    operation_id="payments_refund",
    summary="Refund a payment",
    description="Full (no amount) or partial; never more than captured minus what was already refunded, however "
    "many requests race. Refunding a bank debit that has not settled cancels it (kind `debit_cancellation`). "
    "A disputed payment cannot be refunded. The invoices stay paid.",
    status_code=201,
    response_model=RefundOut,
    responses=problems(400, 401, 404, 409, 422, 503),
)
async def refund(payment_id: str, body: RefundCreate, ctx: Write, request: Request) -> Response:
    cmd = (
        refunding.RefreshRefund(ctx.resume)  # an earlier attempt with this key stored a refund and went silent
        if ctx.resume is not None
        else refunding.RefundPayment(payment_id=payment_id, amount=body.amount, reason=body.reason)
    )
    done = await refunding.refund_payment(
        cmd, ctx.uow, processors=processors_of(request), clock=ctx.clock, checkpoint=ctx.checkpoint
    )
    return await ctx.respond(201, RefundOut.of(done))


@router.get(
    "/{payment_id}/refunds",
    operation_id="payments_refunds_list",
    summary="List a payment's refunds",
    response_model=RefundList,
    responses=problems(401, 404),
)
async def list_refunds(payment_id: str, ctx: Read) -> Response:
    await ctx.uow.payments.get(payment_id)
    refunds = await ctx.uow.refunds.for_payment(payment_id)
    return json_response(RefundList(data=[RefundOut.of(r) for r in refunds]))


@router.post(
    "/{payment_id}/retry",
    operation_id="payments_retry",
    summary="Retry a returned bank debit",
    description="Presents a debit returned R01 or R09 again, as a new payment linked by `retry_of`; at most two "
    "retries. Other return codes cannot be retried.",
    status_code=201,
    response_model=PaymentOut,
    responses=problems(401, 402, 404, 409, 503),
)
async def retry(payment_id: str, ctx: Write, request: Request) -> Response:
    cmd = RefreshPayment(ctx.resume) if ctx.resume is not None else charges.RetryPayment(payment_id)
    payment = await charges.retry_payment(
        cmd, ctx.uow, processors=processors_of(request), clock=ctx.clock, checkpoint=ctx.checkpoint
    )
    return await ctx.respond_payment(payment, PaymentOut.of(payment))
