"""The portal on a phone (390 px), in English and French: the invoice list as compact two-line rows with their
checkboxes, a menu button that opens the whole navigation (no tab cut off), the header on one row, the invoice
detail saying "Total" once, and nothing wider than the screen."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.e2e.browser import assert_accessible, screenshot
from tests.e2e.mail import Inbox
from tests.e2e.portal import sign_in
from tests.e2e.seed import Partner
from tests.e2e.test_invoices import days, row
from tests.e2e.test_owe_summary import NewPage, no_sideways_scroll

WORDS = {
    "en": {
        "menu": "Menu",
        "payments": "Payments",
        "security": "Security",
        "total": "Total",
        "overdue": "Overdue",
        "all": "Select every invoice listed",
    },
    "fr": {
        "menu": "Menu",
        "payments": "Paiements",
        "security": "Sécurité",
        "total": "Total",
        "overdue": "En retard",
        "all": "Sélectionner toutes les factures de la liste",
    },
}


async def one_row(page: Page, *selectors: str) -> None:
    """The elements' vertical middles are within a few pixels of each other: they sit on one row."""
    middles = []
    for selector in selectors:
        box = await page.locator(selector).first.bounding_box()
        assert box is not None, selector
        middles.append(box["y"] + box["height"] / 2)
    assert max(middles) - min(middles) < 12, dict(zip(selectors, middles, strict=True))


@pytest.mark.parametrize(("language", "locale"), [("en", "en-US"), ("fr", "fr-FR")])
async def test_the_phone_lists_compactly_and_opens_a_menu(
    spa: object, page: Page, partner: Partner, inbox: Inbox, new_page: NewPage, language: str, locale: str
) -> None:
    words = WORDS[language]
    customer = await partner.create_customer("Dunmore Dental Clinic")
    late = await partner.create_invoice(
        customer["id"],
        0,
        issue_date=days(-40),
        due_date=days(-10),
        lines=[{"description": "Managed backup", "quantity": 1, "unit_amount": 123_456}],
    )
    for n in range(3):
        await partner.create_invoice(customer["id"], 10_000 * (n + 1), issue_date=days(-2), due_date=days(10 + n))

    phone = await new_page(mobile=True, locale=locale)
    await sign_in(phone, partner, inbox, customer["email"])
    first = row(phone, late["number"])
    await expect(first).to_be_visible()
    await expect(first).to_contain_text("Managed backup")
    await expect(first.locator(".chip")).to_have_text([words["overdue"]])
    await expect(first.get_by_role("checkbox")).to_be_visible()
    await expect(first.locator(".col-issued")).to_be_hidden()
    await expect(first.locator(".col-total")).to_be_hidden()
    heights = [(await r.bounding_box() or {"height": 999})["height"] for r in await phone.locator("tbody tr").all()]
    assert len(heights) == 4 and max(heights) < 80, f"two short lines per invoice, not a card: {heights}"
    await no_sideways_scroll(phone)
    everything = phone.get_by_label(words["all"])
    await expect(everything).to_be_visible()  # the list's one heading on a phone
    await everything.check()
    await expect(phone.get_by_test_id("selection-bar")).to_be_visible()
    await no_sideways_scroll(phone)
    await screenshot(phone, f"issue13/phone-list-selected-{language}-390")
    await everything.uncheck()

    # The header is one row: the partner's name and the menu button; the tabs wait behind the button.
    await one_row(phone, ".partner-mark", ".menu-button")
    menu = phone.get_by_role("button", name=words["menu"])
    await expect(menu).to_have_attribute("aria-expanded", "false")
    await expect(phone.get_by_role("navigation")).to_be_hidden()
    await screenshot(phone, f"issue13/phone-list-{language}-390")
    await assert_accessible(phone)

    await menu.click()
    await expect(menu).to_have_attribute("aria-expanded", "true")
    nav = phone.get_by_role("navigation")
    for link in await nav.get_by_role("link").all():
        box = await link.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, await link.text_content()
    await expect(nav.get_by_role("link", name=words["security"])).to_be_in_viewport()
    await no_sideways_scroll(phone)
    await screenshot(phone, f"issue13/phone-menu-{language}-390")
    await assert_accessible(phone)

    await nav.get_by_role("link", name=words["security"]).focus()
    await phone.keyboard.press("Escape")  # closes the menu, back on its button
    await expect(menu).to_have_attribute("aria-expanded", "false")
    await expect(menu).to_be_focused()
    await menu.click()
    await nav.get_by_role("link", name=words["payments"]).click()
    await expect(phone.get_by_role("heading", level=1, name=words["payments"])).to_be_visible()
    await expect(menu).to_have_attribute("aria-expanded", "false")

    await phone.goto(partner.portal_url(f"/invoices/{late['id']}"))
    await expect(phone.get_by_role("heading", level=1)).to_contain_text(late["number"])
    await expect(phone.get_by_text(words["total"], exact=True)).to_have_count(1)
    await no_sideways_scroll(phone)


@pytest.mark.browser_context(locale="fr-FR")
async def test_the_french_header_is_one_row_on_a_laptop(
    spa: object, page: Page, partner: Partner, inbox: Inbox
) -> None:
    customer = await partner.create_customer("Clinique Dunmore")
    await sign_in(page, partner, inbox, customer["email"])
    await expect(page.get_by_role("heading", level=1, name="Factures")).to_be_visible()
    await one_row(page, ".partner-mark", ".header-tools")
    await expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    for link in await page.get_by_role("navigation").get_by_role("link").all():
        await expect(link).to_be_in_viewport()
