"""Payment history in the portal: a card payment and a pending bank debit made through the API, their details,
receipts as PDFs, and cancelling a scheduled payment after a confirmation."""

from __future__ import annotations

import uuid
from typing import Any

from playwright.async_api import Page, expect

from tests.e2e.browser import assert_accessible, screenshot
from tests.e2e.mail import Inbox
from tests.e2e.portal import portal_fetch, sign_in
from tests.e2e.seed import Partner
from tests.e2e.test_invoices import days


async def pay_saved(partner: Partner, customer_id: str, method_id: str, invoice_id: str, amount: int) -> dict[str, Any]:
    r = await partner.api.post(
        "/v1/payments",
        json={
            "customer_id": customer_id,
            "payment_method_id": method_id,
            "allocations": [{"invoice_id": invoice_id, "amount": amount}],
        },
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert r.status_code == 201, r.text
    payment: dict[str, Any] = r.json()
    return payment


async def test_history_details_and_receipts(spa: object, page: Page, partner: Partner, inbox: Inbox) -> None:
    customer = await partner.create_customer("Cobalt Logistics")
    audit = await partner.create_invoice(customer["id"], 10_000)
    travel = await partner.create_invoice(customer["id"], 25_000)
    card = await pay_saved(
        partner, customer["id"], (await partner.save_test_method(customer["id"], "visa"))["id"], audit["id"], 10_000
    )
    bank = await pay_saved(
        partner, customer["id"], (await partner.save_test_method(customer["id"], "settles"))["id"], travel["id"], 5_000
    )
    assert card["status"] == "succeeded" and card["fee"] > 0 and bank["status"] == "pending"

    await sign_in(page, partner, inbox, customer["email"], "/payments")
    await expect(page.get_by_role("heading", level=1, name="Payments")).to_be_visible()
    rows = page.locator("tbody tr")
    await expect(rows).to_have_count(2)
    card_row = page.locator(f"tr[data-payment-id='{card['id']}']")
    bank_row = page.locator(f"tr[data-payment-id='{bank['id']}']")
    await expect(card_row.locator(".chip")).to_have_text("Paid")
    await expect(card_row).to_contain_text(audit["number"])
    await expect(card_row.locator("td[data-label='Card fee']")).not_to_have_text("—")
    await expect(bank_row.locator(".chip")).to_have_text("Pending")
    await expect(bank_row).to_contain_text("$50.00")
    await expect(bank_row).to_contain_text(travel["number"])
    await screenshot(page, "history/payments")
    await assert_accessible(page)

    receipt = card_row.get_by_role("link", name=f"Receipt (PDF) for transaction {card['transaction_id']}")
    href = await receipt.get_attribute("href")
    assert href == f"/portal/v1/payments/{card['id']}/receipt"
    answer = await page.request.get(href)
    assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
    assert (await answer.body()).startswith(b"%PDF")

    await card_row.get_by_role("link", name=f"details of transaction {card['transaction_id']}").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(f"Payment {card['transaction_id']}")
    await expect(page.get_by_test_id("transaction-id")).to_have_text(card["transaction_id"])
    await expect(page.locator(".facts .chip")).to_have_text("Paid")
    await expect(page.locator("section table tbody tr")).to_contain_text([audit["number"]])
    await expect(page.get_by_text("What happens next")).to_have_count(0)
    async with page.expect_download() as downloading:
        await page.get_by_role("link", name="Receipt (PDF)").click()
    assert (await downloading.value).suggested_filename == f"receipt-{card['transaction_id']}.pdf"
    await screenshot(page, "history/payment-card")
    await assert_accessible(page)

    await page.get_by_role("link", name="All payments").click()
    await page.locator(f"tr[data-payment-id='{bank['id']}'] td a").first.click()
    await expect(page.get_by_role("heading", name="What happens next")).to_be_visible()
    await expect(page.get_by_text("Bank debits take up to 4 business days")).to_be_visible()
    await expect(page.locator(".facts .chip")).to_have_text("Pending")
    await screenshot(page, "history/payment-bank-pending")
    await assert_accessible(page)


async def test_cancel_a_scheduled_payment(spa: object, page: Page, partner: Partner, inbox: Inbox) -> None:
    customer = await partner.create_customer("Acme Dental")
    invoice = await partner.create_invoice(customer["id"], 48_000, issue_date=days(-1), due_date=days(30))
    method = await partner.save_test_method(customer["id"], "visa")
    await sign_in(page, partner, inbox, customer["email"], "/scheduled")
    await expect(page.get_by_text("No scheduled payments.")).to_be_visible()
    await screenshot(page, "scheduled/empty")
    await assert_accessible(page)

    planned = await portal_fetch(
        page,
        "POST",
        "/portal/v1/scheduled-payments",
        {
            "allocations": [{"invoice_id": invoice["id"], "amount": 48_000}],
            "payment_method_id": method["id"],
            "scheduled_for": days(1),
        },
    )
    await page.reload()
    line = page.locator(f"tr[data-scheduled-id='{planned['id']}']")
    await expect(line.locator(".chip")).to_have_text("Scheduled")
    await expect(line).to_contain_text("$480.00")
    await expect(line).to_contain_text(invoice["number"])
    await expect(line).to_contain_text("4242")
    await screenshot(page, "scheduled/list")
    await assert_accessible(page)

    cancel = line.get_by_role("button", name="Cancel payment")
    await cancel.click()
    dialog = page.get_by_role("dialog", name="Cancel this scheduled payment?")
    await expect(dialog).to_contain_text("$480.00")
    await expect(dialog.get_by_role("button", name="Keep it")).to_be_focused()
    await screenshot(page, "scheduled/confirm")
    await assert_accessible(page)
    await page.keyboard.press("Escape")
    await expect(dialog).to_have_count(0)
    await expect(cancel).to_be_focused()
    assert (await partner.api.get(f"/v1/scheduled-payments/{planned['id']}")).json()["status"] == "scheduled"

    await cancel.click()
    await dialog.get_by_role("button", name="Cancel payment").click()
    await expect(page.get_by_role("status").filter(has_text="was canceled")).to_be_visible()
    await expect(line.locator(".chip")).to_have_text("Canceled")
    await expect(line.get_by_role("button")).to_have_count(0)
    assert (await partner.api.get(f"/v1/scheduled-payments/{planned['id']}")).json()["status"] == "canceled"
    await screenshot(page, "scheduled/canceled")
    await assert_accessible(page)
