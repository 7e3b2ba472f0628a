"""/v1/settings/security: whether everyone on the team must use two-step sign-in."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.deps import Read, WriteSecurity, json_response
from api.errors import problems
from api.v1.fields import Flag, RequestModel

router = APIRouter(prefix="/v1/settings/security", tags=["settings"])


class SecurityOut(BaseModel):
    object: str = "security_settings"
    require_mfa: bool = Field(
        description="Every team member must use two-step sign-in: one without it sets it up at their next sign-in "
        "before anything else."
    )


class SecurityIn(RequestModel):
    require_mfa: Flag


@router.get(
    "",
    operation_id="settings_security_retrieve",
    summary="Read the security settings",
    response_model=SecurityOut,
    responses=problems(401, 403),
)
async def retrieve(ctx: Read) -> Response:
    partner = await ctx.uow.partners.get(ctx.principal.partner_id)
    return json_response(SecurityOut(require_mfa=partner.require_mfa))


@router.patch(
    "",
    operation_id="settings_security_update",
    summary="Change the security settings",
    description="Admins in the dashboard only. Audited (before → after).",
    response_model=SecurityOut,
    responses=problems(401, 403, 409, 422),
)
async def update(body: SecurityIn, ctx: WriteSecurity) -> Response:
    partner = await ctx.uow.partners.get(ctx.principal.partner_id)
    if partner.require_mfa != body.require_mfa:
        await ctx.uow.partners.set_require_mfa(partner.id, body.require_mfa)
        await ctx.uow.audit(
            actor=ctx.principal.actor,
            action="settings.security_updated",
            subject=partner.id,
            details={"before": {"require_mfa": partner.require_mfa}, "after": {"require_mfa": body.require_mfa}},
        )
    return await ctx.respond(200, SecurityOut(require_mfa=body.require_mfa))
