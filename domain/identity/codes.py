"""One-time codes, for portal users and partner users alike: 6 digits from a CSPRNG, 10 minutes, single use,
a new one voids the old, 5 wrong entries void it; stored as a keyed hash (six digits are too few for a plain hash
to protect)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from domain.constant_time import same_secret
from domain.ids import new_id

DASHBOARD = "dashboard"  # the realm of codes sent to partner users (a portal's realm is its partner's id)
CODE_TTL = timedelta(minutes=10)
MAX_ATTEMPTS = 5
SENDS_PER_HOUR_PER_EMAIL = 5
SENDS_PER_HOUR_PER_ADDRESS = 20


class CodePurpose(StrEnum):
    SIGN_IN = "sign_in"
    STEP_UP = "step_up"
    EMAIL_CHANGE = "email_change"
    SIGN_UP = "sign_up"  # a new partner's first admin proving the address


def new_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def hash_code(key: bytes, *, realm: str, email: str, purpose: CodePurpose, code: str) -> str:
    """`realm` keeps a code to where it was sent: a partner's portal (its id), or the dashboard."""
    message = "\0".join((realm, email, purpose.value, code)).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


@dataclass(slots=True)
class OneTimeCode:
    realm: str  # the partner whose portal sent it, or DASHBOARD
    email: str
    purpose: CodePurpose
    code_hash: str
    created_at: datetime
    expires_at: datetime
    subject: str | None = None  # the session stepping up, or the address being changed to
    attempts: int = 0
    used_at: datetime | None = None
    voided_at: datetime | None = None
    id: str = field(default_factory=lambda: new_id("otc"))

    def usable(self, now: datetime) -> bool:
        return self.used_at is None and self.voided_at is None and now < self.expires_at

    def try_code(self, candidate_hash: str, now: datetime) -> bool:
        """Spend one attempt; True (and used) when it matches. The fifth wrong entry voids the code."""
        if not self.usable(now):
            return False
        if same_secret(self.code_hash, candidate_hash):
            self.used_at = now
            return True
        self.attempts += 1
        if self.attempts >= MAX_ATTEMPTS:
            self.voided_at = now
        return False
