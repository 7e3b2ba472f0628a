"""Portal accounts: links that sign in or set a password, password changes and resets, session rotation and
revocation, switching customer, and the second-factor step-up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from domain.clock import Clock
from domain.errors import Conflict, ErrorCode, InvalidRequest, NotAuthenticated, NotFound
from domain.identity.codes import CodePurpose
from domain.identity.passwords import check_password
from domain.identity.tokens import hash_token, new_token
from domain.mail import Email, Template
from domain.money import LANGUAGES
from domain.portal.links import LIFETIMES, LinkPurpose, PortalLink
from domain.portal.ports import Credentials, PortalUnitOfWork
from domain.portal.sessions import Factor, PortalSession
from domain.portal.sign_in import (
    CheckCode,
    FindLink,
    Opened,
    OpenSession,
    RedeemLink,
    SendCode,
    SpendLink,
    check_code,
    find_link,
    open_session,
    redeem_link,
    send_code,
    spend_link,
    verify_second_factor,
)
from domain.portal.users import PortalUser, normalize_email
from domain.ports import Checkpoint, CheckpointReason


@dataclass(frozen=True, slots=True)
class RotateSession:
    session: PortalSession


@dataclass(frozen=True, slots=True)
class IssueLink:
    purpose: LinkPurpose
    created_by: str
    user_id: str | None = None
    customer_id: str | None = None


@dataclass(frozen=True, slots=True)
class SignInWithLink:
    token: str
    ip: str | None
    ua: str | None


@dataclass(frozen=True, slots=True)
class SetPasswordFromLink:
    """An activation, team-invitation or password-reset link and the password it sets (`Activate`, `ResetPassword`)."""

    token: str
    password: str
    ip: str | None
    ua: str | None


class Activate(SetPasswordFromLink):
    __slots__ = ()


class ResetPassword(SetPasswordFromLink):
    __slots__ = ()


@dataclass(frozen=True, slots=True)
class RequestPasswordReset:
    email: str
    slug: str
    language: str | None = None  # the language of the screen it was asked from: the email is written in it


@dataclass(frozen=True, slots=True)
class ChangePassword:
    session: PortalSession
    current: str | None
    new: str


@dataclass(frozen=True, slots=True)
class StepUp:
    """One of the three factors: a password, an authenticator code, or the code emailed for this session."""

    session: PortalSession
    password: str | None = None
    totp: str | None = None
    code: str | None = None


@dataclass(frozen=True, slots=True)
class SendStepUpCode:
    session: PortalSession


@dataclass(frozen=True, slots=True)
class SwitchCustomer:
    session: PortalSession
    customer_id: str


@dataclass(frozen=True, slots=True)
class RevokeSession:
    user_id: str
    session_id: str


@dataclass(frozen=True, slots=True)
class SetLanguage:
    user_id: str
    language: str


@dataclass(frozen=True, slots=True)
class RequestEmailChange:
    session: PortalSession
    new_email: str


@dataclass(frozen=True, slots=True)
class ConfirmEmailChange:
    session: PortalSession
    new_email: str
    code: str


async def rotate(cmd: RotateSession, uow: PortalUnitOfWork) -> Opened:
    """A new token for the same session (after MFA and step-up), so a token seen before is worthless."""
    token = new_token()
    cmd.session.token_hash = hash_token(token)
    await uow.portal_sessions.save(cmd.session)
    return Opened(cmd.session, token)


def link_url(creds: Credentials, slug: str, page: str, token: str) -> str:
    return f"{creds.base_url}/pay/{slug}/{page}#token={token}"


async def issue_link(cmd: IssueLink, uow: PortalUnitOfWork, *, clock: Clock) -> str:
    now = clock.now()
    purpose, user_id = cmd.purpose, cmd.user_id
    if user_id is not None and purpose is not LinkPurpose.IMPERSONATION:
        await uow.portal_links.revoke_unused(user_id, purpose, at=now)  # the newest link is the only one that works
    token = new_token()
    await uow.portal_links.add(
        PortalLink(
            partner_id=uow.partner_id,
            purpose=purpose,
            token_hash=hash_token(token),
            created_by=cmd.created_by,
            created_at=now,
            expires_at=now + LIFETIMES[purpose],
            user_id=user_id,
            customer_id=cmd.customer_id,
        )
    )
    return token


async def sign_in_with_link(cmd: SignInWithLink, uow: PortalUnitOfWork, *, clock: Clock) -> Opened:
    link = await redeem_link(RedeemLink(cmd.token, LinkPurpose.SIGN_IN), uow, clock=clock)
    user = await uow.portal_users.get(link.user_id or "")
    opening = OpenSession(user.email, user, Factor.LINK, cmd.ip, cmd.ua, customer_id=link.customer_id)
    return await open_session(opening, uow, clock=clock)


async def _set_password(
    user_id: str, password: str, uow: PortalUnitOfWork, *, creds: Credentials, clock: Clock
) -> PortalUser:
    now = clock.now()
    user = await uow.portal_users.lock(user_id)
    check_password(password, email=user.email)
    user.password_hash = creds.passwords.hash(password)
    user.password_changed_at = now
    user.unlock(now)
    await uow.portal_users.save(user)
    await uow.portal_sessions.revoke_for_user(user.id, at=now)
    await uow.emails.queue(Email(to=user.email, template=Template.PASSWORD_CHANGED, partner_id=uow.partner_id))
    return user


async def _password_from_link(
    cmd: SetPasswordFromLink,
    purposes: frozenset[LinkPurpose],
    uow: PortalUnitOfWork,
    *,
    creds: Credentials,
    clock: Clock,
) -> Opened:
    password = cmd.password
    link = await find_link(FindLink(cmd.token, purposes), uow, clock=clock)
    if link.user_id is None:
        raise NotAuthenticated("This link is not valid any more. Ask for a new one.", code=ErrorCode.INVALID_LINK)
    current = await uow.portal_users.get(link.user_id)
    check_password(password, email=current.email)  # before spending the link, so a weak password can be corrected
    await spend_link(SpendLink(link), uow, clock=clock)
    user = await _set_password(current.id, password, uow, creds=creds, clock=clock)
    opening = OpenSession(user.email, user, Factor.PASSWORD, cmd.ip, cmd.ua, customer_id=link.customer_id)
    return await open_session(opening, uow, clock=clock)


async def activate(cmd: Activate, uow: PortalUnitOfWork, *, creds: Credentials, clock: Clock) -> Opened:
    """An activation or team-invitation link: set the first password and sign in."""
    purposes = frozenset({LinkPurpose.ACTIVATION, LinkPurpose.TEAM_INVITE})
    return await _password_from_link(cmd, purposes, uow, creds=creds, clock=clock)


async def request_password_reset(
    cmd: RequestPasswordReset, uow: PortalUnitOfWork, *, creds: Credentials, clock: Clock
) -> None:
    """Emails a reset link to a portal user; unknown addresses get nothing, and the same answer."""
    user = await uow.portal_users.by_email(normalize_email(cmd.email))
    if user is None:
        return
    token = await issue_link(IssueLink(LinkPurpose.PASSWORD_RESET, "self", user_id=user.id), uow, clock=clock)
    minutes = int(LIFETIMES[LinkPurpose.PASSWORD_RESET] / timedelta(minutes=1))
    await uow.emails.queue(
        Email(
            to=user.email,
            template=Template.PASSWORD_RESET,
            context={
                "reset_url": link_url(creds, cmd.slug, "reset-password", token),
                "minutes": minutes,
                **({"language": cmd.language} if cmd.language else {}),
            },
            partner_id=uow.partner_id,
        )
    )


async def reset_password(cmd: ResetPassword, uow: PortalUnitOfWork, *, creds: Credentials, clock: Clock) -> Opened:
    purposes = frozenset({LinkPurpose.PASSWORD_RESET})
    return await _password_from_link(cmd, purposes, uow, creds=creds, clock=clock)


async def change_password(cmd: ChangePassword, uow: PortalUnitOfWork, *, creds: Credentials, clock: Clock) -> Opened:
    """Needs the current password (or, for a user without one, a recent second factor); ends every other
    session and rotates this one."""
    session, current = cmd.session, cmd.current
    assert session.user_id is not None
    user = await uow.portal_users.get(session.user_id)
    if user.password_hash is not None and (current is None or not creds.passwords.verify(user.password_hash, current)):
        raise NotAuthenticated("The current password is not right.", code=ErrorCode.INVALID_CREDENTIALS)
    await _set_password(user.id, cmd.new, uow, creds=creds, clock=clock)
    session.revoked_at = None  # _set_password ended every session; this one carries on, rotated
    return await rotate(RotateSession(session), uow)


async def step_up(
    cmd: StepUp, uow: PortalUnitOfWork, *, creds: Credentials, clock: Clock, checkpoint: Checkpoint
) -> Opened:
    """Prove a second factor now (password, authenticator, or a code emailed for this session)."""
    now = clock.now()
    session, password, totp, code = cmd.session, cmd.password, cmd.totp, cmd.code
    assert session.user_id is not None
    user = await uow.portal_users.lock(session.user_id)
    if user.locked(now):
        raise NotAuthenticated(
            "This account is locked for a while after failed attempts.", code=ErrorCode.ACCOUNT_LOCKED
        )
    if password is not None:
        ok, factor = (
            user.password_hash is not None and creds.passwords.verify(user.password_hash, password),
            Factor.PASSWORD,
        )
    elif totp is not None:
        ok, factor = verify_second_factor(user, totp, creds=creds, clock=clock), Factor.TOTP
    elif code is not None:
        check = CheckCode(user.email, code, CodePurpose.STEP_UP, subject=session.id)
        await check_code(check, uow, creds=creds, clock=clock, checkpoint=checkpoint)
        ok, factor = True, Factor.STEP_UP_CODE
    else:
        raise NotAuthenticated(
            "Send a password, an authenticator code or the emailed code.", code=ErrorCode.FACTOR_REQUIRED
        )
    if not ok:
        user.record_failure(now)
        await uow.portal_users.save(user)
        await checkpoint(CheckpointReason.COUNTING_FAILURE)
        raise NotAuthenticated("That did not match. Try again.", code=ErrorCode.INVALID_CREDENTIALS)
    user.record_success(now)
    await uow.portal_users.save(user)
    session.prove(factor, now)
    return await rotate(RotateSession(session), uow)


async def send_step_up_code(cmd: SendStepUpCode, uow: PortalUnitOfWork, *, creds: Credentials, clock: Clock) -> None:
    session = cmd.session
    await send_code(SendCode(session.email, CodePurpose.STEP_UP, subject=session.id), uow, creds=creds, clock=clock)


async def switch_customer(cmd: SwitchCustomer, uow: PortalUnitOfWork) -> None:
    session, customer_id = cmd.session, cmd.customer_id
    assert session.user_id is not None
    if await uow.portal_users.membership(session.user_id, customer_id) is None:
        raise NotFound("customer", customer_id)
    session.customer_id = customer_id
    await uow.portal_sessions.save(session)


async def set_language(cmd: SetLanguage, uow: PortalUnitOfWork, *, clock: Clock) -> PortalUser:
    """Remember the language a person reads the portal in; their emails follow it (adapters/mail/language.py)."""
    if cmd.language not in LANGUAGES:
        raise InvalidRequest(
            f"language must be one of {', '.join(LANGUAGES)}.", code=ErrorCode.VALIDATION_ERROR, field="language"
        )
    user = await uow.portal_users.get(cmd.user_id)
    if user.language != cmd.language:
        user.language = cmd.language
        user.updated_at = clock.now()
        await uow.portal_users.save(user)
    return user


async def revoke_session(cmd: RevokeSession, uow: PortalUnitOfWork, *, clock: Clock) -> None:
    target = await uow.portal_sessions.get(cmd.session_id)
    if target.user_id != cmd.user_id:
        raise NotFound("session", cmd.session_id)
    if target.revoked_at is None:
        target.revoked_at = clock.now()
        await uow.portal_sessions.save(target)


async def request_email_change(
    cmd: RequestEmailChange, uow: PortalUnitOfWork, *, creds: Credentials, clock: Clock
) -> None:
    """A code goes to the new address; the change happens when it comes back."""
    address = normalize_email(cmd.new_email)
    if await uow.portal_users.by_email(address) is not None:
        raise Conflict("Another sign-in already uses that address.", code=ErrorCode.EMAIL_IN_USE)
    send = SendCode(cmd.session.email, CodePurpose.EMAIL_CHANGE, to=address, subject=address)
    await send_code(send, uow, creds=creds, clock=clock)


async def confirm_email_change(
    cmd: ConfirmEmailChange, uow: PortalUnitOfWork, *, creds: Credentials, clock: Clock, checkpoint: Checkpoint
) -> Opened:
    session = cmd.session
    assert session.user_id is not None
    address = normalize_email(cmd.new_email)
    check = CheckCode(session.email, cmd.code, CodePurpose.EMAIL_CHANGE, subject=address)
    await check_code(check, uow, creds=creds, clock=clock, checkpoint=checkpoint)
    if await uow.portal_users.by_email(address) is not None:
        raise Conflict("Another sign-in already uses that address.", code=ErrorCode.EMAIL_IN_USE)
    now = clock.now()
    user = await uow.portal_users.lock(session.user_id)
    user.email = address
    user.updated_at = now
    await uow.portal_users.save(user)
    await uow.portal_sessions.revoke_for_user(user.id, at=now, keep=session.id)
    session.email = address
    return await rotate(RotateSession(session), uow)
