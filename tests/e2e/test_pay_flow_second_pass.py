"""The pay flow, second pass (issue 13): the confirmation says what each invoice received and still owes ("paid" only
when nothing is left, a debit's money pending); one "Review payment" button commits a new card or bank account; the
card fee shows its basis and what paying by bank saves, with nothing preselected on a first payment; the US bank
form asks for the account number twice and the account type, in US words; browser Back on the review returns to the
form as it was left. In English and French, at 1280 and 390 pixels."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from playwright.async_api import Page, expect
from sqlalchemy import select

from adapters.bootstrap import Container
from adapters.processors.sandbox.tables import SandboxMethodRow
from tests.e2e.browser import assert_accessible, screenshot
from tests.e2e.mail import Inbox
from tests.e2e.portal import portal_fetch, sign_in
from tests.e2e.seed import Partner

FEES = {"card_fee_pass_through": True, "card_fee_bps": 290, "card_fee_fixed": 30, "card_fee_cap_bps": 400}


def days(n: int) -> str:
    return (date.today() + timedelta(days=n)).isoformat()


def spaced(text: str) -> re.Pattern[str]:
    """French amounts carry narrow and non-breaking spaces: any space matches any."""
    return re.compile(re.escape(text).replace(r"\ ", r"[\s\u00a0\u202f]"))


CARD_LABELS = {
    "en": ("Card number", "Expiry date", "Security code (CVC)", "Name on card"),
    "fr": ("Numéro de carte", "Date d'expiration", "Code de sécurité (CVC)", "Nom sur la carte"),
}


async def enter_card(
    page: Page, number: str = "4242 4242 4242 4242", expiry: str = "12 / 34", language: str = "en"
) -> None:
    labels = CARD_LABELS[language]
    for label, value in zip(labels, (number, expiry, "123", "Jenny Rosen"), strict=True):
        await page.get_by_label(label).fill(value)


async def payments_of(partner: Partner, customer_id: str) -> list[dict[str, Any]]:
    r = await partner.api.get("/v1/payments", params={"customer_id": customer_id, "limit": 100})
    assert r.status_code == 200, r.text
    return list(r.json()["data"])


async def test_a_partial_payment_is_confirmed_per_invoice_with_the_fee_explained(
    spa: object, page: Page, partner: Partner, inbox: Inbox
) -> None:
    await partner.set_portal_settings(enabled_methods=["card", "us_bank_account"], partial_payments=True, **FEES)
    customer = await partner.create_customer("Acme Dental")
    big = await partner.create_invoice(customer["id"], 150_000, number="INV-9001", due_date=days(20))
    small = await partner.create_invoice(customer["id"], 20_000, number="INV-9002", due_date=days(25))
    await sign_in(page, partner, inbox, customer["email"], f"/pay?invoices={big['id']},{small['id']}")

    await page.get_by_label("Amount to pay on invoice INV-9001").fill("500")
    # A first payment: nothing preselected, so nothing steers to a card fee
    await expect(page.get_by_label("Card", exact=True)).not_to_be_checked()
    await expect(page.get_by_label("US bank account (ACH)")).not_to_be_checked()
    await page.get_by_label("Card", exact=True).check()
    await enter_card(page)
    await expect(page.get_by_role("button", name=re.compile("^Use this"))).to_have_count(0)
    await page.get_by_label("Name on card").press("Enter")  # Enter in the card form does what the button does

    await expect(page.get_by_role("heading", level=1)).to_have_text("Review your payment")
    review = page.locator(".pay-review")
    # 2.9% of $700.00 is $20.30, plus $0.30
    await expect(review.get_by_test_id("fee-label")).to_have_text("Card fee (2.9% + $0.30)")
    await expect(review.get_by_test_id("fee")).to_have_text("$20.60")
    await expect(review.get_by_test_id("bank-saving")).to_have_text("Pay by bank and save $20.60.")
    await assert_accessible(page)
    await screenshot(page, "issue13/pay-review-fees-en-1280")

    await page.get_by_role("button", name="Pay $720.60").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Payment received")
    confirmation = page.locator(".confirmation")
    await expect(confirmation.locator(".status-line")).to_contain_text("Paid")
    await expect(confirmation).to_contain_text("Thank you. We received your payment.")
    outcomes = confirmation.locator(".outcomes li")
    await expect(outcomes).to_have_text(
        [
            "$500.00 applied to INV-9001. INV-9001 still has $1,000.00 due.",
            "$200.00 applied to INV-9002. INV-9002 is paid.",
        ]
    )
    await expect(confirmation.get_by_text("The invoices are paid")).to_have_count(0)
    row = confirmation.locator("tbody tr", has_text="INV-9001")
    await expect(row.locator("td").last).to_have_text("$1,000.00")
    receipt = confirmation.get_by_role("link", name="Download the receipt (PDF)")
    await expect(receipt).to_have_attribute("href", re.compile(r"/receipt\?language=en$"))
    await assert_accessible(page)
    await screenshot(page, "issue13/pay-confirmation-en-1280")


@pytest.mark.browser_context(mobile=True, locale="fr-CA")
async def test_in_french_on_a_phone_the_fee_basis_and_what_is_still_due(
    spa: object, page: Page, partner: Partner, inbox: Inbox
) -> None:
    await partner.set_portal_settings(enabled_methods=["card", "ca_bank_account"], partial_payments=True, **FEES)
    customer = await partner.create_customer("Clinique Dunmore")
    bill = await partner.create_invoice(customer["id"], 150_000, number="INV-9101", due_date=days(20), currency="CAD")
    await sign_in(page, partner, inbox, customer["email"], f"/pay?invoices={bill['id']}")

    await expect(page.get_by_role("heading", level=1)).to_have_text("Payer des factures")
    await page.get_by_label("Montant à payer sur la facture INV-9101").fill("500")
    await expect(page.get_by_label("Carte", exact=True)).not_to_be_checked()
    await page.get_by_label("Carte", exact=True).check()
    await enter_card(page, language="fr")
    await page.get_by_role("button", name="Vérifier le paiement").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Vérifiez votre paiement")
    review = page.locator(".pay-review")
    await expect(review.get_by_test_id("fee-label")).to_have_text(spaced("Frais de carte (2,9 % + 0,30 $)"))
    await expect(review.get_by_test_id("bank-saving")).to_have_text(
        spaced("Payez par compte bancaire et économisez 14,80 $.")
    )
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    await assert_accessible(page)
    await screenshot(page, "issue13/pay-review-fees-fr-390")

    await page.get_by_role("button", name=spaced("Payer 514,80 $")).tap()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Paiement reçu")
    await expect(page.locator(".outcomes li")).to_have_text(
        [spaced("500,00 $ appliqué à INV-9101. Il reste 1 000,00 $ à payer sur INV-9101.")]
    )
    await expect(page.locator(".status-line")).to_contain_text("Payé")
    await expect(page.get_by_role("link", name="Télécharger le reçu (PDF)")).to_have_attribute(
        "href", re.compile(r"language=fr$")
    )
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    await assert_accessible(page)
    await screenshot(page, "issue13/pay-confirmation-fr-390")


async def sandbox_account_types(container: Container, partner: Partner) -> list[str | None]:
    """The account types of the US bank accounts the sandbox holds for this partner."""
    async with container.sessions() as session:
        rows = await session.scalars(
            select(SandboxMethodRow.account_type).where(
                SandboxMethodRow.type == "us_bank_account", SandboxMethodRow.account == partner.partner_id
            )
        )
        return list(rows)


async def test_a_bank_debit_is_pending_not_paid_and_the_bank_form_prevents_typos(
    spa: object, page: Page, partner: Partner, inbox: Inbox, remit_container: Container
) -> None:
    await partner.set_portal_settings(enabled_methods=["card", "us_bank_account"], partial_payments=True, **FEES)
    customer = await partner.create_customer("Birchwood Law")
    bill = await partner.create_invoice(customer["id"], 125_000, number="INV-9201", due_date=days(15))
    await sign_in(page, partner, inbox, customer["email"], f"/pay?invoices={bill['id']}")

    await page.get_by_label("Amount to pay on invoice INV-9201").fill("500")
    await page.get_by_label("US bank account (ACH)").check()
    await expect(page.get_by_text("9 digits, at the bottom left of a check")).to_be_visible()
    await expect(page.get_by_text("cheque")).to_have_count(0)
    await page.get_by_label("Routing number").fill("110000000")
    await page.get_by_label("Account number", exact=True).fill("000123456789")
    await page.get_by_label("Confirm account number").fill("000123456798")
    await page.get_by_label("Account holder name").fill("Birchwood Law LLP")
    await page.get_by_label("I accept this debit authorization.").check()
    await page.get_by_role("button", name="Review payment").click()
    await expect(page.get_by_text("The account numbers do not match. Check both and type them again.")).to_be_visible()
    await expect(page.get_by_label("Confirm account number")).to_be_focused()
    await expect(page.get_by_text("Choose checking or savings.")).to_be_visible()
    # No card-fee note while paying by bank
    await expect(page.get_by_text("A card fee applies to credit cards only")).to_have_count(0)
    await assert_accessible(page)
    await screenshot(page, "issue13/pay-bank-form-en-1280")
    assert await payments_of(partner, customer["id"]) == []

    await page.get_by_label("Confirm account number").fill("000123456789")
    await page.get_by_label("Savings").check()
    await page.get_by_role("button", name="Review payment").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Review your payment")
    await expect(page.locator(".pay-review").get_by_test_id("fee")).to_have_text("None")
    await expect(page.get_by_text("A card fee applies to credit cards only")).to_have_count(0)
    await page.get_by_role("button", name="Pay $500.00").click()

    await expect(page.get_by_role("heading", level=1)).to_have_text("Payment submitted")
    assert await sandbox_account_types(remit_container, partner) == ["savings"], "the type reaches the processor"
    confirmation = page.locator(".confirmation")
    await expect(confirmation.locator(".outcomes li")).to_have_text(
        ["$500.00 pending for INV-9201. INV-9201 still has $750.00 due."]
    )
    await expect(confirmation.get_by_text(re.compile(r"\b(paid|charged)\b", re.I))).to_have_count(0)
    await expect(confirmation.get_by_text("Amount pending")).to_be_visible()
    await expect(confirmation.get_by_text("Settled on")).to_be_visible()  # the same rows as once it settles
    await expect(confirmation.get_by_text("Not yet")).to_be_visible()
    await assert_accessible(page)
    await screenshot(page, "issue13/pay-confirmation-pending-en-1280")


@pytest.mark.browser_context(mobile=True, locale="fr-CA")
async def test_the_us_bank_form_in_french_on_a_phone(spa: object, page: Page, partner: Partner, inbox: Inbox) -> None:
    await partner.set_portal_settings(enabled_methods=["card", "us_bank_account"], **FEES)
    customer = await partner.create_customer("Cabinet Birchwood")
    bill = await partner.create_invoice(customer["id"], 40_000, number="INV-9251", due_date=days(15))
    await sign_in(page, partner, inbox, customer["email"], f"/pay?invoices={bill['id']}")
    await page.get_by_label("Compte bancaire américain (ACH)").check()
    await page.get_by_label("Numéro de compte", exact=True).fill("000123456789")
    await page.get_by_label("Confirmez le numéro de compte").fill("0001234")
    await page.get_by_role("button", name="Vérifier le paiement").click()
    await expect(page.get_by_text("Les numéros de compte ne correspondent pas.", exact=False)).to_be_visible()
    await expect(page.get_by_text("Choisissez chèques ou épargne.")).to_be_visible()
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    await assert_accessible(page)
    await screenshot(page, "issue13/pay-bank-form-fr-390")


async def test_back_on_the_review_returns_to_the_form_as_left_and_a_saved_card_is_not_listed_twice(
    spa: object, page: Page, partner: Partner, inbox: Inbox
) -> None:
    await partner.set_portal_settings(enabled_methods=["card"], partial_payments=True, **FEES)
    customer = await partner.create_customer("Evergreen Dental")
    bill = await partner.create_invoice(customer["id"], 60_000, number="INV-9301", due_date=days(15))
    await partner.save_test_method(customer["id"], "visa")  # Visa 4242, 12/2040
    await sign_in(page, partner, inbox, customer["email"], f"/pay?invoices={bill['id']}")

    saved = page.get_by_label(re.compile(r"^Visa •••• 4242"))
    await expect(saved).to_have_count(1)
    await expect(saved).to_be_checked()  # not a first payment: the default is chosen
    await page.get_by_label("Amount to pay on invoice INV-9301").fill("123.45")
    # The same card typed again is the saved one, not a second row
    await page.get_by_label("A new card or bank account").check()
    await enter_card(page, expiry="12 / 40")
    await page.get_by_role("button", name="Review payment").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Review your payment")
    await expect(page.locator(".pay-review tbody")).to_contain_text("$123.45")

    await page.go_back()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Pay invoices")
    await expect(page.get_by_label("Amount to pay on invoice INV-9301")).to_have_value("123.45")
    await expect(page.get_by_label(re.compile(r"^Visa •••• 4242"))).to_have_count(1)
    await expect(page.get_by_label(re.compile(r"^Visa •••• 4242"))).to_be_checked()
    await page.get_by_role("button", name="Review payment").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Review your payment")
    # "Change" does what Back does
    await page.get_by_role("button", name="Change").click()
    await expect(page.get_by_label("Amount to pay on invoice INV-9301")).to_have_value("123.45")
    methods = await portal_fetch(page, "GET", "/portal/v1/payment-methods")
    assert [m["label"] for m in methods["data"]] == ["Visa •••• 4242"]


WORDS = {
    "en": {
        "bank": "US bank account (ACH)",
        "card": "Card",
        "review": "Review payment",
        "amount": "Amount to pay on invoice INV-9701",
        "bank_error": "Choose checking or savings.",
        "fee_label": "Card fee (2.9% + $0.30)",
        "pay": "Pay $514.80",
        "outcome": "$500.00 applied to INV-9701. INV-9701 still has $1,000.00 due.",
    },
    "fr": {
        "bank": "Compte bancaire américain (ACH)",
        "card": "Carte",
        "review": "Vérifier le paiement",
        "amount": "Montant à payer sur la facture INV-9701",
        "bank_error": "Choisissez chèques ou épargne.",
        "fee_label": "Frais de carte (2,9 % + 0,30 $ US)",
        "pay": "Payer 514,80 $ US",
        "outcome": "500,00 $ US appliqué à INV-9701. Il reste 1 000,00 $ US à payer sur INV-9701.",
    },
}


@pytest.mark.parametrize(("language", "mobile"), [("en", True), ("fr", False)])
async def test_the_bank_form_review_and_confirmation_at_the_other_sizes(
    spa: object, new_page: Any, partner: Partner, inbox: Inbox, language: str, mobile: bool
) -> None:
    words = WORDS[language]
    page: Page = await new_page(mobile=mobile, locale="fr-CA" if language == "fr" else "en-US")
    size = 390 if mobile else 1280
    await partner.set_portal_settings(enabled_methods=["card", "us_bank_account"], partial_payments=True, **FEES)
    customer = await partner.create_customer("Fjord Analytics")
    bill = await partner.create_invoice(customer["id"], 150_000, number="INV-9701", due_date=days(20))
    await sign_in(page, partner, inbox, customer["email"], f"/pay?invoices={bill['id']}")

    await page.get_by_label(words["amount"]).fill("500")
    await page.get_by_label(words["bank"]).check()
    await page.get_by_role("button", name=words["review"]).click()
    await expect(page.get_by_text(words["bank_error"])).to_be_visible()
    await assert_accessible(page)
    await screenshot(page, f"issue13/pay-bank-form-{language}-{size}")

    await page.get_by_label(words["card"], exact=True).check()
    await enter_card(page, language=language)
    await page.get_by_role("button", name=words["review"]).click()
    await expect(page.locator(".pay-review").get_by_test_id("fee-label")).to_have_text(spaced(words["fee_label"]))
    await assert_accessible(page)
    await screenshot(page, f"issue13/pay-review-fees-{language}-{size}")

    await page.get_by_role("button", name=spaced(words["pay"])).click()
    await expect(page.locator(".outcomes li")).to_have_text([spaced(words["outcome"])])
    if mobile:
        assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    await assert_accessible(page)
    await screenshot(page, f"issue13/pay-confirmation-{language}-{size}")
