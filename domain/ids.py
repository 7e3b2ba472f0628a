"""Prefixed, time-ordered identifiers (`inv_01HX...`): sortable, so keyset pagination can order by id."""

from __future__ import annotations

import re
import secrets
import time

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def _base32(value: int, length: int) -> str:
    chars = []
    for _ in range(length):
        value, rem = divmod(value, 32)
        chars.append(_CROCKFORD[rem])
    return "".join(reversed(chars))


def new_id(prefix: str, *, now_ms: int | None = None) -> str:
    """A ULID (48-bit millisecond time + 80 random bits) behind a type prefix."""
    ms = int(time.time() * 1000) if now_ms is None else now_ms
    return f"{prefix}_{_base32(ms, 10)}{_base32(secrets.randbits(80), 16)}"


ID_PATTERN = re.compile(r"[a-z]{2,3}_[0-9A-Z]{26}")


def looks_like_id(value: str) -> bool:
    return ID_PATTERN.fullmatch(value) is not None


PREFIXES = {
    "partner": "ptr",
    "api_key": "key",
    "customer": "cus",
    "invoice": "inv",
    "invoice_line": "il",
    "payment": "pay",
    "allocation": "alc",
    "journal_entry": "je",
    "journal_line": "jl",
    "event": "evt",
    "audit": "aud",
}
