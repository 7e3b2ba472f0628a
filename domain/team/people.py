"""Partner users: one person, one login, a membership with a role in any number of partners; invitations."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from domain.errors import ErrorCode, InvalidRequest
from domain.identity import lockout
from domain.ids import new_id
from domain.team.roles import Role

INVITATION_LIFETIME = timedelta(days=7)
RESET_LIFETIME = timedelta(hours=1)
SIGN_UP_LIFETIME = timedelta(hours=24)


def role_of(raw: str) -> Role:
    try:
        return Role(raw)
    except ValueError:
        raise InvalidRequest(
            f"A role is one of {', '.join(r.value for r in Role)}.", code=ErrorCode.INVALID_ROLE, field="role"
        ) from None


@dataclass(slots=True)
class PartnerUser:
    email: str
    created_at: datetime
    updated_at: datetime
    name: str | None = None
    password_hash: str | None = None
    password_changed_at: datetime | None = None
    failed_attempts: int = 0
    locked_until: datetime | None = None
    totp_secret: str | None = None  # sealed; set at enrolment, active once confirmed
    totp_enabled: bool = False
    totp_last_step: int | None = None
    recovery_codes: list[str] = field(default_factory=list)  # hashes of the unused ones
    id: str = field(default_factory=lambda: new_id("usr"))

    def locked(self, now: datetime) -> bool:
        return lockout.is_locked(self, now)


@dataclass(slots=True)
class Membership:
    partner_id: str
    user_id: str
    role: Role
    created_at: datetime
    invited_by: str | None = None
    id: str = field(default_factory=lambda: new_id("mem"))


class LinkPurpose(StrEnum):
    INVITATION = "invitation"  # join a partner's team with a role
    PASSWORD_RESET = "password_reset"


@dataclass(slots=True)
class TeamLink:
    """A single-use link emailed to a person: an invitation to a team, or a password reset."""

    purpose: LinkPurpose
    email: str
    token_hash: str
    created_at: datetime
    expires_at: datetime
    partner_id: str | None = None  # invitations: the team
    role: Role | None = None  # invitations: the role on joining
    user_id: str | None = None  # resets: whose password
    created_by: str | None = None
    used_at: datetime | None = None
    revoked_at: datetime | None = None
    id: str = field(default_factory=lambda: new_id("tlk"))

    def usable(self, now: datetime) -> bool:
        return self.used_at is None and self.revoked_at is None and now < self.expires_at


@dataclass(slots=True)
class SignUp:
    """A self-service sign-up waiting for its emailed code: the partner and its first admin are created then."""

    email: str
    password_hash: str
    partner_name: str
    slug: str
    created_at: datetime
    expires_at: datetime
    completed_at: datetime | None = None
    id: str = field(default_factory=lambda: new_id("sgu"))
