"""Every screen a paying customer sees, in English and French, on a laptop (1280 px) and a phone (390 px), with
money in every state: an overdue invoice partly paid by check, one with a bank debit pending, one untouched, a
declined card attempt. Each screen must be accessible (axe: no serious or critical finding) and, on the phone, must
not scroll sideways. The screenshots (<artifacts>/issue13/tour/<lang>-<width>/…) are the record of how it looks."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from playwright.async_api import Page, expect

from tests.e2e.browser import assert_accessible, screenshot
from tests.e2e.mail import Inbox
from tests.e2e.portal import sign_in
from tests.e2e.seed import Partner
from tests.factories import charge_saved

COMBOS = [
    pytest.param("en", False, marks=pytest.mark.browser_context(locale="en-US"), id="en-1280"),
    pytest.param("en", True, marks=pytest.mark.browser_context(mobile=True, locale="en-US"), id="en-390"),
    pytest.param("fr", False, marks=pytest.mark.browser_context(locale="fr-CA"), id="fr-1280"),
    pytest.param("fr", True, marks=pytest.mark.browser_context(mobile=True, locale="fr-CA"), id="fr-390"),
]


def days(n: int) -> str:
    return (date.today() + timedelta(days=n)).isoformat()


async def _money_in_every_state(partner: Partner) -> dict[str, Any]:
    await partner.set_portal_settings(
        enabled_methods=["card", "us_bank_account"], partial_payments=True, card_fee_pass_through=True
    )
    customer = await partner.create_customer("Harbour Dental Group")
    overdue = await partner.create_invoice(
        customer["id"], 150_000, number="INV-9001", issue_date=days(-45), due_date=days(-15)
    )
    pending = await partner.create_invoice(customer["id"], 125_000, number="INV-9002", due_date=days(10))
    untouched = await partner.create_invoice(customer["id"], 48_000, number="INV-9003", due_date=days(25))
    check = await partner.api.post(
        "/v1/payments",
        json={
            "customer_id": customer["id"],
            "method": "check",
            "reference": "Check #2231",
            "allocations": [{"invoice_id": overdue["id"], "amount": 50_000}],
        },
    )
    assert check.status_code == 201, check.text
    bank = await partner.save_test_method(customer["id"], "settles")
    debit = await charge_saved(partner.api, customer["id"], bank["id"], [(pending["id"], 40_000)])
    assert debit.status_code == 201, debit.text
    declined_card = await partner.save_test_method(customer["id"], "declined")
    declined = await charge_saved(partner.api, customer["id"], declined_card["id"], [(untouched["id"], 48_000)])
    assert declined.status_code == 402, declined.text
    payments = (await partner.api.get("/v1/payments", params={"customer_id": customer["id"]})).json()["data"]
    failed = next(p for p in payments if p["status"] == "failed")
    return {
        "customer": customer,
        "overdue": overdue,
        "pending": pending,
        "untouched": untouched,
        "debit": debit.json(),
        "failed": failed,
    }


async def _look(page: Page, name: str, folder: str, mobile: bool) -> None:
    await expect(page.get_by_role("heading", level=1).first).to_be_visible()
    await page.wait_for_load_state("networkidle")
    await assert_accessible(page)
    if mobile:
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{name} scrolls sideways on a phone ({width}px)"
    await screenshot(page, f"issue13/tour/{folder}/{name}")


@pytest.mark.parametrize(("language", "mobile"), COMBOS)
async def test_every_screen_in_both_languages_at_both_widths(
    spa: object, page: Page, partner: Partner, inbox: Inbox, new_page: Any, language: str, mobile: bool
) -> None:
    folder = f"{language}-{390 if mobile else 1280}"
    money = await _money_in_every_state(partner)
    email = money["customer"]["email"]

    await sign_in(page, partner, inbox, email, "/invoices")
    assert await page.evaluate("document.documentElement.lang") == language
    await _look(page, "01-invoices", folder, mobile)
    await page.goto(partner.portal_url(f"/invoices/{money['overdue']['id']}"))
    await _look(page, "02-invoice-overdue-partly-paid", folder, mobile)
    # The partner's check is named in the reader's language, as on the PDF
    await expect(page.locator("[data-payment-id]").first).to_contain_text("Chèque" if language == "fr" else "Check")
    await page.goto(partner.portal_url(f"/invoices/{money['pending']['id']}"))
    await _look(page, "03-invoice-debit-pending", folder, mobile)
    await page.goto(partner.portal_url(f"/pay?invoices={money['untouched']['id']}"))
    await _look(page, "04-pay", folder, mobile)
    await page.goto(partner.portal_url("/payments"))
    await _look(page, "05-payments", folder, mobile)
    await page.goto(partner.portal_url(f"/payments/{money['debit']['id']}"))
    await _look(page, "06-payment-pending-debit", folder, mobile)
    await page.goto(partner.portal_url(f"/payments/{money['failed']['id']}"))
    await _look(page, "07-payment-declined", folder, mobile)
    for n, path in enumerate(("/scheduled", "/methods", "/notifications", "/security", "/no-such-page"), start=8):
        await page.goto(partner.portal_url(path))
        await _look(page, f"{n:02d}-{path.strip('/')}", folder, mobile)

    link = await partner.pay_link(money["untouched"]["id"])
    guest = await new_page(mobile=mobile, locale="fr-CA" if language == "fr" else "en-US")
    await guest.goto(link["url"])
    await _look(guest, "13-guest-invoice", folder, mobile)
