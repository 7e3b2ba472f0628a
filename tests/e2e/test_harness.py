"""The E2E harness itself: the served app, seeding through the API, emails through SMTP, the browser fixtures, the
accessibility check and the card-number scanner."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.async_api import Page

from tests.e2e.browser import artifacts_dir, assert_accessible, screenshot
from tests.e2e.cards import card_numbers
from tests.e2e.mail import Inbox
from tests.e2e.seed import Partner
from tests.e2e.server import RemitServer


async def _portal_browser(server: RemitServer, address: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=server.url, headers={"X-Forwarded-For": address}, timeout=30)


async def test_seeding_pay_link_and_an_emailed_code(partner: Partner, inbox: Inbox, remit_server: RemitServer) -> None:
    settings = await partner.set_portal_settings(
        enabled_methods=["card"], partial_payments=True, guest_checkout=True, primary_color="#0b5fff"
    )
    assert settings["enabled_methods"] == ["card"] and settings["primary_color"].lower() == "#0b5fff"
    customer = await partner.create_customer()
    assert customer["email"] == partner.email()
    draft = await partner.create_invoice(customer["id"], 12_345, draft=True)
    assert draft["status"] == "draft"
    invoice = await partner.finalize_invoice(draft["id"])
    assert invoice["status"] == "open" and invoice["amount_due"] == 12_345
    link = await partner.pay_link(invoice["id"])
    assert link["url"] == f"{remit_server.url}/pay/{partner.slug}/invoice/{link['token']}"
    async with await _portal_browser(remit_server, "198.18.200.1") as b:
        shown = await b.get(f"/portal/v1/pay-links/{link['token']}")
        assert shown.status_code == 200 and shown.json()["amount_due"] == 12_345
        seen = inbox.count(partner.email())
        r = await b.post(f"/portal/v1/partners/{partner.slug}/sign-in/code", json={"email": partner.email()})
        assert r.status_code == 202, r.text
        code = await inbox.code(partner.email(), after=seen)
        r = await b.post(
            f"/portal/v1/partners/{partner.slug}/sign-in/verify", json={"email": partner.email(), "code": code}
        )
        assert r.status_code == 200 and r.json()["status"] == "signed_in", r.text


async def test_access_request_approval_emails_a_sign_in_link(
    partner: Partner, inbox: Inbox, remit_server: RemitServer
) -> None:
    stranger = partner.email("new")
    async with await _portal_browser(remit_server, "198.18.200.2") as b:
        await b.post(f"/portal/v1/partners/{partner.slug}/sign-in/code", json={"email": stranger})
        r = await b.post(
            f"/portal/v1/partners/{partner.slug}/sign-in/verify",
            json={"email": stranger, "code": await inbox.code(stranger)},
        )
        b.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        info = {"company_name": "Buyer Co", "contact_name": "Nina", "phone": "555-0101", "address": "1 Main St"}
        assert (await b.post("/portal/v1/access-requests", json=info)).status_code == 201
        approved = await partner.approve_access_request(email=stranger)
        assert approved["status"] == "approved" and approved["customer_id"]
        link = await inbox.link(stranger, contains="#token=")
        assert link.startswith(f"{remit_server.url}/pay/{partner.slug}")
        r = await b.post("/portal/v1/sign-in/link", json={"token": link.split("#token=")[1]})
        assert r.status_code == 200 and r.json()["status"] == "signed_in", r.text


async def test_sandbox_clock_and_partners_are_separate(partner: Partner, partner_factory: object) -> None:
    assert (await partner.advance_clock(2))["object"] == "sandbox_clock"
    other: Partner = await partner_factory("Other MSP")  # type: ignore[operator]
    assert other.slug != partner.slug
    customer = await partner.create_customer()
    assert (await other.api.get(f"/v1/customers/{customer['id']}")).status_code == 404


async def test_run_jobs_sends_a_receipt_at_once(partner: Partner, inbox: Inbox, run_jobs: Any) -> None:
    customer = await partner.create_customer()
    invoice = await partner.create_invoice(customer["id"], 5_000)
    method = await partner.save_test_method(customer["id"], "visa")
    body = {
        "customer_id": customer["id"],
        "payment_method_id": method["id"],
        "allocations": [{"invoice_id": invoice["id"], "amount": 5_000}],
    }
    paid = await partner.api.post("/v1/payments", json=body)
    assert paid.status_code == 201 and paid.json()["status"] == "succeeded", paid.text
    assert await run_jobs("outbox.notify") >= 1
    receipt = await inbox.latest(partner.email(), match="$50.00", timeout=5)
    assert partner.name in str(receipt["From"])


def test_the_cli_works_on_the_same_database(partner: Partner, remit_server: RemitServer) -> None:
    assert "e2e" in remit_server.cli("api-key", "list", "--partner", partner.slug)


async def test_page_defaults_screenshot_and_accessibility(page: Page, remit_server: RemitServer) -> None:
    assert page.viewport_size == {"width": 1280, "height": 800}
    await page.set_content(
        '<!doctype html><html lang="en"><title>Fine</title><main><h1>Fine</h1><button>Pay</button></main></html>'
    )
    await assert_accessible(page)
    path = await screenshot(page, "harness/fine")
    assert path == artifacts_dir() / "harness" / "fine.png" and path.stat().st_size > 0
    await page.set_content('<html><title>Bad</title><img src="x.png"><button></button></html>')
    with pytest.raises(AssertionError) as failed:
        await assert_accessible(page)
    assert "button-name" in str(failed.value) and "image-alt" in str(failed.value)
    response = await page.goto("/health")  # the context's base URL is the server
    assert response is not None and response.ok


@pytest.mark.browser_context(mobile=True, locale="fr-FR")
async def test_mobile_and_french_pages(page: Page) -> None:
    assert page.viewport_size == {"width": 390, "height": 844}
    assert await page.evaluate("navigator.language") == "fr-FR"


def test_card_number_scanner() -> None:
    assert card_numbers("paid with 4242 4242 4242 4242 12/40 123") == ["4242 4242 4242 4242"]
    assert card_numbers("amex 3782-822463-10005, mc 5555555555554444.") == ["3782-822463-10005", "5555555555554444"]
    assert card_numbers("4242424242424241 due 2026-11-01 2026-12-01, at 1763730855123 ms, tok_4242424242424242x") == []
    assert card_numbers("sha 4242424242424242deadbeef, acct 000123456789, rt 110000000") == []
    # A random UUID whose leading groups are all digits (this one's first 16 are Luhn-valid) is an identifier.
    assert card_numbers("key 55853657-0736-4690-a1b2-c3d4e5f60718 and 9b1f-55853657-0736-4690") == []
    assert card_numbers("card: 4242-4242-4242-4242. Then 4242 4242 4242 4242 paid") == [
        "4242-4242-4242-4242",
        "4242 4242 4242 4242",
    ]
