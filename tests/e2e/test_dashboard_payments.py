"""The dashboard's payments and approvals in a real browser: a refund of a card payment above the team's approval
threshold is held (the page says so and links the approval, which its requester cannot decide); a second admin
approves it from the inbox and the refund is made."""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable

from playwright.async_api import Page, expect

from adapters.bootstrap import Container
from tests.e2e.browser import assert_accessible, screenshot
from tests.e2e.dashboard import dashboard_fetch, require_dashboard, sign_in_with_password
from tests.e2e.seed import Partner, add_dashboard_person


async def test_a_refund_above_the_threshold_waits_for_a_second_admin(
    page: Page, new_page: Callable[..., Awaitable[Page]], partner: Partner, remit_container: Container
) -> None:
    require_dashboard()
    customer = await partner.create_customer("Harbor Clinic", email=partner.email("harbor"))
    invoice = await partner.create_invoice(customer["id"], 50_000)
    card = await partner.save_test_method(customer["id"])
    paid = await partner.api.post(
        "/v1/payments",
        json={
            "customer_id": customer["id"],
            "payment_method_id": card["id"],
            "allocations": [{"invoice_id": invoice["id"], "amount": 50_000}],
        },
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert paid.status_code == 201, paid.text
    payment = paid.json()
    await add_dashboard_person(remit_container, partner, partner.email("first"), name="Fay First")
    await add_dashboard_person(remit_container, partner, partner.email("second"), name="Sid Second")

    await sign_in_with_password(page, partner.email("first"), path="/dashboard/payments")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Payments")
    # The team's rule (a person's change, not an API key's): refunds above $100.00 need a second person.
    status, body = await dashboard_fetch(
        page, "PATCH", "/v1/settings/approvals", {"refunds_above": {"amount": 10_000, "currency": "USD"}}
    )
    assert status == 200, body
    await assert_accessible(page)
    await screenshot(page, "dashboard/40-payments")
    await page.get_by_role("link", name=payment["transaction_id"]).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(f"Payment {payment['transaction_id']}")
    await expect(page.get_by_text("No refunds.")).to_be_visible()
    await page.get_by_label("Amount to refund").fill("200")
    await page.get_by_role("button", name="Refund…").click()
    dialog = page.get_by_role("dialog", name="Refund $200.00?")
    await expect(dialog).to_be_visible()
    await assert_accessible(page)
    await screenshot(page, "dashboard/41-refund-confirm")
    await dialog.get_by_role("button", name="Refund", exact=True).click()
    await expect(page.get_by_text("This refund needs an approval from someone else on the team")).to_be_visible()
    await expect(page.get_by_text("No refunds.")).to_be_visible()
    await assert_accessible(page)
    await screenshot(page, "dashboard/42-payment-refund-held")

    # The requester sees it in the inbox and may not decide it.
    await page.get_by_role("link", name="See the approval").click()
    await expect(page).to_have_url(re.compile(r"/dashboard/approvals\?show=apr_"))
    held = page.get_by_role("article").filter(has_text="Refund")
    await expect(held.get_by_role("button", name="Approve")).to_have_accessible_description(
        "You asked for this: someone else on the team must decide."
    )
    await assert_accessible(page)
    await screenshot(page, "dashboard/43-approvals-own")

    second = await new_page()
    await sign_in_with_password(second, partner.email("second"), path="/dashboard/approvals")
    await expect(second.get_by_role("heading", level=1)).to_have_text("Approvals")
    request = second.get_by_role("article").filter(has_text="Refund")
    await expect(request).to_contain_text("$200.00")
    await request.get_by_role("button", name="Approve").click()
    await expect(second.get_by_text("Approved: done.")).to_be_visible()
    await expect(second.get_by_text("Nothing is waiting for an approval.")).to_be_visible()
    await assert_accessible(second)
    await screenshot(second, "dashboard/44-approvals-approved")
    await second.get_by_role("button", name="Decided").click()
    await expect(second.get_by_role("article").filter(has_text="Approved")).to_contain_text("$200.00")

    # Back on the payment, the refund is there and the rest (the card fee the customer paid included) is left.
    await page.goto(f"/dashboard/payments/{payment['id']}")
    refunds = page.get_by_role("region", name="Refunds")
    await expect(refunds.get_by_role("row").filter(has_text="$200.00")).to_be_visible()
    left = payment["amount"] - 20_000
    await expect(page.get_by_text(f"Empty: the whole payment (${left // 100:,}.{left % 100:02d}).")).to_be_visible()
