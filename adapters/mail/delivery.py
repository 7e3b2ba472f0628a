"""Delivering queued emails: claim a row, render it, hand it to the mailer, record what happened.

Each step is its own short transaction and the mailer is called between them, with nothing held open: SQLite
runs every transaction as BEGIN IMMEDIATE, so a transaction left open across an SMTP conversation would stop
every other writer. The claim is a guarded UPDATE (still queued, due, and it moves `next_attempt_at` a lease
ahead), so two workers given the same id never both send it; a worker that dies mid-send leaves the row to be
picked up again once the lease runs out.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.db.emails import email_due
from adapters.db.tables import EmailRow
from adapters.mail.render import render
from domain.clock import Clock
from domain.mail import SENSITIVE, DeliveryFailed, EmailStatus, RenderedEmail
from domain.ports import Mailer

log = logging.getLogger("remit.mail")

LEASE = timedelta(minutes=5)  # longer than any SMTP conversation (30 s timeout) can take
# Waits after the 1st, 2nd, 3rd and 4th temporary failure; the 5th failure gives up.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
MAX_ATTEMPTS = len(BACKOFF) + 1
QUEUED = EmailStatus.QUEUED.value


def _redact(row: EmailRow) -> None:
    """Codes and account links must not sit in the database once they have left it."""
    row.context = {}
    row.text_body = None
    row.html_body = None


class Delivery:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], mailer: Mailer, clock: Clock) -> None:
        self.sessions = sessions
        self.mailer = mailer
        self.clock = clock

    @property
    def keeps_bodies(self) -> bool:
        """The stored mailer sends nothing, so its rows keep their bodies for /dev/mailbox."""
        return self.mailer.name == "stored"

    async def deliver(self, email_id: str) -> str:
        """Deliver one email; returns its status afterwards, or `skipped` when it was not ours to send (already
        sent, not due yet, or claimed by another worker)."""
        claimed = await self._claim(email_id)
        if isinstance(claimed, str):
            return claimed
        message, attempt = claimed
        try:
            await self.mailer.send(message)
        except DeliveryFailed as exc:
            return await self._failed(email_id, attempt, exc.detail, permanent=exc.permanent)
        except Exception as exc:  # a mailer bug must not lose the email: retry like a temporary failure
            log.exception("mailer %s raised unexpectedly for %s", self.mailer.name, email_id)
            return await self._failed(email_id, attempt, f"{type(exc).__name__}: {exc}", permanent=False)
        return await self._sent(email_id, attempt)

    async def _claim(self, email_id: str) -> tuple[RenderedEmail, int] | str:
        now = self.clock.now()
        async with self.sessions() as session, session.begin():
            row: EmailRow | None = await session.scalar(
                update(EmailRow)
                .where(EmailRow.id == email_id, EmailRow.status == QUEUED, email_due(now))
                .values(attempts=EmailRow.attempts + 1, next_attempt_at=now + LEASE)
                .returning(EmailRow),
                execution_options={"synchronize_session": False},
            )
            if row is None:
                return "skipped"
            try:
                message = await render(session, row)
            except Exception as exc:  # a template asked for a value the sender did not give: retrying cannot help
                log.exception("email %s (%s) could not be rendered", row.id, row.template)
                self._finish(row, EmailStatus.FAILED, error=f"could not render: {type(exc).__name__}: {exc}")
                return row.status
            row.subject, row.text_body, row.html_body = message.subject, message.text, message.html
            return message, row.attempts

    async def _sent(self, email_id: str, attempt: int) -> str:
        status = EmailStatus.STORED if self.keeps_bodies else EmailStatus.SENT
        async with self.sessions() as session, session.begin():
            row = await self._owned(session, email_id, attempt)
            if row is None:
                return "skipped"
            row.sent_at = self.clock.now()
            self._finish(row, status, error=None)
            return row.status

    async def _failed(self, email_id: str, attempt: int, detail: str, *, permanent: bool) -> str:
        async with self.sessions() as session, session.begin():
            row = await self._owned(session, email_id, attempt)
            if row is None:
                return "skipped"
            if permanent or attempt >= MAX_ATTEMPTS:
                self._finish(row, EmailStatus.FAILED, error=detail)
                log.warning("email %s to %s failed for good: %s", row.id, row.to_address, detail)
            else:
                row.error = detail[:500]
                row.next_attempt_at = self.clock.now() + BACKOFF[attempt - 1]
                log.info("email %s will be retried at %s: %s", row.id, row.next_attempt_at, detail)
            return row.status

    async def _owned(self, session: AsyncSession, email_id: str, attempt: int) -> EmailRow | None:
        """The row, if it is still the attempt this worker claimed (a lease that ran out may have passed it on)."""
        return await session.scalar(
            select(EmailRow)
            .where(EmailRow.id == email_id, EmailRow.status == QUEUED, EmailRow.attempts == attempt)
            .with_for_update()
        )

    def _finish(self, row: EmailRow, status: EmailStatus, *, error: str | None) -> None:
        row.status = status.value
        row.error = error[:500] if error else None
        row.next_attempt_at = None
        if row.template in SENSITIVE and not self.keeps_bodies:
            _redact(row)
