"""/portal/v1/scheduled-payments: pay on a chosen day (tomorrow up to the earliest due date), list, cancel."""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.deps import json_response
from api.errors import problems
from api.pagination import Cursor, Limit, ListOf, next_cursor, page_request
from api.portal.deps import Portal, PortalContext, PortalWriting
from api.portal.payments import PortalAllocation, WhatToPay
from api.v1.fields import Day, ResourceId
from domain.errors import NotFound
from domain.payments.labels import method_label
from domain.portal import invoices as portal_invoices
from domain.portal import payments as portal_payments
from domain.portal.users import Permission
from domain.scheduled_payments import use_cases as scheduled_payments
from domain.scheduled_payments.model import ScheduledPayment, ScheduledStatus

router = APIRouter(prefix="/portal/v1/scheduled-payments", tags=["portal"])


class ScheduleIn(WhatToPay):
    payment_method_id: ResourceId = Field(description="A saved card or bank account.")
    scheduled_for: Day = Field(description="From tomorrow up to the earliest due date of the invoices it pays.")


class PortalScheduled(BaseModel):
    id: str
    object: str = "scheduled_payment"
    status: ScheduledStatus
    scheduled_for: date
    payment_method_id: str
    method_label: str
    amount: int = Field(description="What the invoices receive; a card fee, if any, is added on the day.")
    currency: str
    allocations: list[PortalAllocation] = Field(description="Resolved when it was scheduled.")
    payment_id: str | None = Field(description="The payment made on the day.")
    failure_message: str | None
    created_at: datetime
    executed_at: datetime | None
    canceled_at: datetime | None
    cancel_reason: str | None = Field(
        description="Set when it was canceled for you: an invoice it pays was voided or written off meanwhile."
    )


async def scheduled_views(ctx: PortalContext, rows: list[ScheduledPayment]) -> list[PortalScheduled]:
    ids = sorted({a.invoice_id for s in rows for a in s.allocations})
    numbers = {i.id: i.number for i in await ctx.uow.invoices.get_many(ids)} if ids else {}
    labels: dict[str, str] = {}
    out = []
    for s in rows:
        if s.payment_method_id not in labels:
            m = await ctx.uow.payment_methods.get(s.payment_method_id)
            labels[m.id] = method_label(m.type, brand=m.brand, bank_name=m.bank_name, last4=m.last4)
        out.append(
            PortalScheduled(
                id=s.id,
                status=s.status,
                scheduled_for=s.scheduled_for,
                payment_method_id=s.payment_method_id,
                method_label=labels[s.payment_method_id],
                amount=s.amount,
                currency=s.currency,
                allocations=[
                    PortalAllocation(invoice_id=a.invoice_id, invoice_number=numbers[a.invoice_id], amount=a.amount)
                    for a in s.allocations
                ],
                payment_id=s.payment_id,
                failure_message=s.failure_message,
                created_at=s.created_at,
                executed_at=s.executed_at,
                canceled_at=s.canceled_at,
                cancel_reason=s.cancel_reason,
            )
        )
    return out


@router.post(
    "",
    operation_id="portal_scheduled_payments_create",
    summary="Schedule a payment",
    description="Pays with a saved method on `scheduled_for` (tomorrow up to the earliest due date of the "
    "invoices it pays). What it pays is resolved now, with the same rules as paying at once (a lump sum goes "
    "oldest due first; partial amounts only where the partner allows them) and shown in the answer. One "
    "scheduled payment per invoice at a time. Needs the `pay` permission. An email says how it went on the day.",
    status_code=201,
    response_model=PortalScheduled,
    responses=problems(400, 401, 403, 404, 409),
)
async def create(body: ScheduleIn, ctx: PortalWriting) -> Response:
    ctx.require(Permission.PAY)
    await portal_invoices.invoices_of(ctx.uow.invoices, body.invoice_refs(), ctx.customer_id)
    await portal_payments.method_of(ctx.uow.payment_methods, body.payment_method_id, ctx.customer_id)
    made = await scheduled_payments.schedule_payment(
        scheduled_payments.SchedulePayment(
            customer_id=ctx.customer_id,
            payment_method_id=body.payment_method_id,
            scheduled_for=body.scheduled_for,
            allocations=body.allocation_tuple(),
            amount=body.amount,
            invoice_ids=tuple(body.invoice_ids or ()),
            currency=body.currency,
            portal_user_id=ctx.user.id,
        ),
        ctx.uow,
        clock=ctx.uow.clock,
    )
    [view] = await scheduled_views(ctx, [made])
    return json_response(view, 201)


@router.get(
    "",
    operation_id="portal_scheduled_payments_list",
    summary="List scheduled payments",
    description="The customer's scheduled payments, newest first, in every status.",
    response_model=ListOf[PortalScheduled],
    responses=problems(400, 401, 403),
)
async def list_scheduled(
    ctx: Portal, limit: Limit = 20, cursor: Cursor = None, status: ScheduledStatus | None = None
) -> Response:
    page = await ctx.uow.scheduled_payments.list(
        page_request(limit, cursor), customer_id=ctx.customer_id, status=status
    )
    data = await scheduled_views(ctx, page.items)
    last = page.items[-1].id if page.items else None
    return json_response(ListOf[PortalScheduled](data=data, next_cursor=next_cursor(page, last)))


@router.post(
    "/{scheduled_payment_id}/cancel",
    operation_id="portal_scheduled_payments_cancel",
    summary="Cancel a scheduled payment",
    description="Until it runs; nothing is charged. Needs the `pay` permission.",
    response_model=PortalScheduled,
    responses=problems(401, 403, 404, 409),
)
async def cancel(scheduled_payment_id: str, ctx: PortalWriting) -> Response:
    ctx.require(Permission.PAY)
    found = await ctx.uow.scheduled_payments.get(scheduled_payment_id)
    if found.customer_id != ctx.customer_id:
        raise NotFound("scheduled payment", scheduled_payment_id)
    cmd = scheduled_payments.CancelScheduled(found.id, by=f"portal:{ctx.user.id}")
    done = await scheduled_payments.cancel_scheduled(cmd, ctx.uow, clock=ctx.uow.clock)
    [view] = await scheduled_views(ctx, [done])
    return json_response(view)
