"""A queued email row made readable: subject, plain text and HTML in the partner's branding.

Jinja2 with autoescaped HTML and StrictUndefined, so a missing value raises instead of mailing a blank. Each
template is a pair in templates/: `<name>.txt` holds the subject, the plain text and the footer line saying why
the person got it (blocks `subject`, `body`, `reason`); `<name>.html` holds the HTML body inside the shared
branded layout.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Undefined, select_autoescape
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.portal_settings import load_portal_settings
from adapters.db.tables import EmailRow, PartnerRow
from domain.mail import RenderedEmail, Template
from domain.money import display_amount
from domain.portal.settings import COLOR_RE, DEFAULT_ACCENT_COLOR, DEFAULT_PRIMARY_COLOR, PortalSettings
from domain.portal.settings import readable_text_color as text_color_on

TEMPLATES = Path(__file__).resolve().parent / "templates"
PLATFORM_NAME = "Remit"

# Emails to a partner's staff about someone else: replies should reach that person, not the partner's support.
REPLY_TO_KEY = {Template.ACCESS_REQUEST_RECEIVED: "email", Template.INVOICE_QUESTIONED: "from_email"}


def _given(*values: Any) -> None:
    """A filter handed a missing value fails like the template would, naming what is missing."""
    for value in values:
        if isinstance(value, Undefined):
            value._fail_with_undefined_error()


def money(amount: int, currency: str) -> str:
    _given(amount, currency)
    return display_amount(amount, currency)


def long_date(value: str | date) -> str:
    """`2026-11-21` -> `November 21, 2026`: written out, so nobody reads it month-first or day-first."""
    _given(value)
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return f"{day:%B} {day.day}, {day.year}"


def plural(count: int, word: str) -> str:
    _given(count)
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False, default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["money"] = money
    env.filters["long_date"] = long_date
    env.filters["plural"] = plural
    return env


ENV = _environment()


@dataclass(frozen=True, slots=True)
class Branding:
    partner_name: str
    is_partner: bool  # False: a platform email in plain Remit colours
    logo_url: str | None = None
    primary_color: str = DEFAULT_PRIMARY_COLOR
    accent_color: str = DEFAULT_ACCENT_COLOR
    support_email: str | None = None
    support_phone: str | None = None
    support_url: str | None = None

    @classmethod
    def platform(cls) -> Branding:
        return cls(partner_name=PLATFORM_NAME, is_partner=False)

    @classmethod
    def of(cls, partner_name: str, settings: PortalSettings) -> Branding:
        def colour(value: str | None, default: str) -> str:
            return value if value and COLOR_RE.match(value) else default  # never let a stored value into CSS

        def https(value: str | None) -> str | None:
            return value if value and value.startswith("https://") else None

        return cls(
            partner_name=partner_name,
            is_partner=True,
            logo_url=https(settings.logo_url),
            primary_color=colour(settings.primary_color, DEFAULT_PRIMARY_COLOR),
            accent_color=colour(settings.accent_color, DEFAULT_ACCENT_COLOR),
            support_email=settings.support_email,
            support_phone=settings.support_phone,
            support_url=https(settings.support_url),
        )

    def variables(self) -> dict[str, Any]:
        ways = [w for w in (self.support_email, self.support_phone) if w]
        reach = f"contact {self.partner_name}" + (f" at {' or '.join(ways)}" if ways else "")
        return {
            "partner_name": self.partner_name,
            "is_partner": self.is_partner,
            "logo_url": self.logo_url,
            "primary_color": self.primary_color,
            "text_on_primary": text_color_on(self.primary_color),
            "accent_color": self.accent_color,
            "support_email": self.support_email,
            "support_phone": self.support_phone,
            "support_url": self.support_url,
            "how_to_reach": reach,  # "contact Northwind IT at billing@northwind.example or +1 555 0100"
        }


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str
    text: str
    html: str


def _block(template: Any, name: str, variables: dict[str, Any]) -> str:
    text = "".join(template.blocks[name](template.new_context(variables)))
    return " ".join(text.split())


def render_template(template: Template, context: Mapping[str, Any], branding: Branding) -> Rendered:
    """Pure rendering: raises jinja2.UndefinedError when the context lacks a value the template uses."""
    variables = {**context, **branding.variables()}  # branding wins: a context cannot rename the partner
    text_template = ENV.get_template(f"{template.value}.txt")
    subject = _block(text_template, "subject", variables)
    reason = _block(text_template, "reason", variables)
    text = re.sub(r"\n{3,}", "\n\n", text_template.render(variables)).strip() + "\n"
    html = ENV.get_template(f"{template.value}.html").render(
        {**variables, "email_subject": subject, "email_reason": reason}
    )
    return Rendered(subject=subject, text=text, html=html)


async def load_branding(session: AsyncSession, partner_id: str | None) -> Branding:
    if partner_id is None:
        return Branding.platform()
    name = await session.scalar(select(PartnerRow.name).where(PartnerRow.id == partner_id))
    if name is None:
        return Branding.platform()
    return Branding.of(name, await load_portal_settings(session, partner_id))


async def render(session: AsyncSession, row: EmailRow) -> RenderedEmail:
    """Render one `emails` row with its partner's name and branding (plain Remit when it has no partner)."""
    branding = await load_branding(session, row.partner_id)
    template = Template(row.template)
    rendered = render_template(template, row.context, branding)
    reply_key = REPLY_TO_KEY.get(template)
    reply_to = row.context.get(reply_key) if reply_key else branding.support_email
    return RenderedEmail(
        to=row.to_address,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        sender_name=branding.partner_name if branding.is_partner else None,
        reply_to=str(reply_to) if reply_to else None,
    )
