"""/v1/payments: charge saved methods or record offline payments, quote, list, retry, cancel (refunds: refunds.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response

from api.deps import Read, WriteContext, WritePayments, json_response, processors_of
from api.errors import problems
from api.pagination import Cursor, Limit, ListOf, page_of, page_request
from api.v1.schemas.payments import (
    AllocationIn,
    AllocationOut,
    PaymentCreate,
    PaymentOut,
    PaymentQuoteIn,
    PaymentQuoteOut,
)
from domain.errors import ErrorCode, InvalidRequest
from domain.payments import charges, offline
from domain.payments.model import OFFLINE_METHODS, Allocation, PaymentStatus
from domain.payments.recovery import RefreshPayment
from domain.ports import PaymentQuery

router = APIRouter(prefix="/v1/payments", tags=["payments"])


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
async def create(body: PaymentCreate, ctx: WritePayments, request: Request) -> Response:
    cmd: charges.PayInvoices | RefreshPayment
    if ctx.resume is not None:  # an earlier attempt with this key stored a payment and then went silent
        cmd = RefreshPayment(ctx.resume)
    elif body.payment_method_id is None:
        return await _record_offline(body, ctx)
    elif body.method is not None and body.method in OFFLINE_METHODS:
        raise InvalidRequest(
            "Offline methods take no payment_method_id.", code=ErrorCode.INVALID_REQUEST, field="payment_method_id"
        )
    else:
        cmd = _pay_command(body, body.payment_method_id)
    payment = await charges.pay_invoices(
        cmd, ctx.uow, processors=processors_of(request), clock=ctx.clock, checkpoint=ctx.checkpoint
    )
    return await ctx.respond_payment(payment, PaymentOut.model_validate(payment))


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
            "Offline payments take allocations, not an amount.", code=ErrorCode.INVALID_REQUEST, field="amount"
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
    return await ctx.respond(201, PaymentOut.model_validate(payment))


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
            allocations=[AllocationOut.model_validate(a) for a in q.allocations],
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
    return json_response(PaymentOut.model_validate(await ctx.uow.payments.get(payment_id)))


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
    return json_response(page_of(page, [PaymentOut.model_validate(p) for p in page.items]))


@router.post(
    "/{payment_id}/cancel",
    operation_id="payments_cancel",
    summary="Cancel an offline payment recorded in error",
    description="Writes a reversing ledger entry and reopens the invoices it paid. The payment stays, canceled.",
    response_model=PaymentOut,
    responses=problems(401, 404, 409),
)
async def cancel(payment_id: str, ctx: WritePayments) -> Response:
    payment = await offline.cancel_offline_payment(offline.CancelOfflinePayment(payment_id), ctx.uow, clock=ctx.clock)
    return await ctx.respond(200, PaymentOut.model_validate(payment))


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
async def retry(payment_id: str, ctx: WritePayments, request: Request) -> Response:
    cmd = RefreshPayment(ctx.resume) if ctx.resume is not None else charges.RetryPayment(payment_id)
    payment = await charges.retry_payment(
        cmd, ctx.uow, processors=processors_of(request), clock=ctx.clock, checkpoint=ctx.checkpoint
    )
    return await ctx.respond_payment(payment, PaymentOut.model_validate(payment))
