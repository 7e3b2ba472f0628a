"""Dashboard sessions: idle 30 minutes, absolute 12 hours; a token (only its hash stored) replaced at sign-in, at
the second factor and on switching partner. A session works for one partner at a time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from domain.identity.sessions import SessionPolicy, elevated
from domain.ids import new_id

IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_TIMEOUT = timedelta(hours=12)
ELEVATION = timedelta(minutes=10)
TOUCH_INTERVAL = timedelta(seconds=60)
MAX_MFA_FAILURES = 5
POLICY = SessionPolicy(IDLE_TIMEOUT, ABSOLUTE_TIMEOUT, ELEVATION)


class SessionState(StrEnum):
    ACTIVE = "active"
    MFA_REQUIRED = "mfa_required"  # the password or code is proven; only the second factor is open
    MFA_ENROLMENT_REQUIRED = "mfa_enrolment_required"  # the partner requires MFA: set it up before anything else


class Factor(StrEnum):
    PASSWORD = "password"
    CODE = "code"
    TOTP = "totp"
    RECOVERY_CODE = "recovery_code"
    LINK = "link"  # an invitation or a password reset, with a new password


@dataclass(slots=True)
class DashboardSession:
    user_id: str
    partner_id: str | None
    state: SessionState
    token_hash: str
    created_at: datetime
    factors: list[Factor] = field(default_factory=list)
    elevated_until: datetime | None = None
    mfa_failures: int = 0
    ip: str | None = None
    user_agent: str | None = None
    last_seen_at: datetime | None = None
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    id: str = field(default_factory=lambda: new_id("dss"))

    def __post_init__(self) -> None:
        POLICY.start(self)

    def alive(self, now: datetime) -> bool:
        return POLICY.alive(self, now)

    def elevated(self, now: datetime) -> bool:
        return elevated(self, now)

    def prove(self, factor: Factor, now: datetime) -> None:
        """A password, TOTP or recovery code elevates the session for a few minutes; an emailed code does not."""
        self.factors.append(factor)
        if factor is not Factor.CODE:
            POLICY.elevate(self, now)
