"""/v1/scheduled-payments: the payments customers scheduled from the portal; list, retrieve, cancel."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from api.deps import Read, WritePayments, json_response
from api.errors import problems
from api.pagination import Cursor, Limit, ListOf, page_of, page_request
from api.v1.schemas.payments import AllocationOut
from domain.scheduled_payments import use_cases as scheduled_payments
from domain.scheduled_payments.model import ScheduledStatus

router = APIRouter(prefix="/v1/scheduled-payments", tags=["scheduled_payments"])


class ScheduledPaymentOut(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": "sch_01JD3MD0000000000000000000",
                    "object": "scheduled_payment",
                    "customer_id": "cus_01JD3M5Q8Z0000000000000000",
                    "portal_user_id": "pus_01JD3ME0000000000000000000",
                    "payment_method_id": "pm_01JD3MB0000000000000000000",
                    "status": "scheduled",
                    "scheduled_for": "2026-12-01",
                    "amount": 100000,
                    "currency": "USD",
                    "allocations": [{"invoice_id": "inv_01JD3M7K2B0000000000000000", "amount": 100000}],
                    "payment_id": None,
                    "failure_message": None,
                    "created_at": "2026-11-21T09:00:00Z",
                    "executed_at": None,
                    "canceled_at": None,
                    "canceled_by": None,
                    "cancel_reason": None,
                }
            ]
        },
    )
    id: str
    object: str = "scheduled_payment"
    customer_id: str
    portal_user_id: str | None = Field(description="The portal user who scheduled it.")
    payment_method_id: str
    status: ScheduledStatus
    scheduled_for: date
    amount: int = Field(description="What the invoices receive; a card fee, if any, is added when it runs.")
    currency: str
    allocations: list[AllocationOut]
    payment_id: str | None = Field(description="The payment made when it ran.")
    failure_message: str | None
    created_at: datetime
    executed_at: datetime | None
    canceled_at: datetime | None
    canceled_by: str | None = Field(
        description="Who canceled it: the portal user, the partner's actor, or `system` (see `cancel_reason`)."
    )
    cancel_reason: str | None = Field(
        description="Why the system canceled it on its day: an invoice it pays was voided or written off."
    )


@router.get(
    "",
    operation_id="scheduled_payments_list",
    summary="List scheduled payments",
    description="Newest first; filter by customer and status.",
    response_model=ListOf[ScheduledPaymentOut],
    responses=problems(400, 401, 404, 422),
)
async def list_scheduled(
    ctx: Read,
    limit: Limit = 20,
    cursor: Cursor = None,
    customer_id: Annotated[str | None, Query(max_length=64)] = None,
    status: ScheduledStatus | None = None,
) -> Response:
    if customer_id is not None:
        await ctx.uow.customers.get(customer_id)  # another partner's or an unknown customer answers 404
    page = await ctx.uow.scheduled_payments.list(page_request(limit, cursor), customer_id=customer_id, status=status)
    return json_response(page_of(page, [ScheduledPaymentOut.model_validate(s) for s in page.items]))


@router.get(
    "/{scheduled_payment_id}",
    operation_id="scheduled_payments_retrieve",
    summary="Retrieve a scheduled payment",
    response_model=ScheduledPaymentOut,
    responses=problems(401, 404),
)
async def retrieve(scheduled_payment_id: str, ctx: Read) -> Response:
    return json_response(ScheduledPaymentOut.model_validate(await ctx.uow.scheduled_payments.get(scheduled_payment_id)))


@router.post(
    "/{scheduled_payment_id}/cancel",
    operation_id="scheduled_payments_cancel",
    summary="Cancel a scheduled payment",
    description="Until it runs; nothing is charged. The customer sees it canceled in the portal.",
    response_model=ScheduledPaymentOut,
    responses=problems(401, 404, 409),
)
async def cancel(scheduled_payment_id: str, ctx: WritePayments) -> Response:
    cmd = scheduled_payments.CancelScheduled(scheduled_payment_id, by=ctx.principal.actor)
    done = await scheduled_payments.cancel_scheduled(cmd, ctx.uow, clock=ctx.clock)
    return await ctx.respond(200, ScheduledPaymentOut.model_validate(done))
