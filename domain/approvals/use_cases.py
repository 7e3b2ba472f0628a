"""Maker-checker: a request a rule applies to waits as an approval; another admin or sub-admin approves it (which
runs it, with its original parameters, exactly once) or rejects it.

Approving locks the approval's row and moves it to approved in the transaction that runs the request, so two
people approving at once make one refund: the second finds it approved already. A request that can no longer run
(the payment was refunded meanwhile) leaves the approval `failed` with the problem, not an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from domain.approvals.model import (
    APPROVAL_TTL,
    MAX_REASON,
    Approval,
    ApprovalAction,
    ApprovalRules,
    ApprovalsUnitOfWork,
)
from domain.clock import Clock
from domain.errors import DomainError, ErrorCode, InvalidRequest
from domain.invoices.model import PAYABLE
from domain.invoices.use_cases import WriteOffInvoice, invoice_with_balance, write_off_invoice
from domain.mail import Email, Template
from domain.money import normalize_currency
from domain.payments.model import CAPTURED, PaymentStatus
from domain.ports import Checkpoint, PaymentProcessor
from domain.refunds.use_cases import RefundPayment, refunded_so_far, start_refund, submit_refund
from domain.team.people import PartnerUser
from domain.team.roles import DECIDERS


@dataclass(frozen=True, slots=True)
class ApproveRequest:
    approval_id: str
    decider: str  # the admin's or sub-admin's actor


@dataclass(frozen=True, slots=True)
class RejectRequest:
    approval_id: str
    decider: str
    reason: str


def changed_rules(
    current: ApprovalRules,
    *,
    refunds_above: Mapping[str, int] | bool | None = False,
    write_offs: bool | None = None,
    payout_destination_changes: bool | None = None,
) -> ApprovalRules:
    """The rules with what was sent changed: `refunds_above` None switches the refund rule off (False: unchanged);
    currencies are checked and upper-cased."""
    thresholds = dict(current.refunds_above)
    if refunds_above is None:
        thresholds = {}
    elif not isinstance(refunds_above, bool):
        thresholds = {}
        for code, amount in refunds_above.items():
            if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
                raise InvalidRequest(
                    "A refund threshold is a whole number of minor units, 0 or more.",
                    code=ErrorCode.INVALID_AMOUNT,
                    field="refunds_above",
                )
            thresholds[normalize_currency(code)] = amount
    return ApprovalRules(
        refunds_above=thresholds,
        write_offs=current.write_offs if write_offs is None else write_offs,
        payout_destination_changes=(
            current.payout_destination_changes if payout_destination_changes is None else payout_destination_changes
        ),
    )


async def request_refund(
    cmd: RefundPayment, uow: ApprovalsUnitOfWork, *, requester: str, clock: Clock
) -> Approval | None:
    """The approval this refund waits for when the partner's rules want one; None: refund now. A refund that would
    be refused anyway (too much, a disputed payment) is not held: it goes on, to be refused as usual."""
    rules = await uow.approval_rules.get()
    if not rules.refunds_above:
        return None
    payment = await uow.payments.get(cmd.payment_id)  # another partner's payment: 404 here
    if payment.status is PaymentStatus.PENDING:
        if cmd.amount is not None and cmd.amount != payment.amount:
            return None  # a pending bank debit is canceled whole: refused as usual
        amount = payment.amount
    elif payment.status in CAPTURED:
        refundable = payment.amount - refunded_so_far(await uow.refunds.for_payment(payment.id))
        amount = refundable if cmd.amount is None else cmd.amount
        if not 0 < amount <= refundable:
            return None
    else:
        return None
    if not rules.refund_needs_approval(amount, payment.currency):
        return None
    return await _requested(
        uow,
        clock,
        action=ApprovalAction.REFUND,
        params=asdict(cmd),
        requester=requester,
        subject_id=payment.id,
        amount=amount,
        currency=payment.currency,
    )


async def request_write_off(cmd: WriteOffInvoice, uow: ApprovalsUnitOfWork, *, clock: Clock) -> Approval | None:
    """The approval this write-off waits for when the partner's rules want one; None: write it off now."""
    rules = await uow.approval_rules.get()
    if not rules.write_off_needs_approval():
        return None
    invoice, balance = await invoice_with_balance(cmd.invoice_id, uow)  # another partner's invoice: 404 here
    amount = balance.amount_due if cmd.amount is None else cmd.amount
    if invoice.status not in PAYABLE or not 0 < amount <= balance.amount_due:
        return None  # refused as usual
    params = {"invoice_id": cmd.invoice_id, "amount": cmd.amount, "reason": cmd.reason}
    return await _requested(
        uow,
        clock,
        action=ApprovalAction.WRITE_OFF,
        params=params,
        requester=cmd.actor,
        subject_id=invoice.id,
        amount=amount,
        currency=invoice.currency,
    )


