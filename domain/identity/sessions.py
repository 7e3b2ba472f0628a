"""What portal and dashboard sessions share: an idle and an absolute lifetime, and an elevation window after a
strong proof. Each kind of session has its own policy (domain/portal/sessions.py, domain/team/sessions.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol


class TimedSession(Protocol):
    created_at: datetime
    last_seen_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None
    elevated_until: datetime | None


@dataclass(frozen=True, slots=True)
class SessionPolicy:
    idle: timedelta  # ends after this long without a request
    absolute: timedelta  # ends this long after sign-in, however busy
    elevation: timedelta  # how long a strong proof lets sensitive changes through

    def start(self, session: TimedSession) -> None:
        if session.last_seen_at is None:
            session.last_seen_at = session.created_at
        if session.expires_at is None:
            session.expires_at = session.created_at + self.absolute

    def alive(self, session: TimedSession, now: datetime) -> bool:
        assert session.expires_at is not None and session.last_seen_at is not None
        return session.revoked_at is None and now < session.expires_at and now - session.last_seen_at < self.idle

    def elevate(self, session: TimedSession, now: datetime) -> None:
        session.elevated_until = now + self.elevation


def elevated(session: TimedSession, now: datetime) -> bool:
    return session.elevated_until is not None and now < session.elevated_until
