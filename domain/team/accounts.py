"""A partner user's own account: password resets, invitations accepted, self-service sign-up, MFA, switching
partner, signing out and ending sessions. Changing the password or MFA ends the person's other sessions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from domain.clock import Clock
from domain.errors import Conflict, ErrorCode, InvalidRequest, NotAuthenticated, NotFound, PermissionDenied
from domain.identity import lockout
from domain.identity.codes import CodePurpose
from domain.identity.passwords import check_password
from domain.identity.second_factor import (
    Enrolment,
    confirm_enrolment,
    start_enrolment,
    turn_off,
    verify_second_factor,
)
from domain.identity.tokens import hash_token, new_token
from domain.mail import Email, Template
from domain.partners.model import Partner, normalize_slug
from domain.portal.ports import Credentials
from domain.portal.users import normalize_email
from domain.ports import Checkpoint, CheckpointReason
from domain.team.people import (
    RESET_LIFETIME,
    SIGN_UP_LIFETIME,
    LinkPurpose,
    Membership,
    PartnerUser,
    SignUp,
    TeamLink,
)
from domain.team.ports import TeamUnitOfWork
from domain.team.roles import Role
from domain.team.sessions import DashboardSession, Factor, SessionState
from domain.team.sign_in import (
    Opened,
    OpenSession,
    check_code,
    locked_out,
    open_session,
    renew,
    send_code,
    state_for,
)

INVALID_LINK = "This link is not valid any more. Ask for a new one."
RESETS_PER_HOUR = 5  # reset emails to one address


@dataclass(frozen=True, slots=True)
class RequestPasswordReset:
    email: str


@dataclass(frozen=True, slots=True)
class ResetPassword:
    token: str
    password: str
    ip: str | None = None
    user_agent: str | None = None


@dataclass(frozen=True, slots=True)
class AcceptInvitation:
    token: str
    name: str | None
    password: str | None  # a new person chooses one; someone with an account already may leave it out
    ip: str | None = None
    user_agent: str | None = None


@dataclass(frozen=True, slots=True)
class SignUpForAccount:
    email: str
    password: str
    partner_name: str
    slug: str


@dataclass(frozen=True, slots=True)
class VerifySignUp:
    email: str
    code: str
    ip: str | None = None
    user_agent: str | None = None


@dataclass(frozen=True, slots=True)
class SwitchPartner:
    session: DashboardSession
    partner_id: str


@dataclass(frozen=True, slots=True)
class SignOut:
    session: DashboardSession


@dataclass(frozen=True, slots=True)
class EndSession:
    session: DashboardSession  # the one asking
    session_id: str  # one of the same person's


def link_url(creds: Credentials, page: str, token: str) -> str:
    return f"{creds.base_url.rstrip('/')}/dashboard/{page}#token={token}"


async def request_password_reset(
    cmd: RequestPasswordReset, uow: TeamUnitOfWork, *, creds: Credentials, clock: Clock
) -> None:
    """Emails a one-hour link to a known person (and nothing to an unknown address: the answer is the same)."""
    address = normalize_email(cmd.email)
    user = await uow.partner_users.by_email(address)
    if user is None:
        return
    now = clock.now()
    sent = await uow.team_links.created_since(LinkPurpose.PASSWORD_RESET, address, now - timedelta(hours=1))
    if sent >= RESETS_PER_HOUR:  # quietly: the answer must not differ from an unknown address's
        return
    await uow.team_links.revoke_unused(LinkPurpose.PASSWORD_RESET, address, at=now, partner_id=None)
    token = new_token()
    link = TeamLink(
        purpose=LinkPurpose.PASSWORD_RESET,
        email=address,
        token_hash=hash_token(token),
        created_at=now,
        expires_at=now + RESET_LIFETIME,
        user_id=user.id,
    )
    await uow.team_links.add(link)
    minutes = int(RESET_LIFETIME.total_seconds() // 60)
    url = link_url(creds, "reset-password", token)
    await uow.emails.queue(
        Email(to=address, template=Template.DASHBOARD_PASSWORD_RESET, context={"url": url, "minutes": minutes})
    )


async def _spend(token: str, purpose: LinkPurpose, uow: TeamUnitOfWork, *, clock: Clock) -> TeamLink:
    link = await uow.team_links.by_hash(hash_token(token), lock=True)
    now = clock.now()
    if link is None or link.purpose is not purpose or not link.usable(now):
        raise NotAuthenticated(INVALID_LINK, code=ErrorCode.INVALID_LINK)
    link.used_at = now
    await uow.team_links.save(link)
    return link


async def set_password(
    user: PartnerUser, password: str, uow: TeamUnitOfWork, *, creds: Credentials, clock: Clock
) -> None:
    check_password(password, email=user.email)
    now = clock.now()
    user.password_hash = creds.passwords.hash(password)
    user.password_changed_at = now
    lockout.unlock(user, now)
    await uow.partner_users.save(user)
    await uow.dashboard_sessions.revoke_for_user(user.id, at=now)


@dataclass(frozen=True, slots=True)
class ChangePassword:
    session: DashboardSession
    current_password: str
    password: str


async def change_password(
    cmd: ChangePassword, uow: TeamUnitOfWork, *, creds: Credentials, clock: Clock, checkpoint: Checkpoint
) -> Opened:
    """Needs the current password (a wrong one counts towards the lock); ends the person's other sessions and
    gives this one a new token."""
    now = clock.now()
    user = await uow.partner_users.lock(cmd.session.user_id)
    if user.locked(now):
        raise locked_out(user, now)
    if user.password_hash is None or not creds.passwords.verify(user.password_hash, cmd.current_password):
        lockout.record_failure(user, now)
        await uow.partner_users.save(user)
        await checkpoint(CheckpointReason.COUNTING_FAILURE)
        raise NotAuthenticated("Your current password is not right.", code=ErrorCode.INVALID_CREDENTIALS)
    check_password(cmd.password, email=user.email)
    user.password_hash = creds.passwords.hash(cmd.password)
    user.password_changed_at = now
    lockout.record_success(user, now)
    await uow.partner_users.save(user)
    await uow.dashboard_sessions.revoke_for_user(user.id, at=now, keep=cmd.session.id)
    cmd.session.prove(Factor.PASSWORD, now)
    await _audit_everywhere(uow, user, "user.password_changed")
    return await renew(cmd.session, uow)


@dataclass(frozen=True, slots=True)
class StepUp:
    session: DashboardSession
    password: str | None = None
    code: str | None = None  # an authenticator code


async def step_up(
    cmd: StepUp, uow: TeamUnitOfWork, *, creds: Credentials, clock: Clock, checkpoint: Checkpoint
) -> Opened:
    """A password or a current authenticator code opens the elevation window and renews the token; a wrong one
    counts towards the account lock, durably."""
    now = clock.now()
    user = await uow.partner_users.lock(cmd.session.user_id)
    if user.locked(now):
        raise locked_out(user, now)
    if cmd.password is not None and user.password_hash is not None:
        ok, factor = creds.passwords.verify(user.password_hash, cmd.password), Factor.PASSWORD
    elif cmd.code is not None:
        ok, factor = verify_second_factor(user, cmd.code, totp=creds.totp, box=creds.box, clock=clock), Factor.TOTP
    else:
        raise InvalidRequest(
            "Send your password or an authenticator code.", code=ErrorCode.MISSING_FIELD, field="password"
        )
    if not ok:
        lockout.record_failure(user, now)
        await uow.partner_users.save(user)
        await checkpoint(CheckpointReason.COUNTING_FAILURE)
        raise NotAuthenticated("That is not right.", code=ErrorCode.INVALID_CREDENTIALS)
    lockout.record_success(user, now)
    await uow.partner_users.save(user)
    cmd.session.prove(factor, now)
    return await renew(cmd.session, uow)


async def reset_password(cmd: ResetPassword, uow: TeamUnitOfWork, *, creds: Credentials, clock: Clock) -> Opened:
    check_password(cmd.password, email="")  # before the link is spent, so a weak password can be corrected
    link = await _spend(cmd.token, LinkPurpose.PASSWORD_RESET, uow, clock=clock)
    assert link.user_id is not None
    user = await uow.partner_users.lock(link.user_id)
    await set_password(user, cmd.password, uow, creds=creds, clock=clock)
    for membership in await uow.partner_users.memberships(user.id):
        await uow.audit(
            actor=f"user:{user.id}", action="user.password_reset", subject=user.id, partner_id=membership.partner_id
        )
    return await open_session(OpenSession(user, Factor.LINK, cmd.ip, cmd.user_agent), uow, clock=clock)


async def accept_invitation(cmd: AcceptInvitation, uow: TeamUnitOfWork, *, creds: Credentials, clock: Clock) -> Opened:
    """Joins the team with the invitation's role. A new person sets a password; someone who already has an
    account keeps theirs (the invitation went to their address, so following it proves the same as a code)."""
    token_hash = hash_token(cmd.token)
    peek = await uow.team_links.by_hash(token_hash)
    existing = await uow.partner_users.by_email(peek.email) if peek is not None else None
    if existing is None and cmd.password is not None:
        check_password(cmd.password, email=peek.email if peek else "")
    link = await _spend(cmd.token, LinkPurpose.INVITATION, uow, clock=clock)
    assert link.partner_id is not None and link.role is not None
    now = clock.now()
    user = existing
    if user is None:
        if cmd.password is None:
            raise InvalidRequest(
                "Choose a password to create your account.", code=ErrorCode.MISSING_FIELD, field="password"
            )
        user = PartnerUser(email=link.email, created_at=now, updated_at=now, name=(cmd.name or "").strip() or None)
        user.password_hash = creds.passwords.hash(cmd.password)
        user.password_changed_at = now
        await uow.partner_users.add(user)
    elif cmd.name and not user.name:
        user.name = cmd.name.strip()
        user.updated_at = now
        await uow.partner_users.save(user)
    if await uow.partner_users.membership(user.id, link.partner_id) is None:
        membership = Membership(link.partner_id, user.id, link.role, now, invited_by=link.created_by)
        await uow.partner_users.add_membership(membership)
    await uow.audit(
        actor=f"user:{user.id}",
        action="team.invitation_accepted",
        subject=user.id,
        partner_id=link.partner_id,
        details={"role": link.role.value, "email": link.email, "invited_by": link.created_by},
    )
    opening = OpenSession(user, Factor.LINK, cmd.ip, cmd.user_agent, partner_id=link.partner_id)
    return await open_session(opening, uow, clock=clock)


async def sign_up(cmd: SignUpForAccount, uow: TeamUnitOfWork, *, creds: Credentials, clock: Clock) -> None:
    """Checks what can be checked without revealing who has an account, then emails a code to prove the address;
    the partner and its first admin exist only once the code comes back."""
    address = normalize_email(cmd.email)
    check_password(cmd.password, email=address)
    probe = Partner(name=cmd.partner_name, slug=cmd.slug, created_at=clock.now())  # validates name and slug
    if await uow.partners.find_by_slug(probe.slug) is not None:
        raise Conflict(f"The address '{probe.slug}' is taken: choose another.", code=ErrorCode.SLUG_TAKEN, field="slug")
    now = clock.now()
    pending = SignUp(
        email=address,
        password_hash=creds.passwords.hash(cmd.password),
        partner_name=probe.name,
        slug=probe.slug,
        created_at=now,
        expires_at=now + SIGN_UP_LIFETIME,
    )
    await uow.sign_ups.add(pending)
    await send_code(
        address,
        CodePurpose.SIGN_UP,
        Template.SIGN_UP_CODE,
        uow,
        creds=creds,
        clock=clock,
        context={"team_name": probe.name},
    )


async def verify_sign_up(
    cmd: VerifySignUp, uow: TeamUnitOfWork, *, creds: Credentials, clock: Clock, checkpoint: Checkpoint
) -> tuple[Partner, Opened]:
    address = normalize_email(cmd.email)
    await check_code(address, cmd.code, CodePurpose.SIGN_UP, uow, creds=creds, clock=clock, checkpoint=checkpoint)
    now = clock.now()
    pending = await uow.sign_ups.latest(address, lock=True)
    if pending is None or pending.completed_at is not None or now >= pending.expires_at:
        raise NotAuthenticated("This sign-up has expired. Start again.", code=ErrorCode.INVALID_CODE)
    slug = normalize_slug(pending.slug)
    if await uow.partners.find_by_slug(slug) is not None:
        raise Conflict(
            f"The address '{slug}' was taken meanwhile: start again with another.",
            code=ErrorCode.SLUG_TAKEN,
            field="slug",
        )
    partner = Partner(name=pending.partner_name, slug=slug, created_at=now)
    await uow.partners.add(partner)
    user = await uow.partner_users.by_email(address)
    if user is None:  # someone on another team already keeps their own password
        user = PartnerUser(email=address, created_at=now, updated_at=now, password_hash=pending.password_hash)
        user.password_changed_at = now
        await uow.partner_users.add(user)
    await uow.partner_users.add_membership(Membership(partner.id, user.id, Role.ADMIN, now))
    pending.completed_at = now
    await uow.sign_ups.save(pending)
    await uow.audit(actor=f"user:{user.id}", action="partner.signed_up", subject=partner.id, partner_id=partner.id)
    opened = await open_session(
        OpenSession(user, Factor.CODE, cmd.ip, cmd.user_agent, partner_id=partner.id), uow, clock=clock
    )
    return partner, opened


async def switch_partner(cmd: SwitchPartner, uow: TeamUnitOfWork, *, clock: Clock) -> Opened:
    session = cmd.session
    membership = await uow.partner_users.membership(session.user_id, cmd.partner_id)
    if membership is None:
        raise PermissionDenied("You are not on that partner's team.", code=ErrorCode.NOT_A_MEMBER)
    user = await uow.partner_users.lock(session.user_id)
    session.partner_id = cmd.partner_id
    if session.state is not SessionState.MFA_REQUIRED:
        state = await state_for(user, cmd.partner_id, uow)
        session.state = SessionState.ACTIVE if state is SessionState.MFA_REQUIRED else state
    return await renew(session, uow)


async def sign_out(cmd: SignOut, uow: TeamUnitOfWork, *, clock: Clock) -> None:
    cmd.session.revoked_at = clock.now()
    await uow.dashboard_sessions.save(cmd.session)


async def end_session(cmd: EndSession, uow: TeamUnitOfWork, *, clock: Clock) -> None:
    """One of the person's own sessions (another's id reads as not found)."""
    now = clock.now()
    mine = {s.id: s for s in await uow.dashboard_sessions.active_for_user(cmd.session.user_id, now)}
    target = mine.get(cmd.session_id)
    if target is None:
        raise NotFound("session", cmd.session_id)
    target.revoked_at = now
    await uow.dashboard_sessions.save(target)


# MFA ---------------------------------------------------------------------------------------------------------------


async def begin_mfa(session: DashboardSession, uow: TeamUnitOfWork, *, creds: Credentials, clock: Clock) -> Enrolment:
    user = await uow.partner_users.lock(session.user_id)
    enrolment = start_enrolment(user, totp=creds.totp, box=creds.box, now=clock.now(), issuer="Remit")
    await uow.partner_users.save(user)
    return enrolment


async def confirm_mfa(
    session: DashboardSession, code: str, uow: TeamUnitOfWork, *, creds: Credentials, clock: Clock
) -> tuple[Opened, list[str]]:
    user = await uow.partner_users.lock(session.user_id)
    codes = confirm_enrolment(user, code, totp=creds.totp, box=creds.box, clock=clock)
    now = clock.now()
    await uow.partner_users.save(user)
    await uow.dashboard_sessions.revoke_for_user(user.id, at=now, keep=session.id)
    session.state = SessionState.ACTIVE
    session.prove(Factor.TOTP, now)
    await _audit_everywhere(uow, user, "user.mfa_enabled")
    return await renew(session, uow), codes


async def disable_mfa(session: DashboardSession, uow: TeamUnitOfWork, *, clock: Clock) -> Opened:
    """Needs a recent second factor (the caller checks); refused while a partner of theirs requires MFA."""
    user = await uow.partner_users.lock(session.user_id)
    for membership in await uow.partner_users.memberships(user.id):
        if (await uow.partners.get(membership.partner_id)).require_mfa:
            raise Conflict(
                "A team you are on requires two-step sign-in, so it cannot be turned off.",
                code=ErrorCode.MFA_REQUIRED_BY_TEAM,
            )
    now = clock.now()
    turn_off(user, now)
    await uow.partner_users.save(user)
    await uow.dashboard_sessions.revoke_for_user(user.id, at=now, keep=session.id)
    await _audit_everywhere(uow, user, "user.mfa_disabled")
    return await renew(session, uow)


async def _audit_everywhere(uow: TeamUnitOfWork, user: PartnerUser, action: str) -> None:
    """A change to the person is in the audit log of every partner whose team they are on."""
    for membership in await uow.partner_users.memberships(user.id):
        await uow.audit(actor=f"user:{user.id}", action=action, subject=user.id, partner_id=membership.partner_id)
