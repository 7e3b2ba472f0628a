"""French: a browser whose language is French gets the sign-in pages and the invoice list in French, with amounts
and dates written the French way; the language menu switches both ways and is remembered."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.e2e.browser import assert_accessible, screenshot
from tests.e2e.mail import Inbox, subject_of
from tests.e2e.seed import Partner


async def intl_money(page: Page, locale: str, minor: int, currency: str) -> str:
    """How the browser's own Intl writes the amount (the expected text, computed independently of the app)."""
    text: str = await page.evaluate(
        "([locale, minor, currency]) => new Intl.NumberFormat(locale, {style: 'currency', currency})"
        ".format(`${Math.trunc(minor / 100)}.${String(minor % 100).padStart(2, '0')}`)",
        [locale, minor, currency],
    )
    return text


@pytest.mark.browser_context(locale="fr-FR")
async def test_french_sign_in_and_invoices_then_english_from_the_menu(
    page: Page, partner: Partner, inbox: Inbox, spa: object
) -> None:
    customer = await partner.create_customer("Dunmore Clinique")
    await partner.create_invoice(customer["id"], 123_450, number="FAC-1001", due_date="2026-12-01")
    email = customer["email"]

    await page.goto(partner.portal_url("/invoices"))
    await expect(page.get_by_role("heading", level=1)).to_have_text(f"Connexion à {partner.name}")
    assert await page.evaluate("document.documentElement.lang") == "fr"
    await expect(page.get_by_label("Adresse courriel")).to_be_visible()
    await expect(page.get_by_label("Langue")).to_have_value("fr")
    await assert_accessible(page)
    await screenshot(page, "french/01-sign-in")

    # The problems are in French too.
    await page.get_by_label("Adresse courriel").fill("pas-une-adresse")
    await page.get_by_role("button", name="Envoyez-moi un code").click()
    await expect(page.get_by_text("Saisissez votre adresse courriel, par exemple nom@entreprise.com.")).to_be_visible()

    await page.get_by_label("Adresse courriel").fill(email)
    seen = inbox.count(email)
    await page.get_by_role("button", name="Envoyez-moi un code").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Consultez vos courriels")
    await expect(page.get_by_role("group", name="Code à 6 chiffres")).to_be_visible()
    await expect(page.get_by_role("button", name="Nouveau code dans 0:30")).to_be_disabled()
    await assert_accessible(page)
    await screenshot(page, "french/02-code")
    code = await inbox.code(email, after=seen)
    # Nothing records this person's language yet: the email follows the screen it was asked from.
    code_email = await inbox.latest(email, after=seen)
    assert "code de connexion" in subject_of(code_email).lower(), subject_of(code_email)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    await page.get_by_label("Chiffre 1 sur 6").focus()
    await page.keyboard.type(wrong)
    await expect(page.get_by_role("alert")).to_have_text(
        "Ce code est erroné ou a expiré. Vérifiez le courriel le plus récent, ou demandez un nouveau code."
    )
    await page.keyboard.type(code)
    await expect(page).to_have_url(partner.portal_url("/invoices"))

    # The invoice list: French words, the amount as French writes dollars, the date in French.
    await expect(page.get_by_role("heading", level=1)).to_have_text("Factures")
    await expect(page.get_by_role("navigation", name="Principale").get_by_role("link", name="Sécurité")).to_be_visible()
    row = page.locator("tr", has_text="FAC-1001")
    french = await intl_money(page, "fr-FR", 123_450, "USD")
    assert french.replace("\u202f", " ").replace("\xa0", " ") == "1 234,50 $US"
    await expect(row.locator(".money").first).to_have_text(french)
    await expect(row).to_contain_text("1 déc. 2026")
    await assert_accessible(page)
    await screenshot(page, "french/03-invoices")

    # The menu switches to English at once, and the choice is remembered.
    await page.get_by_label("Langue").select_option("en")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Invoices")
    assert await page.evaluate("document.documentElement.lang") == "en"
    await expect(row.locator(".money").first).to_have_text(await intl_money(page, "en", 123_450, "USD"))
    await expect(row.locator(".money").first).to_have_text("$1,234.50")
    await page.reload()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Invoices")
    await screenshot(page, "french/04-invoices-english")

    # And back to French, on the security page this time.
    await page.goto(partner.portal_url("/security"))
    await page.get_by_label("Language").select_option("fr")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Sécurité")
    await expect(page.get_by_role("heading", name="Connexion en deux étapes")).to_be_visible()
    await expect(page.get_by_text("Cet appareil")).to_be_visible()
    await assert_accessible(page)
    await screenshot(page, "french/05-security")


@pytest.mark.browser_context(locale="fr-CA")
async def test_french_pages_before_signing_in(page: Page, partner: Partner, spa: object) -> None:
    await page.goto(partner.portal_url("/sign-in"))
    await page.get_by_role("button", name="Utiliser plutôt un mot de passe").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Connexion avec votre mot de passe")
    await page.get_by_label("Adresse courriel").fill(partner.email("inconnu"))
    await page.get_by_label("Mot de passe", exact=True).fill("pas le bon mot de passe")
    await page.get_by_role("button", name="Se connecter", exact=True).click()
    await expect(page.get_by_role("alert")).to_have_text(
        "Cette adresse courriel et ce mot de passe ne correspondent pas."
    )
    await page.get_by_role("link", name="Mot de passe oublié ?").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Réinitialiser votre mot de passe")
    await assert_accessible(page)
    await screenshot(page, "french/06-forgot-password")
    await page.goto(partner.portal_url("/reset-password"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Ce lien ne peut pas être utilisé")
    await expect(page.get_by_role("link", name="Demander un nouveau lien")).to_be_visible()
