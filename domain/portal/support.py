"""How a customer reaches a partner: the support details it set, else the address it already reads customers' mail at.

Order, for the address: `support_email`, else the first of `notification_emails` (where the partner is told of
access requests and invoice questions, so someone reads it). The phone and help page are only the ones it set. Emails
("contact Northwind IT at …") and the portal's footer both read this, so neither says "contact" with no way to.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.portal.settings import PortalSettings


@dataclass(frozen=True, slots=True)
class SupportContact:
    email: str | None
    phone: str | None
    url: str | None

    @property
    def reachable(self) -> bool:
        return bool(self.email or self.phone or self.url)


def support_contact(settings: PortalSettings) -> SupportContact:
    email = settings.support_email or next(iter(settings.notification_emails), None)
    https = settings.support_url if settings.support_url and settings.support_url.startswith("https://") else None
    return SupportContact(email=email or None, phone=settings.support_phone or None, url=https)
