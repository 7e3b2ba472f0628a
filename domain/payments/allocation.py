"""Spreading one amount over several invoices: oldest due first, each at most what it owes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from domain.errors import Conflict, ErrorCode, InvalidRequest
from domain.payments.model import Allocation


@dataclass(frozen=True, slots=True)
class Owed:
    invoice_id: str
    due_date: date
    amount_due: int


def allocate_oldest_first(amount: int, owed: Sequence[Owed]) -> list[Allocation]:
    """Allocations for `amount` across `owed`, by due date then id. Refuses more than the total owed."""
    if amount <= 0:
        raise InvalidRequest("The amount must be positive.", code=ErrorCode.INVALID_AMOUNT, field="amount")
    total = sum(o.amount_due for o in owed)
    if amount > total:
        raise Conflict(
            f"The amount {amount} is more than the {total} owed on the selected invoices.",
            code=ErrorCode.AMOUNT_EXCEEDS_DUE,
            requested=amount,
            amount_due=total,
        )
    out: list[Allocation] = []
    left = amount
    for o in sorted(owed, key=lambda o: (o.due_date, o.invoice_id)):
        if left == 0:
            break
        part = min(left, o.amount_due)
        if part > 0:
            out.append(Allocation(o.invoice_id, part))
            left -= part
    return out