async def _requested(
    uow: ApprovalsUnitOfWork,
    clock: Clock,
    *,
    action: ApprovalAction,
    params: dict[str, Any],
    requester: str,
    subject_id: str,
    amount: int,
    currency: str,
) -> Approval:
    now = clock.now()
    approval = Approval(
        partner_id=uow.partner_id,
        action=action,
        params=params,
        requested_by=requester,
        created_at=now,
        expires_at=now + APPROVAL_TTL,
        subject_id=subject_id,
        amount=amount,
        currency=currency,
    )
    await uow.approvals.add(approval)
    await uow.audit(
        actor=requester,
        action="approval.requested",
        subject=approval.id,
        details={"action": action.value, "subject_id": subject_id, "amount": amount, "currency": currency},
    )
    context = await _email_context(approval, uow)
    for address in await approver_emails(uow, besides=requester):
        await uow.emails.queue(
            Email(
                to=address,
                template=Template.APPROVAL_REQUESTED,
                context={**context, "expires_on": approval.expires_at.date().isoformat()},
                partner_id=uow.partner_id,
                dedupe_key=f"approval.requested:{approval.id}:{address}",
            )
        )
    return approval


async def approve_request(
    cmd: ApproveRequest,
    uow: ApprovalsUnitOfWork,
    *,
    processors: Mapping[str, PaymentProcessor],
    clock: Clock,
    checkpoint: Checkpoint,
) -> Approval:
    """Approve and run the request as it was asked, under the approval's row lock (the second of two racing
    approvers waits, then finds it approved: 409)."""
    approval = await uow.approvals.get(cmd.approval_id, lock=True)
    approval.approve(cmd.decider, clock.now())
    await uow.approvals.save(approval)
    await uow.audit(
        actor=cmd.decider,
        action="approval.approved",
        subject=approval.id,
        details={
            "action": approval.action.value,
            "subject_id": approval.subject_id,
            "requested_by": approval.requested_by,
        },
    )
    try:
        await _run(approval, uow, processors=processors, clock=clock, checkpoint=checkpoint)
    except DomainError as refused:  # no longer possible: refused before it wrote anything
        approval.fail(refused.code.value, refused.detail)
        await uow.approvals.save(approval)
    await _tell_requester(approval, uow)
    return approval


async def _run(
    approval: Approval,
    uow: ApprovalsUnitOfWork,
    *,
    processors: Mapping[str, PaymentProcessor],
    clock: Clock,
    checkpoint: Checkpoint,
) -> None:
    params = approval.params
    if approval.action is ApprovalAction.REFUND:
        cmd = RefundPayment(payment_id=params["payment_id"], amount=_shown(approval), reason=params.get("reason"))
        refund = await start_refund(cmd, uow, clock=clock)
        approval.result = {"refund_id": refund.id}
        await uow.approvals.save(approval)  # made durable with the refund, before the processor is called
        await uow.audit(
            actor=approval.requested_by,
            action="refund.created",
            subject=refund.id,
            details={
                "payment_id": refund.payment_id,
                "amount": refund.amount,
                "currency": refund.currency,
                "kind": refund.kind.value,
                "status": refund.status.value,
                "reason": refund.reason,
                "approval_id": approval.id,
            },
        )
        await submit_refund(refund, uow, processors=processors, clock=clock, checkpoint=checkpoint)
        return
    if approval.action is ApprovalAction.WRITE_OFF:
        write_off = WriteOffInvoice(
            invoice_id=params["invoice_id"],
            amount=_shown(approval),
            reason=params["reason"],
            actor=approval.requested_by,
        )
        invoice = await write_off_invoice(write_off, uow, clock=clock)
        approval.result = {"invoice_id": invoice.id}
        await uow.approvals.save(approval)
        return
    raise InvalidRequest(
        "Payout destination changes cannot be approved yet: payouts are not available.",
        code=ErrorCode.INVALID_REQUEST,
    )


