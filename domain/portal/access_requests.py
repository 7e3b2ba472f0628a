"""Access requests: someone verified an email no customer knows and asks the partner for access."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from domain.errors import InvalidTransition
from domain.ids import new_id


class AccessRequestStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DISMISSED = "dismissed"


TRANSITIONS = {
    AccessRequestStatus.PENDING: frozenset({AccessRequestStatus.APPROVED, AccessRequestStatus.DISMISSED}),
    AccessRequestStatus.APPROVED: frozenset[AccessRequestStatus](),
    AccessRequestStatus.DISMISSED: frozenset[AccessRequestStatus](),
}


@dataclass(slots=True)
class AccessRequest:
    partner_id: str
    email: str
    company_name: str
    contact_name: str
    phone: str
    address: str
    created_at: datetime
    status: AccessRequestStatus = AccessRequestStatus.PENDING
    suggested_customer_id: str | None = None  # a guest who paid this customer's invoice, then asked to enrol
    customer_id: str | None = None
    decided_at: datetime | None = None
    decided_by: str | None = None
    id: str = field(default_factory=lambda: new_id("acr"))

    def move_to(self, target: AccessRequestStatus, *, at: datetime, by: str) -> None:
        if target not in TRANSITIONS[self.status]:
            raise InvalidTransition("access request", self.id, self.status.value, target.value)
        self.status = target
        self.decided_at = at
        self.decided_by = by
