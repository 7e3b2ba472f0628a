"""Guest checkout from a pay link: the payment always belongs to the invoice's own customer."""

from __future__ import annotations

from dataclasses import dataclass

from domain.clock import Clock
from domain.errors import NotFound
from domain.invoices.model import PAYABLE, Invoice
from domain.pay_links.model import PayLink, expiry_for, link_id_from, token_for
from domain.portal.ports import PortalUnitOfWork


@dataclass(frozen=True, slots=True)
class IssuePayLink:
    invoice_id: str


@dataclass(frozen=True, slots=True)
class RevokePayLink:
    invoice_id: str


@dataclass(frozen=True, slots=True)
class ResolvePayLink:
    token: str


async def issue_pay_link(cmd: IssuePayLink, uow: PortalUnitOfWork, *, clock: Clock, key: bytes) -> tuple[PayLink, str]:
    """The invoice's active link (made now if it has none) and its token."""
    invoice = await uow.invoices.get(cmd.invoice_id)
    if invoice.status not in PAYABLE:
        raise NotFound("payable invoice", cmd.invoice_id)
    link = await uow.pay_links.active_for(invoice.id)
    now = clock.now()
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


async def revoke_pay_link(cmd: RevokePayLink, uow: PortalUnitOfWork, *, clock: Clock) -> None:
    await uow.invoices.get(cmd.invoice_id)
    link = await uow.pay_links.active_for(cmd.invoice_id)
    if link is not None:
        link.revoked_at = clock.now()
        await uow.pay_links.save(link)


async def resolve_pay_link(
    cmd: ResolvePayLink, uow: PortalUnitOfWork, *, clock: Clock, key: bytes
) -> tuple[PayLink, Invoice]:
    """The link and invoice a token names; tampered, revoked or expired links all read as unknown."""
    link_id = link_id_from(key, cmd.token)
    link = await uow.pay_links.find(link_id) if link_id else None
    if link is None or not link.usable(clock.now()):
        raise NotFound("pay link", cmd.token[:12])
    return link, await uow.invoices.get(link.invoice_id)
