"""Every email exists and renders in every language Remit writes in, in that language's words, amounts and dates;
the partner can always be reached from an email; the recipient's language is chosen in one documented order."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.mail.render import TEMPLATES, Branding, long_date, plural, render_template
from domain.mail import Template, email_language
from domain.money import LANGUAGES
from domain.portal.settings import PortalSettings
from domain.portal.support import support_contact
from tests.unit.test_mail_templates import NORTHWIND, SAMPLES

T = Template
# Words only the English emails use: a French email that shows one was not translated.
ENGLISH_ONLY = ("You received this email", "Invoice ", "Transaction ID", "Sent by Remit", "contact Northwind")
FRENCH_ESSENTIAL = {
    T.SIGN_IN_CODE: ["482913", "10 minutes"],
    T.PORTAL_INVITE: ["https://pay.example/activate/tok", "7 jours"],
    T.PASSWORD_RESET: ["60 minutes"],
    T.PAYMENT_CONFIRMATION: ["1\u00a0054,30\u00a0$\u00a0US", "29,30\u00a0$\u00a0US", "21 novembre 2026", "INV-000124"],
    T.BANK_DEBIT_PENDING: ["1\u00a0025,00\u00a0$\u00a0US", "4 jours ouvrables", "prélèvement bancaire"],
    T.BANK_DEBIT_SETTLED: ["1\u00a0025,00\u00a0$", "compensé"],
    T.SCHEDULED_PAYMENT_EXECUTED: ["50,00\u00a0$\u00a0US", "1 décembre 2026"],
}


def _names(language: str) -> set[str]:
    return {p.name for p in (Path(TEMPLATES) / language).iterdir()}


def test_every_language_has_every_template_and_nothing_else() -> None:
    english = _names("en")
    assert {f"{t.value}.{part}" for t in Template for part in ("txt", "html")} <= english
    for language in LANGUAGES:
        assert _names(language) == english, f"templates/{language}/ differs from templates/en/"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("template", list(Template))
def test_every_template_renders_in_every_language(template: Template, language: str) -> None:
    rendered = render_template(template, SAMPLES[template], NORTHWIND, language)
    assert rendered.subject and "\n" not in rendered.subject and len(rendered.subject) < 140
    assert rendered.html.startswith("<!DOCTYPE html>")
    assert f'<html lang="{language}">' in rendered.html
    for part in (rendered.text, rendered.html):
        assert "Northwind IT" in part and "billing@northwind.example" in part
        assert "{{" not in part and "{%" not in part
    if language == "fr":
        for part in (rendered.subject, rendered.text, rendered.html):
            for english in ENGLISH_ONLY:
                assert english not in part, f"{template}: {english!r} left in French"
        for needle in FRENCH_ESSENTIAL.get(template, []):
            assert needle in rendered.text and needle in rendered.html, f"{template}: {needle!r} missing"
        assert "Vous recevez ce courriel" in rendered.text


def test_an_unknown_language_falls_back_to_english() -> None:
    rendered = render_template(T.PASSWORD_CHANGED, {}, NORTHWIND, "de")
    assert '<html lang="en">' in rendered.html and "You received this email" in rendered.text


def test_a_french_receipt_is_french_and_an_english_one_unchanged() -> None:
    context = {
        **SAMPLES[T.PAYMENT_CONFIRMATION],
        "amount": 98_000,
        "fee": 0,
        "currency": "CAD",
        "invoices": [
            {"number": "INV-000002", "amount": 98_000, "due": 0, "pending": 0, "standing": "paid", "qualifiers": []}
        ],
    }
    french = render_template(T.PAYMENT_CONFIRMATION, context, NORTHWIND, "fr")
    assert french.subject == "Paiement reçu\u00a0: 980,00\u00a0$ à Northwind IT"
    assert "Facture INV-000002\u00a0: 980,00\u00a0$ reçu, plus rien à payer (Payée)" in french.text
    assert "Total payé\u00a0: 980,00\u00a0$" in french.text
    english = render_template(T.PAYMENT_CONFIRMATION, context, NORTHWIND, "en")
    assert english.subject == "Payment received: CA$980.00 to Northwind IT"
    assert "Invoice INV-000002: CA$980.00 received, nothing left to pay (Paid)" in english.text
    assert english == render_template(T.PAYMENT_CONFIRMATION, context, NORTHWIND)  # English stays the default


def test_dates_and_plurals_follow_the_language() -> None:
    assert long_date("2026-12-01", "fr") == "1 décembre 2026"
    assert long_date("2026-08-15", "fr") == "15 août 2026"
    assert long_date("2026-12-01") == "December 1, 2026"
    assert plural(1, "jour", language="fr") == "1 jour" and plural(0, "jour", language="fr") == "0 jour"
    assert plural(4, "jour ouvrable", "jours ouvrables", language="fr") == "4 jours ouvrables"
    assert plural(0, "day") == "0 days" and plural(1, "day") == "1 day"


def test_the_recipients_language_is_their_own_then_their_contacts_then_their_customers() -> None:
    assert email_language("fr", "en", "en") == "fr"
    assert email_language(None, "fr", "en") == "fr"
    assert email_language(None, None, "fr") == "fr"
    assert email_language(None, None, None) == "en"
    assert email_language("xx", None, "fr") == "fr"  # a stored value Remit does not write in is skipped


# The partner can always be reached: its support details, else its notification address.


def test_without_support_details_the_notification_address_is_the_way_to_reach_the_partner() -> None:
    settings = PortalSettings(notification_emails=("ar@northwind.example", "cfo@northwind.example"))
    assert support_contact(settings).email == "ar@northwind.example"
    branding = Branding.of("Northwind IT", settings)
    for language, words in (("en", "contact Northwind IT at ar@northwind.example"), ("fr", "ar@northwind.example")):
        rendered = render_template(T.PASSWORD_CHANGED, {}, branding, language)
        assert words in rendered.text and "ar@northwind.example" in rendered.html
    own = support_contact(PortalSettings(support_email="help@northwind.example", notification_emails=("ar@x.example",)))
    assert own.email == "help@northwind.example"


def test_a_partner_with_no_details_at_all_is_reached_from_the_portal() -> None:
    branding = Branding.of("Northwind IT", PortalSettings())
    assert not support_contact(PortalSettings()).reachable
    for language in LANGUAGES:
        reach = branding.how_to_reach(language)
        assert reach.endswith(("billing portal", "portail de facturation")), reach
    text = render_template(T.PAYMENT_CONFIRMATION, SAMPLES[T.PAYMENT_CONFIRMATION], branding).text
    assert "contact Northwind IT and" not in text and "from the invoice in its billing portal" in text


def test_phone_and_help_page_are_ways_too() -> None:
    branding = Branding.of("Northwind IT", PortalSettings(support_phone="+1 555 0100"))
    assert branding.how_to_reach() == "contact Northwind IT at +1 555 0100"
    assert branding.how_to_reach("fr") == "communiquez avec Northwind IT au +1 555 0100"
    web = Branding.of("Northwind IT", PortalSettings(support_url="https://help.northwind.example"))
    assert web.how_to_reach() == "contact Northwind IT at https://help.northwind.example"


def test_the_domains_english_phrases_are_french_in_a_french_email() -> None:
    """Method names and bank return reasons are written into the context in English, before the language is known."""
    context = {**SAMPLES[T.BANK_DEBIT_FAILED], "method_label": "Bank account •••• 6789", "return_code": "R01"}
    context["reason"] = "The account did not have enough funds."
    french = render_template(T.BANK_DEBIT_FAILED, context, NORTHWIND, "fr")
    assert "Le compte n'avait pas assez de fonds." in french.text and "enough funds" not in french.html
    assert "Compte bancaire •••• 6789" in french.text and "Bank account" not in french.html
    check = render_template(
        T.PAYMENT_CONFIRMATION, {**SAMPLES[T.PAYMENT_CONFIRMATION], "method_label": "Check"}, NORTHWIND, "fr"
    )
    assert "Mode de paiement\u00a0: Chèque" in check.text
    english = render_template(T.BANK_DEBIT_FAILED, context, NORTHWIND, "en")
    assert "The account did not have enough funds." in english.text and "Bank account •••• 6789" in english.text


@pytest.mark.parametrize(("language", "words"), [("en", ("paid", "charged")), ("fr", ("payé", "débité"))])
def test_a_pending_debit_is_never_called_paid_or_charged(language: str, words: tuple[str, ...]) -> None:
    rendered = render_template(T.BANK_DEBIT_PENDING, SAMPLES[T.BANK_DEBIT_PENDING], NORTHWIND, language)
    for part in (rendered.subject, rendered.text, rendered.html):
        for word in words:
            assert word not in part.lower(), f"{word!r} in a pending debit's email"
