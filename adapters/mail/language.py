"""The language an email is written in, looked up for its recipient when it is rendered.

Resolved at render time, not when the email is queued: every use case that queues an email (codes, invites,
receipts, questions) gets it without knowing about languages, and a language chosen in the portal between the
queueing and a delivery (or a retry) is the one the email is read in. Order (`domain.mail.email_language`): the
language of the screen the email was asked from (a sign-in code, a password reset: `language` in its context) →
the partner's portal user with this address, if they chose one → the customer's contact with this address → the
customer's own language → English. The customer is the one the email's context names (`customer_id`), else the
first the portal user belongs to, else the first whose primary address this is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.tables import CustomerRow, PortalMembershipRow, PortalUserRow
from domain.mail import email_language
from domain.money import LANGUAGES


async def recipient_language(session: AsyncSession, partner_id: str | None, to: str, context: Mapping[str, Any]) -> str:
    if context.get("language") in LANGUAGES:
        return str(context["language"])  # asked for from a screen in this language: the one being read right now
    if partner_id is None:
        return email_language()
    address = to.strip().lower()
    user = (
        await session.execute(
            select(PortalUserRow.id, PortalUserRow.language).where(
                PortalUserRow.partner_id == partner_id, func.lower(PortalUserRow.email) == address
            )
        )
    ).first()
    if user is not None and user.language:
        return email_language(user.language)
    customer = await _customer(session, partner_id, address, context.get("customer_id"), user.id if user else None)
    if customer is None:
        return email_language()
    contact = next((c for c in customer.contacts if str(c.get("email", "")).lower() == address), None)
    return email_language(contact.get("language") if contact else None, customer.language)


async def _customer(
    session: AsyncSession, partner_id: str, address: str, customer_id: Any, user_id: str | None
) -> CustomerRow | None:
    mine = select(CustomerRow).where(CustomerRow.partner_id == partner_id)
    if isinstance(customer_id, str):
        return await session.scalar(mine.where(CustomerRow.id == customer_id))
    if user_id is not None:
        member_of = select(PortalMembershipRow.customer_id).where(
            PortalMembershipRow.partner_id == partner_id, PortalMembershipRow.user_id == user_id
        )
        found = await session.scalar(mine.where(CustomerRow.id.in_(member_of)).order_by(CustomerRow.id).limit(1))
        if found is not None:
            return found
    return await session.scalar(
        mine.where(func.lower(CustomerRow.email) == address, CustomerRow.archived.is_(False))
        .order_by(CustomerRow.id)
        .limit(1)
    )
