"""Single-use links (activation, password reset, sign-in, team invitation, impersonation): a random token sent
once, kept only as a hash, with a lifetime per purpose."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from domain.ids import new_id


class LinkPurpose(StrEnum):
    ACTIVATION = "activation"
    PASSWORD_RESET = "password_reset"
    SIGN_IN = "sign_in"
    TEAM_INVITE = "team_invite"
    IMPERSONATION = "impersonation"


LIFETIMES = {
    LinkPurpose.ACTIVATION: timedelta(days=7),
    LinkPurpose.TEAM_INVITE: timedelta(days=7),
    LinkPurpose.SIGN_IN: timedelta(days=3),
    LinkPurpose.PASSWORD_RESET: timedelta(hours=1),
    LinkPurpose.IMPERSONATION: timedelta(minutes=2),
}


@dataclass(slots=True)
class PortalLink:
    partner_id: str
    purpose: LinkPurpose
    token_hash: str
    created_by: str
    created_at: datetime
    expires_at: datetime
    user_id: str | None = None
    customer_id: str | None = None
    used_at: datetime | None = None
    revoked_at: datetime | None = None
    id: str = field(default_factory=lambda: new_id("plk"))

    def usable(self, now: datetime) -> bool:
        return self.used_at is None and self.revoked_at is None and now < self.expires_at
