"""The fake outbox: recorded events kept for handling (domain/event_handlers.py), like adapters/db/outbox.py."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from domain.event_handlers import StoredEvent
from domain.events import PaymentEvent

if TYPE_CHECKING:
    from tests.use_cases.fakes.unit_of_work import FakeUnitOfWork


class FakeOutbox:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    async def claim(self, *, ids: Sequence[str] | None, limit: int) -> list[StoredEvent]:
        tables = self._uow.tables
        pending = [e for e in tables.outbox.values() if e.id not in tables.handled]
        if ids is not None:
            pending = [e for e in pending if e.id in set(ids)]
        return sorted(pending, key=lambda e: e.id)[:limit]

    async def mark_handled(self, ids: Sequence[str], *, at: datetime) -> None:
        for ident in ids:
            self._uow.tables.handled[ident] = at

    async def recorded_before(self, event: StoredEvent, kind: type[PaymentEvent], payment_id: str) -> bool:
        return any(
            e.id < event.id and e.type == kind.type and e.payload.get("payment_id") == payment_id
            for e in self._uow.tables.outbox.values()
            if e.partner_id == event.partner_id
        )
