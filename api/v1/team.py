"""/v1/team: the people on a partner's team, their roles, and invitations. Admins manage it; everyone reads it."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.deps import Read, WriteTeam, get_container, json_response
from api.errors import problems
from api.v1.fields import Email, EmailOut, RequestModel
from domain.team import members
from domain.team.people import Membership, PartnerUser, TeamLink
from domain.team.roles import Role

router = APIRouter(prefix="/v1/team", tags=["team"])


class MemberOut(BaseModel):
    object: str = "team_member"
    user_id: str
    email: EmailOut
    name: str | None
    role: Role
    mfa_enabled: bool
    joined_at: datetime

    @classmethod
    def of(cls, user: PartnerUser, membership: Membership) -> MemberOut:
        return cls(
            user_id=user.id,
            email=user.email,
            name=user.name,
            role=membership.role,
            mfa_enabled=user.totp_enabled,
            joined_at=membership.created_at,
        )


class InvitationOut(BaseModel):
    object: str = "team_invitation"
    id: str
    email: EmailOut
    role: Role
    invited_by: str | None
    created_at: datetime
    expires_at: datetime

    @classmethod
    def of(cls, link: TeamLink) -> InvitationOut:
        assert link.role is not None
        return cls(
            id=link.id,
            email=link.email,
            role=link.role,
            invited_by=link.created_by,
            created_at=link.created_at,
            expires_at=link.expires_at,
        )


class TeamOut(BaseModel):
    object: str = "team"
    members: list[MemberOut]
    invitations: list[InvitationOut] = Field(description="Pending invitations (not used, revoked or expired).")


class InviteIn(RequestModel):
    email: Email
    role: Role


class RoleIn(RequestModel):
    role: Role


@router.get(
    "",
    operation_id="team_retrieve",
    summary="The team and pending invitations",
    response_model=TeamOut,
    responses=problems(401, 403),
)
async def team(ctx: Read) -> Response:
    partner_id = ctx.principal.partner_id
    people = await ctx.uow.partner_users.team(partner_id)
    pending = await ctx.uow.team_links.pending_invitations(partner_id, ctx.clock.now())
    return json_response(
        TeamOut(members=[MemberOut.of(u, m) for u, m in people], invitations=[InvitationOut.of(i) for i in pending])
    )


@router.post(
    "/invites",
    operation_id="team_invite",
    summary="Invite someone to the team",
    description="Emails a single-use link valid 7 days; a newer invitation to the same address replaces the older. "
    "Someone with a Remit login already joins with it. Audited.",
    status_code=201,
    response_model=InvitationOut,
    responses=problems(401, 403, 409, 422),
)
async def invite(body: InviteIn, ctx: WriteTeam, request: Request) -> Response:
    cmd = members.Invite(ctx.principal.partner_id, body.email, body.role, ctx.principal.actor)
    link, _token = await members.invite(cmd, ctx.uow, creds=get_container(request).credentials, clock=ctx.clock)
    return await ctx.respond(201, InvitationOut.of(link))


@router.delete(
    "/invites/{invitation_id}",
    operation_id="team_invitation_revoke",
    summary="Withdraw a pending invitation",
    status_code=204,
    responses=problems(401, 403, 404, 409),
)
async def revoke_invitation(invitation_id: str, ctx: WriteTeam) -> Response:
    cmd = members.RevokeInvitation(ctx.principal.partner_id, invitation_id, ctx.principal.actor)
    await members.revoke_invitation(cmd, ctx.uow, clock=ctx.clock)
    return Response(status_code=204)


@router.patch(
    "/{user_id}",
    operation_id="team_member_update",
    summary="Change someone's role",
    description="Takes effect on their next request. The last admin cannot be demoted. Audited (before → after).",
    response_model=MemberOut,
    responses=problems(401, 403, 404, 409, 422),
)
async def change_role(user_id: str, body: RoleIn, ctx: WriteTeam) -> Response:
    cmd = members.ChangeRole(ctx.principal.partner_id, user_id, body.role, ctx.principal.actor)
    user, membership = await members.change_role(cmd, ctx.uow, clock=ctx.clock)
    return await ctx.respond(200, MemberOut.of(user, membership))


@router.delete(
    "/{user_id}",
    operation_id="team_member_remove",
    summary="Remove someone from the team",
    description="Their sessions working for this partner end at once; their login and other teams stay. The last "
    "admin cannot be removed. Audited.",
    status_code=204,
    responses=problems(401, 403, 404, 409),
)
async def remove(user_id: str, ctx: WriteTeam) -> Response:
    await members.remove(
        members.Remove(ctx.principal.partner_id, user_id, ctx.principal.actor), ctx.uow, clock=ctx.clock
    )
    return Response(status_code=204)
