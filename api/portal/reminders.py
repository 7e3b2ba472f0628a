"""/portal/v1/me/notifications: the signed-in user's email preferences for the customer they are working on."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.deps import json_response
from api.errors import problems
from api.portal.deps import Portal, PortalWriting
from api.v1.fields import Flag, RequestModel

router = APIRouter(prefix="/portal/v1/me/notifications", tags=["portal"])

REMINDERS = (
    "Reminders before and after invoices fall due, for this customer. Receipts and outcomes of one's own payments "
    "(and of payments one scheduled) are always sent."
)


class NotificationsOut(BaseModel):
    object: str = "notification_preferences"
    customer_id: str
    reminders: bool = Field(description=REMINDERS)


class NotificationsIn(RequestModel):
    reminders: Flag = Field(description=REMINDERS)


@router.get(
    "",
    operation_id="portal_notifications_retrieve",
    summary="Email preferences",
    description="Whether the signed-in user receives invoice reminders for the current customer. Receipts for "
    "one's own payments are always sent.",
    response_model=NotificationsOut,
    responses=problems(401, 403),
)
async def retrieve(ctx: Portal) -> Response:
    return json_response(NotificationsOut(customer_id=ctx.customer_id, reminders=ctx.membership.reminders))


@router.patch(
    "",
    operation_id="portal_notifications_update",
    summary="Turn invoice reminders on or off",
    description="For the signed-in user on the current customer only; colleagues keep their own choice. Receipts "
    "for one's own payments are always sent.",
    response_model=NotificationsOut,
    responses=problems(401, 403),
)
async def update(body: NotificationsIn, ctx: PortalWriting) -> Response:
    membership = ctx.membership
    if membership.reminders != body.reminders:
        membership.reminders = body.reminders
        await ctx.uow.portal_users.save_membership(membership)
        await ctx.uow.audit(
            actor=ctx.actor,
            action="portal.notifications_changed",
            subject=ctx.customer_id,
            details={"user_id": ctx.user.id, "reminders": body.reminders},
        )
    return json_response(NotificationsOut(customer_id=ctx.customer_id, reminders=membership.reminders))
