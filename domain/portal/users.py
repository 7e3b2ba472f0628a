"""Portal users (contacts of customers who sign in), their memberships and permissions, and the lockout rule."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from domain.errors import ErrorCode, InvalidRequest
from domain.identity import lockout
from domain.ids import new_id


class Permission(StrEnum):
    VIEW = "view"
    PAY = "pay"
    MANAGE_METHODS = "manage_methods"
    MANAGE_TEAM = "manage_team"


ALL_PERMISSIONS = frozenset(Permission)


class MembershipSource(StrEnum):
    CONTACT = "contact"  # an email on the customer record
    INVITED = "invited"  # the partner sent an activation link
    APPROVED = "approved"  # an access request the partner approved
    TEAM = "team"  # a colleague invited them from the portal


def normalize_email(raw: str) -> str:
    email = raw.strip().lower()
    local, at, domain = email.partition("@")
    if not at or not local or "." not in domain or len(email) > 320 or any(c.isspace() for c in email):
        raise InvalidRequest("That is not an email address.", code=ErrorCode.INVALID_EMAIL, field="email")
    return email


def permissions_of(raw: Iterable[str]) -> frozenset[Permission]:
    try:
        granted = frozenset(Permission(p) for p in raw)
    except ValueError:
        raise InvalidRequest(
            f"Permissions are {', '.join(p.value for p in Permission)}.",
            code=ErrorCode.INVALID_PERMISSION,
            field="permissions",
        ) from None
    return granted | {Permission.VIEW}  # everyone who can sign in can see the invoices


@dataclass(slots=True)
class PortalUser:
    partner_id: str
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
    language: str | None = None  # chosen in the portal ("en" | "fr"); None until the first sign-in saves one
    id: str = field(default_factory=lambda: new_id("pus"))

    def locked(self, now: datetime) -> bool:
        return lockout.is_locked(self, now)

    def record_failure(self, now: datetime) -> None:
        lockout.record_failure(self, now)

    def record_success(self, now: datetime) -> None:
        lockout.record_success(self, now)

    def unlock(self, now: datetime) -> None:
        lockout.unlock(self, now)


@dataclass(slots=True)
class Membership:
    partner_id: str
    user_id: str
    customer_id: str
    permissions: frozenset[Permission]
    source: MembershipSource
    created_at: datetime
    reminders: bool = True
    id: str = field(default_factory=lambda: new_id("pmb"))

    def allows(self, permission: Permission) -> bool:
        return permission in self.permissions
