"""TOTP enrolment for portal users: a secret (shown once as an otpauth URI for a QR code), confirmed by a first
code, then 10 single-use recovery codes. Turning MFA on or off ends the user's other sessions."""

from __future__ import annotations

from dataclasses import dataclass

from domain.clock import Clock
from domain.errors import Conflict, ErrorCode, NotAuthenticated
from domain.identity.second_factor import hash_recovery_code, new_recovery_codes
from domain.portal.accounts import RotateSession, rotate
from domain.portal.ports import Credentials, PortalUnitOfWork
from domain.portal.sessions import PortalSession
from domain.portal.sign_in import Opened, verify_second_factor


@dataclass(frozen=True, slots=True)
class Enrolment:
    secret: str
    otpauth_uri: str


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
    if user.totp_enabled:
        raise Conflict(
            "Two-step sign-in is already on. Turn it off first to set up a new device.", code=ErrorCode.MFA_ENABLED
        )
    secret = creds.totp.new_secret()
    user.totp_secret = creds.box.seal(secret)
    user.totp_last_step = None
    user.updated_at = clock.now()
    await uow.portal_users.save(user)
    return Enrolment(secret, creds.totp.provisioning_uri(secret, account=user.email, issuer=cmd.issuer))


async def confirm(
    cmd: ConfirmEnrolment, uow: PortalUnitOfWork, *, creds: Credentials, clock: Clock
) -> tuple[Opened, list[str]]:
    session = cmd.session
    assert session.user_id is not None
    user = await uow.portal_users.lock(session.user_id)
    if user.totp_enabled:
        raise Conflict("Two-step sign-in is already on.", code=ErrorCode.MFA_ENABLED)
    if user.totp_secret is None:
        raise Conflict("Start the set-up first.", code=ErrorCode.MFA_NOT_STARTED)
    user.totp_enabled = True  # provisionally, so the code is checked like any sign-in code
    if not verify_second_factor(user, cmd.code, creds=creds, clock=clock):
        raise NotAuthenticated(
            "That code is not right. Check the time on your device and try again.", code=ErrorCode.INVALID_MFA_CODE
        )
    codes = new_recovery_codes()
    user.recovery_codes = [hash_recovery_code(c) for c in codes]
    now = clock.now()
    user.updated_at = now
    await uow.portal_users.save(user)
    await uow.portal_sessions.revoke_for_user(user.id, at=now, keep=session.id)
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
    user.totp_enabled = False
    user.totp_secret = None
    user.totp_last_step = None
    user.recovery_codes = []
    user.updated_at = now
    await uow.portal_users.save(user)
    await uow.portal_sessions.revoke_for_user(user.id, at=now, keep=session.id)
    return await rotate(RotateSession(session), uow)
