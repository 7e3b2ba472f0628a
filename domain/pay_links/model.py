"""Hosted pay links: one active link per invoice, expiring some days after the due date, revocable. The token is
the link's id with an HMAC, so it can be shown again without being stored, and any tampering reads as unknown."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from domain.constant_time import same_secret
from domain.ids import looks_like_id, new_id


@dataclass(slots=True)
class PayLink:
    partner_id: str
    invoice_id: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None
    id: str = field(default_factory=lambda: new_id("pl"))

    def usable(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at


def expiry_for(due_date: date, days_after_due: int, *, issued_at: datetime) -> datetime:
    """End of the day `days_after_due` after the due date (UTC), and never before a day after issue."""
    end = datetime.combine(due_date + timedelta(days=days_after_due + 1), time.min, tzinfo=UTC)
    return max(end, issued_at + timedelta(days=1))


def _mac(key: bytes, link_id: str) -> str:
    return hmac.new(key, f"pay-link\0{link_id}".encode(), hashlib.sha256).hexdigest()[:32]


def token_for(key: bytes, link_id: str) -> str:
    return f"{link_id}.{_mac(key, link_id)}"


def link_id_from(key: bytes, token: str) -> str | None:
    """The link id a token names, or None when the token was not made by us."""
    link_id, dot, mac = token.partition(".")
    if not dot or not looks_like_id(link_id) or not same_secret(mac, _mac(key, link_id)):
        return None
    return link_id
