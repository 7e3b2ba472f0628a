"""Signing in to the portal: emailed codes, passwords, TOTP as the second step, and single-use links.

Failures are counted in the database and committed before the refusal, so a guesser cannot reset the count by
making the request fail. Unknown emails take the same path as known ones (a code is sent either way; a
password check runs against a dummy hash) so neither the answer nor its timing tells them apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from domain.clock import Clock
from domain.constant_time import same_secret
from domain.errors import ErrorCode, NotAuthenticated, TooManyAttempts
from domain.identity import second_factor
from domain.identity.codes import (
    CODE_TTL,
    SENDS_PER_HOUR_PER_EMAIL,
    CodePurpose,
    OneTimeCode,
    hash_code,
    new_code,
)
from domain.identity.tokens import hash_token, new_token
from domain.mail import Email, Template
from domain.portal.links import LinkPurpose, PortalLink
from domain.portal.ports import Credentials, PortalUnitOfWork
from domain.portal.sessions import MAX_MFA_FAILURES, Factor, PortalSession, SessionState
from domain.portal.users import ALL_PERMISSIONS, Membership, MembershipSource, PortalUser, normalize_email
from domain.ports import Checkpoint, CheckpointReason

CODE_TEMPLATES = {
    CodePurpose.SIGN_IN: Template.SIGN_IN_CODE,
    CodePurpose.STEP_UP: Template.STEP_UP_CODE,
    CodePurpose.EMAIL_CHANGE: Template.EMAIL_CHANGE_CODE,
}
WRONG_CODE = "That code is wrong or has expired. Check the latest email, or ask for a new code."
WRONG_PASSWORD = "That email and password do not match."


@dataclass(frozen=True, slots=True)
class Opened:
    """A session just opened (or rotated) and the token for its cookie, shown once."""

    session: PortalSession
    token: str


@dataclass(frozen=True, slots=True)
class SendCode:
    email: str
    purpose: CodePurpose = CodePurpose.SIGN_IN
    to: str | None = None  # another address to send it to (a new email being confirmed)
    subject: str | None = None  # what the code is bound to: a session id, a new address
    language: str | None = None  # the language of the screen it was asked from: the email is written in it


@dataclass(frozen=True, slots=True)
class CheckCode:
    email: str
    code: str
    purpose: CodePurpose
    subject: str | None = None


@dataclass(frozen=True, slots=True)
class OpenSession:
    email: str
    user: PortalUser | None
    factor: Factor
    ip: str | None
    user_agent: str | None
    impersonator: str | None = None
    customer_id: str | None = None


@dataclass(frozen=True, slots=True)
class SignInWithCode:
    email: str
    code: str
    ip: str | None
    user_agent: str | None


@dataclass(frozen=True, slots=True)
class SignInWithPassword:
    email: str
    password: str
    ip: str | None
    user_agent: str | None


@dataclass(frozen=True, slots=True)
class CompleteMfa:
    session: PortalSession
    code: str
    recovery: bool = False


@dataclass(frozen=True, slots=True)
class FindLink:
    token: str
    purposes: frozenset[LinkPurpose]


@dataclass(frozen=True, slots=True)
class SpendLink:
    link: PortalLink


@dataclass(frozen=True, slots=True)
class RedeemLink:
    token: str
    purpose: LinkPurpose


async def send_code(cmd: SendCode, uow: PortalUnitOfWork, *, creds: Credentials, clock: Clock) -> None:
    """Email a fresh code (voiding the previous one). At most 5 per hour per address and purpose, known or not: a
    person who spent their sign-in codes can still confirm an action with a step-up code, and the reverse."""
    now = clock.now()
    address = normalize_email(cmd.email)
    purpose, subject = cmd.purpose, cmd.subject
    if await uow.one_time_codes.sent_since(address, purpose, now - timedelta(hours=1)) >= SENDS_PER_HOUR_PER_EMAIL:
        raise TooManyAttempts(
            "Too many codes were sent to this address in the last hour. Use the latest one or try again later.",
            retry_after=600,
            code=ErrorCode.TOO_MANY_CODES,
        )
    code = new_code()
    await uow.one_time_codes.replace(
        OneTimeCode(
            realm=uow.partner_id,
            email=address,
            purpose=purpose,
            subject=subject,
            code_hash=hash_code(creds.code_key, realm=uow.partner_id, email=address, purpose=purpose, code=code),
            created_at=now,
            expires_at=now + CODE_TTL,
        )
    )
    context: dict[str, object] = {"code": code, "minutes": int(CODE_TTL.total_seconds() // 60)}
    if purpose is CodePurpose.EMAIL_CHANGE and subject:
        context["new_email"] = subject
    if cmd.language:
        context["language"] = cmd.language
    await uow.emails.queue(
        Email(to=cmd.to or address, template=CODE_TEMPLATES[purpose], context=context, partner_id=uow.partner_id)
    )


async def check_code(
    cmd: CheckCode, uow: PortalUnitOfWork, *, creds: Credentials, clock: Clock, checkpoint: Checkpoint
) -> None:
    """Spend an attempt on the current code; raises (after making the attempt durable) when it does not match."""
    now = clock.now()
    address = normalize_email(cmd.email)
    purpose = cmd.purpose
    current = await uow.one_time_codes.current(address, purpose)
    candidate = hash_code(creds.code_key, realm=uow.partner_id, email=address, purpose=purpose, code=cmd.code.strip())
    if current is None or (cmd.subject is not None and current.subject != cmd.subject):
        same_secret(candidate, candidate)  # the same work as a real comparison
        raise NotAuthenticated(WRONG_CODE, code=ErrorCode.INVALID_CODE)
    matched = current.try_code(candidate, now)
    await uow.one_time_codes.save(current)
    if not matched:
        await checkpoint(CheckpointReason.COUNTING_FAILURE)
        raise NotAuthenticated(WRONG_CODE, code=ErrorCode.INVALID_CODE)


async def _sync_contact_memberships(user: PortalUser, uow: PortalUnitOfWork, *, clock: Clock) -> list[Membership]:
    """Every customer that lists this email is one the user may reach, with every permission (contacts are the
    customer's own people); memberships granted otherwise are kept as they are."""
    memberships = await uow.portal_users.memberships(user.id)
    have = {m.customer_id for m in memberships}
    for customer_id in await uow.portal_users.customers_with_email(user.email):
        if customer_id not in have:
            membership = Membership(
                partner_id=uow.partner_id,
                user_id=user.id,
                customer_id=customer_id,
                permissions=ALL_PERMISSIONS,
                source=MembershipSource.CONTACT,
                created_at=clock.now(),
            )
            await uow.portal_users.add_membership(membership)
            memberships.append(membership)
    return memberships


async def _find_or_create_user(address: str, uow: PortalUnitOfWork, *, clock: Clock) -> PortalUser | None:
    """The portal user for a verified address: existing, or created now if some customer lists the email."""
    user = await uow.portal_users.by_email(address)
    if user is not None:
        return user
    if not await uow.portal_users.customers_with_email(address):
        return None
    now = clock.now()
    user = PortalUser(partner_id=uow.partner_id, email=address, created_at=now, updated_at=now)
    await uow.portal_users.add(user)
    return user


async def open_session(cmd: OpenSession, uow: PortalUnitOfWork, *, clock: Clock) -> Opened:
    """A new session (never an old one reused, so a planted cookie cannot be promoted by signing in)."""
    now = clock.now()
    user, impersonator, customer_id = cmd.user, cmd.impersonator, cmd.customer_id
    state = SessionState.NO_ACCESS
    if impersonator is not None:  # the partner's view of one customer: no portal user, read-only
        state = SessionState.ACTIVE
    elif user is not None:
        memberships = await _sync_contact_memberships(user, uow, clock=clock)
        if memberships:
            state = SessionState.MFA_PENDING if user.totp_enabled else SessionState.ACTIVE
            reachable = {m.customer_id for m in memberships}
            customer_id = customer_id if customer_id in reachable else memberships[0].customer_id
    token = new_token()
    session = PortalSession(
        partner_id=uow.partner_id,
        email=cmd.email,
        state=state,
        token_hash=hash_token(token),
        created_at=now,
        user_id=user.id if user is not None and state is not SessionState.NO_ACCESS and not impersonator else None,
        customer_id=customer_id if state is not SessionState.NO_ACCESS else None,
        impersonator=impersonator,
        ip=cmd.ip,
        user_agent=(cmd.user_agent or "")[:300] or None,
    )
    session.prove(cmd.factor, now)
    await uow.portal_sessions.add(session)
    return Opened(session, token)


async def sign_in_with_code(
    cmd: SignInWithCode, uow: PortalUnitOfWork, *, creds: Credentials, clock: Clock, checkpoint: Checkpoint
) -> Opened:
    address = normalize_email(cmd.email)
    check = CheckCode(address, cmd.code, CodePurpose.SIGN_IN)
    await check_code(check, uow, creds=creds, clock=clock, checkpoint=checkpoint)
    user = await _find_or_create_user(address, uow, clock=clock)
    return await open_session(OpenSession(address, user, Factor.CODE, cmd.ip, cmd.user_agent), uow, clock=clock)


async def sign_in_with_password(
    cmd: SignInWithPassword, uow: PortalUnitOfWork, *, creds: Credentials, clock: Clock, checkpoint: Checkpoint
) -> Opened:
    now = clock.now()
    address = normalize_email(cmd.email)
    password = cmd.password
    found = await uow.portal_users.by_email(address)
    if found is None or found.password_hash is None:
        creds.passwords.dummy_verify(password)
        raise NotAuthenticated(WRONG_PASSWORD, code=ErrorCode.INVALID_CREDENTIALS)
    user = await uow.portal_users.lock(found.id)
    if user.locked(now):
        raise _locked(user, now)
    assert user.password_hash is not None
    if not creds.passwords.verify(user.password_hash, password):
        user.record_failure(now)
        await uow.portal_users.save(user)
        await checkpoint(CheckpointReason.COUNTING_FAILURE)
        if user.locked(now):
            raise _locked(user, now)
        raise NotAuthenticated(WRONG_PASSWORD, code=ErrorCode.INVALID_CREDENTIALS)
    user.record_success(now)
    await uow.portal_users.save(user)
    opening = OpenSession(address, user, Factor.PASSWORD, cmd.ip, cmd.user_agent)
    return await open_session(opening, uow, clock=clock)


def _locked(user: PortalUser, now: object) -> TooManyAttempts:
    assert user.locked_until is not None
    wait = max(1, int((user.locked_until - now).total_seconds()))  # type: ignore[operator]
    return TooManyAttempts(
        "Too many failed sign-ins: this account is locked for a while. Reset your password by email, ask "
        "the sender of your invoices to unlock it, or sign in with an emailed code.",
        retry_after=wait,
        code=ErrorCode.ACCOUNT_LOCKED,
    )


async def complete_mfa(
    cmd: CompleteMfa, uow: PortalUnitOfWork, *, creds: Credentials, clock: Clock, checkpoint: Checkpoint
) -> None:
    """The second step after a code, link or password: a TOTP code or a recovery code. Five wrong tries end the
    session (the person starts again), and count towards the account lock."""
    now = clock.now()
    session, recovery = cmd.session, cmd.recovery
    if session.state is not SessionState.MFA_PENDING or session.user_id is None:
        raise NotAuthenticated("There is no sign-in waiting for a second factor.", code=ErrorCode.MFA_NOT_PENDING)
    user = await uow.portal_users.lock(session.user_id)
    if user.locked(now):
        raise _locked(user, now)
    if verify_second_factor(user, cmd.code, creds=creds, clock=clock, recovery=recovery):
        user.record_success(now)
        await uow.portal_users.save(user)
        session.state = SessionState.ACTIVE
        session.prove(Factor.RECOVERY_CODE if recovery else Factor.TOTP, now)
        await uow.portal_sessions.save(session)
        return
    user.record_failure(now)
    session.mfa_failures += 1
    if session.mfa_failures >= MAX_MFA_FAILURES:
        session.revoked_at = now
    await uow.portal_users.save(user)
    await uow.portal_sessions.save(session)
    await checkpoint(CheckpointReason.COUNTING_FAILURE)
    raise NotAuthenticated("That code is not right.", code=ErrorCode.INVALID_MFA_CODE)


def verify_second_factor(
    user: PortalUser, code: str, *, creds: Credentials, clock: Clock, recovery: bool = False
) -> bool:
    return second_factor.verify_second_factor(
        user, code, totp=creds.totp, box=creds.box, clock=clock, recovery=recovery
    )


async def find_link(cmd: FindLink, uow: PortalUnitOfWork, *, clock: Clock) -> PortalLink:
    """A usable link for one of these purposes; any unknown, used, revoked or expired token reads the same."""
    link = await uow.portal_links.by_hash(hash_token(cmd.token))
    if link is None or link.purpose not in cmd.purposes or not link.usable(clock.now()):
        raise NotAuthenticated("This link is not valid any more. Ask for a new one.", code=ErrorCode.INVALID_LINK)
    return link


async def spend_link(cmd: SpendLink, uow: PortalUnitOfWork, *, clock: Clock) -> None:
    cmd.link.used_at = clock.now()
    await uow.portal_links.save(cmd.link)


async def redeem_link(cmd: RedeemLink, uow: PortalUnitOfWork, *, clock: Clock) -> PortalLink:
    """Use a single-use link once."""
    link = await find_link(FindLink(cmd.token, frozenset({cmd.purpose})), uow, clock=clock)
    await spend_link(SpendLink(link), uow, clock=clock)
    return link
