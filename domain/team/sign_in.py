"""Signing in to the dashboard: password or emailed code, then TOTP when the person has it, and MFA enrolment first
when a partner of theirs requires it. The same rules as the portal's (domain/portal/sign_in.py), on the shared
identity blocks: failures are counted and made durable before the refusal, and unknown emails cost the same."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from domain.clock import Clock
from domain.constant_time import same_secret
from domain.errors import ErrorCode, NotAuthenticated, TooManyAttempts
from domain.identity import lockout
from domain.identity.codes import (
    CODE_TTL,
    DASHBOARD,
    SENDS_PER_HOUR_PER_EMAIL,
    CodePurpose,
    OneTimeCode,
    hash_code,
    new_code,
)
from domain.identity.second_factor import verify_second_factor
from domain.identity.tokens import hash_token, new_token
from domain.mail import Email, Template
from domain.portal.ports import Credentials
from domain.portal.users import normalize_email
from domain.ports import Checkpoint, CheckpointReason
from domain.team.people import Membership, PartnerUser
from domain.team.ports import TeamUnitOfWork
from domain.team.sessions import MAX_MFA_FAILURES, DashboardSession, Factor, SessionState

WRONG_PASSWORD = "That email and password do not match."
WRONG_CODE = "That code is wrong or has expired. Check the latest email, or ask for a new code."
NO_TEAM = "This account is not on any partner's team any more. Ask an admin to invite you again."


@dataclass(frozen=True, slots=True)
class Opened:
    """A session just opened (or given a new token) and the token for its cookie, shown once."""

    session: DashboardSession
    token: str


@dataclass(frozen=True, slots=True)
class SignInWithPassword:
    email: str
    password: str
    ip: str | None = None
    user_agent: str | None = None


@dataclass(frozen=True, slots=True)
class SendSignInCode:
    email: str


@dataclass(frozen=True, slots=True)
class SignInWithCode:
    email: str
    code: str
    ip: str | None = None
    user_agent: str | None = None


@dataclass(frozen=True, slots=True)
class CompleteMfa:
    session: DashboardSession
    code: str


@dataclass(frozen=True, slots=True)
class OpenSession:
    user: PartnerUser
    factor: Factor
    ip: str | None = None
    user_agent: str | None = None
    partner_id: str | None = None  # the partner to start in (an invitation's); else the first membership


def locked_out(user: PartnerUser, now: object) -> TooManyAttempts:
    assert user.locked_until is not None
    wait = max(1, int((user.locked_until - now).total_seconds()))  # type: ignore[operator]
    return TooManyAttempts(
        "Too many failed sign-ins: this account is locked for a while. Sign in with an emailed code, or reset "
        "your password by email.",
        retry_after=wait,
        code=ErrorCode.ACCOUNT_LOCKED,
    )


async def state_for(user: PartnerUser, partner_id: str | None, uow: TeamUnitOfWork) -> SessionState:
    """Where a person who proved their first factor stands in this partner."""
    if user.totp_enabled:
        return SessionState.MFA_REQUIRED
    if partner_id is not None and (await uow.partners.get(partner_id)).require_mfa:
        return SessionState.MFA_ENROLMENT_REQUIRED
    return SessionState.ACTIVE


async def open_session(cmd: OpenSession, uow: TeamUnitOfWork, *, clock: Clock) -> Opened:
    """Always a new session (never an old one promoted), working for one of the person's partners."""
    now = clock.now()
    memberships = await uow.partner_users.memberships(cmd.user.id)
    if not memberships:
        raise NotAuthenticated(NO_TEAM, code=ErrorCode.NOT_A_MEMBER)
    ids = [m.partner_id for m in memberships]
    partner_id = cmd.partner_id if cmd.partner_id in ids else ids[0]
    token = new_token()
    session = DashboardSession(
        user_id=cmd.user.id,
        partner_id=partner_id,
        state=await state_for(cmd.user, partner_id, uow),
        token_hash=hash_token(token),
        created_at=now,
        ip=cmd.ip,
        user_agent=(cmd.user_agent or "")[:300] or None,
    )
    session.prove(cmd.factor, now)
    await uow.dashboard_sessions.add(session)
    await uow.audit(
        actor=f"user:{cmd.user.id}",
        action="user.signed_in",
        subject=cmd.user.id,
        partner_id=partner_id,
        details={"factor": cmd.factor.value, "ip": cmd.ip, "session_id": session.id, "state": session.state.value},
    )
    return Opened(session, token)


