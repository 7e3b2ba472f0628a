"""The dashboard's invoices in a real browser: an admin creates a draft with two lines (the total adds up live, in
integers), finalizes it, records a check for part of it and reads the ledger's timeline; a read_only member sees
the same invoice with every change disabled and the reason."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from adapters.bootstrap import Container
from tests.e2e.browser import assert_accessible, screenshot
from tests.e2e.dashboard import dashboard_fetch, require_dashboard, sign_in_with_password
from tests.e2e.seed import Partner, add_dashboard_person

READ_ONLY_REASON = "Your role (Read-only) cannot do this. Ask an admin of this team."


async def test_create_finalize_record_a_check_and_see_the_timeline(
    page: Page, partner: Partner, remit_container: Container
) -> None:
    require_dashboard()
    customer = await partner.create_customer("Zephyr Dental", email=partner.email("zephyr"))
    await partner.create_customer("Acme Hardware", email=partner.email("acme"))
    await add_dashboard_person(remit_container, partner, partner.email("owner"), name="Dana Owner")
    await sign_in_with_password(page, partner.email("owner"), path="/dashboard/invoices")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Invoices")
    await expect(page.get_by_text("No invoices yet.")).to_be_visible()
    await assert_accessible(page)
    await screenshot(page, "dashboard/30-invoices-empty")

    # The customer search asks the API as the typing pauses, and keeps the text in the address.
    await page.get_by_role("link", name="Customers").click()
    await page.get_by_role("searchbox", name="Search customers").fill("zeph")
    await expect(page).to_have_url(re.compile(r"/dashboard/customers\?q=zeph$"))
    await expect(page.get_by_role("row")).to_have_count(2)
    await expect(page.get_by_role("row").nth(1)).to_contain_text("Zephyr Dental")
    await page.get_by_role("link", name="Invoices").click()

    await page.get_by_role("link", name="New invoice").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("New invoice")
    await page.get_by_label("Find a customer").fill("zeph")
    picker = page.get_by_role("combobox", name="Customer")
    await expect(picker.locator("option")).to_have_count(2)  # the prompt and the one match
    await picker.select_option(customer["id"])
    await page.get_by_role("group", name="Line 1").get_by_label("Description").fill("Cleaning")
    await page.get_by_role("group", name="Line 1").get_by_label("Quantity").fill("2")
    await page.get_by_role("group", name="Line 1").get_by_label("Unit price").fill("150.25")
    await page.get_by_role("button", name="Add a line").click()
    await page.get_by_role("group", name="Line 2").get_by_label("Description").fill("X-ray")
    await page.get_by_role("group", name="Line 2").get_by_label("Unit price").fill("99.50")
    await expect(page.get_by_test_id("live-total")).to_have_text("Total: $400.00")
    await assert_accessible(page)
    await screenshot(page, "dashboard/31-invoice-new")
    await page.get_by_role("button", name="Save the draft").click()

    await expect(page.get_by_role("heading", level=1)).to_contain_text("Invoice ")
    await expect(page.get_by_text("Draft", exact=True)).to_be_visible()
    await expect(page.get_by_test_id("invoice-total")).to_have_text("$400.00")
    await page.get_by_role("button", name="Finalize").click()
    await expect(page.get_by_text("The invoice is finalized and open for payment.")).to_be_visible()
    await expect(page.get_by_role("listitem").filter(has_text="Issued")).to_contain_text("$400.00")

    record = page.get_by_role("region", name="Record a check or other payment")
    await record.get_by_label("Amount received").fill("150")
    await record.get_by_label("Check number or reference").fill("Check 1042")
    await record.get_by_role("button", name="Record the payment").click()
    await expect(page.get_by_text("Payment of $150.00 recorded.")).to_be_visible()
    await expect(page.get_by_test_id("invoice-paid")).to_have_text("$150.00")
    await expect(page.get_by_test_id("invoice-due")).to_have_text("$250.00")
    await expect(page.get_by_text("Partially paid", exact=True)).to_be_visible()
    timeline = page.get_by_role("region", name="Timeline")
    await expect(timeline.get_by_role("listitem")).to_have_count(2)
    await expect(timeline.get_by_role("listitem").nth(1)).to_contain_text("Payment received")
    await expect(timeline.get_by_role("listitem").nth(1)).to_contain_text("$150.00")
    await assert_accessible(page)
    await screenshot(page, "dashboard/32-invoice-detail")

    # With write-offs under approval, writing off the rest is held: the page says so and nothing changes yet.
    status, body = await dashboard_fetch(page, "PATCH", "/v1/settings/approvals", {"write_offs": True})
    assert status == 200, body
    write_off = page.get_by_role("region", name="Write off")
    await write_off.get_by_label("Reason").fill("Clinic closed")
    await write_off.get_by_role("button", name="Write off…").click()
    dialog = page.get_by_role("dialog", name=re.compile(r"^Write off invoice .+\?$"))
    await dialog.get_by_role("button", name="Write off").click()
    await expect(page.get_by_text("This needs an approval from someone else on the team")).to_be_visible()
    await expect(page.get_by_test_id("invoice-due")).to_have_text("$250.00")

    # The list finds it by its status, and the filter stays in the address.
    await page.get_by_role("link", name="Back to invoices").click()
    await page.get_by_label("Status").select_option("partially_paid")
    await page.get_by_role("button", name="Apply").click()
    await expect(page).to_have_url(re.compile(r"/dashboard/invoices\?status=partially_paid$"))
    await expect(page.get_by_role("row")).to_have_count(2)
    await assert_accessible(page)
    await screenshot(page, "dashboard/33-invoices-filtered")

    # A read_only member sees the invoice and its figures, and every change off with the reason.
    viewer = partner.email("viewer")
    await add_dashboard_person(remit_container, partner, viewer, role="read_only", name="Vic Viewer")
    await page.context.clear_cookies()
    await sign_in_with_password(page, viewer, path="/dashboard/invoices?status=partially_paid")
    await page.get_by_role("row").nth(1).get_by_role("link").click()
    record = page.get_by_role("region", name="Record a check or other payment")
    await expect(record.get_by_role("button", name="Record the payment")).to_have_accessible_description(
        READ_ONLY_REASON
    )
    await expect(page.get_by_role("button", name="Write off…")).to_be_disabled()
    await expect(page.get_by_role("button", name="Create a pay link")).to_be_disabled()
