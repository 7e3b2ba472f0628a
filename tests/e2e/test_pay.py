"""Paying in the portal in a real browser: several invoices with one in part by a new card and its fee, a bank debit
pending then settled by the sandbox clock, a declined card explained with nothing charged, one amount spread oldest
due first, paying later on a chosen day, and the whole flow on a phone. The confirm button pays once."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from playwright.async_api import Page, expect

from tests.e2e.browser import assert_accessible, screenshot
from tests.e2e.mail import Inbox
from tests.e2e.portal import portal_fetch, sign_in
from tests.e2e.seed import Partner
from tests.e2e.test_sign_in import sign_in_with_code

CARD_FEES = {"card_fee_pass_through": True, "card_fee_bps": 290, "card_fee_fixed": 30, "card_fee_cap_bps": 400}


def days(n: int) -> str:
    return (date.today() + timedelta(days=n)).isoformat()


async def payments_of(partner: Partner, customer_id: str) -> list[dict[str, Any]]:
    r = await partner.api.get("/v1/payments", params={"customer_id": customer_id, "limit": 100})
    assert r.status_code == 200, r.text
    return list(r.json()["data"])


async def invoice(partner: Partner, invoice_id: str) -> dict[str, Any]:
    r = await partner.api.get(f"/v1/invoices/{invoice_id}")
    assert r.status_code == 200, r.text
    return dict(r.json())


async def enter_card(page: Page, number: str, expiry: str = "12 / 34", cvc: str = "123") -> None:
    await page.get_by_label("Card number").fill(number)
    await page.get_by_label("Expiry date").fill(expiry)
    await page.get_by_label("Security code (CVC)").fill(cvc)
    await page.get_by_label("Name on card").fill("Jenny Rosen")


async def choose_new_card(page: Page, number: str, *, shot: str | None = None) -> None:
    """A new card, entered and committed with the one "Review payment" button (it is tokenized on the way)."""
    await page.get_by_label("A new card or bank account").check()
    kind = page.get_by_label("Card", exact=True)
    if await kind.count():  # with bank accounts accepted too, nothing is preselected
        await expect(kind).not_to_be_checked()
        await kind.check()
    await expect(page.get_by_label("Card number")).to_be_visible()
    if shot:
        await assert_accessible(page)
        await screenshot(page, shot)
    await enter_card(page, number)
    await expect(page.get_by_role("button", name=re.compile("^Use this"))).to_have_count(0)
    await page.get_by_role("button", name="Review payment").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Review your"))


def fee(page: Page) -> Any:
    return page.locator(".pay-summary [data-testid=fee]")


def total(page: Page) -> Any:
    return page.locator(".pay-summary [data-testid=total]")


async def test_two_invoices_one_in_part_by_a_new_card_with_its_fee_paid_once(
    spa: object, page: Page, partner: Partner, inbox: Inbox
) -> None:
    await partner.set_portal_settings(enabled_methods=["card", "us_bank_account"], partial_payments=True, **CARD_FEES)
    customer = await partner.create_customer("Acme Dental")
    first = await partner.create_invoice(customer["id"], 12_000, number="INV-2001", due_date=days(20))
    second = await partner.create_invoice(customer["id"], 30_000, number="INV-2002", due_date=days(25))
    path = f"/pay?invoices={first['id']},{second['id']}"

    await sign_in_with_code(page, partner, inbox, customer["email"], path)
    await expect(page.get_by_role("heading", level=1)).to_have_text("Pay invoices")
    await expect(page.get_by_label("Amount to pay on invoice INV-2002")).to_have_value("300.00")
    await page.get_by_label("Amount to pay on invoice INV-2002").fill("300.01")
    await page.get_by_label("Amount to pay on invoice INV-2001").focus()
    await expect(page.get_by_text("This is more than the $300.00 due.")).to_be_visible()
    await page.get_by_label("Amount to pay on invoice INV-2002").fill("100")
    await expect(page.get_by_text("This is more than")).to_have_count(0)
    await assert_accessible(page)
    await screenshot(page, "pay/pay-page")

    # A reload keeps the selection (it is in the address)
    await page.reload()
    await expect(page.get_by_label("Amount to pay on invoice INV-2001")).to_have_value("120.00")
    await page.get_by_label("Amount to pay on invoice INV-2002").fill("100")

    await choose_new_card(page, "4242 4242 4242 4242", shot="pay/new-card-form")
    await expect(page.locator(".pay-review [data-testid=fee]")).to_have_text("$6.68")
    # Back returns to the form as it was left, the new card chosen
    await page.go_back()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Pay invoices")
    await expect(page.get_by_label("Amount to pay on invoice INV-2002")).to_have_value("100")
    await expect(page.get_by_label("Visa •••• 4242 (for this payment only)")).to_be_checked()
    # 2.9% of $220.00 is $6.38, plus $0.30
    await expect(fee(page)).to_have_text("$6.68")
    await expect(total(page)).to_have_text("$226.68")
    # The fee follows every change
    await page.get_by_label("Amount to pay on invoice INV-2002").fill("200")
    await expect(fee(page)).to_have_text("$9.58")
    await expect(total(page)).to_have_text("$329.58")
    await page.get_by_label("Amount to pay on invoice INV-2002").fill("100")
    await expect(total(page)).to_have_text("$226.68")

    await page.get_by_role("button", name="Review payment").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Review your payment")
    await expect(page.get_by_text("Visa •••• 4242")).to_be_visible()
    await assert_accessible(page)
    await screenshot(page, "pay/review")
    assert await payments_of(partner, customer["id"]) == []

    await page.get_by_role("button", name="Pay $226.68").dblclick()
    await expect(page).to_have_url(re.compile(r"/pay/done/pay_"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Payment received")
    transaction = (await page.locator(".transaction-id").text_content() or "").strip()
    assert transaction.startswith("RM-")
    await expect(page.locator(".status-line")).to_contain_text("Paid")
    await expect(page.get_by_text("$100.00 applied to INV-2002. INV-2002 still has $200.00 due.")).to_be_visible()
    await expect(page.get_by_text("$120.00 applied to INV-2001. INV-2001 is paid.")).to_be_visible()
    await expect(page.get_by_text("$226.68")).to_be_visible()
    await expect(page.get_by_role("link", name="INV-2002")).to_be_visible()
    await expect(page.get_by_text(customer["email"])).to_be_visible()
    await assert_accessible(page)
    await screenshot(page, "pay/confirmation")

    payments = await payments_of(partner, customer["id"])
    assert len(payments) == 1, "a double click on confirm pays once"
    assert (payments[0]["transaction_id"], payments[0]["amount"], payments[0]["fee"]) == (transaction, 22_668, 668)
    assert (await invoice(partner, first["id"]))["amount_due"] == 0
    assert (await invoice(partner, second["id"]))["amount_due"] == 20_000
    methods = await portal_fetch(page, "GET", "/portal/v1/payment-methods")
    assert methods["data"] == [], "a card given for one payment is not kept"

    # The invoices show what is still due
    await page.get_by_role("link", name="Pay other invoices").click()
    await expect(page.get_by_text("$200.00").first).to_be_visible()


async def test_a_bank_debit_is_pending_then_settled_by_the_sandbox_clock(
    spa: object, page: Page, partner: Partner, inbox: Inbox
) -> None:
    await partner.set_portal_settings(enabled_methods=["card", "us_bank_account"], partial_payments=True)
    customer = await partner.create_customer("Birchwood Law")
    bill = await partner.create_invoice(customer["id"], 45_000, number="INV-3001", due_date=days(15))
    await sign_in(page, partner, inbox, customer["email"], f"/pay?invoices={bill['id']}")

    await page.get_by_label("A new card or bank account").check()
    await page.get_by_label("US bank account (ACH)").check()
    await page.get_by_role("button", name="Review payment").click()
    await expect(
        page.get_by_text("Enter the 9-digit routing number printed at the bottom left of a check.")
    ).to_be_visible()
    await expect(page.get_by_text("Accept the debit authorization to pay from a bank account.")).to_be_visible()
    await expect(page.get_by_text(f"I authorize {partner.name} to debit the bank account above")).to_be_visible()
    await page.get_by_label("Routing number").fill("110000000")
    await page.get_by_label("Account number", exact=True).fill("000123456789")
    await page.get_by_label("Confirm account number").fill("000123456789")
    await page.get_by_label("Checking").check()
    await page.get_by_label("Account holder name").fill("Birchwood Law LLP")
    await page.get_by_label("I accept this debit authorization.").check()
    await assert_accessible(page)
    await screenshot(page, "pay/bank-form")
    await page.get_by_role("button", name="Review payment").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Review your payment")
    await expect(page.locator(".pay-review [data-testid=fee]")).to_have_text("None")
    await expect(page.locator(".pay-review [data-testid=total]")).to_have_text("$450.00")
    authorization = f"you authorize {partner.name} to debit this bank account for $450.00"
    await expect(page.get_by_text(authorization)).to_be_visible()
    await page.get_by_role("button", name="Pay $450.00").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Payment submitted")
    await expect(page.locator(".status-line")).to_contain_text("Pending")
    await expect(page.get_by_text("Bank debits take a few business days to clear")).to_be_visible()
    await expect(page.get_by_text(f"We will email a receipt to {customer['email']} when it settles.")).to_be_visible()
    await expect(page.get_by_text("$450.00 pending for INV-3001. Nothing else is due on it.")).to_be_visible()
    await expect(page.locator(".confirmation").get_by_text(re.compile(r"\bpaid\b", re.I))).to_have_count(0)
    await assert_accessible(page)
    await screenshot(page, "pay/confirmation-pending")
    [payment] = await payments_of(partner, customer["id"])
    assert payment["status"] == "pending"
    assert (await invoice(partner, bill["id"]))["amount_pending"] == 45_000

    await partner.advance_clock(days=7)
    for _ in range(50):
        if (await payments_of(partner, customer["id"]))[0]["status"] == "settled":
            break
        await page.wait_for_timeout(200)
    await page.reload()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Payment received")
    await expect(page.locator(".status-line")).to_contain_text("Paid")
    await expect(page.get_by_text("The debit has cleared.")).to_be_visible()
    await expect(page.get_by_text("$450.00 applied to INV-3001. INV-3001 is paid.")).to_be_visible()
    await assert_accessible(page)
    await screenshot(page, "pay/confirmation-settled")


async def test_a_declined_card_is_explained_nothing_is_charged_and_another_card_pays(
    spa: object, page: Page, partner: Partner, inbox: Inbox
) -> None:
    await partner.set_portal_settings(enabled_methods=["card"], **CARD_FEES)
    customer = await partner.create_customer("Cobalt Logistics")
    bill = await partner.create_invoice(customer["id"], 10_000, number="INV-4001", due_date=days(10))
    await sign_in(page, partner, inbox, customer["email"], f"/pay?invoices={bill['id']}")

    await choose_new_card(page, "4000 0000 0000 0002")
    await expect(page.locator(".pay-review [data-testid=total]")).to_have_text("$103.20")
    await page.get_by_role("button", name="Pay $103.20").click()
    decline = page.get_by_role("alert").filter(has_text="The payment did not go through")
    await expect(decline).to_be_visible()
    await expect(decline).to_contain_text("Your card was declined")
    await expect(decline).to_contain_text("Nothing was charged")
    await expect(decline).to_be_focused()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Pay invoices")
    await assert_accessible(page)
    await screenshot(page, "pay/declined")
    assert (await invoice(partner, bill["id"]))["amount_due"] == 10_000
    assert [p["status"] for p in await payments_of(partner, customer["id"])] == ["failed"]

    # The declined card was for that attempt only: another one is entered, and it pays
    await expect(page.get_by_label("A new card or bank account")).to_be_checked()
    await enter_card(page, "5555 5555 5555 4444")
    await page.get_by_role("button", name="Review payment").click()
    await expect(page.get_by_text("Mastercard •••• 4444")).to_be_visible()
    await page.get_by_role("button", name="Pay $103.20").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Payment received")
    statuses = sorted(p["status"] for p in await payments_of(partner, customer["id"]))
    assert statuses == ["failed", "succeeded"]
    assert (await invoice(partner, bill["id"]))["amount_due"] == 0


async def test_one_amount_is_spread_oldest_due_first_as_shown(
    spa: object, page: Page, partner: Partner, inbox: Inbox
) -> None:
    await partner.set_portal_settings(enabled_methods=["card"], partial_payments=True, **CARD_FEES)
    customer = await partner.create_customer("Dunmore Clinic")
    later = await partner.create_invoice(customer["id"], 30_000, number="INV-5002", due_date=days(20))
    oldest = await partner.create_invoice(customer["id"], 20_000, number="INV-5001", due_date=days(-5))
    last = await partner.create_invoice(customer["id"], 40_000, number="INV-5003", due_date=days(40))
    await partner.save_test_method(customer["id"], "visa")
    await sign_in(page, partner, inbox, customer["email"], "/pay?mode=amount")

    await expect(page.get_by_role("heading", level=1)).to_have_text("Pay an amount across invoices")
    await expect(page.get_by_text("You owe $900.00 in all.")).to_be_visible()
    await expect(page.get_by_label("Visa •••• 4242 Default")).to_be_checked()
    await page.get_by_label("Amount to pay", exact=True).fill("350")
    preview = page.locator(".allocation-preview")
    rows = preview.locator("tbody tr")
    await expect(rows.nth(0)).to_contain_text("INV-5001")
    await expect(rows.nth(0)).to_contain_text("$200.00")
    await expect(rows.nth(1)).to_contain_text("INV-5002")
    await expect(rows.nth(1).locator("td").last).to_have_text("$150.00")
    await expect(rows.nth(2)).to_contain_text("Not paid by this amount")
    await expect(preview).to_contain_text("Still owed after this payment: $550.00")
    await expect(total(page)).to_have_text("$360.45")
    await expect(preview.get_by_text("Confirmed when you choose a payment method")).to_have_count(0)
    await assert_accessible(page)
    await screenshot(page, "pay/pay-an-amount")

    await page.get_by_label("Amount to pay", exact=True).fill("950")
    await page.get_by_role("button", name="Review payment").click()
    await expect(page.get_by_text("This is more than the $900.00 owed on your open invoices.")).to_be_visible()
    await page.get_by_label("Amount to pay", exact=True).fill("350")
    await page.get_by_role("button", name="Review payment").click()
    review = page.locator(".pay-review tbody tr")
    await expect(review).to_have_count(2)
    await expect(review.nth(0)).to_contain_text("INV-5001")
    await page.get_by_role("button", name="Pay $360.45").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Payment received")
    assert (await invoice(partner, oldest["id"]))["amount_due"] == 0
    assert (await invoice(partner, later["id"]))["amount_due"] == 15_000
    assert (await invoice(partner, last["id"]))["amount_due"] == 40_000


async def test_paying_later_on_a_chosen_day(spa: object, page: Page, partner: Partner, inbox: Inbox) -> None:
    await partner.set_portal_settings(enabled_methods=["card"])
    customer = await partner.create_customer("Evergreen Dental")
    bill = await partner.create_invoice(customer["id"], 25_000, number="INV-6001", due_date=days(12))
    await partner.save_test_method(customer["id"], "visa")
    await sign_in(page, partner, inbox, customer["email"], f"/pay?invoices={bill['id']}")

    await page.get_by_label("Schedule for a later date").check()
    await page.get_by_role("button", name="Review payment").click()
    await expect(page.get_by_text("Choose a date.")).to_be_visible()
    await page.get_by_label("Payment date").fill(days(5))
    await assert_accessible(page)
    await screenshot(page, "pay/schedule")
    await page.get_by_role("button", name="Review payment").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Review your scheduled payment")
    await page.get_by_role("button", name="Schedule $250.00").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Payment scheduled")
    await expect(page.get_by_text("$250.00 will be paid with Visa •••• 4242")).to_be_visible()
    await assert_accessible(page)
    scheduled = await portal_fetch(page, "GET", "/portal/v1/scheduled-payments")
    assert [(s["status"], s["scheduled_for"], s["amount"]) for s in scheduled["data"]] == [
        ("scheduled", days(5), 25_000)
    ]
    assert await payments_of(partner, customer["id"]) == []


@pytest.mark.browser_context(mobile=True)
async def test_the_whole_pay_flow_on_a_phone(spa: object, page: Page, partner: Partner, inbox: Inbox) -> None:
    await partner.set_portal_settings(enabled_methods=["card", "us_bank_account"], partial_payments=True, **CARD_FEES)
    customer = await partner.create_customer("Fjord Analytics")
    first = await partner.create_invoice(customer["id"], 8_000, number="INV-7001", due_date=days(9))
    second = await partner.create_invoice(customer["id"], 15_000, number="INV-7002", due_date=days(19))
    await sign_in_with_code(page, partner, inbox, customer["email"], f"/pay?invoices={first['id']},{second['id']}")
    assert page.viewport_size == {"width": 390, "height": 844}

    await page.get_by_label("Amount to pay on invoice INV-7002").fill("50")
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the pay page scrolls sideways on a phone ({width}px)"
    await assert_accessible(page)
    await screenshot(page, "pay/mobile-pay-page")
    await choose_new_card(page, "4242424242424242", shot="pay/mobile-new-card")
    await expect(page.locator(".pay-review [data-testid=total]")).to_have_text("$134.07")
    await assert_accessible(page)
    await screenshot(page, "pay/mobile-review")
    await page.get_by_role("button", name="Pay $134.07").tap()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Payment received")
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    await assert_accessible(page)
    await screenshot(page, "pay/mobile-confirmation")
    assert len(await payments_of(partner, customer["id"])) == 1
