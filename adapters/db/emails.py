"""The email outbox: rows queued in the caller's transaction, delivered after it commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, or_
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.statements import Statements
from adapters.db.tables import EmailRow
from domain.clock import Clock
from domain.ids import new_id
from domain.mail import Email, EmailStatus


def email_due(now: datetime) -> ColumnElement[bool]:
    """A queued email's first attempt, its next retry, or its lapsed claim, is due by `now`."""
    return or_(EmailRow.next_attempt_at.is_(None), EmailRow.next_attempt_at <= now)


class SqlEmails(Statements):
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self.session = session
        self.clock = clock
        self.queued: list[str] = []  # ids to deliver once the transaction commits

    async def queue(self, email: Email) -> str | None:
        """Queue one email; None when an email with the same dedupe key was queued before."""
        ident = new_id("eml")
        stmt = (
            self.dialect_insert(EmailRow)
            .values(
                id=ident,
                partner_id=email.partner_id,
                to_address=email.to,
                template=email.template.value,
                dedupe_key=email.dedupe_key,
                context=dict(email.context),
                status=EmailStatus.QUEUED.value,
                attempts=0,
                created_at=self.clock.now(),
            )
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
            .returning(EmailRow.id)
        )
        inserted = await self.session.scalar(stmt)
        if inserted is None:
            return None
        self.queued.append(ident)
        return ident
