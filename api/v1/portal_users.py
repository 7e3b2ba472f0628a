"""/v1 portal access for a partner's customers: invitations, portal users, unlocking, impersonation."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.deps import Read, WriteCustomers, get_container, json_response
from api.errors import problems
from api.pagination import Cursor, Limit, ListOf, page_of, page_request
from api.portal.deps import credentials
from api.v1.fields import Email, EmailOut, RequestModel
from domain.portal import access, impersonation
from domain.portal.users import ALL_PERMISSIONS, Permission, normalize_email, permissions_of

router = APIRouter(tags=["portal_users"])


class PortalUserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    object: str = "portal_user"
    email: EmailOut
    name: str | None
    has_password: bool = Field(validation_alias="password_hash")
    mfa_enabled: bool = Field(validation_alias="totp_enabled")
    locked_until: datetime | None
    failed_attempts: int
    created_at: datetime

    @field_validator("has_password", mode="before")
    @classmethod
    def _has_password(cls, password_hash: str | None) -> bool:
        return password_hash is not None


class PortalInvite(RequestModel):
    email: Email
    permissions: list[Permission] = Field(
        default_factory=lambda: sorted(ALL_PERMISSIONS), max_length=4, description="Defaults to every permission."
    )


class ImpersonationOut(BaseModel):
    object: str = "impersonation"
    url: str = Field(description="Open it in a browser within `expires_in` seconds; it works once.")
    expires_in: int


@router.post(
    "/v1/customers/{customer_id}/portal-invites",
    operation_id="portal_users_invite",
    summary="Send a portal activation link",
    description="Gives the address portal access to this customer and emails a single-use link (7 days) to set "
    "a password. Sending again voids the previous link.",
    status_code=201,
    response_model=PortalUserOut,
    responses=problems(401, 404, 409),
)
async def invite(customer_id: str, body: PortalInvite, ctx: WriteCustomers, request: Request) -> Response:
    partner = await ctx.uow.partners.get(ctx.principal.partner_id)
    invitation = access.InvitePortalUser(
        normalize_email(body.email),
        customer_id,
        ctx.principal.actor,
        partner.slug,
        permissions=permissions_of(body.permissions),
    )
    user = await access.invite(invitation, ctx.uow, creds=credentials(get_container(request)), clock=ctx.clock)
    return await ctx.respond(201, PortalUserOut.model_validate(user))


@router.get(
    "/v1/portal-users",
    operation_id="portal_users_list",
    summary="List portal users",
    response_model=ListOf[PortalUserOut],
    responses=problems(401, 404),
)
async def list_users(ctx: Read, limit: Limit = 20, cursor: Cursor = None, customer_id: str | None = None) -> Response:
    if customer_id is not None:
        await ctx.uow.customers.get(customer_id)
    page = await ctx.uow.portal_users.list(page_request(limit, cursor), customer_id=customer_id)
    return json_response(page_of(page, [PortalUserOut.model_validate(u) for u in page.items]))


@router.get(
    "/v1/portal-users/{user_id}",
    operation_id="portal_users_retrieve",
    summary="Retrieve a portal user",
    response_model=PortalUserOut,
    responses=problems(401, 404),
)
async def retrieve(user_id: str, ctx: Read) -> Response:
    return json_response(PortalUserOut.model_validate(await ctx.uow.portal_users.get(user_id)))


@router.post(
    "/v1/portal-users/{user_id}/unlock",
    operation_id="portal_users_unlock",
    summary="Unlock a portal user locked after failed sign-ins",
    response_model=PortalUserOut,
    responses=problems(401, 404, 409),
)
async def unlock(user_id: str, ctx: WriteCustomers) -> Response:
    user = await ctx.uow.portal_users.lock(user_id)
    user.unlock(ctx.clock.now())
    await ctx.uow.portal_users.save(user)
    await ctx.uow.audit(actor=ctx.principal.actor, action="portal_user.unlocked", subject=user.id)
    return await ctx.respond(200, PortalUserOut.model_validate(user))


@router.post(
    "/v1/customers/{customer_id}/impersonation",
    operation_id="portal_users_impersonate",
    summary="View the portal as this customer sees it",
    description="A single-use URL valid for 2 minutes that opens a read-only portal session with a banner: no "
    "payments, no method or credential changes. The session and each of its requests are audited.",
    status_code=201,
    response_model=ImpersonationOut,
    responses=problems(401, 404, 409),
)
async def impersonate(customer_id: str, ctx: WriteCustomers, request: Request) -> Response:
    partner = await ctx.uow.partners.get(ctx.principal.partner_id)
    url, seconds = await impersonation.start(
        impersonation.StartImpersonation(customer_id, ctx.principal.actor, partner.slug),
        ctx.uow,
        creds=credentials(get_container(request)),
        clock=ctx.clock,
    )
    return await ctx.respond(201, ImpersonationOut(url=url, expires_in=seconds))
