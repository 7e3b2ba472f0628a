"""Impersonation: a partner opens a short-lived, single-use link into a read-only portal session for one
customer; the session and every request it makes are in the audit log."""

from __future__ import annotations

from domain.clock import Clock
from domain.portal.accounts import issue_link, link_url
from domain.portal.links import LIFETIMES, LinkPurpose
from domain.portal.ports import Credentials, PortalUnitOfWork
from domain.portal.sessions import Factor
from domain.portal.sign_in import Opened, open_session, redeem_link


async def start(
    customer_id: str, uow: PortalUnitOfWork, *, creds: Credentials, clock: Clock, actor: str, slug: str
) -> tuple[str, int]:
    """The URL to open, and how many seconds it works for."""
    customer = await uow.customers.get(customer_id)
    token = await issue_link(
        uow, clock=clock, purpose=LinkPurpose.IMPERSONATION, created_by=actor, customer_id=customer.id
    )
    await uow.audit(actor=actor, action="portal.impersonation_started", subject=customer.id)
    return link_url(creds, slug, "impersonate", token), int(LIFETIMES[LinkPurpose.IMPERSONATION].total_seconds())


async def open_view(token: str, uow: PortalUnitOfWork, *, clock: Clock, ip: str | None, ua: str | None) -> Opened:
    link = await redeem_link(token, LinkPurpose.IMPERSONATION, uow, clock=clock)
    assert link.customer_id is not None
    opened = await open_session(
        uow,
        clock=clock,
        email=f"partner view ({link.created_by})",
        user=None,
        factor=Factor.IMPERSONATION,
        ip=ip,
        user_agent=ua,
        impersonator=link.created_by,
        customer_id=link.customer_id,
    )
    await uow.audit(
        actor=link.created_by,
        action="portal.impersonation_opened",
        subject=link.customer_id,
        details={"session_id": opened.session.id},
    )
    return opened
