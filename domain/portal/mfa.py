"""TOTP enrolment for portal users: a secret (shown once as an otpauth URI for a QR code), confirmed by a first
code, then 10 single-use recovery codes. Turning MFA on or off ends the user's other sessions."""

from __future__ import annotations

from dataclasses import dataclass

from domain.clock import Clock
from domain.errors import Conflict, ErrorCode
from domain.identity.second_factor import (
    Enrolment,
    confirm_enrolment,
    hash_recovery_code,
    new_recovery_codes,
    start_enrolment,
    turn_off,
)
from domain.portal.accounts import RotateSession, rotate
from domain.portal.ports import Credentials, PortalUnitOfWork
from domain.portal.sessions import PortalSession
from domain.portal.sign_in import Opened


@dataclass(frozen=True, slots=True)
class BeginEnrolment:
    session: PortalSession
    issuer: str  # the name the authenticator app shows


@dataclass(frozen=True, slots=True)
class ConfirmEnrolment:
    session: PortalSession
    code: str


@dataclass(frozen=True, slots=True)
class RegenerateRecoveryCodes:
    session: PortalSession


@dataclass(frozen=True, slots=True)
class DisableMfa:
    session: PortalSession


async def begin(cmd: BeginEnrolment, uow: PortalUnitOfWork, *, creds: Credentials, clock: Clock) -> Enrolment:
    assert cmd.session.user_id is not None
    user = await uow.portal_users.lock(cmd.session.user_id)
    enrolment = start_enrolment(user, totp=creds.totp, box=creds.box, now=clock.now(), issuer=cmd.issuer)
    await uow.portal_users.save(user)
    return enrolment


async def confirm(
    cmd: ConfirmEnrolment, uow: PortalUnitOfWork, *, creds: Credentials, clock: Clock
) -> tuple[Opened, list[str]]:
    session = cmd.session
    assert session.user_id is not None
    user = await uow.portal_users.lock(session.user_id)
    codes = confirm_enrolment(user, cmd.code, totp=creds.totp, box=creds.box, clock=clock)
    await uow.portal_users.save(user)
    await uow.portal_sessions.revoke_for_user(user.id, at=clock.now(), keep=session.id)
    return await rotate(RotateSession(session), uow), codes


async def regenerate_recovery_codes(cmd: RegenerateRecoveryCodes, uow: PortalUnitOfWork, *, clock: Clock) -> list[str]:
    assert cmd.session.user_id is not None
    user = await uow.portal_users.lock(cmd.session.user_id)
    if not user.totp_enabled:
        raise Conflict("Two-step sign-in is off.", code=ErrorCode.MFA_DISABLED)
    codes = new_recovery_codes()
    user.recovery_codes = [hash_recovery_code(c) for c in codes]
    user.updated_at = clock.now()
    await uow.portal_users.save(user)
    return codes


async def disable(cmd: DisableMfa, uow: PortalUnitOfWork, *, clock: Clock) -> Opened:
    session = cmd.session
    assert session.user_id is not None
    user = await uow.portal_users.lock(session.user_id)
    now = clock.now()
    turn_off(user, now)
    await uow.portal_users.save(user)
    await uow.portal_sessions.revoke_for_user(user.id, at=now, keep=session.id)
    return await rotate(RotateSession(session), uow)
