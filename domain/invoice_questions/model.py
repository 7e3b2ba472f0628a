"""A question a customer asks about an invoice, and its lifecycle: open → resolved."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from domain.errors import InvalidTransition
from domain.ids import new_id
from domain.pagination import Page, PageRequest
from domain.portal.ports import PortalSettingsRepository, PortalUsers
from domain.ports import UnitOfWork

MAX_MESSAGE = 2000


class QuestionStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


TRANSITIONS: dict[QuestionStatus, frozenset[QuestionStatus]] = {
    QuestionStatus.OPEN: frozenset({QuestionStatus.RESOLVED}),
    QuestionStatus.RESOLVED: frozenset(),
}


@dataclass(slots=True)
class InvoiceQuestion:
    partner_id: str
    invoice_id: str
    customer_id: str
    message: str
    created_at: datetime
    portal_user_id: str | None = None
    status: QuestionStatus = QuestionStatus.OPEN
    resolution: str | None = None
    resolved_at: datetime | None = None
    id: str = field(default_factory=lambda: new_id("qst"))

    def move_to(self, target: QuestionStatus) -> None:
        if target not in TRANSITIONS[self.status]:
            raise InvalidTransition("invoice question", self.id, self.status.value, target.value)
        self.status = target


class InvoiceQuestions(Protocol):
    async def add(self, question: InvoiceQuestion) -> None: ...
    async def get(self, ident: str, *, lock: bool = False) -> InvoiceQuestion: ...
    async def save(self, question: InvoiceQuestion) -> None: ...
    async def for_invoice(self, invoice_id: str) -> builtins.list[InvoiceQuestion]:
        """Newest first."""
        ...

    async def open_among(self, invoice_ids: Sequence[str]) -> set[str]:
        """Which of these invoices have an open question."""
        ...

    async def list(
        self, page: PageRequest, *, status: QuestionStatus | None = None, invoice_id: str | None = None
    ) -> Page[InvoiceQuestion]: ...


class QuestionsUnitOfWork(UnitOfWork, Protocol):
    @property
    def invoice_questions(self) -> InvoiceQuestions: ...

    @property
    def portal_users(self) -> PortalUsers: ...

    @property
    def portal_settings(self) -> PortalSettingsRepository: ...
