"""Saved payment methods in a real browser: add cards, make one the default, remove one after a question (Escape
keeps it), save a bank account after confirming it is you (step-up by an emailed code); the partner's read-only
view can change nothing here or on the pay page."""

from __future__ import annotations

from typing import Any

from playwright.async_api import Page, expect

from tests.e2e.browser import assert_accessible, screenshot
from tests.e2e.mail import Inbox
from tests.e2e.portal import portal_fetch, sign_in
from tests.e2e.seed import Partner
from tests.e2e.test_impersonation import view_link
from tests.e2e.test_pay import enter_card

READ_ONLY = "This is the partner\u2019s read-only view"


async def saved(page: Page) -> list[dict[str, Any]]:
    answer: dict[str, Any] = await portal_fetch(page, "GET", "/portal/v1/payment-methods")
    return list(answer["data"])


async def test_add_make_default_and_remove_cards(spa: object, page: Page, partner: Partner, inbox: Inbox) -> None:
    await partner.set_portal_settings(enabled_methods=["card", "us_bank_account"])
    customer = await partner.create_customer("Acme Dental")
    await sign_in(page, partner, inbox, customer["email"], "/methods")

    await expect(page.get_by_role("heading", level=1)).to_have_text("Payment methods")
    await expect(page.get_by_text("No saved payment methods yet.")).to_be_visible()
    await assert_accessible(page)
    await screenshot(page, "methods/empty")

    await page.get_by_role("button", name="Add a payment method").click()
    await expect(page.get_by_role("heading", name="Add a payment method")).to_be_visible()
    await page.get_by_role("button", name="Save card").click()
    await expect(page.get_by_text("Enter the card number.")).to_be_visible()
    await expect(page.get_by_label("Card number")).to_be_focused()
    await assert_accessible(page)
    await screenshot(page, "methods/add-card-errors")
    await enter_card(page, "4242 4242 4242 4242")
    await page.get_by_role("button", name="Save card").click()
    await expect(page.get_by_text("Visa •••• 4242 was saved.")).to_be_visible()

    await page.get_by_role("button", name="Add a payment method").click()
    await enter_card(page, "5555 5555 5555 4444", expiry="08 / 33")
    await page.get_by_role("button", name="Save card").click()
    await expect(page.get_by_text("Mastercard •••• 4444 was saved.")).to_be_visible()
    await expect(page.locator(".method-item", has_text="Visa •••• 4242")).to_contain_text("Default")
    await expect(page.locator(".method-item", has_text="Mastercard •••• 4444")).to_contain_text("Expires 08/2033")
    await assert_accessible(page)
    await screenshot(page, "methods/list")

    await page.get_by_role("button", name="Make default Mastercard •••• 4444").click()
    await expect(page.get_by_text("Mastercard •••• 4444 is now your default.")).to_be_visible()
    await expect(page.locator(".method-item", has_text="Mastercard •••• 4444")).to_contain_text("Default")
    assert {m["label"]: m["is_default"] for m in await saved(page)} == {
        "Visa •••• 4242": False,
        "Mastercard •••• 4444": True,
    }

    # Remove asks first; Escape keeps the card and gives focus back
    remove_visa = page.get_by_role("button", name="Remove Visa •••• 4242")
    await remove_visa.click()
    dialog = page.get_by_role("dialog", name="Remove this payment method?")
    await expect(dialog).to_be_visible()
    await expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    await assert_accessible(page)
    await screenshot(page, "methods/remove-dialog")
    await page.keyboard.press("Escape")
    await expect(dialog).to_be_hidden()
    await expect(remove_visa).to_be_focused()
    assert len(await saved(page)) == 2

    await remove_visa.click()
    await dialog.get_by_role("button", name="Remove").click()
    await expect(page.get_by_text("Visa •••• 4242 was removed.")).to_be_visible()
    await expect(page.locator(".method-item")).to_have_count(1)
    assert [m["label"] for m in await saved(page)] == ["Mastercard •••• 4444"]


async def test_saving_a_bank_account_asks_to_confirm_it_is_you(
    spa: object, page: Page, partner: Partner, inbox: Inbox
) -> None:
    await partner.set_portal_settings(enabled_methods=["card", "us_bank_account"])
    customer = await partner.create_customer("Birchwood Law")
    email = customer["email"]
    await sign_in(page, partner, inbox, email, "/methods")

    await page.get_by_role("button", name="Add a payment method").click()
    await page.get_by_label("US bank account (ACH)").check()
    await page.get_by_label("Routing number").fill("110000000")
    await page.get_by_label("Account number", exact=True).fill("000123456789")
    await page.get_by_label("Confirm account number").fill("000123456789")
    await page.get_by_label("Savings").check()
    await page.get_by_label("Account holder name").fill("Birchwood Law LLP")
    await page.get_by_label("I accept this debit authorization.").check()
    await assert_accessible(page)
    await screenshot(page, "methods/add-bank")
    await page.get_by_role("button", name="Save bank account").click()

    step_up = page.get_by_role("dialog")
    await expect(step_up).to_be_visible()
    seen = inbox.count(email)
    await step_up.get_by_role("button", name="Email me a code").click()
    code = await inbox.code(email, after=seen)
    await step_up.get_by_label("Digit 1 of 6").click()
    await page.keyboard.type(code)
    await expect(page.get_by_text("Sandbox Bank (US) •••• 6789 was saved.")).to_be_visible()
    item = page.locator(".method-item", has_text="Sandbox Bank (US) •••• 6789")
    await expect(item).to_contain_text("Debit authorized on")
    await expect(item).to_contain_text("Default")
    await assert_accessible(page)
    await screenshot(page, "methods/bank-saved")
    [bank] = await saved(page)
    assert bank["type"] == "us_bank_account" and bank["mandate"]["accepted_at"]


async def test_the_partners_read_only_view_cannot_pay_or_change_methods(
    spa: object, page: Page, partner: Partner
) -> None:
    customer = await partner.create_customer("Cobalt Logistics")
    bill = await partner.create_invoice(customer["id"], 42_000, number="INV-9001")
    await partner.save_test_method(customer["id"], "visa")
    await page.goto(await view_link(partner, customer["id"]))
    await expect(page).to_have_url(partner.portal_url("/invoices"))

    await page.goto(partner.portal_url("/methods"))
    await expect(page.get_by_text(f"{READ_ONLY}: payment methods cannot be changed from it.")).to_be_visible()
    await expect(page.get_by_role("button", name="Add a payment method")).to_be_disabled()
    await expect(page.get_by_role("button", name="Remove Visa •••• 4242")).to_be_disabled()
    await assert_accessible(page)
    await screenshot(page, "methods/read-only")

    await page.goto(partner.portal_url(f"/pay?invoices={bill['id']}"))
    await expect(page.get_by_text(f"{READ_ONLY}: nothing can be paid from it.")).to_be_visible()
    await expect(page.get_by_label("Amount to pay on invoice INV-9001")).to_be_disabled()
    await expect(page.get_by_label("A new card or bank account")).to_be_disabled()
    await expect(page.get_by_role("button", name="Review payment")).to_be_disabled()
    await assert_accessible(page)
    await screenshot(page, "pay/read-only")
