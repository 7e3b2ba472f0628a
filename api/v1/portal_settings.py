"""/v1/settings/portal: branding, the billing-link slug (old ones keep redirecting), a custom domain, who is
notified, and what customers may do on their own."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.deps import Read, WriteSettings, json_response
from api.errors import problems
from api.v1.fields import Email, EmailOut, Flag, HexColor, RequestModel
from domain.audit import changes as audit_changes
from domain.audit import field_changes
from domain.errors import Conflict, ErrorCode
from domain.partners.model import Partner, normalize_slug
from domain.portal.settings import PortalSettings

router = APIRouter(prefix="/v1/settings", tags=["settings"])


class PortalSettingsOut(BaseModel):
    object: str = "portal_settings"
    slug: str = Field(description="The billing link is `/pay/{slug}`.")
    logo_url: str | None
    primary_color: HexColor
    accent_color: HexColor
    support_email: EmailOut | None
    support_phone: str | None
    support_url: str | None
    help_text: str | None
    business_address: str | None = Field(description="The postal address invoices and receipts print.")
    custom_domain: str | None
    notification_emails: list[EmailOut] = Field(description="Who is emailed about access requests and questions.")
    guest_checkout: bool = Field(description="Pay links work without signing in; off, they ask for a sign-in.")
    team_invites: bool
    self_enrolled_autopay: bool
    pay_link_days_after_due: int

    @classmethod
    def of(cls, slug: str, s: PortalSettings) -> PortalSettingsOut:
        return cls(
            slug=slug,
            logo_url=s.logo_url,
            primary_color=s.primary_color,
            accent_color=s.accent_color,
            support_email=s.support_email,
            support_phone=s.support_phone,
            support_url=s.support_url,
            help_text=s.help_text,
            business_address=s.business_address,
            custom_domain=s.custom_domain,
            notification_emails=list(s.notification_emails),
            guest_checkout=s.guest_checkout,
            team_invites=s.team_invites,
            self_enrolled_autopay=s.self_enrolled_autopay,
            pay_link_days_after_due=s.pay_link_days_after_due,
        )


class PortalSettingsUpdate(RequestModel):
    slug: str | None = Field(default=None, max_length=63)
    logo_url: str | None = Field(default=None, max_length=500)
    primary_color: HexColor | None = Field(default=None, max_length=7)
    accent_color: HexColor | None = Field(default=None, max_length=7)
    support_email: Email | None = None
    support_phone: str | None = Field(default=None, max_length=40)
    support_url: str | None = Field(default=None, max_length=500)
    help_text: str | None = Field(default=None, max_length=5000)
    business_address: str | None = Field(
        default=None, max_length=500, description="Up to 6 lines, e.g. street, city and postal code, country."
    )
    custom_domain: str | None = Field(default=None, max_length=253)
    notification_emails: list[Email] | None = Field(default=None, max_length=10)
    guest_checkout: Flag | None = None
    team_invites: Flag | None = None
    self_enrolled_autopay: Flag | None = None
    pay_link_days_after_due: int | None = Field(default=None, ge=0, le=120, strict=True)


@router.get(
    "/portal",
    operation_id="settings_portal_retrieve",
    summary="Retrieve portal settings",
    response_model=PortalSettingsOut,
    responses=problems(401),
)
async def retrieve(ctx: Read) -> Response:
    partner = await ctx.uow.partners.get(ctx.principal.partner_id)
    return json_response(PortalSettingsOut.of(partner.slug, await ctx.uow.portal_settings.get()))


@router.patch(
    "/portal",
    operation_id="settings_portal_update",
    summary="Update portal settings",
    description="Changes only the fields sent (`null` clears an optional one). Changing `slug` keeps the old billing "
    "link working: it redirects to the new one. A custom domain must be unique across partners.",
    response_model=PortalSettingsOut,
    responses=problems(400, 401, 409, 422),
)
async def update_settings(body: PortalSettingsUpdate, ctx: WriteSettings) -> Response:
    changes: dict[str, Any] = {k: getattr(body, k) for k in body.model_fields_set if k != "slug"}
    for required in ("primary_color", "accent_color", "guest_checkout", "team_invites", "self_enrolled_autopay"):
        if required in changes and changes[required] is None:
            changes.pop(required)
    if changes.get("pay_link_days_after_due", 0) is None:
        changes.pop("pay_link_days_after_due")
    if "notification_emails" in changes:
        changes["notification_emails"] = tuple(a.lower() for a in changes["notification_emails"] or ())
    if changes.get("custom_domain"):
        changes["custom_domain"] = changes["custom_domain"].strip().lower()
        owner = await ctx.uow.partners.id_for_domain(changes["custom_domain"])
        if owner not in (None, ctx.uow.partner_id):
            raise Conflict("Another partner uses that domain.", code=ErrorCode.DOMAIN_TAKEN)
    current = await ctx.uow.portal_settings.get()
    updated = current.changed(**changes)
    await ctx.uow.portal_settings.save(updated)
    partner = await ctx.uow.partners.get(ctx.principal.partner_id)
    slug = partner.slug
    if body.slug is not None and normalize_slug(body.slug) != partner.slug:
        slug = await _change_slug(ctx, partner, normalize_slug(body.slug))
    await ctx.uow.audit(
        actor=ctx.principal.actor,
        action="settings.portal.updated",
        subject=ctx.uow.partner_id,
        details={
            **field_changes(current, updated, changes),
            **audit_changes({"slug": partner.slug}, {"slug": slug}),
        },
    )
    return await ctx.respond(200, PortalSettingsOut.of(slug, updated))


async def _change_slug(ctx: Any, partner: Partner, new: str) -> str:
    """Another partner's slug, current or retired, is taken; one's own retired slug can be taken back."""
    partners = ctx.uow.partners
    retired_by = await partners.id_for_retired_slug(new)
    if await partners.find_by_slug(new) is not None or retired_by not in (None, partner.id):
        raise Conflict("That slug is taken.", code=ErrorCode.SLUG_TAKEN)
    await partners.change_slug(partner, new, at=ctx.clock.now())
    return new
