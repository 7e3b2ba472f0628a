"""Invoices in the portal: the list's chips and filters, choosing several with a running total that hands over to
the pay screen, one invoice's lines and PDF, and asking the partner a question about it."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from playwright.async_api import Page, expect

from tests.e2e.browser import assert_accessible, screenshot
from tests.e2e.mail import Inbox
from tests.e2e.portal import sign_in
from tests.e2e.seed import Partner


async def record_check(partner: Partner, customer_id: str, invoice_id: str, amount: int) -> dict[str, Any]:
    r = await partner.api.post(
        "/v1/payments",
        json={
            "customer_id": customer_id,
            "method": "check",
            "reference": "Check #1042",
            "allocations": [{"invoice_id": invoice_id, "amount": amount}],
        },
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert r.status_code == 201, r.text
    paid: dict[str, Any] = r.json()
    return paid


def days(n: int) -> str:
    return (date.today() + timedelta(days=n)).isoformat()


def row(page: Page, number: str) -> Any:
    return page.locator("tr", has=page.get_by_role("link", name=number, exact=True))


async def test_chips_filters_selection_and_paying_several(
    spa: object, page: Page, partner: Partner, inbox: Inbox
) -> None:
    customer = await partner.create_customer("Acme Dental")
    overdue = await partner.create_invoice(customer["id"], 12_345, issue_date=days(-60), due_date=days(-30))
    soon = await partner.create_invoice(customer["id"], 20_001, issue_date=days(-5), due_date=days(25))
    paid = await partner.create_invoice(customer["id"], 5_000, issue_date=days(-20), due_date=days(10))
    await record_check(partner, customer["id"], paid["id"], 5_000)

    await sign_in(page, partner, inbox, customer["email"])
    await expect(page.get_by_role("heading", level=1, name="Invoices")).to_be_visible()
    late = row(page, overdue["number"])
    await expect(late).to_have_class("row-overdue")
    await expect(late.locator(".chip")).to_have_text(["Overdue"])
    await expect(row(page, soon["number"]).locator(".chip")).to_have_text(["Due"])
    await expect(row(page, paid["number"])).to_have_count(0)  # outstanding only, by default
    await screenshot(page, "invoices/list")
    await assert_accessible(page)

    await page.get_by_label("Show").select_option("paid")
    await expect(row(page, paid["number"]).locator(".chip")).to_have_text(["Paid"])
    await expect(row(page, overdue["number"])).to_have_count(0)
    await expect(page.get_by_label(f"Select invoice {paid['number']}")).to_have_count(0)
    await screenshot(page, "invoices/list-paid")
    await assert_accessible(page)

    await page.get_by_label("Show").select_option("open")
    await page.get_by_label(f"Select invoice {overdue['number']}").check()
    await page.get_by_label(f"Select invoice {soon['number']}").check()
    bar = page.get_by_test_id("selection-bar")
    await expect(bar).to_contain_text("2 invoices selected")
    await expect(page.get_by_test_id("selection-total")).to_have_text("$323.46")  # 123.45 + 200.01
    await screenshot(page, "invoices/list-selected")
    await assert_accessible(page)
    await bar.get_by_role("button", name="Pay selected").click()
    await expect(page).to_have_url(partner.portal_url(f"/pay?invoices={overdue['id']},{soon['id']}"))

    await page.goto(partner.portal_url("/invoices"))
    await page.get_by_role("button", name="Pay an amount").click()
    await expect(page).to_have_url(partner.portal_url("/pay?mode=amount"))


async def test_detail_lines_pdf_and_a_question(spa: object, page: Page, partner: Partner, inbox: Inbox) -> None:
    await partner.set_portal_settings(notification_emails=[partner.email("billing")])
    customer = await partner.create_customer("Birchwood Law")
    invoice = await partner.create_invoice(
        customer["id"],
        lines=[
            {"description": "Laptop setup", "quantity": 3, "unit_amount": 15_000},
            {"description": "Microsoft 365 seats", "quantity": 12, "unit_amount": 2_200},
        ],
    )
    await sign_in(page, partner, inbox, customer["email"])
    await page.get_by_role("link", name=invoice["number"], exact=True).click()
    await expect(page.get_by_role("heading", level=1, name=f"Invoice {invoice['number']}")).to_be_focused()
    lines = page.locator("table tbody tr")
    await expect(lines).to_have_count(2)
    await expect(lines.nth(0)).to_contain_text("Laptop setup")
    await expect(lines.nth(0)).to_contain_text("$450.00")
    await expect(lines.nth(1)).to_contain_text("Microsoft 365 seats")
    await expect(lines.nth(1)).to_contain_text("12")
    await expect(lines.nth(1)).to_contain_text("$264.00")
    # The total is said once, as the first figure, not again under the lines.
    await expect(page.locator(".figures")).to_contain_text("$714.00")
    await expect(page.locator("tfoot")).to_have_count(0)
    await screenshot(page, "invoices/detail")
    await assert_accessible(page)

    pdf_link = page.get_by_role("link", name="Download PDF")
    href = await pdf_link.get_attribute("href")
    assert href == f"/portal/v1/invoices/{invoice['id']}/pdf"
    response = await page.request.get(href)  # the page's cookies go with it, as with the link
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert (await response.body()).startswith(b"%PDF")
    async with page.expect_download() as downloading:
        await pdf_link.click()
    download = await downloading.value
    assert download.suggested_filename.endswith(".pdf")

    asked = inbox.count(partner.email("billing"))
    await page.get_by_label("Your question").fill("Were the laptop setups billed twice?")
    await page.get_by_role("button", name="Send question").click()
    await expect(page.get_by_role("status").filter(has_text="Your question was sent")).to_be_visible()
    await expect(page.get_by_test_id("questions")).to_contain_text("Were the laptop setups billed twice?")
    await expect(page.get_by_test_id("questions")).to_contain_text("Waiting for an answer")
    await expect(page.get_by_role("button", name="Send question")).to_be_disabled()
    await expect(page.locator(".chips .chip")).to_have_text(["Due", "Questioned"])
    await inbox.latest(partner.email("billing"), after=asked, match=invoice["number"])
    await screenshot(page, "invoices/detail-questioned")
    await assert_accessible(page)

    await page.get_by_role("link", name="All invoices").click()
    await expect(row(page, invoice["number"]).locator(".chip")).to_have_text(["Due", "Questioned"])


@pytest.mark.browser_context(mobile=True, locale="fr-FR")
async def test_small_screen_in_french_and_nothing_to_pay(
    spa: object, page: Page, partner: Partner, inbox: Inbox
) -> None:
    customer = await partner.create_customer("Dunmore Clinic")
    await sign_in(page, partner, inbox, customer["email"])
    await expect(page.get_by_role("heading", name="Rien à payer")).to_be_visible()
    await screenshot(page, "invoices/mobile-empty-fr")
    await assert_accessible(page)

    invoice = await partner.create_invoice(
        customer["id"], 180_000, currency="CAD", issue_date=days(-40), due_date=days(-10)
    )
    await page.reload()
    card = row(page, invoice["number"])
    await expect(card.locator(".chip")).to_have_text(["En retard"])
    await expect(card.locator("td[data-label='Montant dû']")).to_contain_text("800,00")
    box = await card.bounding_box()
    assert box is not None and box["width"] <= 390
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390, "nothing wider than the screen"
    await screenshot(page, "invoices/mobile-list-fr")
    await assert_accessible(page)
