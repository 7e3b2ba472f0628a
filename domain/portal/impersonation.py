"""Impersonation: a partner opens a short-lived, single-use link into a read-only portal session for one
customer; the session and every request it makes are in the audit log."""

from __future__ import annotations

from dataclasses import dataclass

from domain.clock import Clock
from domain.portal.accounts import IssueLink, issue_link, link_url
from domain.portal.links import LIFETIMES, LinkPurpose
from domain.portal.ports import Credentials, PortalUnitOfWork
from domain.portal.sessions import Factor
from domain.portal.sign_in import Opened, OpenSession, RedeemLink, open_session, redeem_link


@dataclass(frozen=True, slots=True)
class StartImpersonation:
    customer_id: str
    actor: str
    slug: str


@dataclass(frozen=True, slots=True)
class OpenImpersonation:
    token: str
    ip: str | None
    ua: str | None


async def start(cmd: StartImpersonation, uow: PortalUnitOfWork, *, creds: Credentials, clock: Clock) -> tuple[str, int]:
    """The URL to open, and how many seconds it works for."""
    customer = await uow.customers.get(cmd.customer_id)
    issue = IssueLink(LinkPurpose.IMPERSONATION, cmd.actor, customer_id=customer.id)
    token = await issue_link(issue, uow, clock=clock)
    await uow.audit(actor=cmd.actor, action="portal.impersonation_started", subject=customer.id)
    return link_url(creds, cmd.slug, "impersonate", token), int(LIFETIMES[LinkPurpose.IMPERSONATION].total_seconds())


async def open_view(cmd: OpenImpersonation, uow: PortalUnitOfWork, *, clock: Clock) -> Opened:
    link = await redeem_link(RedeemLink(cmd.token, LinkPurpose.IMPERSONATION), uow, clock=clock)
    assert link.customer_id is not None
    opening = OpenSession(
        f"partner view ({link.created_by})",
        None,
        Factor.IMPERSONATION,
        cmd.ip,
        cmd.ua,
        impersonator=link.created_by,
        customer_id=link.customer_id,
    )
    opened = await open_session(opening, uow, clock=clock)
    await uow.audit(
        actor=link.created_by,
        action="portal.impersonation_opened",
        subject=link.customer_id,
        details={"session_id": opened.session.id},
    )
    return opened
