"""Guest checkout from a per-invoice pay link in a real browser, with no account: the invoice, a card quoted with its
fee, a review, a confirm that pays once, the confirmation, then the offer to enrol; the Pay button's embedded view;
the messages it sends the Pay button (paid; Escape closes); and a link that no longer works, with the partner's
contact."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from playwright.async_api import Page, expect

from tests.e2e.browser import assert_accessible, screenshot
from tests.e2e.seed import Partner
from tests.e2e.sites import OtherSite

SETTINGS = {
    "enabled_methods": ["card", "us_bank_account"],
    "partial_payments": True,
    "guest_checkout": True,
    "card_fee_pass_through": True,
    "card_fee_bps": 290,
    "card_fee_fixed": 30,
    "support_email": "billing@northwind.example",
}


def days(n: int) -> str:
    return (date.today() + timedelta(days=n)).isoformat()


async def payments_of(partner: Partner, customer_id: str) -> list[dict[str, Any]]:
    r = await partner.api.get("/v1/payments", params={"customer_id": customer_id, "limit": 100})
    assert r.status_code == 200, r.text
    return list(r.json()["data"])


async def test_a_guest_pays_from_the_link_once_then_asks_to_enrol(spa: object, page: Page, partner: Partner) -> None:
    await partner.set_portal_settings(**SETTINGS)
    customer = await partner.create_customer("Acme Dental")
    bill = await partner.create_invoice(customer["id"], 25_000, number="INV-8001", due_date=days(14))
    link = await partner.pay_link(bill["id"])

    await page.goto(link["url"])
    await expect(page.get_by_role("heading", level=1)).to_have_text("Pay invoice INV-8001")
    await expect(page.get_by_text(f"From {partner.name} to Acme Dental")).to_be_visible()
    await expect(page.get_by_text("Managed services")).to_be_visible()
    await expect(page.get_by_label("Amount to pay")).to_have_value("250.00")
    await assert_accessible(page)
    await screenshot(page, "guest/invoice")

    await expect(page.get_by_label("Card", exact=True)).not_to_be_checked()  # nothing steers to a card fee
    await page.get_by_label("Card", exact=True).check()
    await page.get_by_label("Card number").fill("4242 4242 4242 4242")
    await page.get_by_label("Expiry date").fill("12 / 34")
    await page.get_by_label("Security code (CVC)").fill("123")
    await page.get_by_label("Name on card").fill("Paula Payer")
    await page.get_by_role("button", name="Continue").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Review your payment")
    await expect(page.get_by_text("Visa ending in 4242")).to_be_visible()
    # 2.9% of $250.00 is $7.25, plus $0.30
    await expect(page.locator("[data-testid=fee]")).to_have_text("$7.55")
    await expect(page.locator("[data-testid=total]")).to_have_text("$257.55")
    # Another amount on the review screen is quoted again for the same card, which is never asked for twice.
    await page.get_by_label("Amount to pay").fill("100")
    await expect(page.get_by_role("button", name="Pay $257.55")).to_be_disabled()
    await page.get_by_role("button", name="Update the total").click()
    await expect(page.locator("[data-testid=fee]")).to_have_text("$3.20")  # 2.9% of $100.00, plus $0.30
    await expect(page.locator("[data-testid=total]")).to_have_text("$103.20")
    await page.get_by_label("Amount to pay").fill("250.00")
    await page.get_by_role("button", name="Update the total").click()
    await expect(page.locator("[data-testid=total]")).to_have_text("$257.55")
    await expect(page.get_by_text("Visa ending in 4242")).to_be_visible()
    await page.get_by_label("Email the receipt to").fill("paula@acme.example")
    await assert_accessible(page)
    await screenshot(page, "guest/review")
    assert await payments_of(partner, customer["id"]) == []

    await page.get_by_role("button", name="Pay $257.55").dblclick()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Payment received")
    await expect(page.get_by_text("Thank you. We received your payment.")).to_be_visible()
    await expect(page.get_by_text("We emailed a receipt to paula@acme.example.")).to_be_visible()
    await expect(page.get_by_text("$250.00 applied to INV-8001. INV-8001 is paid.")).to_be_visible()
    transaction = (await page.locator(".transaction-id").text_content() or "").strip()
    payments = await payments_of(partner, customer["id"])
    assert len(payments) == 1, "a double click on confirm pays once"
    assert (payments[0]["transaction_id"], payments[0]["amount"], payments[0]["receipt_email"]) == (
        transaction,
        25_755,
        "paula@acme.example",
    )
    await assert_accessible(page)
    await screenshot(page, "guest/confirmation")

    # The offer to enrol files an access request for the partner to approve
    await page.get_by_role("button", name="Ask for access").click()
    await expect(page.get_by_label("Your work email")).to_have_value("paula@acme.example")
    await expect(page.get_by_label("Company name")).to_have_value("Acme Dental")
    await page.get_by_role("button", name="Send the request").click()
    await expect(page.get_by_text("Required.").first).to_be_visible()
    await page.get_by_label("Your name").fill("Paula Payer")
    await page.get_by_label("Phone").fill("555-0101")
    await page.get_by_label("Business address").fill("1 Main Street, Springfield")
    await assert_accessible(page)
    await screenshot(page, "guest/enrol")
    await page.get_by_role("button", name="Send the request").click()
    await expect(page.get_by_role("heading", name="Request sent")).to_be_visible()
    await expect(page.get_by_text(f"{partner.name} will review your request")).to_be_visible()
    await expect(page.get_by_text("we will email paula@acme.example a link to sign in")).to_be_visible()
    await assert_accessible(page)
    await screenshot(page, "guest/enrolled")
    [request] = await partner.access_requests()
    assert (request["email"], request["company_name"]) == ("paula@acme.example", "Acme Dental")

    # The link now shows nothing left to pay
    await page.goto(link["url"])
    await expect(page.get_by_text("There is nothing left to pay on this invoice.")).to_be_visible()


async def test_the_embedded_view_is_compact_and_a_revoked_link_says_whom_to_ask(
    spa: object, page: Page, partner: Partner
) -> None:
    await partner.set_portal_settings(**SETTINGS)
    customer = await partner.create_customer("Birchwood Law")
    bill = await partner.create_invoice(customer["id"], 9_900, number="INV-8101", due_date=days(7))
    link = await partner.pay_link(bill["id"])

    await page.goto(link["url"] + "?embed=1")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Pay invoice INV-8101")
    await expect(page.locator(".bare-header")).to_be_hidden()
    await expect(page.get_by_role("link", name="billing@northwind.example")).to_be_visible()
    await assert_accessible(page)
    await screenshot(page, "guest/embedded")

    r = await partner.api.post(f"/v1/invoices/{bill['id']}/pay-link/revoke")
    assert r.status_code == 204, r.text
    await page.goto(link["url"])
    await expect(page.get_by_role("heading", level=1)).to_have_text("This payment link does not work any more")
    await expect(page.get_by_text(f"Ask {partner.name} for a new one.")).to_be_visible()
    await expect(page.get_by_role("main").get_by_role("link", name="billing@northwind.example")).to_be_visible()
    await assert_accessible(page)
    await screenshot(page, "guest/link-unavailable")

    await page.goto(re.sub(r"\.[0-9a-f]+$", ".0123456789abcdef0123456789abcdef", link["url"]))
    await expect(page.get_by_role("heading", level=1)).to_have_text("This payment link does not work any more")


async def test_a_guest_bank_debit_needs_the_authorization_and_is_pending(
    spa: object, page: Page, partner: Partner
) -> None:
    await partner.set_portal_settings(**SETTINGS)
    customer = await partner.create_customer("Cobalt Logistics")
    bill = await partner.create_invoice(customer["id"], 40_000, number="INV-8201", due_date=days(30))
    link = await partner.pay_link(bill["id"])

    await page.goto(link["url"])
    await page.get_by_label("Amount to pay").fill("150")
    await page.get_by_label("US bank account (ACH)").check()
    await page.get_by_label("Routing number").fill("110000000")
    await page.get_by_label("Account number", exact=True).fill("000123456789")
    await page.get_by_label("Confirm account number").fill("000123456789")
    await page.get_by_label("Checking").check()
    await page.get_by_label("Account holder name").fill("Cobalt Logistics")
    await page.get_by_role("button", name="Continue").click()
    await expect(page.get_by_text("Accept the debit authorization to pay from a bank account.")).to_be_visible()
    await page.get_by_label("I accept this debit authorization.").check()
    await assert_accessible(page)
    await screenshot(page, "guest/bank-form")
    await page.get_by_role("button", name="Continue").click()
    await expect(page.get_by_text("Bank account ending in 6789")).to_be_visible()
    await expect(page.locator("[data-testid=fee]")).to_have_text("None")
    await page.get_by_role("button", name="Pay $150.00").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Payment submitted")
    await expect(page.locator(".status-line")).to_contain_text("Pending")
    await expect(page.get_by_text("Bank debits take a few business days to clear")).to_be_visible()
    await expect(page.get_by_text("$150.00 pending for INV-8201. INV-8201 still has $250.00 due.")).to_be_visible()
    await assert_accessible(page)
    await screenshot(page, "guest/confirmation-pending")
    [payment] = await payments_of(partner, customer["id"])
    assert (payment["status"], payment["amount"]) == ("pending", 15_000)


async def test_in_the_pay_buttons_overlay_the_page_announces_the_payment_and_escape_closes(
    spa: object, page: Page, partner: Partner, other_site: OtherSite
) -> None:
    await partner.set_portal_settings(**SETTINGS)
    customer = await partner.create_customer("Dunmore Clinic")
    bill = await partner.create_invoice(customer["id"], 5_000, number="INV-8301", due_date=days(7))
    link = await partner.pay_link(bill["id"])
    shop = other_site.serve(
        '<!doctype html><html lang="en"><title>Shop</title><body><main><h1>Shop</h1>'
        "<script>window.messages = []; addEventListener('message', (e) => window.messages.push(e.data))</script>"
        f'<iframe title="Pay" src="{link["url"]}?embed=1" width="700" height="1200"></iframe></main></body></html>'
    )
    await page.goto(shop)
    frame = page.frame_locator("iframe")
    await expect(frame.get_by_role("heading", level=1)).to_have_text("Pay invoice INV-8301")
    await frame.get_by_label("Card", exact=True).check()
    await frame.get_by_label("Card number").fill("4242 4242 4242 4242")
    await frame.get_by_label("Expiry date").fill("12 / 34")
    await frame.get_by_label("Security code (CVC)").fill("123")
    await frame.get_by_label("Name on card").fill("Paula Payer")
    await frame.get_by_role("button", name="Continue").click()
    await frame.get_by_role("button", name="Pay $51.75").click()
    await expect(frame.get_by_role("heading", level=1)).to_have_text("Payment received")
    [payment] = await payments_of(partner, customer["id"])
    messages = await page.evaluate("window.messages")
    paid = {"type": "remit:paid", "invoice": "INV-8301", "transaction_id": payment["transaction_id"]}
    assert messages == [{**paid, "status": "succeeded"}]
    await frame.get_by_role("heading", level=1).press("Escape")
    await page.wait_for_function("window.messages.length === 2")
    assert (await page.evaluate("window.messages"))[1] == {"type": "remit:close"}
