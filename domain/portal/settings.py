"""A partner's portal settings: branding (logo, colours, support contact, help text), custom domain, who gets
notified, and what customers may do on their own (guest checkout, team invitations, self-enrolled auto-pay)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from domain.errors import ErrorCode, InvalidRequest

DEFAULT_PRIMARY_COLOR = "#1F4FD1"
DEFAULT_ACCENT_COLOR = "#0E7C66"
DEFAULT_PAY_LINK_DAYS = 30
MAX_PAY_LINK_DAYS = 120
MAX_ADDRESS_LINES = 6
COLOR_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")
DOMAIN_RE = re.compile(r"^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True, slots=True)
class PortalSettings:
    logo_url: str | None = None
    primary_color: str = DEFAULT_PRIMARY_COLOR
    accent_color: str = DEFAULT_ACCENT_COLOR
    support_email: str | None = None
    support_phone: str | None = None
    support_url: str | None = None
    help_text: str | None = None
    business_address: str | None = None  # the postal address invoices and receipts print, lines as written
    custom_domain: str | None = None
    notification_emails: tuple[str, ...] = ()
    guest_checkout: bool = True  # off: a pay link asks the payer to sign in first
    team_invites: bool = True  # portal users with the manage_team permission may invite colleagues
    self_enrolled_autopay: bool = False
    pay_link_days_after_due: int = DEFAULT_PAY_LINK_DAYS

    def changed(self, **changes: Any) -> PortalSettings:
        updated = replace(self, **changes)
        updated.check()
        return updated

    def check(self) -> None:
        for name in ("primary_color", "accent_color"):
            if not COLOR_RE.match(getattr(self, name)):
                raise InvalidRequest(
                    f"{name} must be a colour written #RRGGBB.", code=ErrorCode.INVALID_SETTING, field=name
                )
        if self.custom_domain is not None and not DOMAIN_RE.match(self.custom_domain):
            raise InvalidRequest(
                "custom_domain must be a host name such as pay.example.com.",
                code=ErrorCode.INVALID_SETTING,
                field="custom_domain",
            )
        for name in ("logo_url", "support_url"):
            value = getattr(self, name)
            if value is not None and not value.startswith("https://"):
                raise InvalidRequest(f"{name} must be an https:// address.", code=ErrorCode.INVALID_SETTING, field=name)
        for address in (*self.notification_emails, *([self.support_email] if self.support_email else [])):
            if not EMAIL_RE.match(address):
                raise InvalidRequest(
                    f"'{address}' is not an email address.", code=ErrorCode.INVALID_SETTING, field="email"
                )
        if self.business_address is not None and len(self.business_address.splitlines()) > MAX_ADDRESS_LINES:
            raise InvalidRequest(
                f"business_address has at most {MAX_ADDRESS_LINES} lines.",
                code=ErrorCode.INVALID_SETTING,
                field="business_address",
            )
        if len(self.notification_emails) > 10:
            raise InvalidRequest(
                "At most 10 notification addresses.", code=ErrorCode.INVALID_SETTING, field="notification_emails"
            )
        if not 0 <= self.pay_link_days_after_due <= MAX_PAY_LINK_DAYS:
            raise InvalidRequest(
                f"pay_link_days_after_due must be between 0 and {MAX_PAY_LINK_DAYS}.",
                code=ErrorCode.INVALID_SETTING,
                field="pay_link_days_after_due",
            )


def readable_text_color(background: str) -> str:
    """Black or white, whichever contrasts more with the background (WCAG relative luminance)."""

    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(background[i : i + 2]) for i in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#000000" if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else "#FFFFFF"
