"""White label: whatever primary colour a partner picks, the signed-in pages wear it and every text on it stays
readable (axe's colour-contrast rule, WCAG AA, over the header, navigation and primary buttons)."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.e2e.browser import assert_accessible, screenshot
from tests.e2e.mail import Inbox
from tests.e2e.portal import sign_in
from tests.e2e.seed import Partner


@pytest.mark.parametrize("color", ["#FFE600", "#0A1F44", "#7F7F7F", "#00C2A8", "#E4002B"])
async def test_any_primary_colour_keeps_text_readable(
    page: Page, partner: Partner, inbox: Inbox, spa: object, color: str
) -> None:
    await partner.set_portal_settings(
        primary_color=color, support_email="help@partner.example", help_text="Questions about a bill? Write to us."
    )
    customer = await partner.create_customer("Contrast Dental")
    await partner.create_invoice(customer["id"], 42_000)
    await sign_in(page, partner, inbox, customer["email"], "/invoices")

    header = page.locator(".site-header")
    await expect(header).to_be_visible()
    painted = await header.evaluate("e => getComputedStyle(e).backgroundColor")
    red, green, blue = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    assert painted == f"rgb({red}, {green}, {blue})"
    await expect(page.get_by_text("help@partner.example")).to_be_visible()
    await expect(page.get_by_text("Questions about a bill? Write to us.")).to_be_visible()
    await assert_accessible(page)
    await screenshot(page, f"white-label/invoices-{color.lstrip('#').lower()}")
