"""The partner's audit trail as read back: who did what, when, to what; never a secret."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

REDACTED = "[redacted]"
# How long audit rows are kept. The database refuses to delete a younger row (migration 0010's trigger); the daily
# `audit.purge` job deletes the older ones.
RETENTION = timedelta(days=730)

# Names a writer might use for something that unlocks an account or moves money. Checked on every key, at any depth,
# so a future writer that forgets cannot leak one through the API.
_SECRET_KEY = re.compile(
    r"(secret|password|passphrase|token|api_?key|private|credential|otp|totp|mfa_code|recovery|cvc|cvv|"
    r"card_number|account_number|routing|iban|signature|authorization|cookie|session_token|code_hash|hash)",
    re.IGNORECASE,
)
# Values that look like credentials whatever their key: API keys, bearer tokens, webhook secrets, and long random
# runs (a token or a secret in base64 or hex: one unbroken word of mixed characters).
_SECRET_VALUE = re.compile(r"^(sk|rk|pk|whsec|key)_[A-Za-z0-9_]{8,}$|^Bearer\s")
_RUN = re.compile(r"[A-Za-z0-9_\-+/=]{32,}")


def _random_looking(value: str) -> bool:
    if not _RUN.fullmatch(value) or len(set(value)) < 10:
        return False
    classes = (any(c.islower() for c in value), any(c.isupper() for c in value), any(c.isdigit() for c in value))
    return sum(classes) >= 2


@dataclass(frozen=True, slots=True)
class AuditEvent:
    id: str
    actor: str
    action: str
    subject: str | None
    details: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AuditQuery:
    actor: str | None = None
    action: str | None = None  # exact, or a prefix ending in "." (`settings.` for every settings change)
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive


def redact(value: Any, *, key: str = "") -> Any:
    """A copy of `value` in which anything secret-looking reads `[redacted]`."""
    if key and _SECRET_KEY.search(key):
        return REDACTED
    if isinstance(value, Mapping):
        return {str(k): redact(v, key=str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact(v) for v in value]
    if isinstance(value, str) and (_SECRET_VALUE.search(value) or _random_looking(value)):
        return REDACTED
    return value


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """`{field: {before, after}}` for each field whose value differs; the shape every settings change records."""
    return {
        name: {"before": before.get(name), "after": after.get(name)}
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


def _plain(value: Any) -> Any:
    if isinstance(value, frozenset | set):
        return sorted(_plain(v) for v in value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    return value


def field_changes(before: object, after: object, fields: Iterable[str]) -> dict[str, dict[str, Any]]:
    """`changes` between two settings objects, over the named attributes, in JSON-ready values."""
    names = list(fields)
    return changes(
        {n: _plain(getattr(before, n)) for n in names},
        {n: _plain(getattr(after, n)) for n in names},
    )
