""" "What do I owe": the invoice list opens with the total outstanding, its overdue part and the next due date (over
every payable invoice, not one page), "Pay all overdue", select-all and a description column; the invoice detail
lists the payments behind "Paid" and "Pending". Screens in English and French, at 1280 and 390 pixels."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from playwright.async_api import Page, expect

from tests.e2e.browser import assert_accessible, screenshot
from tests.e2e.mail import Inbox
from tests.e2e.portal import sign_in
from tests.e2e.seed import Partner
from tests.e2e.test_invoices import days, record_check, row

NewPage = Callable[..., Awaitable[Page]]
# (language, browser locale, mobile, width): every screen of issue 13 is shot in each.
VIEWS = [
    ("en", "en-US", False, 1280),
    ("en", "en-US", True, 390),
    ("fr", "fr-FR", False, 1280),
    ("fr", "fr-FR", True, 390),
]


async def charge(partner: Partner, customer_id: str, method_id: str, invoice_id: str, amount: int) -> httpx.Response:
    """A payment with a saved method through the partner API; a declined card answers 402 (and is recorded)."""
    return await partner.api.post(
        "/v1/payments",
        json={
            "customer_id": customer_id,
            "payment_method_id": method_id,
            "allocations": [{"invoice_id": invoice_id, "amount": amount}],
        },
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )


async def no_sideways_scroll(page: Page) -> None:
    fits = await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert fits, "nothing may be wider than the screen"


async def each_view(
    new_page: NewPage, partner: Partner, inbox: Inbox, email: str, path: str, name: str, check: Any = None
) -> None:
    """Open `path` signed in as `email` in each language and width; screenshot `issue13/<name>-<lang>-<width>`."""
    for language, locale, mobile, width in VIEWS:
        page = await new_page(mobile=mobile, locale=locale)
        await sign_in(page, partner, inbox, email, path)
        await expect(page.locator("html")).to_have_attribute("lang", language)
        await expect(page.get_by_role("heading", level=1)).to_be_visible()
        if check is not None:
            await check(page, language)
        await no_sideways_scroll(page)
        await screenshot(page, f"issue13/{name}-{language}-{width}")
        await assert_accessible(page)
        await page.context.close()


async def test_the_list_says_what_is_owed_and_pays_all_overdue(
    spa: object, page: Page, partner: Partner, inbox: Inbox, new_page: NewPage
) -> None:
    customer = await partner.create_customer("Acme Dental")
    old = await partner.create_invoice(customer["id"], 120_000, issue_date=days(-60), due_date=days(-30))
    await record_check(partner, customer["id"], old["id"], 20_000)
    late = await partner.create_invoice(
        customer["id"],
        0,
        issue_date=days(-40),
        due_date=days(-5),
        lines=[{"description": "Firewall renewal", "quantity": 1, "unit_amount": 45_050}],
    )
    soon = await partner.create_invoice(customer["id"], 30_000, issue_date=days(-2), due_date=days(12))
    later = await partner.create_invoice(customer["id"], 10_000, issue_date=days(-2), due_date=days(40))

    await sign_in(page, partner, inbox, customer["email"])
    summary = page.get_by_test_id("owed-summary")
    await expect(summary).to_be_visible()
    await expect(page.get_by_test_id("owed-total")).to_have_text("$1,850.50")
    await expect(page.get_by_test_id("owed-overdue")).to_have_text("$1,450.50")
    await expect(page.get_by_test_id("owed-next-due")).not_to_have_text("None")
    await expect(row(page, late["number"])).to_contain_text("Firewall renewal")
    await expect(row(page, old["number"]).locator(".chip")).to_have_text(["Overdue", "Partly paid"])

    everything = page.get_by_label("Select every invoice listed")
    await page.get_by_label(f"Select invoice {soon['number']}").check()
    assert await everything.evaluate("box => box.indeterminate") is True
    await everything.check()
    await expect(page.get_by_test_id("selection-total")).to_have_text("$1,850.50")
    assert await everything.evaluate("box => box.indeterminate") is False
    await everything.uncheck()
    await expect(page.get_by_test_id("selection-bar")).to_have_count(0)

    await page.get_by_role("button", name="Pay all overdue").click()
    await expect(page).to_have_url(partner.portal_url(f"/pay?invoices={old['id']},{late['id']}"))

    async def has_summary(view: Page, language: str) -> None:
        await expect(view.get_by_test_id("owed-total")).to_contain_text("850,50" if language == "fr" else "$1,850.50")
        await expect(
            view.get_by_role("button", name="Pay all overdue" if language == "en" else "Payer les factures en retard")
        ).to_be_visible()
        await expect(row(view, later["number"])).to_be_visible()

    await each_view(new_page, partner, inbox, customer["email"], "/invoices", "invoices-summary", has_summary)


async def test_the_detail_lists_the_payments_behind_paid_and_pending(
    spa: object, page: Page, partner: Partner, inbox: Inbox, new_page: NewPage
) -> None:
    customer = await partner.create_customer("Cobalt Logistics")
    invoice = await partner.create_invoice(customer["id"], 100_000, issue_date=days(-10), due_date=days(20))
    declined = await partner.save_test_method(customer["id"], "declined")
    assert (await charge(partner, customer["id"], declined["id"], invoice["id"], 30_000)).status_code == 402
    card = await partner.save_test_method(customer["id"], "visa")
    paid = await charge(partner, customer["id"], card["id"], invoice["id"], 30_000)
    assert paid.status_code == 201, paid.text
    bank = await partner.save_test_method(customer["id"], "settles")
    pending = await charge(partner, customer["id"], bank["id"], invoice["id"], 20_000)
    assert pending.status_code == 201 and pending.json()["status"] == "pending", pending.text

    await sign_in(page, partner, inbox, customer["email"], f"/invoices/{invoice['id']}")
    payments = page.get_by_test_id("invoice-payments")
    await expect(payments.locator("tbody tr")).to_have_count(2)  # the declined attempt moved no money
    card_row = payments.locator(f"tr[data-payment-id='{paid.json()['id']}']")
    await expect(card_row).to_contain_text(paid.json()["transaction_id"])
    await expect(card_row).to_contain_text("$300.00")
    await expect(card_row.locator(".chip")).to_have_text("Paid")
    receipt = card_row.get_by_role("link", name=f"Receipt (PDF) for transaction {paid.json()['transaction_id']}")
    assert await receipt.get_attribute("href") == f"/portal/v1/payments/{paid.json()['id']}/receipt"
    bank_row = payments.locator(f"tr[data-payment-id='{pending.json()['id']}']")
    await expect(bank_row.locator(".chip")).to_have_text("Pending")
    await expect(bank_row).to_contain_text("$200.00")
    await expect(page.locator(".chips .chip")).to_have_text(["Partly paid", "Payment pending"])
    await expect(page.get_by_text("Total", exact=True)).to_have_count(1)

    async def lists_both(view: Page, language: str) -> None:
        await expect(view.get_by_test_id("invoice-payments").locator("tbody tr")).to_have_count(2)
        await expect(view.get_by_text("Total", exact=True)).to_have_count(1)

    await each_view(
        new_page, partner, inbox, customer["email"], f"/invoices/{invoice['id']}", "invoice-detail", lists_both
    )
