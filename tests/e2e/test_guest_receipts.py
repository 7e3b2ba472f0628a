"""Receipts for everyone (issue 13): after paying from a pay link, the guest's confirmation says what the invoice
received and still owes, where the receipt email went, offers the receipt and the invoice as PDFs in the page's
language, and sends the receipt to another address typed after paying (once per address). Back on the review
returns to the form. In English at 1280 pixels and in French on a phone."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from playwright.async_api import Page, expect

from tests.e2e.browser import assert_accessible, screenshot
from tests.e2e.mail import Inbox, text_of
from tests.e2e.seed import Partner

SETTINGS = {
    "enabled_methods": ["card", "us_bank_account", "ca_bank_account"],
    "partial_payments": True,
    "guest_checkout": True,
    "card_fee_pass_through": True,
    "card_fee_bps": 290,
    "card_fee_fixed": 30,
}


def days(n: int) -> str:
    return (date.today() + timedelta(days=n)).isoformat()


def spaced(text: str) -> re.Pattern[str]:
    return re.compile(re.escape(text).replace(r"\ ", r"[\s\u00a0\u202f]"))


async def pdf_at(page: Page, href: str | None) -> bytes:
    assert href
    r = await page.request.get(href)
    assert r.status == 200, await r.text()
    assert r.headers["content-type"] == "application/pdf"
    body = await r.body()
    assert body.startswith(b"%PDF")
    return body


async def test_a_guest_gets_the_receipt_the_invoice_and_a_copy_elsewhere(
    spa: object, page: Page, partner: Partner, inbox: Inbox
) -> None:
    await partner.set_portal_settings(**SETTINGS)
    customer = await partner.create_customer("Acme Dental")
    bill = await partner.create_invoice(customer["id"], 125_000, number="INV-9401", due_date=days(14))
    link = await partner.pay_link(bill["id"])
    payer, books = partner.email("paula"), partner.email("books")

    await page.goto(link["url"])
    await page.get_by_label("Amount to pay").fill("500")
    await page.get_by_label("Card", exact=True).check()
    await page.get_by_label("Card number").fill("4242 4242 4242 4242")
    await page.get_by_label("Expiry date").fill("12 / 34")
    await page.get_by_label("Security code (CVC)").fill("123")
    await page.get_by_label("Name on card").fill("Paula Payer")
    await page.get_by_role("button", name="Continue").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Review your payment")
    await expect(page.get_by_test_id("fee-label")).to_have_text("Card fee (2.9% + $0.30)")
    await expect(page.get_by_test_id("bank-saving")).to_have_text("Pay by bank and save $14.80.")
    # Back returns to the form as it was left: the amount, and the card (not asked for twice)
    await page.go_back()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Pay invoice INV-9401")
    await expect(page.get_by_label("Amount to pay")).to_have_value("500")
    await expect(page.get_by_text("Visa ending in 4242")).to_be_visible()
    await expect(page.get_by_label("Card number")).to_have_count(0)
    await assert_accessible(page)
    await page.get_by_role("button", name="Continue").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Review your payment")
    await page.get_by_label("Email the receipt to").fill(payer)
    await page.get_by_role("button", name="Pay $514.80").click()

    await expect(page.get_by_role("heading", level=1)).to_have_text("Payment received")
    confirmation = page.locator(".confirmation")
    await expect(confirmation).to_contain_text(f"Thank you. We received your payment. We emailed a receipt to {payer}.")
    await expect(confirmation.locator(".outcomes li")).to_have_text(
        ["$500.00 applied to INV-9401. INV-9401 still has $750.00 due."]
    )
    await expect(confirmation.get_by_text("is paid")).to_have_count(0)
    receipt = confirmation.get_by_role("link", name="Download the receipt (PDF)")
    invoice_pdf = confirmation.get_by_role("link", name="Download the invoice (PDF)")
    await expect(receipt).to_have_attribute("href", re.compile(r"/payments/pay_\w+/receipt\?language=en$"))
    await expect(invoice_pdf).to_have_attribute("href", re.compile(r"/pdf\?language=en$"))
    await pdf_at(page, await receipt.get_attribute("href"))
    await pdf_at(page, await invoice_pdf.get_attribute("href"))
    await assert_accessible(page)
    await screenshot(page, "issue13/pay-guest-confirmation-en-1280")

    # Another address, after paying: sent once
    seen = inbox.count(books)
    await page.get_by_label("Send the receipt to another address").fill(books)
    await page.get_by_role("button", name="Send the receipt").click()
    await expect(page.get_by_role("status").filter(has_text="We emailed the receipt to")).to_have_text(
        f"We emailed the receipt to {books}."
    )
    copy = await inbox.latest(books, after=seen)
    assert "INV-9401" in text_of(copy)
    await page.get_by_label("Send the receipt to another address").fill(books)
    await page.get_by_role("button", name="Send the receipt").click()
    await expect(page.get_by_text(f"The receipt was already sent to {books}.")).to_be_visible()
    await page.get_by_label("Send the receipt to another address").fill("not an address")
    await page.get_by_role("button", name="Send the receipt").click()
    await expect(page.get_by_text("Enter an email address such as name@company.com.")).to_be_visible()
    await assert_accessible(page)
    await screenshot(page, "issue13/pay-guest-receipt-copy-en-1280")
    assert inbox.count(books) == seen + 1


@pytest.mark.browser_context(mobile=True, locale="fr-CA")
async def test_in_french_on_a_phone_the_guest_confirmation_and_its_documents(
    spa: object, page: Page, partner: Partner
) -> None:
    await partner.set_portal_settings(**SETTINGS)
    customer = await partner.create_customer("Clinique Dunmore")
    bill = await partner.create_invoice(customer["id"], 150_000, number="INV-9501", due_date=days(14), currency="CAD")
    link = await partner.pay_link(bill["id"])

    await page.goto(link["url"])
    await expect(page.get_by_role("heading", level=1)).to_have_text("Payer la facture INV-9501")
    await page.get_by_label("Montant à payer").fill("500")
    await page.get_by_label("Carte", exact=True).check()
    await page.get_by_label("Numéro de carte").fill("4242 4242 4242 4242")
    await page.get_by_label("Date d'expiration").fill("12 / 34")
    await page.get_by_label("Code de sécurité (CVC)").fill("123")
    await page.get_by_label("Nom sur la carte").fill("Paula Payeuse")
    await page.get_by_role("button", name="Continuer").click()
    await expect(page.get_by_test_id("fee-label")).to_have_text(spaced("Frais de carte (2,9 % + 0,30 $)"))
    await page.get_by_role("button", name=spaced("Payer 514,80 $")).tap()

    await expect(page.get_by_role("heading", level=1)).to_have_text("Paiement reçu")
    confirmation = page.locator(".confirmation")
    await expect(confirmation.locator(".outcomes li")).to_have_text(
        [spaced("500,00 $ appliqué à INV-9501. Il reste 1 000,00 $ à payer sur INV-9501.")]
    )
    await expect(confirmation).to_contain_text("Merci. Nous avons reçu votre paiement.")
    await expect(confirmation).to_contain_text("Nous avons envoyé un reçu à l'adresse de facturation")
    receipt = confirmation.get_by_role("link", name="Télécharger le reçu (PDF)")
    await expect(receipt).to_have_attribute("href", re.compile(r"language=fr$"))
    await expect(confirmation.get_by_role("link", name="Télécharger la facture (PDF)")).to_have_attribute(
        "href", re.compile(r"language=fr$")
    )
    await pdf_at(page, await receipt.get_attribute("href"))
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    await assert_accessible(page)
    await screenshot(page, "issue13/pay-guest-confirmation-fr-390")


async def test_a_guest_bank_debit_is_pending_with_what_is_still_due(spa: object, page: Page, partner: Partner) -> None:
    await partner.set_portal_settings(**SETTINGS)
    customer = await partner.create_customer("Cobalt Logistics")
    bill = await partner.create_invoice(customer["id"], 40_000, number="INV-9601", due_date=days(30))
    link = await partner.pay_link(bill["id"])

    await page.goto(link["url"] + "?embed=1")  # as in the Pay button's overlay
    await page.get_by_label("Amount to pay").fill("150")
    await page.get_by_label("US bank account (ACH)").check()
    await page.get_by_label("Routing number").fill("110000000")
    await page.get_by_label("Account number", exact=True).fill("000123456789")
    await page.get_by_label("Confirm account number").fill("000123456789")
    await page.get_by_label("Savings").check()
    await page.get_by_label("Account holder name").fill("Cobalt Logistics")
    await page.get_by_label("I accept this debit authorization.").check()
    await page.get_by_role("button", name="Continue").click()
    await expect(page.get_by_text("A card fee applies to credit cards only")).to_have_count(0)
    await page.get_by_role("button", name="Pay $150.00").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Payment submitted")
    confirmation = page.locator(".confirmation")
    await expect(confirmation.locator(".outcomes li")).to_have_text(
        ["$150.00 pending for INV-9601. INV-9601 still has $250.00 due."]
    )
    await expect(confirmation.get_by_text(re.compile(r"\b(paid|charged)\b", re.I))).to_have_count(0)
    await assert_accessible(page)
    await screenshot(page, "issue13/pay-guest-confirmation-pending-en-1280")
    payments: Any = (await partner.api.get("/v1/payments", params={"customer_id": customer["id"]})).json()["data"]
    assert [p["status"] for p in payments] == ["pending"]
