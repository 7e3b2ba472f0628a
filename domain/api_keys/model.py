"""API keys: `rk_live_`/`rk_test_` + random body + checksum; only a hash is ever stored."""

from __future__ import annotations

import hashlib
import secrets
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from domain.constant_time import same_secret
from domain.ids import new_id

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
BODY_LENGTH = 32  # 32 base62 characters: about 190 bits of randomness
CHECKSUM_LENGTH = 6
PREFIXES = {True: "rk_live_", False: "rk_test_"}


def _base62(value: int, length: int) -> str:
    out = []
    for _ in range(length):
        value, rem = divmod(value, 62)
        out.append(_BASE62[rem])
    return "".join(reversed(out))


def _checksum(body: str) -> str:
    return _base62(zlib.crc32(body.encode()), CHECKSUM_LENGTH)


def hash_secret(secret: str) -> str:
    """Keys carry ~190 random bits, so a fast hash is enough (nothing to brute-force)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def make_secret(*, livemode: bool, body: str | None = None) -> str:
    body = body or "".join(secrets.choice(_BASE62) for _ in range(BODY_LENGTH))
    return f"{PREFIXES[livemode]}{body}{_checksum(body)}"


def looks_valid(secret: str) -> bool:
    """Format and checksum only: refuses typos and random strings without a database look-up."""
    for prefix in PREFIXES.values():
        if secret.startswith(prefix):
            rest = secret[len(prefix) :]
            if len(rest) != BODY_LENGTH + CHECKSUM_LENGTH or any(c not in _BASE62 for c in rest):
                return False
            body, check = rest[:BODY_LENGTH], rest[BODY_LENGTH:]
            return same_secret(check, _checksum(body))
    return False


def derived_body(seed: bytes) -> str:
    """A deterministic body from a secret seed (the demo key is re-printable without storing it)."""
    digest = int.from_bytes(hashlib.sha256(seed).digest(), "big")
    return _base62(digest, BODY_LENGTH)


class KeyScope(StrEnum):
    FULL = "full"  # everything the partner's API offers
    READ_ONLY = "read_only"  # reads only, like Stripe's restricted keys: for reporting and exports


@dataclass(slots=True)
class ApiKey:
    partner_id: str
    livemode: bool
    secret_hash: str
    display: str  # e.g. "rk_test_…a1B2": enough to recognise, useless to attack
    created_at: datetime
    name: str | None = None
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None
    scope: KeyScope = KeyScope.FULL
    id: str = field(default_factory=lambda: new_id("key"))

    @classmethod
    def issue(
        cls,
        partner_id: str,
        *,
        livemode: bool,
        at: datetime,
        name: str | None = None,
        body: str | None = None,
        scope: KeyScope = KeyScope.FULL,
    ) -> tuple[ApiKey, str]:
        secret = make_secret(livemode=livemode, body=body)
        key = cls(
            partner_id=partner_id,
            livemode=livemode,
            secret_hash=hash_secret(secret),
            display=f"{PREFIXES[livemode]}…{secret[-4:]}",
            created_at=at,
            name=name,
            scope=scope,
        )
        return key, secret

    @property
    def active(self) -> bool:
        return self.revoked_at is None
