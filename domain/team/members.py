"""Managing a partner's team: invitations by email, roles, removal. At least one admin always remains, however
many changes race (the team's memberships are locked while one is checked)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.clock import Clock
from domain.errors import Conflict, ErrorCode, NotFound
from domain.identity.passwords import check_password
from domain.identity.tokens import hash_token, new_token
from domain.mail import Email, Template
from domain.portal.ports import Credentials
from domain.portal.users import normalize_email
from domain.team.accounts import link_url
from domain.team.people import INVITATION_LIFETIME, LinkPurpose, Membership, PartnerUser, TeamLink
from domain.team.ports import TeamUnitOfWork
from domain.team.roles import Role


@dataclass(frozen=True, slots=True)
class Invite:
    partner_id: str
    email: str
    role: Role
    actor: str  # "user:<id>" of the admin inviting


@dataclass(frozen=True, slots=True)
class ChangeRole:
    partner_id: str
    user_id: str
    role: Role
    actor: str


@dataclass(frozen=True, slots=True)
class Remove:
    partner_id: str
    user_id: str
    actor: str


@dataclass(frozen=True, slots=True)
class RevokeInvitation:
    partner_id: str
    invitation_id: str
    actor: str


async def invite(cmd: Invite, uow: TeamUnitOfWork, *, creds: Credentials, clock: Clock) -> tuple[TeamLink, str]:
    """Emails a single-use link valid 7 days (a newer invitation to the same address replaces the older); returns
    the link and its token, which is not stored."""
    address = normalize_email(cmd.email)
    existing = await uow.partner_users.by_email(address)
    if existing is not None and await uow.partner_users.membership(existing.id, cmd.partner_id) is not None:
        raise Conflict(f"{address} is already on this team.", code=ErrorCode.ALREADY_A_MEMBER, field="email")
    now = clock.now()
    await uow.team_links.revoke_unused(LinkPurpose.INVITATION, address, at=now, partner_id=cmd.partner_id)
    token = new_token()
    link = TeamLink(
        purpose=LinkPurpose.INVITATION,
        email=address,
        token_hash=hash_token(token),
        created_at=now,
        expires_at=now + INVITATION_LIFETIME,
        partner_id=cmd.partner_id,
        role=cmd.role,
        created_by=cmd.actor,
    )
    await uow.team_links.add(link)
    partner = await uow.partners.get(cmd.partner_id)
    context = {
        "url": link_url(creds, "accept-invitation", token),
        "team_name": partner.name,
        "role": cmd.role.value,
        "days": INVITATION_LIFETIME.days,
        "has_account": existing is not None,
    }
    await uow.emails.queue(Email(to=address, template=Template.DASHBOARD_INVITE, context=context))
    await uow.audit(
        actor=cmd.actor,
        action="team.invited",
        subject=link.id,
        partner_id=cmd.partner_id,
        details={"email": address, "role": cmd.role.value},
    )
    return link, token


async def revoke_invitation(cmd: RevokeInvitation, uow: TeamUnitOfWork, *, clock: Clock) -> TeamLink:
    now = clock.now()
    pending = {link.id: link for link in await uow.team_links.pending_invitations(cmd.partner_id, now)}
    link = pending.get(cmd.invitation_id)
    if link is None:
        raise NotFound("invitation", cmd.invitation_id)
    link.revoked_at = now
    await uow.team_links.save(link)
    await uow.audit(actor=cmd.actor, action="team.invitation_revoked", subject=link.id, partner_id=cmd.partner_id)
    return link


async def _team_member(
    uow: TeamUnitOfWork, partner_id: str, user_id: str
) -> tuple[list[tuple[PartnerUser, Membership]], PartnerUser, Membership]:
    team = await uow.partner_users.team(partner_id, lock=True)
    found = next(((u, m) for u, m in team if u.id == user_id), None)
    if found is None:
        raise NotFound("team member", user_id)
    return team, found[0], found[1]


def _keeps_an_admin(team: list[tuple[PartnerUser, Membership]], leaving: str) -> None:
    if not any(m.role is Role.ADMIN and u.id != leaving for u, m in team):
        raise Conflict(
            "A team always keeps at least one admin: make someone else an admin first.", code=ErrorCode.LAST_ADMIN
        )


async def change_role(cmd: ChangeRole, uow: TeamUnitOfWork, *, clock: Clock) -> tuple[PartnerUser, Membership]:
    team, user, membership = await _team_member(uow, cmd.partner_id, cmd.user_id)
    before = membership.role
    if before is cmd.role:
        return user, membership
    if before is Role.ADMIN:
        _keeps_an_admin(team, leaving=user.id)
    membership.role = cmd.role
    await uow.partner_users.save_membership(membership)
    await uow.audit(
        actor=cmd.actor,
        action="team.role_changed",
        subject=user.id,
        partner_id=cmd.partner_id,
        details={"before": before.value, "after": cmd.role.value, "email": user.email},
    )
    return user, membership


async def remove(cmd: Remove, uow: TeamUnitOfWork, *, clock: Clock) -> None:
    """Off the team at once: their sessions working for this partner end."""
    team, user, membership = await _team_member(uow, cmd.partner_id, cmd.user_id)
    if membership.role is Role.ADMIN:
        _keeps_an_admin(team, leaving=user.id)
    await uow.partner_users.remove_membership(membership)
    await uow.dashboard_sessions.revoke_for_user(user.id, at=clock.now(), partner_id=cmd.partner_id)
    await uow.audit(
        actor=cmd.actor,
        action="team.member_removed",
        subject=user.id,
        partner_id=cmd.partner_id,
        details={"role": membership.role.value, "email": user.email},
    )


@dataclass(frozen=True, slots=True)
class AddPerson:
    """The operator's way in (`remit user create`, `remit partner create --admin-email`, the demo): a person on a
    team at once, with a password, or with an invitation link to set one."""

    partner_id: str
    email: str
    role: Role
    password: str | None = None
    name: str | None = None
    actor: str = "operator"


@dataclass(frozen=True, slots=True)
class Added:
    user: PartnerUser | None  # None until a new person accepts the invitation
    invitation_url: str | None  # without a password: the link to set one (shown once)


async def add_person(cmd: AddPerson, uow: TeamUnitOfWork, *, creds: Credentials, clock: Clock) -> Added:
    address = normalize_email(cmd.email)
    now = clock.now()
    user = await uow.partner_users.by_email(address)
    if cmd.password is not None:
        check_password(cmd.password, email=address)
    if user is not None and await uow.partner_users.membership(user.id, cmd.partner_id) is not None:
        raise Conflict(f"{address} is already on this team.", code=ErrorCode.ALREADY_A_MEMBER, field="email")
    if user is None and cmd.password is None:
        _link, token = await invite(Invite(cmd.partner_id, address, cmd.role, cmd.actor), uow, creds=creds, clock=clock)
        return Added(None, link_url(creds, "accept-invitation", token))
    if user is None:
        user = PartnerUser(email=address, created_at=now, updated_at=now, name=cmd.name)
        await uow.partner_users.add(user)
    if cmd.password is not None:
        user.password_hash = creds.passwords.hash(cmd.password)
        user.password_changed_at = now
        await uow.partner_users.save(user)
    await uow.partner_users.add_membership(Membership(cmd.partner_id, user.id, cmd.role, now, invited_by=cmd.actor))
    await uow.audit(
        actor=cmd.actor,
        action="team.member_added",
        subject=user.id,
        partner_id=cmd.partner_id,
        details={"email": address, "role": cmd.role.value},
    )
    return Added(user, None)
