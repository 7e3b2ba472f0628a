"""The outbox of domain events: written as a transaction commits, read back for handling (domain/event_handlers.py).

Unscoped: handling walks every partner's events, so each statement names its rows, or the event's partner, itself.
On PostgreSQL a batch is row-locked with SKIP LOCKED, so concurrent runners split the work.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.statements import Statements
from adapters.db.tables import OutboxEventRow, core
from domain.event_handlers import StoredEvent
from domain.events import PaymentEvent
from domain.ids import new_id


class SqlOutbox(Statements):
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, partner_id: str, events: Sequence[tuple[str, dict[str, Any]]], *, at: datetime) -> list[str]:
        """Write the (type, payload) events one transaction recorded, as it commits; returns their ids, in order."""
        rows = [
            {"id": new_id("evt"), "partner_id": partner_id, "type": t, "payload": p, "created_at": at}
            for t, p in events
        ]
        await self._insert_rows(core(OutboxEventRow), rows)
        return [str(row["id"]) for row in rows]

    async def claim(self, *, ids: Sequence[str] | None, limit: int) -> list[StoredEvent]:
        table = core(OutboxEventRow)
        pending = select(table).where(table.c.notified_at.is_(None))
        if ids is not None:
            pending = pending.where(table.c.id.in_(list(ids)))
        rows = await self.session.execute(pending.order_by(table.c.id).limit(limit).with_for_update(skip_locked=True))
        return [
            StoredEvent(id=r.id, partner_id=r.partner_id, type=r.type, payload=r.payload, recorded_at=r.created_at)
            for r in rows
        ]

    async def mark_handled(self, ids: Sequence[str], *, at: datetime) -> None:
        table = core(OutboxEventRow)
        await self.session.execute(update(table).where(table.c.id.in_(list(ids))).values(notified_at=at))

    async def recorded_before(self, event: StoredEvent, kind: type[PaymentEvent], payment_id: str) -> bool:
        table = core(OutboxEventRow)
        found = await self.session.scalar(
            select(table.c.id)
            .where(
                table.c.partner_id == event.partner_id,
                table.c.type == kind.type,
                # Recording time first: ids made within one millisecond are not in order.
                or_(
                    table.c.created_at < event.recorded_at,
                    and_(table.c.created_at == event.recorded_at, table.c.id < event.id),
                ),
                table.c.payload["payment_id"].as_string() == payment_id,
            )
            .limit(1)
        )
        return found is not None
