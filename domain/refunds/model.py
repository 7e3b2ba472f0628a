"""Refunds: money sent back on a captured payment, never more than was captured and not yet sent back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from domain.errors import InvalidTransition
from domain.ids import new_id


class RefundKind(StrEnum):
    REFUND = "refund"  # captured money sent back
    DEBIT_CANCELLATION = "debit_cancellation"  # a pending bank debit withdrawn before it settled: no money moved


class RefundStatus(StrEnum):
    PENDING = "pending"  # stored, processor called or about to be
    SUCCEEDED = "succeeded"
    FAILED = "failed"


REFUND_TRANSITIONS: dict[RefundStatus, frozenset[RefundStatus]] = {
    RefundStatus.PENDING: frozenset({RefundStatus.SUCCEEDED, RefundStatus.FAILED}),
}


@dataclass(slots=True)
class Refund:
    partner_id: str
    payment_id: str
    amount: int
    currency: str
    created_at: datetime
    updated_at: datetime
    status: RefundStatus = RefundStatus.PENDING
    kind: RefundKind = RefundKind.REFUND
    reason: str | None = None
    processor_refund_id: str | None = None
    failure_message: str | None = None
    id: str = field(default_factory=lambda: new_id("re"))

    @property
    def processor_idempotency_key(self) -> str:
        return f"remit-{self.id}"

    def move_to(self, target: RefundStatus) -> None:
        if target not in REFUND_TRANSITIONS.get(self.status, frozenset()):
            raise InvalidTransition("refund", self.id, self.status.value, target.value)
        self.status = target
