"""A written-off invoice in the portal: it says "Written off" / "Radiée", offers no payment, and leaves what is owed;
a partly written-off invoice stays payable for the rest."""

from __future__ import annotations

import uuid
from typing import Any

from playwright.async_api import Page, expect

from tests.e2e.browser import assert_accessible, screenshot
from tests.e2e.mail import Inbox
from tests.e2e.portal import sign_in
from tests.e2e.seed import Partner
from tests.e2e.test_invoices import days, row
from tests.e2e.test_owe_summary import NewPage, each_view


async def write_off(partner: Partner, invoice_id: str, **body: Any) -> dict[str, Any]:
    r = await partner.api.post(
        f"/v1/invoices/{invoice_id}/write-off",
        json={"reason": "Customer closed", **body},
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert r.status_code == 200, r.text
    return dict(r.json())


async def test_a_written_off_invoice_reads_written_off_and_cannot_be_paid(
    spa: object, page: Page, partner: Partner, inbox: Inbox, new_page: NewPage
) -> None:
    customer = await partner.create_customer("Acme Dental")
    gone = await partner.create_invoice(customer["id"], 40_000, issue_date=days(-90), due_date=days(-60))
    part = await partner.create_invoice(customer["id"], 30_000, issue_date=days(-5), due_date=days(25))
    assert (await write_off(partner, gone["id"]))["status"] == "written_off"
    assert (await write_off(partner, part["id"], amount=10_000))["amount_due"] == 20_000

    await sign_in(page, partner, inbox, customer["email"])
    await expect(row(page, part["number"]).locator(".chip")).to_have_text(["Due"])
    await expect(row(page, gone["number"])).to_have_count(0)  # nothing to pay on it: not outstanding
    await expect(page.get_by_test_id("owed-total")).to_have_text("$200.00")
    await page.get_by_label("Show").select_option("all")
    gone_row = row(page, gone["number"])
    await expect(gone_row.locator(".chip")).to_have_text(["Written off"])
    await expect(page.get_by_label(f"Select invoice {gone['number']}")).to_have_count(0)
    await screenshot(page, "issue14/invoices-written-off-list")
    await assert_accessible(page)

    async def written_off(view: Page, language: str) -> None:
        await expect(view.locator(".chips .chip")).to_have_text(["Written off" if language == "en" else "Radiée"])
        pay = "Pay this invoice" if language == "en" else "Payer cette facture"
        await expect(view.get_by_role("button", name=pay)).to_have_count(0)

    await each_view(new_page, partner, inbox, customer["email"], f"/invoices/{gone['id']}", "written-off", written_off)