def _shown(approval: Approval) -> int | None:
    """The amount to run: as asked, and a request for everything (no amount) for what everything was when asked,
    the figure the approver saw; if less remains by then, it fails rather than moving a figure nobody approved."""
    asked = approval.params.get("amount")
    return asked if asked is not None else approval.amount


async def reject_request(cmd: RejectRequest, uow: ApprovalsUnitOfWork, *, clock: Clock) -> Approval:
    reason = cmd.reason.strip()
    if not 1 <= len(reason) <= MAX_REASON:
        raise InvalidRequest(
            f"Say why, in 1 to {MAX_REASON} characters.",
            code=ErrorCode.MISSING_FIELD if not reason else ErrorCode.INVALID_REQUEST,
            field="reason",
        )
    approval = await uow.approvals.get(cmd.approval_id, lock=True)
    approval.reject(cmd.decider, clock.now(), reason)
    await uow.approvals.save(approval)
    await uow.audit(
        actor=cmd.decider,
        action="approval.rejected",
        subject=approval.id,
        details={"action": approval.action.value, "subject_id": approval.subject_id, "reason": reason},
    )
    await _tell_requester(approval, uow)
    return approval


async def _tell_requester(approval: Approval, uow: ApprovalsUnitOfWork) -> None:
    context = {
        **await _email_context(approval, uow),
        "decision": approval.status.value,
        "decided_by": await _who(uow, approval.decided_by),
        "reason": approval.reason,
        "failure": (approval.failure or {}).get("detail"),
    }
    for address in await requester_emails(uow, approval.requested_by):
        await uow.emails.queue(
            Email(
                to=address,
                template=Template.APPROVAL_DECIDED,
                context=context,
                partner_id=uow.partner_id,
                dedupe_key=f"approval.decided:{approval.id}:{address}",
            )
        )


async def _email_context(approval: Approval, uow: ApprovalsUnitOfWork) -> dict[str, Any]:
    return {
        "approval_id": approval.id,
        "action": approval.action.value,
        "subject_id": approval.subject_id,
        "amount": approval.amount,
        "currency": approval.currency,
        "requested_by": await _who(uow, approval.requested_by),
    }


async def approver_emails(uow: ApprovalsUnitOfWork, *, besides: str) -> list[str]:
    """Who is asked to decide a request made by `besides`: the partner's admins and sub-admins but the requester;
    with nobody else on the team, the partner's notification (else support) addresses."""
    team = await uow.partner_users.team(uow.partner_id)
    deciders = [user.email for user, member in team if member.role in DECIDERS and f"user:{user.id}" != besides]
    return deciders or await _partner_addresses(uow)


async def requester_emails(uow: ApprovalsUnitOfWork, requester: str) -> list[str]:
    """Who hears the decision: the person who asked; for an API key, which has no inbox (or a person no longer
    found), the partner's notification (else support) addresses."""
    user = await _person(uow, requester)
    return [user.email] if user is not None else await _partner_addresses(uow)


async def _person(uow: ApprovalsUnitOfWork, actor: str) -> PartnerUser | None:
    kind, _, ident = actor.partition(":")
    return await uow.partner_users.find(ident) if kind == "user" else None


async def _who(uow: ApprovalsUnitOfWork, actor: str | None) -> str | None:
    """An actor as people read it in an email: a person's address, else the actor (`api_key:key_…`)."""
    if actor is None:
        return None
    user = await _person(uow, actor)
    return user.email if user is not None else actor


async def _partner_addresses(uow: ApprovalsUnitOfWork) -> list[str]:
    settings = await uow.portal_settings.get()
    return list(settings.notification_emails) or ([settings.support_email] if settings.support_email else [])
