"""The emails the app queued and sent, read for the development mailbox (api/dev_mailbox.py).

Rows still queued are rendered when read, so a person (or an end-to-end test) sees the content before delivery has
run. Bodies of sign-in codes and account links sent through SMTP were blanked after delivery; those keep their
subject only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.db.tables import EmailRow
from adapters.mail.render import render
from domain.mail import EmailStatus


@dataclass(frozen=True, slots=True)
class Shown:
    id: str
    to: str
    template: str
    status: str
    created_at: datetime
    sent_at: datetime | None
    error: str | None
    subject: str
    text: str | None
    html: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "to": self.to,
            "template": self.template,
            "subject": self.subject,
            "status": self.status,
            "text": self.text,
            "html": self.html,
            "created_at": self.created_at.isoformat(),
        }


async def _shown(session: AsyncSession, row: EmailRow) -> Shown:
    subject, text, html = row.subject, row.text_body, row.html_body
    if row.status == EmailStatus.QUEUED.value:
        try:
            rendered = await render(session, row)
            subject, text, html = rendered.subject, rendered.text, rendered.html
        except Exception as exc:
            text = f"This email cannot be rendered: {type(exc).__name__}: {exc}"
    return Shown(
        id=row.id,
        to=row.to_address,
        template=row.template,
        status=row.status,
        created_at=row.created_at,
        sent_at=row.sent_at,
        error=row.error,
        subject=subject or f"({row.template})",
        text=text,
        html=html,
    )


async def newest(sessions: async_sessionmaker[AsyncSession], to: str | None, *, limit: int) -> list[Shown]:
    """The newest emails, newest first, optionally only those to one address."""
    query = select(EmailRow).order_by(EmailRow.created_at.desc(), EmailRow.id.desc()).limit(limit)
    if to:
        query = query.where(func.lower(EmailRow.to_address) == to.strip().lower())
    async with sessions() as session:
        rows = list(await session.scalars(query))
        return [await _shown(session, row) for row in rows]


async def one(sessions: async_sessionmaker[AsyncSession], email_id: str) -> Shown | None:
    async with sessions() as session:
        row = await session.get(EmailRow, email_id)
        return None if row is None else await _shown(session, row)
