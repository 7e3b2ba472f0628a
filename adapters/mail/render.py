"""A queued email row made readable: subject, plain text and HTML in the partner's branding and the recipient's
language.

Jinja2 with autoescaped HTML and StrictUndefined, so a missing value raises instead of mailing a blank. Each
language has a folder of templates, templates/<language>/, with the same names in each (a test holds them
together). Each template is a pair: `<name>.txt` holds the subject, the plain text and the footer line saying why
the person got it (blocks `subject`, `body`, `reason`); `<name>.html` holds the HTML body inside the shared
branded layout. Each language has its own environment, so amounts, dates and plurals come out in its conventions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, Undefined, select_autoescape
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.portal_settings import load_portal_settings
from adapters.db.tables import EmailRow, PartnerRow
from adapters.mail.language import recipient_language
from adapters.mail.words import in_french
from domain.invoices.standing import InvoiceStanding, Qualifier, Standing
from domain.mail import RenderedEmail, Template
from domain.money import LANGUAGES, display_amount
from domain.portal.settings import COLOR_RE, DEFAULT_ACCENT_COLOR, DEFAULT_PRIMARY_COLOR, PortalSettings
from domain.portal.settings import readable_text_color as text_color_on
from domain.portal.support import support_contact
from domain.written_dates import long_date as written_date

TEMPLATES = Path(__file__).resolve().parent / "templates"
PLATFORM_NAME = "Remit"

# Emails to a partner's staff about someone else: replies should reach that person, not the partner's support.
REPLY_TO_KEY = {Template.ACCESS_REQUEST_RECEIVED: "email", Template.INVOICE_QUESTIONED: "from_email"}


def _given(*values: Any) -> None:
    """A filter handed a missing value fails like the template would, naming what is missing."""
    for value in values:
        if isinstance(value, Undefined):
            value._fail_with_undefined_error()


def money(amount: int, currency: str, language: str = "en") -> str:
    _given(amount, currency)
    return display_amount(amount, currency, language)


def long_date(value: str | date, language: str = "en") -> str:
    """`2026-11-21` -> `November 21, 2026` / `21 novembre 2026`: written out, so nobody reads it month-first or
    day-first."""
    _given(value)
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return written_date(day, language)


def plural(count: int, one: str, many: str | None = None, language: str = "en") -> str:
    """`3|plural("day")` -> `3 days`; a word that does not just take an s names its plural. French uses the
    singular for 0 and 1."""
    _given(count)
    single = count in (0, 1) if language == "fr" else count == 1
    return f"{count} {one}" if single else f"{count} {many or one + 's'}"


def invoice_status(invoice: Mapping[str, Any], language: str = "en") -> str:
    """An invoice's standing (`standing` and `qualifiers` in an email's context) in the portal's words."""
    _given(invoice)
    standing = InvoiceStanding(Standing(invoice["standing"]), tuple(Qualifier(q) for q in invoice["qualifiers"]))
    return standing.words(language)


def all_paid(invoices: list[Mapping[str, Any]]) -> bool:
    """Whether nothing is left to pay or on its way on any of these invoices."""
    _given(invoices)
    return all(i["due"] <= 0 and i["pending"] <= 0 for i in invoices)


def _same(text: str) -> str:
    return text


# The shared layout's words (templates/shared/): the partner's contact lines and who sent the email.
FOOTER: dict[str, dict[str, str]] = {
    "en": {"email": "Email:", "phone": "Phone:", "help": "Help:", "sent_by": "Sent by Remit on behalf of"},
    "fr": {"email": "Courriel :", "phone": "Téléphone :", "help": "Aide :", "sent_by": "Envoyé par Remit au nom de"},
}


def _environment(language: str) -> Environment:
    env = Environment(
        # The language's own templates first, then the branded layout every language shares (its words: FOOTER).
        loader=ChoiceLoader([FileSystemLoader(TEMPLATES / language), FileSystemLoader(TEMPLATES / "shared")]),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False, default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    for name, function in (("money", money), ("long_date", long_date), ("invoice_status", invoice_status)):
        env.filters[name] = partial(function, language=language)
    env.filters["plural"] = partial(plural, language=language)
    env.filters["all_paid"] = all_paid
    # Phrases the domain wrote in English into the context (method names, bank return reasons).
    env.filters["words"] = in_french if language == "fr" else _same
    return env


ENVS = {language: _environment(language) for language in LANGUAGES}


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

        support = support_contact(settings)
        return cls(
            partner_name=partner_name,
            is_partner=True,
            logo_url=https(settings.logo_url),
            primary_color=colour(settings.primary_color, DEFAULT_PRIMARY_COLOR),
            accent_color=colour(settings.accent_color, DEFAULT_ACCENT_COLOR),
            support_email=support.email,
            support_phone=support.phone,
            support_url=support.url,
        )

    def variables(self, language: str = "en") -> dict[str, Any]:
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
            "how_to_reach": self.how_to_reach(language),
        }

    def how_to_reach(self, language: str = "en") -> str:
        """Always with a way to do it: "contact Northwind IT at billing@northwind.example or +1 555 0100"."""
        if language == "fr":
            ways = [f"à l\u2019adresse {self.support_email}" if self.support_email else None]
            ways += [f"au {self.support_phone}" if self.support_phone else None]
            ways += [f"sur {self.support_url}" if self.support_url else None]
            found = [w for w in ways if w]
            if found:
                return f"communiquez avec {self.partner_name} " + " ou ".join(found)
            return f"posez votre question à {self.partner_name} depuis la facture, dans son portail de facturation"
        found = [w for w in (self.support_email, self.support_phone, self.support_url) if w]
        if found:
            return f"contact {self.partner_name} at " + " or ".join(found)
        return f"ask {self.partner_name} from the invoice in its billing portal"


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str
    text: str
    html: str


def _block(template: Any, name: str, variables: dict[str, Any]) -> str:
    text = "".join(template.blocks[name](template.new_context(variables)))
    return re.sub(r"[ \t\r\n]+", " ", text).strip()  # a no-break space (French "980,00 $", "reçu :") stays


def render_template(
    template: Template, context: Mapping[str, Any], branding: Branding, language: str = "en"
) -> Rendered:
    """Pure rendering: raises jinja2.UndefinedError when the context lacks a value the template uses."""
    env = ENVS.get(language, ENVS["en"])
    # Branding wins: a context cannot rename the partner.
    written_in = language if language in ENVS else "en"
    variables = {**context, **branding.variables(language), "language": written_in, "footer": FOOTER[written_in]}
    text_template = env.get_template(f"{template.value}.txt")
    subject = _block(text_template, "subject", variables)
    reason = _block(text_template, "reason", variables)
    text = re.sub(r"\n{3,}", "\n\n", text_template.render(variables)).strip() + "\n"
    html = env.get_template(f"{template.value}.html").render(
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
    language = await recipient_language(session, row.partner_id, row.to_address, row.context)
    rendered = render_template(template, row.context, branding, language)
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
