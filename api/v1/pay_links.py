"""/v1/invoices/{id}/pay-link: the hosted link a customer (or anyone they forward it to) pays one invoice with."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.deps import WriteInvoices, get_container
from api.errors import problems
from api.portal.deps import pay_link_key
from domain.pay_links import use_cases as pay_links

router = APIRouter(prefix="/v1/invoices/{invoice_id}/pay-link", tags=["invoices"])


class PayLinkOut(BaseModel):
    object: str = "pay_link"
    id: str
    invoice_id: str
    url: str = Field(description="Open to pay without an account; `token` is its last part.")
    token: str
    expires_at: datetime = Field(description="By default 30 days after the due date (a portal setting, at most 120).")


@router.post(
    "",
    operation_id="invoices_pay_link",
    summary="Get the invoice's pay link",
    description="Returns the active link, issuing one if the invoice has none. Open and partially paid invoices only.",
    response_model=PayLinkOut,
    responses=problems(401, 404, 409),
)
async def issue(invoice_id: str, ctx: WriteInvoices, request: Request) -> Response:
    container = get_container(request)
    link, token = await pay_links.issue_pay_link(
        pay_links.IssuePayLink(invoice_id), ctx.uow, clock=ctx.clock, key=pay_link_key(container)
    )
    partner = await ctx.uow.partners.get(ctx.principal.partner_id)
    url = f"{container.settings.base_url}/pay/{partner.slug}/invoice/{token}"
    return await ctx.respond(
        200, PayLinkOut(id=link.id, invoice_id=invoice_id, url=url, token=token, expires_at=link.expires_at)
    )


@router.post(
    "/revoke",
    operation_id="invoices_revoke_pay_link",
    summary="Revoke the invoice's pay link",
    description="The link stops working at once; getting the pay link again issues a new one.",
    status_code=204,
    responses=problems(401, 404, 409),
)
async def revoke(invoice_id: str, ctx: WriteInvoices) -> Response:
    await pay_links.revoke_pay_link(pay_links.RevokePayLink(invoice_id), ctx.uow, clock=ctx.clock)
    await ctx.uow.audit(actor=ctx.principal.actor, action="pay_link.revoked", subject=invoice_id)
    return Response(status_code=204)