async def renew(session: DashboardSession, uow: TeamUnitOfWork) -> Opened:
    """A new token for the same session: after a second factor, a partner switch or a password change."""
    token = new_token()
    session.token_hash = hash_token(token)
    await uow.dashboard_sessions.save(session)
    return Opened(session, token)


async def _refuse(uow: TeamUnitOfWork, user: PartnerUser, reason: str, checkpoint: Checkpoint) -> None:
    """A known person's failed sign-in is audited for each of their partners and made durable before the refusal
    (unknown emails have no partner to audit for)."""
    for membership in await uow.partner_users.memberships(user.id):
        await uow.audit(
            actor=f"user:{user.id}",
            action="user.sign_in_failed",
            subject=user.id,
            partner_id=membership.partner_id,
            details={"reason": reason},
        )
    await checkpoint(CheckpointReason.COUNTING_FAILURE)


async def sign_in_with_password(
    cmd: SignInWithPassword, uow: TeamUnitOfWork, *, creds: Credentials, clock: Clock, checkpoint: Checkpoint
) -> Opened:
    now = clock.now()
    address = normalize_email(cmd.email)
    found = await uow.partner_users.by_email(address)
    if found is None or found.password_hash is None:
        creds.passwords.dummy_verify(cmd.password)
        raise NotAuthenticated(WRONG_PASSWORD, code=ErrorCode.INVALID_CREDENTIALS)
    user = await uow.partner_users.lock(found.id)
    if user.locked(now):
        raise locked_out(user, now)
    assert user.password_hash is not None
    if not creds.passwords.verify(user.password_hash, cmd.password):
        lockout.record_failure(user, now)
        await uow.partner_users.save(user)
        await _refuse(uow, user, "wrong_password", checkpoint)
        if user.locked(now):
            raise locked_out(user, now)
        raise NotAuthenticated(WRONG_PASSWORD, code=ErrorCode.INVALID_CREDENTIALS)
    lockout.record_success(user, now)
    await uow.partner_users.save(user)
    return await open_session(OpenSession(user, Factor.PASSWORD, cmd.ip, cmd.user_agent), uow, clock=clock)


