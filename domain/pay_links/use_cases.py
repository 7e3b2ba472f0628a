"""Guest checkout from a pay link: the payment always belongs to the invoice's own customer."""

from __future__ import annotations

from domain.errors import NotFound
from domain.invoices.model import PAYABLE, Invoice
from domain.pay_links.model import PayLink, expiry_for, link_id_from, token_for
from domain.portal.ports import Credentials, PortalUnitOfWork


async def issue(invoice_id: str, uow: PortalUnitOfWork, *, creds: Credentials, key: bytes) -> tuple[PayLink, str]:
    """The invoice's active link (made now if it has none) and its token."""
    invoice = await uow.invoices.get(invoice_id)
    if invoice.status not in PAYABLE:
        raise NotFound("payable invoice", invoice_id)
    link = await uow.pay_links.active_for(invoice.id)
    now = creds.clock.now()
    if link is None:
        days = (await uow.portal_settings.get()).pay_link_days_after_due
        link = PayLink(
            partner_id=uow.partner_id,
            invoice_id=invoice.id,
            created_at=now,
            expires_at=expiry_for(invoice.due_date, days, issued_at=now),
        )
        await uow.pay_links.add(link)
    return link, token_for(key, link.id)


async def revoke(invoice_id: str, uow: PortalUnitOfWork, *, creds: Credentials) -> None:
    await uow.invoices.get(invoice_id)
    link = await uow.pay_links.active_for(invoice_id)
    if link is not None:
        link.revoked_at = creds.clock.now()
        await uow.pay_links.save(link)


async def resolve(token: str, uow: PortalUnitOfWork, *, creds: Credentials, key: bytes) -> tuple[PayLink, Invoice]:
    """The link and invoice a token names; tampered, revoked or expired links all read as unknown."""
    link_id = link_id_from(key, token)
    link = await uow.pay_links.find(link_id) if link_id else None
    if link is None or not link.usable(creds.clock.now()):
        raise NotFound("pay link", token[:12])
    return link, await uow.invoices.get(link.invoice_id)
