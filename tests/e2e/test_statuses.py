"""One status vocabulary on screen, and a declined attempt that does not look like a double charge: payment history
marks it "Failed, not charged" in a muted row with no fee, its detail says what it was for (not "Invoices paid"),
and a pending debit is "Pending" / "Amount pending", never "charged" or "paid"."""

from __future__ import annotations

from playwright.async_api import Page, expect

from tests.e2e.mail import Inbox
from tests.e2e.portal import sign_in
from tests.e2e.seed import Partner
from tests.e2e.test_invoices import days
from tests.e2e.test_owe_summary import NewPage, charge, each_view


async def test_a_declined_attempt_beside_the_payment_that_worked(
    spa: object, page: Page, partner: Partner, inbox: Inbox, new_page: NewPage
) -> None:
    customer = await partner.create_customer("Acme Dental")
    invoice = await partner.create_invoice(customer["id"], 150_000, issue_date=days(-20), due_date=days(10))
    declined_card = await partner.save_test_method(customer["id"], "declined")
    declined = await charge(partner, customer["id"], declined_card["id"], invoice["id"], 50_000)
    assert declined.status_code == 402, declined.text
    card = await partner.save_test_method(customer["id"], "visa")
    paid = await charge(partner, customer["id"], card["id"], invoice["id"], 50_000)
    assert paid.status_code == 201 and paid.json()["fee"] > 0, paid.text
    failed_id = next(
        p["id"]
        for p in (await partner.api.get("/v1/payments", params={"customer_id": customer["id"]})).json()["data"]
        if p["status"] == "failed"
    )

    await sign_in(page, partner, inbox, customer["email"], "/payments")
    await expect(page.locator("tbody tr")).to_have_count(2)
    failed_row = page.locator(f"tr[data-payment-id='{failed_id}']")
    paid_row = page.locator(f"tr[data-payment-id='{paid.json()['id']}']")
    await expect(failed_row).to_have_class("row-muted")
    await expect(failed_row.locator(".chip")).to_have_text("Failed, not charged")
    await expect(failed_row.locator("td[data-label='Card fee']")).to_have_text("—")
    await expect(failed_row.locator("td[data-label='Receipt']")).to_have_text("—")
    await expect(paid_row).not_to_have_class("row-muted")
    await expect(paid_row.locator(".chip")).to_have_text("Paid")
    await expect(paid_row.locator("td[data-label='Card fee']")).not_to_have_text("—")
    await expect(page.get_by_text("Invoices paid")).to_have_count(0)

    await failed_row.get_by_role("link").first.click()
    await expect(page.get_by_test_id("not-charged")).to_have_text("Nothing was charged for this attempt.")
    await expect(page.get_by_role("heading", name="Invoices it was for")).to_be_visible()
    await expect(page.locator(".figures")).not_to_contain_text("Card fee")
    await expect(page.locator(".figures")).not_to_contain_text("Total charged")
    await expect(page.get_by_text("Invoices paid")).to_have_count(0)

    async def muted(view: Page, language: str) -> None:
        row = view.locator(f"tr[data-payment-id='{failed_id}']")
        await expect(row).to_have_class("row-muted")
        await expect(row.locator(".chip")).to_have_text(
            "Failed, not charged" if language == "en" else "Échoué, non débité"
        )

    await each_view(new_page, partner, inbox, customer["email"], "/payments", "payments-failed-attempt", muted)


async def test_a_pending_debit_is_pending_never_charged(
    spa: object, page: Page, partner: Partner, inbox: Inbox
) -> None:
    customer = await partner.create_customer("Cobalt Logistics")
    invoice = await partner.create_invoice(customer["id"], 100_000, issue_date=days(-5), due_date=days(25))
    bank = await partner.save_test_method(customer["id"], "settles")
    debit = await charge(partner, customer["id"], bank["id"], invoice["id"], 40_000)
    assert debit.status_code == 201 and debit.json()["status"] == "pending", debit.text

    await sign_in(page, partner, inbox, customer["email"], f"/payments/{debit.json()['id']}")
    await expect(page.locator(".facts .chip")).to_have_text("Pending")
    figures = page.locator(".figures")
    await expect(figures).to_contain_text("Amount pending")
    await expect(figures).not_to_contain_text("charged")
    await expect(page.get_by_role("heading", name="Invoices it is for")).to_be_visible()
    await expect(page.get_by_text("Invoices paid")).to_have_count(0)

    await page.goto(partner.portal_url("/invoices"))
    await expect(page.locator("tr", has_text=invoice["number"]).locator(".chip")).to_have_text(
        ["Due", "Payment pending"]
    )
