"""Portal sessions: idle 15 minutes, absolute 2 hours; a token (only its hash stored) rotated at sign-in and step-up;
an elevation window after a second factor for the actions that need one."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from domain.identity.sessions import SessionPolicy, elevated
from domain.ids import new_id

IDLE_TIMEOUT = timedelta(minutes=15)
ABSOLUTE_TIMEOUT = timedelta(hours=2)
ELEVATION = timedelta(minutes=10)
TOUCH_INTERVAL = timedelta(seconds=60)  # last_seen_at is written at most this often
MAX_MFA_FAILURES = 5
POLICY = SessionPolicy(IDLE_TIMEOUT, ABSOLUTE_TIMEOUT, ELEVATION)


class SessionState(StrEnum):
    ACTIVE = "active"
    MFA_PENDING = "mfa_pending"  # the first factor is proven; only the MFA step is open
    NO_ACCESS = "no_access"  # the email is verified but belongs to no customer: only an access request is open


class Factor(StrEnum):
    CODE = "code"  # an emailed one-time code
    LINK = "link"  # an emailed single-use link
    PASSWORD = "password"
    TOTP = "totp"
    RECOVERY_CODE = "recovery_code"
    STEP_UP_CODE = "step_up_code"  # a fresh emailed code asked for by a signed-in session
    IMPERSONATION = "impersonation"


@dataclass(slots=True)
class PortalSession:
    partner_id: str
    email: str
    state: SessionState
    token_hash: str
    created_at: datetime
    factors: list[Factor] = field(default_factory=list)
    user_id: str | None = None
    customer_id: str | None = None
    elevated_until: datetime | None = None
    impersonator: str | None = None
    mfa_failures: int = 0
    ip: str | None = None
    user_agent: str | None = None
    last_seen_at: datetime | None = None
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    id: str = field(default_factory=lambda: new_id("pss"))

    def __post_init__(self) -> None:
        POLICY.start(self)

    def alive(self, now: datetime) -> bool:
        return POLICY.alive(self, now)

    def elevated(self, now: datetime) -> bool:
        return elevated(self, now)

    @property
    def impersonated(self) -> bool:
        return self.impersonator is not None

    def prove(self, factor: Factor, now: datetime) -> None:
        """Record a factor. A second, different proof (or any password, TOTP or fresh code) elevates the session
        for a few minutes; an emailed code or link alone never does."""
        self.factors.append(factor)
        if factor not in (Factor.CODE, Factor.LINK, Factor.IMPERSONATION):
            POLICY.elevate(self, now)
