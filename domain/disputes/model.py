"""Card disputes (chargebacks) and inquiries, with their lifecycle as a transition table."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from domain.errors import InvalidTransition
from domain.ids import new_id
from domain.payments.processing import DisputeStatus

D = DisputeStatus
DISPUTE_TRANSITIONS: dict[DisputeStatus, frozenset[DisputeStatus]] = {
    D.WARNING_NEEDS_RESPONSE: frozenset({D.WARNING_UNDER_REVIEW, D.WARNING_CLOSED, D.NEEDS_RESPONSE}),
    D.WARNING_UNDER_REVIEW: frozenset({D.WARNING_CLOSED, D.NEEDS_RESPONSE}),
    D.NEEDS_RESPONSE: frozenset({D.UNDER_REVIEW, D.WON, D.LOST}),
    D.UNDER_REVIEW: frozenset({D.WON, D.LOST}),
}
# Statuses in which the network holds the funds.
FUNDS_HELD = frozenset({D.NEEDS_RESPONSE, D.UNDER_REVIEW})
CLOSED = frozenset({D.WON, D.LOST, D.WARNING_CLOSED})


def path_to(current: DisputeStatus, target: DisputeStatus) -> list[DisputeStatus] | None:
    """The shortest chain of legal moves from `current` to `target` (events may skip steps); None if none."""
    frontier: list[list[DisputeStatus]] = [[current]]
    seen = {current}
    while frontier:
        path = frontier.pop(0)
        if path[-1] == target:
            return path[1:]
        for nxt in sorted(DISPUTE_TRANSITIONS.get(path[-1], frozenset())):
            if nxt not in seen:
                seen.add(nxt)
                frontier.append([*path, nxt])
    return None


@dataclass(slots=True)
class Dispute:
    partner_id: str
    payment_id: str
    processor_dispute_id: str
    amount: int
    currency: str
    status: DisputeStatus
    reason: str
    created_at: datetime
    updated_at: datetime
    evidence_due_by: datetime | None = None
    evidence: str | None = None
    evidence_submitted_at: datetime | None = None
    closed_at: datetime | None = None
    id: str = field(default_factory=lambda: new_id("dp"))

    def move_to(self, target: DisputeStatus) -> None:
        if target not in DISPUTE_TRANSITIONS.get(self.status, frozenset()):
            raise InvalidTransition("dispute", self.id, self.status.value, target.value)
        self.status = target