async def send_code(
    email: str,
    purpose: CodePurpose,
    template: Template,
    uow: TeamUnitOfWork,
    *,
    creds: Credentials,
    clock: Clock,
    context: dict[str, object] | None = None,
) -> None:
    """Email a fresh dashboard code (voiding the previous one); at most 5 an hour per address and purpose."""
    now = clock.now()
    if await uow.dashboard_codes.sent_since(email, purpose, now - timedelta(hours=1)) >= SENDS_PER_HOUR_PER_EMAIL:
        raise TooManyAttempts(
            "Too many codes were sent to this address in the last hour. Use the latest one or try again later.",
            retry_after=600,
            code=ErrorCode.TOO_MANY_CODES,
        )
    code = new_code()
    await uow.dashboard_codes.replace(
        OneTimeCode(
            realm=DASHBOARD,
            email=email,
            purpose=purpose,
            code_hash=hash_code(creds.code_key, realm=DASHBOARD, email=email, purpose=purpose, code=code),
            created_at=now,
            expires_at=now + CODE_TTL,
        )
    )
    body = {"code": code, "minutes": int(CODE_TTL.total_seconds() // 60), **(context or {})}
    await uow.emails.queue(Email(to=email, template=template, context=body))


async def check_code(
    email: str,
    code: str,
    purpose: CodePurpose,
    uow: TeamUnitOfWork,
    *,
    creds: Credentials,
    clock: Clock,
    checkpoint: Checkpoint,
) -> None:
    current = await uow.dashboard_codes.current(email, purpose)
    candidate = hash_code(creds.code_key, realm=DASHBOARD, email=email, purpose=purpose, code=code.strip())
    if current is None:
        same_secret(candidate, candidate)  # the same work as a real comparison
        raise NotAuthenticated(WRONG_CODE, code=ErrorCode.INVALID_CODE)
    matched = current.try_code(candidate, clock.now())
    await uow.dashboard_codes.save(current)
    if not matched:
        await checkpoint(CheckpointReason.COUNTING_FAILURE)
        raise NotAuthenticated(WRONG_CODE, code=ErrorCode.INVALID_CODE)


async def send_sign_in_code(cmd: SendSignInCode, uow: TeamUnitOfWork, *, creds: Credentials, clock: Clock) -> None:
    """Sent only to a person on some team, at most 5 an hour; the caller answers the same whether or not one was
    sent (a refusal past the hourly limit would tell a known address from an unknown one)."""
    address = normalize_email(cmd.email)
    user = await uow.partner_users.by_email(address)
    if user is None or not await uow.partner_users.memberships(user.id):
        return
    since = clock.now() - timedelta(hours=1)
    if await uow.dashboard_codes.sent_since(address, CodePurpose.SIGN_IN, since) >= SENDS_PER_HOUR_PER_EMAIL:
        return
    await send_code(address, CodePurpose.SIGN_IN, Template.DASHBOARD_SIGN_IN_CODE, uow, creds=creds, clock=clock)


async def sign_in_with_code(
    cmd: SignInWithCode, uow: TeamUnitOfWork, *, creds: Credentials, clock: Clock, checkpoint: Checkpoint
) -> Opened:
    address = normalize_email(cmd.email)
    await check_code(address, cmd.code, CodePurpose.SIGN_IN, uow, creds=creds, clock=clock, checkpoint=checkpoint)
    user = await uow.partner_users.by_email(address)
    if user is None:  # a code is only ever sent to a known person; removed since
        raise NotAuthenticated(WRONG_CODE, code=ErrorCode.INVALID_CODE)
    return await open_session(OpenSession(user, Factor.CODE, cmd.ip, cmd.user_agent), uow, clock=clock)


async def complete_mfa(
    cmd: CompleteMfa, uow: TeamUnitOfWork, *, creds: Credentials, clock: Clock, checkpoint: Checkpoint
) -> Opened:
    """A TOTP or a recovery code (told apart by their shape). Five wrong tries end the session; each counts
    towards the account lock."""
    now = clock.now()
    session = cmd.session
    if session.state is not SessionState.MFA_REQUIRED:
        raise NotAuthenticated("There is no sign-in waiting for a second factor.", code=ErrorCode.MFA_NOT_PENDING)
    user = await uow.partner_users.lock(session.user_id)
    if user.locked(now):
        raise locked_out(user, now)
    recovery = "-" in cmd.code or len(cmd.code.strip()) == 10
    if verify_second_factor(user, cmd.code, totp=creds.totp, box=creds.box, clock=clock, recovery=recovery):
        lockout.record_success(user, now)
        await uow.partner_users.save(user)
        session.state = SessionState.ACTIVE
        session.prove(Factor.RECOVERY_CODE if recovery else Factor.TOTP, now)
        return await renew(session, uow)
    lockout.record_failure(user, now)
    session.mfa_failures += 1
    if session.mfa_failures >= MAX_MFA_FAILURES:
        session.revoked_at = now
    await uow.partner_users.save(user)
    await uow.dashboard_sessions.save(session)
    await _refuse(uow, user, "wrong_second_factor", checkpoint)
    raise NotAuthenticated("That code is not right.", code=ErrorCode.INVALID_MFA_CODE)


def first_membership(memberships: list[Membership], partner_id: str | None) -> Membership | None:
    return next((m for m in memberships if m.partner_id == partner_id), None)
