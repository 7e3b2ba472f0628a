"""A scheduled payment: what a customer asked to pay, with which saved method, on which day, and where it stands."""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol

from domain.errors import Conflict, ErrorCode, InvalidTransition
from domain.ids import new_id
from domain.pagination import Page, PageRequest
from domain.payments.model import Allocation
from domain.portal.ports import PortalUsers
from domain.ports import UnitOfWork


class ScheduledStatus(StrEnum):
    SCHEDULED = "scheduled"
    PROCESSING = "processing"
    EXECUTED = "executed"
    FAILED = "failed"
    CANCELED = "canceled"


S = ScheduledStatus
TRANSITIONS: dict[ScheduledStatus, frozenset[ScheduledStatus]] = {
    S.SCHEDULED: frozenset({S.PROCESSING, S.CANCELED}),
    S.PROCESSING: frozenset({S.EXECUTED, S.FAILED}),
    S.EXECUTED: frozenset(),
    S.FAILED: frozenset(),
    S.CANCELED: frozenset(),
}


@dataclass(slots=True)
class ScheduledPayment:
    partner_id: str
    customer_id: str
    payment_method_id: str
    allocations: tuple[Allocation, ...]
    currency: str
    scheduled_for: date
    created_at: datetime
    portal_user_id: str | None = None
    status: ScheduledStatus = ScheduledStatus.SCHEDULED
    payment_id: str | None = None
    failure_message: str | None = None
    executed_at: datetime | None = None
    canceled_at: datetime | None = None
    canceled_by: str | None = None
    cancel_reason: str | None = None  # why the system canceled it (its invoice written off or voided)
    id: str = field(default_factory=lambda: new_id("sch"))

    @property
    def amount(self) -> int:
        """What the invoices receive; a card fee, if any, is added when it runs."""
        return sum(a.amount for a in self.allocations)

    @property
    def invoice_ids(self) -> tuple[str, ...]:
        return tuple(a.invoice_id for a in self.allocations)

    def move_to(self, target: ScheduledStatus) -> None:
        if target not in TRANSITIONS[self.status]:
            raise InvalidTransition("scheduled payment", self.id, self.status.value, target.value)
        self.status = target

    def cancel(self, *, by: str, at: datetime, reason: str | None = None) -> None:
        if self.status is not ScheduledStatus.SCHEDULED:
            raise Conflict(
                f"This scheduled payment is {self.status.value} and can no longer be canceled.",
                code=ErrorCode.SCHEDULED_PAYMENT_NOT_CANCELABLE,
                status=self.status.value,
            )
        self.move_to(ScheduledStatus.CANCELED)
        self.canceled_at = at
        self.canceled_by = by
        self.cancel_reason = reason[:500] if reason else None

    def fail(self, reason: str) -> None:
        self.move_to(ScheduledStatus.FAILED)
        self.failure_message = reason[:500]


class ScheduledPayments(Protocol):
    async def add(self, scheduled: ScheduledPayment) -> None: ...
    async def get(self, ident: str, *, lock: bool = False) -> ScheduledPayment: ...
    async def save(self, scheduled: ScheduledPayment) -> None: ...
    async def list(
        self, page: PageRequest, *, customer_id: str | None = None, status: ScheduledStatus | None = None
    ) -> Page[ScheduledPayment]: ...
    async def waiting_for_customer(self, customer_id: str) -> builtins.list[ScheduledPayment]:
        """Every schedule of the customer still waiting for its day."""
        ...


class ScheduledUnitOfWork(UnitOfWork, Protocol):
    @property
    def scheduled_payments(self) -> ScheduledPayments: ...

    @property
    def portal_users(self) -> PortalUsers: ...
