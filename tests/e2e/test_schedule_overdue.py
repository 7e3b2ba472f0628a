"""Scheduling the payment of an invoice already due: offered up to the partner's number of days ahead, with the
last day named; refused with the reason when the partner asks for overdue invoices to be paid now."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.async_api import Page, expect

from tests.e2e.browser import assert_accessible, screenshot
from tests.e2e.mail import Inbox
from tests.e2e.portal import portal_fetch, sign_in
from tests.e2e.seed import Partner


def days(n: int) -> str:
    return (date.today() + timedelta(days=n)).isoformat()


async def overdue_invoice(partner: Partner, number: str) -> tuple[dict[str, object], dict[str, object]]:
    customer = await partner.create_customer("Harbour Clinic")
    bill = await partner.create_invoice(customer["id"], 40_000, number=number, issue_date=days(-40), due_date=days(-10))
    await partner.save_test_method(customer["id"], "visa")
    return customer, bill


async def test_an_overdue_invoice_is_scheduled_within_the_partners_days(
    spa: object, page: Page, partner: Partner, inbox: Inbox
) -> None:
    await partner.set_portal_settings(enabled_methods=["card"], overdue_schedule_days=5)
    customer, bill = await overdue_invoice(partner, "INV-8101")
    await sign_in(page, partner, inbox, str(customer["email"]), f"/pay?invoices={bill['id']}")

    await page.get_by_label("Schedule for a later date").check()
    date_field = page.get_by_label("Payment date")
    await expect(date_field).to_have_attribute("max", days(5))
    await expect(page.get_by_text("accepts a later date for invoices already due")).to_be_visible()
    await date_field.fill(days(6))
    await page.get_by_role("button", name="Review payment").click()
    await expect(page.get_by_role("heading", level=1)).not_to_have_text("Review your scheduled payment")
    await date_field.fill(days(5))
    await assert_accessible(page)
    await screenshot(page, "issue13/schedule-overdue-en-1280")
    await page.get_by_role("button", name="Review payment").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Review your scheduled payment")
    await page.get_by_role("button", name="Schedule $400.00").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Payment scheduled")
    scheduled = await portal_fetch(page, "GET", "/portal/v1/scheduled-payments")
    assert [(s["scheduled_for"], s["amount"]) for s in scheduled["data"]] == [(days(5), 40_000)]


@pytest.mark.browser_context(mobile=True, locale="fr-FR")
async def test_the_reason_is_shown_when_overdue_invoices_must_be_paid_now(
    spa: object, page: Page, partner: Partner, inbox: Inbox
) -> None:
    await partner.set_portal_settings(enabled_methods=["card"], overdue_schedule_days=0)
    customer, bill = await overdue_invoice(partner, "INV-8102")
    await sign_in(page, partner, inbox, str(customer["email"]), f"/pay?invoices={bill['id']}")

    await page.get_by_label("Planifier à une date ultérieure").check()
    refusal = page.get_by_text("demande que les factures déjà échues soient payées maintenant")
    await expect(refusal).to_be_visible()
    await expect(page.get_by_label("Date du paiement")).to_have_count(0)
    await assert_accessible(page)
    await screenshot(page, "issue13/schedule-overdue-refused-fr-390")
