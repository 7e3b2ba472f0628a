"""The inbound-event inbox: a duplicate delivery finds the first one's row and does nothing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.statements import Statements
from adapters.db.tables import ProcessorEventRow
from domain.payments.processing import ProcessorEvent


class SqlProcessorInbox(Statements):
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim(self, processor: str, event: ProcessorEvent, *, at: datetime) -> bool:
        stmt = (
            self.dialect_insert(ProcessorEventRow)
            .values(
                processor=processor,
                event_id=event.id,
                type=event.type,
                account=event.account,
                payload=dict(event.raw),
                received_at=at,
            )
            .on_conflict_do_nothing(index_elements=["processor", "event_id"])
            .returning(ProcessorEventRow.id)
        )
        # A concurrent delivery of the same event waits here until the first one commits, then finds it.
        return await self.session.scalar(stmt) is not None

    async def mark(self, processor: str, event_id: str, outcome: str, *, at: datetime) -> None:
        await self.session.execute(
            update(ProcessorEventRow)
            .where(ProcessorEventRow.processor == processor, ProcessorEventRow.event_id == event_id)
            .values(processed_at=at, outcome=outcome[:200])
        )
