"""Portal accounts: links that sign in or set a password, password changes and resets, session rotation and
revocation, switching customer, and the second-factor step-up."""

from __future__ import annotations

from datetime import timedelta

from domain.clock import Clock
from domain.errors import Conflict, ErrorCode, NotAuthenticated, NotFound
from domain.mail import Email, Template
from domain.portal.codes import CodePurpose
from domain.portal.links import LIFETIMES, LinkPurpose, PortalLink, hash_token, new_token
from domain.portal.passwords import check_password
from domain.portal.ports import Credentials, PortalUnitOfWork
from domain.portal.sessions import Factor, PortalSession
from domain.portal.sign_in import (
    Opened,
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


async def rotate(session: PortalSession, uow: PortalUnitOfWork) -> Opened:
    """A new token for the same session (after MFA and step-up), so a token seen before is worthless."""
    token = new_token()
    session.token_hash = hash_token(token)
    await uow.portal_sessions.save(session)
    return Opened(session, token)


def link_url(creds: Credentials, slug: str, page: str, token: str) -> str:
    return f"{creds.base_url}/pay/{slug}/{page}#token={token}"


async def issue_link(
    uow: PortalUnitOfWork,
    *,
    clock: Clock,
    purpose: LinkPurpose,
    created_by: str,
    user_id: str | None = None,
    customer_id: str | None = None,
) -> str:
    now = clock.now()
    if user_id is not None and purpose is not LinkPurpose.IMPERSONATION:
        await uow.portal_links.revoke_unused(user_id, purpose, at=now)  # the newest link is the only one that works
    token = new_token()
    await uow.portal_links.add(
        PortalLink(
            partner_id=uow.partner_id,
            purpose=purpose,
            token_hash=hash_token(token),
            created_by=created_by,
            created_at=now,
            expires_at=now + LIFETIMES[purpose],
            user_id=user_id,
            customer_id=customer_id,
        )
    )
    return token


async def sign_in_with_link(
    token: str, uow: PortalUnitOfWork, *, clock: Clock, ip: str | None, ua: str | None
) -> Opened:
    link = await redeem_link(token, LinkPurpose.SIGN_IN, uow, clock=clock)
    user = await uow.portal_users.get(link.user_id or "")
    return await open_session(
        uow,
        clock=clock,
        email=user.email,
        user=user,
        factor=Factor.LINK,
        ip=ip,
        user_agent=ua,
        customer_id=link.customer_id,
    )


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
    token: str,
    purposes: frozenset[LinkPurpose],
    password: str,
    uow: PortalUnitOfWork,
    *,
    creds: Credentials,
    clock: Clock,
    ip: str | None,
    ua: str | None,
) -> Opened:
    link = await find_link(token, purposes, uow, clock=clock)
    if link.user_id is None:
        raise NotAuthenticated("This link is not valid any more. Ask for a new one.", code=ErrorCode.INVALID_LINK)
    current = await uow.portal_users.get(link.user_id)
    check_password(password, email=current.email)  # before spending the link, so a weak password can be corrected
    await spend_link(link, uow, clock=clock)
    user = await _set_password(current.id, password, uow, creds=creds, clock=clock)
    return await open_session(
        uow,
        clock=clock,
        email=user.email,
        user=user,
        factor=Factor.PASSWORD,
        ip=ip,
        user_agent=ua,
        customer_id=link.customer_id,
    )


async def activate(
    token: str,
    password: str,
    uow: PortalUnitOfWork,
    *,
    creds: Credentials,
    clock: Clock,
    ip: str | None,
    ua: str | None,
) -> Opened:
    """An activation or team-invitation link: set the first password and sign in."""
    purposes = frozenset({LinkPurpose.ACTIVATION, LinkPurpose.TEAM_INVITE})
    return await _password_from_link(token, purposes, password, uow, creds=creds, clock=clock, ip=ip, ua=ua)


async def request_password_reset(
    email: str, uow: PortalUnitOfWork, *, creds: Credentials, clock: Clock, slug: str
) -> None:
    """Emails a reset link to a portal user; unknown addresses get nothing, and the same answer."""
    user = await uow.portal_users.by_email(normalize_email(email))
    if user is None:
        return
    token = await issue_link(uow, clock=clock, purpose=LinkPurpose.PASSWORD_RESET, created_by="self", user_id=user.id)
    minutes = int(LIFETIMES[LinkPurpose.PASSWORD_RESET] / timedelta(minutes=1))
    await uow.emails.queue(
        Email(
            to=user.email,
            template=Template.PASSWORD_RESET,
            context={"reset_url": link_url(creds, slug, "reset-password", token), "minutes": minutes},
            partner_id=uow.partner_id,
        )
    )


