"""The dashboard's access requests queue in a real browser: a person who asked for portal access is approved into an
existing customer found by searching, and another request is dismissed after a confirmation; a disputed card payment
shows on the disputes screen with its deadline, and the evidence is sent from there."""

from __future__ import annotations

import re
import uuid

from playwright.async_api import Page, expect

from adapters.bootstrap import Container
from domain.portal.access_requests import AccessRequest
from tests.e2e.browser import assert_accessible, screenshot
from tests.e2e.dashboard import require_dashboard, sign_in_with_password
from tests.e2e.seed import Partner, add_dashboard_person


async def _file_request(container: Container, partner: Partner, email: str, company: str) -> None:
    """A request as the portal files it (domain/portal/access.py), without the portal's emailed-code steps."""
    async with container.uow() as uow:
        uow.scope_to(partner.partner_id)
        await uow.access_requests.add(
            AccessRequest(
                partner_id=partner.partner_id,
                email=email,
                company_name=company,
                contact_name="Robin Requester",
                phone="+1 555 0100",
                address="1 Harbour Street",
                created_at=container.clock.now(),
            )
        )
        await uow.commit()


async def test_approve_into_an_existing_customer_and_dismiss_another(
    page: Page, partner: Partner, remit_container: Container
) -> None:
    require_dashboard()
    customer = await partner.create_customer("Orchard Supplies", email=partner.email("orchard"))
    await partner.create_customer("Pinecone Labs", email=partner.email("pine"))
    await _file_request(remit_container, partner, partner.email("robin"), "Orchard Supplies Ltd")
    await _file_request(remit_container, partner, partner.email("spam"), "Nobody Inc")
    await add_dashboard_person(remit_container, partner, partner.email("owner"), name="Dana Owner")

    # A card that the sandbox disputes a day after the charge.
    invoice = await partner.create_invoice(customer["id"], 10_000)
    card = await partner.save_test_method(customer["id"], "disputed")
    paid = await partner.api.post(
        "/v1/payments",
        json={
            "customer_id": customer["id"],
            "payment_method_id": card["id"],
            "allocations": [{"invoice_id": invoice["id"], "amount": 10_000}],
        },
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert paid.status_code == 201, paid.text
    await partner.advance_clock(1)

    await sign_in_with_password(page, partner.email("owner"), path="/dashboard/disputes")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Disputes")
    dispute = page.get_by_role("article")
    await expect(dispute).to_have_count(1)
    await expect(dispute).to_contain_text("Needs a response")
    await expect(dispute).to_contain_text(re.compile(r"\d+ d \d+ h left"))
    await assert_accessible(page)
    await screenshot(page, "dashboard/50-disputes")
    await dispute.get_by_label("Evidence").fill("Signed statement of work and delivery receipt.")
    await dispute.get_by_role("button", name="Send the evidence").click()
    await expect(page.get_by_text("Evidence sent; the network now reviews the dispute.")).to_be_visible()
    await page.get_by_role("button", name="All").click()
    await expect(page.get_by_role("article")).to_contain_text("Under review")

    await page.get_by_role("link", name="Requesting access").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Requesting access")
    robin = page.get_by_role("article").filter(has_text="Orchard Supplies Ltd")
    await robin.get_by_label("An existing customer").check()
    await robin.get_by_label("Find a customer").fill("orch")
    picker = robin.get_by_role("combobox", name="Customer")
    await expect(picker.locator("option")).to_have_count(2)
    await picker.select_option(customer["id"])
    await assert_accessible(page)
    await screenshot(page, "dashboard/51-access-requests")
    await robin.get_by_role("button", name="Approve").click()
    await expect(page.get_by_text(f"{partner.email('robin')} has access now")).to_be_visible()
    await expect(page.get_by_role("article")).to_have_count(1)

    await page.get_by_role("button", name="Dismiss…").click()
    dialog = page.get_by_role("dialog", name=f"Dismiss the request from {partner.email('spam')}?")
    await dialog.get_by_role("button", name="Dismiss").click()
    await expect(page.get_by_text("Nobody is waiting for access.")).to_be_visible()

    approved = await partner.access_requests(status="approved")
    assert [(r["email"], r["customer_id"]) for r in approved] == [(partner.email("robin"), customer["id"])]
