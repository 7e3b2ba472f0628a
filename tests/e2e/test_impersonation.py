"""The partner's read-only view of a customer's portal: the link from `POST /v1/customers/{id}/impersonation` opens
a bannered session in which every change is disabled in the page and refused by the API; the link works once."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from playwright.async_api import Page, expect

from tests.e2e.browser import assert_accessible, screenshot
from tests.e2e.seed import Partner

READ_ONLY = "Read-only while the partner is viewing"


async def view_link(partner: Partner, customer_id: str) -> str:
    r = await partner.api.post(f"/v1/customers/{customer_id}/impersonation", headers={"Idempotency-Key": customer_id})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["expires_in"] == 120
    url: str = body["url"]
    assert url.startswith(partner.portal_url("/impersonate#token="))
    return url


async def test_the_partner_view_is_bannered_and_read_only(
    page: Page, new_page: Callable[..., Awaitable[Page]], partner: Partner, spa: object
) -> None:
    customer = await partner.create_customer("Cobalt Logistics")
    invoice = await partner.create_invoice(customer["id"], 42_000, number="INV-3001")
    url = await view_link(partner, customer["id"])

    await page.goto(url)
    await expect(page).to_have_url(partner.portal_url("/invoices"))
    assert "token" not in page.url
    banner = page.locator(".impersonation-banner")
    await expect(banner).to_have_text(re.compile(rf"^{partner.name} view of .+'s portal\. Everything is read-only\.$"))
    assert "api_key" not in await banner.inner_text()
    await expect(banner).to_have_attribute("role", "status")

    # The invoices are there to see, and nothing can be paid.
    await expect(page.get_by_role("link", name="INV-3001")).to_be_visible()
    await expect(page.get_by_role("button", name="Pay an amount")).to_be_disabled()
    await expect(page.get_by_text(READ_ONLY)).to_be_visible()
    await expect(page.get_by_role("checkbox")).to_have_count(0)
    await assert_accessible(page)
    await screenshot(page, "impersonation/01-invoices")

    await page.get_by_role("link", name="INV-3001").click()
    await expect(page).to_have_url(partner.portal_url(f"/invoices/{invoice['id']}"))
    await expect(page.get_by_role("button", name="Pay this invoice")).to_be_disabled()
    await expect(page.get_by_text(READ_ONLY).first).to_be_visible()
    await expect(banner).to_be_visible()
    await screenshot(page, "impersonation/02-invoice")

    # The security page says why every control is off.
    await page.goto(partner.portal_url("/security"))
    await expect(page.get_by_text("This is the partner\u2019s read-only view")).to_be_visible()
    for name in ("Set a password", "Set up two-step sign-in", "Change email"):
        await expect(page.get_by_role("button", name=name)).to_be_disabled()
    await expect(banner).to_be_visible()
    await assert_accessible(page)
    await screenshot(page, "impersonation/03-security")

    # A change sent anyway (a stale page, a hand-made request) is refused with the read-only answer.
    refused: dict[str, Any] = await page.evaluate(
        """async () => {
            const me = await (await fetch('/portal/v1/me')).json();
            const post = async (path, body) => {
                const r = await fetch(path, {method: 'POST', body: JSON.stringify(body ?? {}),
                    headers: {'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token,
                              'Idempotency-Key': crypto.randomUUID()}});
                return {status: r.status, code: (await r.json()).code};
            };
            return {
                impersonated: me.impersonated,
                mfa: await post('/portal/v1/me/mfa'),
                payment: await post('/portal/v1/payments', {invoice_ids: [location.pathname.split('/')[3]],
                                                            payment_method_id: 'pm_nothing'}),
            };
        }"""
    )
    assert refused["impersonated"] is True
    assert refused["mfa"] == {"status": 403, "code": "impersonation_read_only"}
    assert refused["payment"]["status"] == 403 and refused["payment"]["code"] == "impersonation_read_only"

    # Signing out ends the view.
    await page.get_by_role("button", name="Sign out").click()
    await expect(page.get_by_label("Email address")).to_be_visible()
    await page.goto(partner.portal_url("/invoices"))
    await expect(page).to_have_url(re.compile(r"/sign-in\?next="))

    # The link worked once.
    again = await new_page()
    await again.goto(url)
    await expect(again.get_by_role("heading", level=1)).to_have_text("This view link does not work")
    await expect(again.get_by_text("Open a new one from the dashboard")).to_be_visible()
    await assert_accessible(again)
    await screenshot(again, "impersonation/04-used-link")
