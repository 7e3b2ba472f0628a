"""The partner's approval rules and an approval's lifecycle: pending → approved (→ failed) | rejected | expired.

A request a rule applies to is stored as an `Approval` with its original parameters instead of acting; an admin or
sub-admin other than the requester approves it (which runs it, once) or rejects it, within seven days.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from domain.errors import Conflict, ErrorCode, InvalidTransition, PermissionDenied
from domain.ids import new_id
from domain.pagination import Page, PageRequest
from domain.portal.ports import PortalSettingsRepository
from domain.ports import UnitOfWork
from domain.team.ports import PartnerUsers

APPROVAL_TTL = timedelta(days=7)
MAX_REASON = 500


@dataclass(frozen=True, slots=True)
class ApprovalRules:
    """What a partner switched on. Off by default: nothing waits for anyone until a rule says so."""

    refunds_above: Mapping[str, int] = field(default_factory=dict)  # currency → minor units; strictly above waits
    write_offs: bool = False
    payout_destination_changes: bool = False

    def refund_needs_approval(self, amount: int, currency: str) -> bool:
        threshold = self.refunds_above.get(currency)
        return threshold is not None and amount > threshold

    def write_off_needs_approval(self) -> bool:
        return self.write_offs


def payout_destination_change_needs_approval(rules: ApprovalRules) -> bool:
    """For payouts, when they land: whether changing where a partner's money is paid out waits for a second person."""
    return rules.payout_destination_changes


class ApprovalAction(StrEnum):
    REFUND = "refund"
    WRITE_OFF = "write_off"
    PAYOUT_DESTINATION_CHANGE = "payout_destination_change"


class ApprovalStatus(StrEnum):
    PENDING = "pending"  # waiting for a decision
    APPROVED = "approved"  # approved, and the request ran (its result names what it made)
    REJECTED = "rejected"
    EXPIRED = "expired"  # nobody decided within seven days
    FAILED = "failed"  # approved, but the request no longer could run (the payment was refunded meanwhile…)


TRANSITIONS: dict[ApprovalStatus, frozenset[ApprovalStatus]] = {
    ApprovalStatus.PENDING: frozenset({ApprovalStatus.APPROVED, ApprovalStatus.REJECTED, ApprovalStatus.EXPIRED}),
    ApprovalStatus.APPROVED: frozenset({ApprovalStatus.FAILED}),
}
DECIDED = frozenset({ApprovalStatus.APPROVED, ApprovalStatus.REJECTED, ApprovalStatus.FAILED})


@dataclass(slots=True)
class Approval:
    partner_id: str
    action: ApprovalAction
    params: dict[str, Any]  # the original request's parameters, run as they were when approved
    requested_by: str  # the requester's actor: "user:<id>" or "api_key:<id>"
    created_at: datetime
    expires_at: datetime  # created_at + APPROVAL_TTL
    subject_id: str | None = None  # the payment refunded, the invoice written off
    amount: int | None = None  # what the request would move, as asked (for the people deciding)
    currency: str | None = None
    status: ApprovalStatus = ApprovalStatus.PENDING
    decided_by: str | None = None
    decided_at: datetime | None = None
    reason: str | None = None  # why it was rejected
    result: dict[str, Any] | None = None  # what approving made: {"refund_id": …} or {"invoice_id": …}
    failure: dict[str, Any] | None = None  # the problem that stopped it: {"code": …, "detail": …}
    id: str = field(default_factory=lambda: new_id("apr"))

    def as_of(self, now: datetime) -> Approval:
        """Itself, reading `expired` once a pending request outlived its seven days (nothing stores that)."""
        if self.status is ApprovalStatus.PENDING and now >= self.expires_at:
            self.status = ApprovalStatus.EXPIRED
        return self

    def ensure_decidable(self, decider: str, now: datetime) -> None:
        """Only a pending, unexpired request, and never by whoever asked for it."""
        if decider == self.requested_by:
            raise PermissionDenied(
                "You asked for this yourself: another admin or sub-admin has to decide it.",
                code=ErrorCode.SELF_APPROVAL,
                approval_id=self.id,
            )
        self.as_of(now)
        if self.status is ApprovalStatus.EXPIRED:
            raise Conflict(
                f"Approval '{self.id}' expired on {self.expires_at.isoformat()}: nobody decided within "
                f"{APPROVAL_TTL.days} days. Make the request again.",
                code=ErrorCode.APPROVAL_EXPIRED,
                approval_id=self.id,
            )
        if self.status is not ApprovalStatus.PENDING:
            raise Conflict(
                f"Approval '{self.id}' is already {self.status.value}.",
                code=ErrorCode.APPROVAL_NOT_PENDING,
                approval_id=self.id,
                status=self.status.value,
            )

    def move_to(self, target: ApprovalStatus) -> None:
        if target not in TRANSITIONS.get(self.status, frozenset()):
            raise InvalidTransition("approval", self.id, self.status.value, target.value)
        self.status = target

    def approve(self, decider: str, now: datetime) -> None:
        self.ensure_decidable(decider, now)
        self.move_to(ApprovalStatus.APPROVED)
        self.decided_by, self.decided_at = decider, now

    def reject(self, decider: str, now: datetime, reason: str) -> None:
        self.ensure_decidable(decider, now)
        self.move_to(ApprovalStatus.REJECTED)
        self.decided_by, self.decided_at, self.reason = decider, now, reason

    def fail(self, code: str, detail: str) -> None:
        """The approved request could not run: the approval says why instead of the request."""
        self.move_to(ApprovalStatus.FAILED)
        self.failure = {"code": code, "detail": detail}


class Approvals(Protocol):
    async def add(self, approval: Approval) -> None: ...
    async def get(self, ident: str, *, lock: bool = False) -> Approval:
        """As stored (`as_of` tells whether it expired); `lock` holds the row until the transaction ends."""
        ...

    async def save(self, approval: Approval) -> None: ...
    async def list(self, page: PageRequest, *, now: datetime, status: ApprovalStatus | None = None) -> Page[Approval]:
        """Newest first; `expired` includes pending ones past their time, `pending` excludes them."""
        ...


class ApprovalRulesRepository(Protocol):
    async def get(self) -> ApprovalRules: ...
    async def save(self, rules: ApprovalRules) -> None: ...


class ApprovalsUnitOfWork(UnitOfWork, Protocol):
    @property
    def approvals(self) -> Approvals: ...

    @property
    def approval_rules(self) -> ApprovalRulesRepository: ...

    @property
    def portal_settings(self) -> PortalSettingsRepository: ...

    @property
    def partner_users(self) -> PartnerUsers: ...
