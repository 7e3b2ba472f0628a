"""The inbound-event inbox: a duplicate delivery finds the first one's row and does nothing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.tables import ProcessorEventRow
from domain.payments.processing import ProcessorEvent


class SqlProcessorInbox:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim(self, processor: str, event: ProcessorEvent, *, at: datetime) -> bool:
        dialect = self.session.get_bind().dialect.name
        insert_fn = pg_insert if dialect == "postgresql" else sqlite_insert
        stmt = (
            insert_fn(ProcessorEventRow)
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
