"""/v1/payments/{id}/refunds: refund a payment (full, partial, or a pending debit canceled) and list its refunds."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.deps import Read, WriteRefunds, json_response, processors_of
from api.errors import problems
from api.v1.schemas.approvals import ApprovalOut, held_for_approval
from api.v1.schemas.refunds import RefundCreate, RefundList, RefundOut
from domain.approvals import use_cases as approving
from domain.refunds import use_cases as refunding

router = APIRouter(prefix="/v1/payments", tags=["payments"])


@router.post(
    "/{payment_id}/refunds",
    operation_id="payments_refund",
    summary="Refund a payment",
    description="Full (no amount) or partial; never more than captured minus what was already refunded, however "
    "many requests race. Refunding a bank debit that has not settled cancels it (kind `debit_cancellation`). "
    "A disputed payment cannot be refunded. The invoices stay paid. When the partner's approval rules hold "
    "refunds above a threshold (`/v1/settings/approvals`), a larger one answers 202 with a pending `approval` and "
    "nothing is refunded until another person approves it.",
    status_code=201,
    response_model=RefundOut,
    responses={
        **problems(400, 401, 404, 409, 422, 503),
        **held_for_approval("Held for approval: nothing was refunded yet; approving the approval refunds."),
    },
)
async def refund(payment_id: str, body: RefundCreate, ctx: WriteRefunds, request: Request) -> Response:
    cmd: refunding.RefundPayment | refunding.RefreshRefund
    if ctx.resume is not None:  # an earlier attempt with this key stored a refund and went silent
        cmd = refunding.RefreshRefund(ctx.resume)
    else:
        cmd = refunding.RefundPayment(payment_id=payment_id, amount=body.amount, reason=body.reason)
        held = await approving.request_refund(cmd, ctx.uow, requester=ctx.principal.actor, clock=ctx.clock)
        if held is not None:
            return await ctx.respond(202, ApprovalOut.model_validate(held))
    done = await refunding.refund_payment(
        cmd, ctx.uow, processors=processors_of(request), clock=ctx.clock, checkpoint=ctx.checkpoint
    )
    await ctx.uow.audit(
        actor=ctx.principal.actor,
        action="refund.created",
        subject=done.id,
        details={
            "payment_id": done.payment_id,
            "amount": done.amount,
            "currency": done.currency,
            "kind": done.kind.value,
            "status": done.status.value,
            "reason": done.reason,
        },
    )
    return await ctx.respond(201, RefundOut.model_validate(done))


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
    return json_response(RefundList(data=[RefundOut.model_validate(r) for r in refunds]))
