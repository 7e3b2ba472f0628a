"""/v1/approvals and /v1/settings/approvals: maker-checker rules, the requests they hold, and deciding them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from api.deps import DecideApprovals, Read, WriteSecurity, json_response, processors_of
from api.errors import problems
from api.pagination import Cursor, Limit, ListOf, page_of, page_request
from api.v1.fields import Currency, Flag, RequestModel
from api.v1.schemas.approvals import ApprovalOut
from domain.approvals import use_cases as approving
from domain.approvals.model import MAX_REASON, ApprovalStatus
from domain.audit import field_changes
from domain.money import MAX_AMOUNT

router = APIRouter()  # each route names its tag: the rules are settings, the requests approvals

Threshold = Annotated[int, Field(strict=True, ge=0, le=MAX_AMOUNT)]


class ApprovalSettingsOut(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "object": "approval_settings",
                    "refunds_above": {"USD": 50000, "CAD": 65000},
                    "write_offs": True,
                    "payout_destination_changes": True,
                }
            ]
        },
    )
    object: str = "approval_settings"
    refunds_above: dict[str, int] = Field(
        description="Per currency, in minor units: a refund strictly above needs approval. Empty: none does."
    )
    write_offs: bool = Field(description="Every write-off needs approval.")
    payout_destination_changes: bool = Field(description="Changing where payouts go needs approval.")


class RefundThreshold(RequestModel):
    amount: Threshold
    currency: Currency


class ApprovalSettingsUpdate(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"refunds_above": {"USD": 50000}, "write_offs": True}]})
    refunds_above: Annotated[dict[Currency, Threshold], Field(max_length=50)] | RefundThreshold | None = Field(
        default=None,
        description='`{"USD": 50000}` (one threshold per currency), or one `{"amount": 50000, "currency": '
        '"USD"}`; replaces the thresholds. `null` switches the refund rule off.',
    )
    write_offs: Flag | None = None
    payout_destination_changes: Flag | None = None


class ApprovalReject(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"reason": "The customer paid by wire yesterday."}]})
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_REASON)] = Field(
        description="Why not; emailed to whoever asked."
    )


@router.get(
    "/v1/settings/approvals",
    operation_id="settings_approvals_retrieve",
    summary="Retrieve approval rules",
    tags=["settings"],
    response_model=ApprovalSettingsOut,
    responses=problems(401),
)
async def retrieve_rules(ctx: Read) -> Response:
    return json_response(ApprovalSettingsOut.model_validate(await ctx.uow.approval_rules.get()))


@router.patch(
    "/v1/settings/approvals",
    operation_id="settings_approvals_update",
    summary="Update approval rules",
    description="Maker-checker: while a rule applies, the request it names answers 202 with a pending `approval` "
    "instead of acting, until an admin or sub-admin other than the requester approves it. Changes only the fields "
    "sent. People only (admins): API keys cannot change who checks them.",
    tags=["settings"],
    response_model=ApprovalSettingsOut,
    responses=problems(400, 401, 403, 409, 422),
)
async def update_rules(body: ApprovalSettingsUpdate, ctx: WriteSecurity) -> Response:
    changes: dict[str, Any] = {}
    if "refunds_above" in body.model_fields_set:
        sent = body.refunds_above
        changes["refunds_above"] = {sent.currency: sent.amount} if isinstance(sent, RefundThreshold) else sent
    for name in ("write_offs", "payout_destination_changes"):
        if getattr(body, name) is not None:
            changes[name] = getattr(body, name)
    current = await ctx.uow.approval_rules.get()
    updated = approving.changed_rules(current, **changes)
    await ctx.uow.approval_rules.save(updated)
    await ctx.uow.audit(
        actor=ctx.principal.actor,
        action="settings.approvals.updated",
        subject=ctx.uow.partner_id,
        details=field_changes(current, updated, changes),
    )
    return await ctx.respond(200, ApprovalSettingsOut.model_validate(updated))


@router.get(
    "/v1/approvals",
    operation_id="approvals_list",
    tags=["approvals"],
    summary="List approvals",
    description="Newest first; filter by status. A pending request nobody decided within 7 days reads `expired`.",
    response_model=ListOf[ApprovalOut],
    responses=problems(400, 401, 422),
)
async def list_approvals(
    ctx: Read, limit: Limit = 20, cursor: Cursor = None, status: ApprovalStatus | None = None
) -> Response:
    page = await ctx.uow.approvals.list(page_request(limit, cursor), now=ctx.clock.now(), status=status)
    return json_response(page_of(page, [ApprovalOut.model_validate(a) for a in page.items]))


@router.get(
    "/v1/approvals/{approval_id}",
    operation_id="approvals_retrieve",
    tags=["approvals"],
    summary="Retrieve an approval",
    response_model=ApprovalOut,
    responses=problems(401, 404),
)
async def retrieve(approval_id: str, ctx: Read) -> Response:
    approval = await ctx.uow.approvals.get(approval_id)
    return json_response(ApprovalOut.model_validate(approval.as_of(ctx.clock.now())))


@router.post(
    "/v1/approvals/{approval_id}/approve",
    operation_id="approvals_approve",
    tags=["approvals"],
    summary="Approve a request",
    description="Runs the held request once, with its original parameters, and answers the approval: `approved` "
    "with the `result` it made, or `failed` with the problem when it could no longer run (the payment was refunded "
    "meanwhile). Admins and sub-admins other than the requester (403 `self_approval`), never API keys; pending "
    "and unexpired requests only (409 `approval_not_pending`, `approval_expired`). Of two people approving at "
    "once, one runs it and the other gets 409.",
    response_model=ApprovalOut,
    responses=problems(401, 403, 404, 409, 503),
)
async def approve(approval_id: str, ctx: DecideApprovals, request: Request) -> Response:
    done = await approving.approve_request(
        approving.ApproveRequest(approval_id, ctx.principal.actor),
        ctx.uow,
        processors=processors_of(request),
        clock=ctx.clock,
        checkpoint=ctx.checkpoint,
    )
    return await ctx.respond(200, ApprovalOut.model_validate(done))


@router.post(
    "/v1/approvals/{approval_id}/reject",
    operation_id="approvals_reject",
    tags=["approvals"],
    summary="Reject a request",
    description="Nothing runs; the reason is emailed to whoever asked. Same deciders and states as approving.",
    response_model=ApprovalOut,
    responses=problems(400, 401, 403, 404, 409, 422),
)
async def reject(approval_id: str, body: ApprovalReject, ctx: DecideApprovals) -> Response:
    done = await approving.reject_request(
        approving.RejectRequest(approval_id, ctx.principal.actor, body.reason), ctx.uow, clock=ctx.clock
    )
    return await ctx.respond(200, ApprovalOut.model_validate(done))
