"""The second factor, the same for portal users and partner users: TOTP (each time step accepted once) or one of
10 single-use recovery codes (only their hashes kept)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.clock import Clock
from domain.errors import Conflict, ErrorCode, NotAuthenticated
from domain.ports import SecretBox, Totp

RECOVERY_CODES = 10


class HasSecondFactor(Protocol):
    totp_secret: str | None  # sealed
    totp_enabled: bool
    totp_last_step: int | None
    recovery_codes: list[str]


class Enrollee(HasSecondFactor, Protocol):
    email: str
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Enrolment:
    secret: str  # for typing into an authenticator app by hand
    otpauth_uri: str  # for a QR code


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


def start_enrolment(person: Enrollee, *, totp: Totp, box: SecretBox, now: datetime, issuer: str) -> Enrolment:
    """A new secret (sealed on the person), shown once; it takes effect once a first code confirms it."""
    if person.totp_enabled:
        raise Conflict(
            "Two-step sign-in is already on. Turn it off first to set up a new device.", code=ErrorCode.MFA_ENABLED
        )
    secret = totp.new_secret()
    person.totp_secret = box.seal(secret)
    person.totp_last_step = None
    person.updated_at = now
    return Enrolment(secret, totp.provisioning_uri(secret, account=person.email, issuer=issuer))


def confirm_enrolment(person: Enrollee, code: str, *, totp: Totp, box: SecretBox, clock: Clock) -> list[str]:
    """Turns two-step sign-in on with a first code; returns the 10 recovery codes (only their hashes are kept)."""
    if person.totp_enabled:
        raise Conflict("Two-step sign-in is already on.", code=ErrorCode.MFA_ENABLED)
    if person.totp_secret is None:
        raise Conflict("Start the set-up first.", code=ErrorCode.MFA_NOT_STARTED)
    person.totp_enabled = True  # provisionally, so the code is checked like any sign-in code
    if not verify_second_factor(person, code, totp=totp, box=box, clock=clock):
        person.totp_enabled = False
        raise NotAuthenticated(
            "That code is not right. Check the time on your device and try again.", code=ErrorCode.INVALID_MFA_CODE
        )
    codes = new_recovery_codes()
    person.recovery_codes = [hash_recovery_code(c) for c in codes]
    person.updated_at = clock.now()
    return codes


def turn_off(person: Enrollee, now: datetime) -> None:
    person.totp_enabled = False
    person.totp_secret = None
    person.totp_last_step = None
    person.recovery_codes = []
    person.updated_at = now
