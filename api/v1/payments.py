"""/v1/payments: record offline payments (check, cash, bank transfer, other) with allocations; list; cancel."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from api.deps import Read, Write, json_response
from api.errors import problems
from api.pagination import Cursor, Limit, ListOf, page_of, page_request
from api.v1.fields import Amount, Currency, Day, RequestModel, ResourceId, ShortText
from domain.payments import use_cases
from domain.payments.model import Allocation, MethodType, Payment, PaymentStatus
from domain.ports import PaymentQuery

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
                }
            ]
        }
    )
    customer_id: ResourceId
    method: MethodType
    allocations: Annotated[list[AllocationIn], Field(min_length=1, max_length=100)]
    reference: ShortText | None = Field(default=None, description="Check number, transfer reference…")
    currency: Currency | None = Field(default=None, description="If given, every invoice must be in it.")
    received_on: Day | None = Field(default=None, description="When the money arrived; defaults to today.")


class PaymentOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "pay_01JD3M9W4E0000000000000000",
                    "object": "payment",
                    "customer_id": "cus_01JD3M5Q8Z0000000000000000",
                    "method": "check",
                    "status": "succeeded",
                    "amount": 125000,
                    "currency": "USD",
                    "reference": "Check #1042",
                    "received_on": "2026-11-21",
                    "allocations": [
                        {"invoice_id": "inv_01JD3M7K2B0000000000000000", "amount": 100000},
                        {"invoice_id": "inv_01JD3M7K2C0000000000000000", "amount": 25000},
                    ],
                    "created_at": "2026-11-21T09:05:00Z",
                    "canceled_at": None,
                }
            ]
        }
    )
    id: str
    object: str = "payment"
    customer_id: str
    method: MethodType
    status: PaymentStatus
    amount: int
    currency: str
    reference: str | None
    received_on: date
    allocations: list[AllocationOut]
    created_at: datetime
    canceled_at: datetime | None

    @classmethod
    def of(cls, p: Payment) -> PaymentOut:
        return cls(
            id=p.id,
            customer_id=p.customer_id,
            method=p.method,
            status=p.status,
            amount=p.amount,
            currency=p.currency,
            reference=p.reference,
            received_on=p.received_on,
            allocations=[AllocationOut(invoice_id=a.invoice_id, amount=a.amount) for a in p.allocations],
            created_at=p.created_at,
            canceled_at=p.canceled_at,
        )


@router.post(
    "",
    operation_id="payments_create",
    summary="Record an offline payment",
    description="Applies a check, cash, bank transfer or other payment to one or more invoices of one customer. "
    "Each allocation may be partial but never more than the invoice's amount due, however many requests race.",
    status_code=201,
    response_model=PaymentOut,
    responses=problems(400, 401, 404, 409, 422),
)
async def create(body: PaymentCreate, ctx: Write) -> Response:
    payment = await use_cases.record_offline_payment(
        use_cases.RecordOfflinePayment(
            customer_id=body.customer_id,
            method=body.method,
            allocations=tuple(Allocation(a.invoice_id, a.amount) for a in body.allocations),
            reference=body.reference,
            currency=body.currency,
            received_on=body.received_on,
        ),
        ctx.uow,
        clock=ctx.clock,
    )
    return await ctx.respond(201, PaymentOut.of(payment))


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
    response_model=ListOf[PaymentOut],
    responses=problems(400, 401, 404, 422),
)
async def list_payments(
    ctx: Read,
    limit: Limit = 20,
    cursor: Cursor = None,
    customer_id: Annotated[str | None, Query(max_length=64)] = None,
    invoice_id: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    if customer_id is not None:
        await ctx.uow.customers.get(customer_id)
    if invoice_id is not None:
        await ctx.uow.invoices.get(invoice_id)
    page = await ctx.uow.payments.list(
        PaymentQuery(customer_id=customer_id, invoice_id=invoice_id), page_request(limit, cursor)
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
    payment = await use_cases.cancel_offline_payment(payment_id, ctx.uow, clock=ctx.clock)
    return await ctx.respond(200, PaymentOut.of(payment))
