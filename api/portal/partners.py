"""Public partner branding for the billing link (`/pay/{slug}`) or a custom domain."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from api.deps import UoW, get_container
from api.errors import problems
from api.portal.deps import BillingPartner
from api.v1.fields import EmailOut, HexColor
from domain.errors import NotFound
from domain.partners.model import Partner
from domain.payments.model import MethodType
from domain.portal.settings import readable_text_color
from domain.portal.support import support_contact

router = APIRouter(prefix="/portal/v1", tags=["portal_access"])


class Branding(BaseModel):
    slug: str = Field(description="The current slug; an old one redirects here.")
    name: str
    logo_url: str | None
    primary_color: HexColor
    primary_text_color: HexColor = Field(description="Black or white: whichever reads best on the primary colour.")
    accent_color: HexColor
    support_email: EmailOut | None = Field(
        description="Where customers write to the partner: its support address, else its first notification address."
    )
    support_phone: str | None
    support_url: str | None
    help_text: str | None
    enabled_methods: list[MethodType]
    partial_payments: bool
    overdue_schedule_days: int = Field(
        description="How many days ahead the payment of an invoice already due may be scheduled (0: pay it now)."
    )
    guest_checkout: bool
    team_invites: bool
    self_enrolled_autopay: bool


async def branding_of(partner: Partner, uow: UoW, base_url: str) -> Branding:
    """`base_url`: this installation's, so an uploaded logo's address works from partners' sites too."""
    portal = await uow.portal_settings.get()
    payments = await uow.payment_settings.get()
    uploaded = await uow.partner_logos.current()
    support = support_contact(portal)  # never a footer that says "contact us" with no way to
    return Branding(
        slug=partner.slug,
        name=partner.name,
        logo_url=base_url + uploaded.path if uploaded else portal.logo_url,
        primary_color=portal.primary_color,
        primary_text_color=readable_text_color(portal.primary_color),
        accent_color=portal.accent_color,
        support_email=support.email,
        support_phone=support.phone,
        support_url=support.url,
        help_text=portal.help_text,
        enabled_methods=sorted(payments.enabled_methods),
        partial_payments=payments.partial_payments,
        overdue_schedule_days=payments.overdue_schedule_days,
        guest_checkout=portal.guest_checkout,
        team_invites=portal.team_invites,
        self_enrolled_autopay=portal.self_enrolled_autopay,
    )


@router.get(
    "/partners/{slug}",
    operation_id="portal_access_partner",
    summary="A partner's portal branding and options",
    description="Public. A slug the partner used before answers 308 with the current one in `Location`.",
    response_model=Branding,
    responses=problems(404),
)
async def by_slug(slug: str, partner: BillingPartner, uow: UoW, request: Request, response: Response) -> Branding:
    response.headers["Access-Control-Allow-Origin"] = "*"  # the Pay button reads it from partners' sites (no cookies)
    return await branding_of(partner, uow, get_container(request).settings.base_url)


@router.get(
    "/partner",
    operation_id="portal_access_partner_by_host",
    summary="The portal branding for this custom domain",
    description="Public. The Host header names the partner (a partner's custom domain); 404 on any other host.",
    response_model=Branding,
    responses=problems(404),
)
async def by_host(request: Request, uow: UoW) -> Branding:
    host = request.headers.get("host", "").split(":")[0].lower()
    partner_id = await uow.partners.id_for_domain(host) if host else None
    partner = await uow.partners.find_by_id(partner_id) if partner_id else None
    if partner is None:
        raise NotFound("partner", host)
    uow.scope_to(partner.id)
    return await branding_of(partner, uow, get_container(request).settings.base_url)