async def reset_password(
    token: str,
    password: str,
    uow: PortalUnitOfWork,
    *,
    creds: Credentials,
    clock: Clock,
    ip: str | None,
    ua: str | None,
) -> Opened:
    purposes = frozenset({LinkPurpose.PASSWORD_RESET})
    return await _password_from_link(token, purposes, password, uow, creds=creds, clock=clock, ip=ip, ua=ua)


async def change_password(
    session: PortalSession, current: str | None, new: str, uow: PortalUnitOfWork, *, creds: Credentials, clock: Clock
) -> Opened:
    """Needs the current password (or, for a user without one, a recent second factor); ends every other
    session and rotates this one."""
    assert session.user_id is not None
    user = await uow.portal_users.get(session.user_id)
    if user.password_hash is not None and (current is None or not creds.passwords.verify(user.password_hash, current)):
        raise NotAuthenticated("The current password is not right.", code=ErrorCode.INVALID_CREDENTIALS)
    await _set_password(user.id, new, uow, creds=creds, clock=clock)
    session.revoked_at = None  # _set_password ended every session; this one carries on, rotated
    return await rotate(session, uow)


async def step_up(
    session: PortalSession,
    uow: PortalUnitOfWork,
    *,
    creds: Credentials,
    clock: Clock,
    checkpoint: Checkpoint,
    password: str | None = None,
    totp: str | None = None,
    code: str | None = None,
) -> Opened:
    """Prove a second factor now (password, authenticator, or a code emailed for this session)."""
    now = clock.now()
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
        await check_code(
            user.email,
            code,
            uow,
            creds=creds,
            clock=clock,
            checkpoint=checkpoint,
            purpose=CodePurpose.STEP_UP,
            subject=session.id,
        )
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
    return await rotate(session, uow)


async def send_step_up_code(session: PortalSession, uow: PortalUnitOfWork, *, creds: Credentials, clock: Clock) -> None:
    await send_code(session.email, uow, creds=creds, clock=clock, purpose=CodePurpose.STEP_UP, subject=session.id)


async def switch_customer(session: PortalSession, customer_id: str, uow: PortalUnitOfWork) -> None:
    assert session.user_id is not None
    if await uow.portal_users.membership(session.user_id, customer_id) is None:
        raise NotFound("customer", customer_id)
    session.customer_id = customer_id
    await uow.portal_sessions.save(session)


async def revoke_session(user_id: str, session_id: str, uow: PortalUnitOfWork, *, clock: Clock) -> None:
    target = await uow.portal_sessions.get(session_id)
    if target.user_id != user_id:
        raise NotFound("session", session_id)
    if target.revoked_at is None:
        target.revoked_at = clock.now()
        await uow.portal_sessions.save(target)


async def request_email_change(
    session: PortalSession, new_email: str, uow: PortalUnitOfWork, *, creds: Credentials, clock: Clock
) -> None:
    """A code goes to the new address; the change happens when it comes back."""
    address = normalize_email(new_email)
    if await uow.portal_users.by_email(address) is not None:
        raise Conflict("Another sign-in already uses that address.", code=ErrorCode.EMAIL_IN_USE)
    await send_code(
        session.email, uow, creds=creds, clock=clock, purpose=CodePurpose.EMAIL_CHANGE, to=address, subject=address
    )


async def confirm_email_change(
    session: PortalSession,
    new_email: str,
    code: str,
    uow: PortalUnitOfWork,
    *,
    creds: Credentials,
    clock: Clock,
    checkpoint: Checkpoint,
) -> Opened:
    assert session.user_id is not None
    address = normalize_email(new_email)
    await check_code(
        session.email,
        code,
        uow,
        creds=creds,
        clock=clock,
        checkpoint=checkpoint,
        purpose=CodePurpose.EMAIL_CHANGE,
        subject=address,
    )
    if await uow.portal_users.by_email(address) is not None:
        raise Conflict("Another sign-in already uses that address.", code=ErrorCode.EMAIL_IN_USE)
    now = clock.now()
    user = await uow.portal_users.lock(session.user_id)
    user.email = address
    user.updated_at = now
    await uow.portal_users.save(user)
    await uow.portal_sessions.revoke_for_user(user.id, at=now, keep=session.id)
    session.email = address
    return await rotate(session, uow)
