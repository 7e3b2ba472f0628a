"""The language a person reads the portal in is remembered on their account: saved from the browser at the first
sign-in, it wins over another browser's language later, and their emails (codes, receipts) are written in it."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from playwright.async_api import Page, expect

from tests.e2e.browser import assert_accessible, screenshot
from tests.e2e.mail import CODE, Inbox, subject_of, text_of
from tests.e2e.portal import portal_fetch
from tests.e2e.seed import Partner

NewPage = Callable[..., Awaitable[Page]]


async def code_sign_in(page: Page, partner: Partner, inbox: Inbox, email: str) -> Any:
    """Sign in by code from the page, leaving the language to the app; returns the code email."""
    await page.goto(partner.portal_url("/sign-in"))
    await expect(page.get_by_role("heading", level=1)).to_be_visible()
    seen = inbox.count(email)
    await portal_fetch(page, "POST", f"/portal/v1/partners/{partner.slug}/sign-in/code", {"email": email})
    mail = await inbox.latest(email, after=seen, match=lambda m: CODE.search(text_of(m)) is not None)
    found = CODE.search(text_of(mail))
    assert found is not None
    body = {"email": email, "code": found.group(1)}
    signed = await portal_fetch(page, "POST", f"/portal/v1/partners/{partner.slug}/sign-in/verify", body)
    assert signed["status"] == "signed_in", signed
    await page.goto(partner.portal_url("/invoices"))
    return mail


async def stored_language(page: Page) -> str | None:
    for _ in range(50):
        language = (await portal_fetch(page, "GET", "/portal/v1/me"))["language"]
        if language is not None:
            return str(language)
        await asyncio.sleep(0.1)
    return None


async def test_the_language_follows_the_person_to_another_browser_and_into_their_emails(
    spa: object, partner: Partner, inbox: Inbox, new_page: NewPage, run_jobs: Any
) -> None:
    customer = await partner.create_customer("Clinique Dunmore")  # the customer's own language: English
    invoice = await partner.create_invoice(customer["id"], 98_000)
    email = customer["email"]

    # First sign-in, in a French browser: the code email is in the customer's language, and the app saves French.
    french = await new_page(locale="fr-FR")
    first = await code_sign_in(french, partner, inbox, email)
    assert "sign-in code" in subject_of(first)
    await expect(french.get_by_role("heading", level=1)).to_have_text("Factures")
    assert await stored_language(french) == "fr"

    # Another browser, in English: the code comes in French, and the portal opens in French.
    desktop = None
    for mobile, width in ((True, 390), (False, 1280)):
        english = await new_page(locale="en-US", mobile=mobile)
        mail = await code_sign_in(english, partner, inbox, email)
        assert subject_of(mail).startswith("Votre code de connexion"), subject_of(mail)
        assert "Vous recevez ce courriel" in text_of(mail)
        await expect(english.get_by_role("heading", level=1)).to_have_text("Factures")
        await expect(english.locator("html")).to_have_attribute("lang", "fr")
        await expect(english.get_by_label("Langue")).to_have_value("fr")
        await assert_accessible(english)
        await screenshot(english, f"issue13/language-remembered-fr-{width}")
        desktop = english
    assert desktop is not None
    english = desktop

    # Switching back to English in the menu is remembered, for the screens and the emails.
    await english.get_by_label("Langue").select_option("en")
    await expect(english.get_by_role("heading", level=1)).to_have_text("Invoices")
    for _ in range(50):
        if (await portal_fetch(english, "GET", "/portal/v1/me"))["language"] == "en":
            break
        await asyncio.sleep(0.1)
    assert (await portal_fetch(english, "GET", "/portal/v1/me"))["language"] == "en"
    await screenshot(english, "issue13/language-remembered-en-1280")

    # A receipt goes out in the stored language: back to French, then a payment.
    await portal_fetch(english, "PATCH", "/portal/v1/me", {"language": "fr"})
    card = await partner.save_test_method(customer["id"])
    seen = inbox.count(email)
    paid = await partner.api.post(
        "/v1/payments",
        json={
            "customer_id": customer["id"],
            "payment_method_id": card["id"],
            "allocations": [{"invoice_id": invoice["id"], "amount": 50_000}],
        },
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert paid.status_code == 201, paid.text
    await run_jobs("outbox.notify")
    receipt = await inbox.latest(email, after=seen, match=lambda m: "Paiement" in subject_of(m))
    text = text_of(receipt)
    assert subject_of(receipt).startswith("Paiement reçu")
    assert f"Facture {invoice['number']}\u00a0: 500,00\u00a0$\u00a0US reçu, 480,00\u00a0$\u00a0US encore dû" in text, (
        text
    )
