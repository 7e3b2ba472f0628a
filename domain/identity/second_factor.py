"""The second factor, the same for portal users and partner users: TOTP (each time step accepted once) or one of
10 single-use recovery codes (only their hashes kept)."""

from __future__ import annotations

import hashlib
import secrets
from typing import Protocol

from domain.clock import Clock
from domain.ports import SecretBox, Totp

RECOVERY_CODES = 10


class HasSecondFactor(Protocol):
    totp_secret: str | None  # sealed
    totp_enabled: bool
    totp_last_step: int | None
    recovery_codes: list[str]


def new_recovery_codes() -> list[str]:
    raw = [secrets.token_hex(5) for _ in range(RECOVERY_CODES)]
    return [f"{c[:5]}-{c[5:]}" for c in raw]


def hash_recovery_code(code: str) -> str:
    return hashlib.sha256(code.strip().replace("-", "").lower().encode()).hexdigest()


def verify_second_factor(
    holder: HasSecondFactor, code: str, *, totp: Totp, box: SecretBox, clock: Clock, recovery: bool = False
) -> bool:
    """True when the code matches; the holder is updated (the step or the recovery code is spent)."""
    if recovery:
        digest = hash_recovery_code(code)
        if digest in holder.recovery_codes:
            holder.recovery_codes = [c for c in holder.recovery_codes if c != digest]
            return True
        return False
    if not holder.totp_enabled or holder.totp_secret is None:
        return False
    step = totp.matching_step(box.open(holder.totp_secret), code.strip(), at=clock.now())
    if step is None or (holder.totp_last_step is not None and step <= holder.totp_last_step):
        return False
    holder.totp_last_step = step
    return True
