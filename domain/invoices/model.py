"""Invoices, their lines and their lifecycle as an explicit transition table."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from domain.errors import ErrorCode, InvalidRequest, InvalidTransition
from domain.ids import new_id
from domain.ledger.balances import InvoiceBalance
from domain.money import MAX_AMOUNT

MAX_LINES = 250
MAX_QUANTITY = 1_000_000


class InvoiceStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    VOID = "void"
    ARCHIVED = "archived"
    WRITTEN_OFF = "written_off"  # nothing remains due and some of it was given up as bad debt


S = InvoiceStatus
TRANSITIONS: dict[InvoiceStatus, frozenset[InvoiceStatus]] = {
    S.DRAFT: frozenset({S.OPEN, S.VOID, S.ARCHIVED}),
    S.OPEN: frozenset({S.PARTIALLY_PAID, S.PAID, S.VOID, S.WRITTEN_OFF}),
    S.PARTIALLY_PAID: frozenset({S.OPEN, S.PAID, S.WRITTEN_OFF}),
    S.PAID: frozenset({S.PARTIALLY_PAID, S.OPEN, S.ARCHIVED}),
    # A payment applied before the write-off can still come back (returned debit, lost dispute): owed again.
    S.WRITTEN_OFF: frozenset({S.OPEN, S.PARTIALLY_PAID, S.ARCHIVED}),
    S.VOID: frozenset({S.ARCHIVED}),
    S.ARCHIVED: frozenset(),
}
PAYABLE = frozenset({S.OPEN, S.PARTIALLY_PAID})
ISSUED = frozenset({S.OPEN, S.PARTIALLY_PAID, S.PAID, S.WRITTEN_OFF})


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    description: str
    quantity: int
    unit_amount: int

    def __post_init__(self) -> None:
        for value in (self.quantity, self.unit_amount):
            if isinstance(value, bool) or not isinstance(value, int):
                raise InvalidRequest(
                    "Line quantities and amounts are integers.", code=ErrorCode.INVALID_LINE, field="lines"
                )
        if not self.description.strip():
            raise InvalidRequest("A line needs a description.", code=ErrorCode.INVALID_LINE, field="lines")
        if not 1 <= self.quantity <= MAX_QUANTITY:
            raise InvalidRequest(
                f"Line quantity must be between 1 and {MAX_QUANTITY}.", code=ErrorCode.INVALID_LINE, field="lines"
            )
        if abs(self.unit_amount) > MAX_AMOUNT:
            raise InvalidRequest("Line unit amount is too large.", code=ErrorCode.AMOUNT_TOO_LARGE, field="lines")

    @property
    def amount(self) -> int:
        return self.quantity * self.unit_amount


def lines_total(lines: list[InvoiceLine] | tuple[InvoiceLine, ...]) -> int:
    if not lines:
        raise InvalidRequest("An invoice needs at least one line.", code=ErrorCode.INVALID_LINE, field="lines")
    if len(lines) > MAX_LINES:
        raise InvalidRequest(f"An invoice has at most {MAX_LINES} lines.", code=ErrorCode.INVALID_LINE, field="lines")
    total = sum(line.amount for line in lines)
    if total <= 0:
        raise InvalidRequest("An invoice total must be positive.", code=ErrorCode.INVALID_TOTAL, field="lines")
    if total > MAX_AMOUNT:
        raise InvalidRequest("The invoice total is too large.", code=ErrorCode.AMOUNT_TOO_LARGE, field="lines")
    return total


@dataclass(slots=True)
class Invoice:
    partner_id: str
    customer_id: str
    number: str
    currency: str
    issue_date: date
    due_date: date
    lines: list[InvoiceLine]
    created_at: datetime
    status: InvoiceStatus = InvoiceStatus.OPEN
    memo: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    finalized_at: datetime | None = None
    voided_at: datetime | None = None
    archived_at: datetime | None = None
    id: str = field(default_factory=lambda: new_id("inv"))

    def __post_init__(self) -> None:
        if self.due_date < self.issue_date:
            raise InvalidRequest(
                "The due date cannot be before the issue date.", code=ErrorCode.DUE_BEFORE_ISSUE, field="due_date"
            )
        lines_total(self.lines)

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)

    def move_to(self, target: InvoiceStatus) -> None:
        if target == self.status:
            return
        if target not in TRANSITIONS[self.status]:
            raise InvalidTransition("invoice", self.id, self.status.value, target.value)
        self.status = target

    def is_overdue(self, today: date) -> bool:
        return self.status in PAYABLE and self.due_date < today


def status_for(balance: InvoiceBalance) -> InvoiceStatus:
    """Where an issued invoice stands given its ledger figures."""
    if balance.amount_due == 0 and balance.amount_pending == 0:
        return InvoiceStatus.WRITTEN_OFF if balance.amount_written_off else InvoiceStatus.PAID
    if balance.amount_paid == 0 and balance.amount_pending == 0:
        return InvoiceStatus.OPEN
    return InvoiceStatus.PARTIALLY_PAID


def format_invoice_number(sequence: int) -> str:
    return f"INV-{sequence:06d}"
