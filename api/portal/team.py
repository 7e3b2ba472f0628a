"""Team: the people who can reach the current customer, their permissions, and invitations from the portal."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.errors import problems
from api.portal.deps import Portal, PortalWriting
from api.v1.fields import Email, EmailOut, Name, RequestModel
from domain.errors import Conflict, ErrorCode, NotFound
from domain.portal import access
from domain.portal.users import Membership, Permission, PortalUser, normalize_email, permissions_of

router = APIRouter(prefix="/portal/v1/team", tags=["portal_team"])


class Member(BaseModel):
    user_id: str
    email: EmailOut
    name: str | None
    permissions: list[Permission]
    source: str
    active: bool = Field(description="False until the person first signs in or sets a password.")


class MemberList(BaseModel):
    data: list[Member]


class Invite(RequestModel):
    email: Email
    name: Name | None = Field(default=None, description="How colleagues see them; kept if they already have one.")
    permissions: list[Permission] = Field(default_factory=lambda: [Permission.VIEW, Permission.PAY], max_length=4)


class PermissionsIn(RequestModel):
    permissions: list[Permission] = Field(max_length=4)


@router.get(
    "",
    operation_id="portal_team_list",
    summary="People who can reach this account",
    response_model=MemberList,
    responses=problems(401, 403),
)
async def members(ctx: Portal) -> MemberList:
    pairs = await ctx.uow.portal_users.members_of(ctx.customer_id)
    signed_in = await ctx.uow.portal_users.ever_signed_in([u.id for u, _ in pairs])
    return MemberList(
        data=[
            Member(
                user_id=u.id,
                email=u.email,
                name=u.name,
                permissions=sorted(m.permissions),
                source=m.source.value,
                active=u.id in signed_in or u.password_hash is not None or u.created_at != u.updated_at,
            )
            for u, m in pairs
        ]
    )


@router.post(
    "/invites",
    operation_id="portal_team_invite",
    summary="Invite a colleague",
    description="Needs the manage_team permission and a recent second factor; the partner can turn invitations "
    "off. The colleague gets a 7-day single-use link to set a password.",
    status_code=201,
    response_model=Member,
    responses=problems(401, 403, 404),
)
async def invite(body: Invite, ctx: PortalWriting) -> Member:
    ctx.require(Permission.MANAGE_TEAM)
    ctx.require_fresh_factor()
    partner = await ctx.uow.partners.get(ctx.session.partner_id)
    invitation = access.InvitePortalUser(
        normalize_email(body.email),
        ctx.customer_id,
        ctx.actor,
        partner.slug,
        permissions=permissions_of(body.permissions),
        inviter_email=ctx.user.email,
    )
    user = await access.invite(invitation, ctx.uow, creds=ctx.creds, clock=ctx.uow.clock)
    if body.name and user.name is None:
        user.name = body.name  # updated_at stays: it tells whether they ever signed in (`active`)
        await ctx.uow.portal_users.save(user)
    membership = await ctx.uow.portal_users.membership(user.id, ctx.customer_id)
    assert membership is not None
    return _as_member(user, membership)


def _as_member(user: PortalUser, membership: Membership) -> Member:
    return Member(
        user_id=user.id,
        email=user.email,
        name=user.name,
        permissions=sorted(membership.permissions),
        source=membership.source.value,
        active=user.password_hash is not None,
    )


async def _member(ctx: Portal, user_id: str) -> Membership:
    membership = await ctx.uow.portal_users.membership(user_id, ctx.customer_id)
    if membership is None:
        raise NotFound("team member", user_id)
    return membership


@router.patch(
    "/{user_id}",
    operation_id="portal_team_set_permissions",
    summary="Change a colleague's permissions",
    response_model=Member,
    responses=problems(401, 403, 404, 409),
)
async def set_permissions(user_id: str, body: PermissionsIn, ctx: PortalWriting) -> Member:
    ctx.require(Permission.MANAGE_TEAM)
    if user_id == ctx.user.id:
        raise Conflict("You cannot change your own permissions.", code=ErrorCode.OWN_PERMISSIONS)
    membership = await _member(ctx, user_id)
    membership.permissions = permissions_of(body.permissions)
    await ctx.uow.portal_users.save_membership(membership)
    user = await ctx.uow.portal_users.get(user_id)
    await ctx.uow.audit(
        actor=ctx.actor,
        action="portal_user.permissions_changed",
        subject=user_id,
        details={"customer_id": ctx.customer_id, "permissions": sorted(membership.permissions)},
    )
    return _as_member(user, membership)


@router.delete(
    "/{user_id}",
    operation_id="portal_team_remove",
    summary="Remove a colleague's access to this account",
    status_code=204,
    responses=problems(401, 403, 404, 409),
)
async def remove(user_id: str, ctx: PortalWriting) -> Response:
    ctx.require(Permission.MANAGE_TEAM)
    if user_id == ctx.user.id:
        raise Conflict("You cannot remove yourself.", code=ErrorCode.OWN_MEMBERSHIP)
    membership = await _member(ctx, user_id)
    await ctx.uow.portal_users.remove_membership(membership)
    await ctx.uow.audit(
        actor=ctx.actor, action="portal_user.removed", subject=user_id, details={"customer_id": ctx.customer_id}
    )
    return Response(status_code=204)
