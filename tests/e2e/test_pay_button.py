"""The Pay button on a partner's own site (another origin, a strict CSP, hostile CSS): branded, keyboard reachable,
opening the pay link in a new tab or in an overlay that keeps focus and gives it back."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import Frame, Page, expect

from tests.e2e.browser import SPA_INDEX, assert_accessible, screenshot
from tests.e2e.seed import Partner
from tests.e2e.server import RemitServer
from tests.e2e.sites import OtherSite

HOST = "[data-remit-pay-button]"
BRAND = "#0b5fff"

# What a partner's site might do to every link and button; none of it may reach the Pay button.
HOSTILE_CSS = """body { font: 40px/2 serif; color: #c00; }
a, button, span { background: #ff0 !important; color: #000080 !important; font-size: 40px !important;
  border: 5px dashed #0f0 !important; }"""


async def _pay_link(partner: Partner) -> dict[str, Any]:
    await partner.set_portal_settings(primary_color=BRAND, guest_checkout=True)
    customer = await partner.create_customer()
    invoice = await partner.create_invoice(customer["id"], 25_000, number="INV-7")
    return await partner.pay_link(invoice["id"])


def _shop(site: OtherSite, server: RemitServer, **attrs: str) -> str:
    """A shop page on the other origin embedding the button, under a CSP as strict as a careful partner's."""
    css = site.serve(HOSTILE_CSS, content_type="text/css")
    data = " ".join(f'data-{k}="{v}"' for k, v in attrs.items())
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Acme shop - your invoice</title>
<link rel="stylesheet" href="{css}"></head>
<body><main><h1>Invoice INV-7</h1><p><a href="#before">Before</a></p>
<p><script src="{server.url}/pay-button.js" {data}></script></p>
<p><a href="#after">After</a></p></main></body></html>"""
    remit = server.url
    csp = (
        f"default-src 'self'; script-src {remit}; connect-src {remit}; frame-src {remit}; style-src 'self'; "
        "img-src 'self'"
    )
    return site.serve(page, headers={"Content-Security-Policy": csp})


async def _styles(page: Page, selector: str) -> dict[str, str]:
    found: dict[str, str] = await page.evaluate(
        """(selector) => {
            const el = document.querySelector('[data-remit-pay-button]').shadowRoot.querySelector(selector);
            const s = getComputedStyle(el);
            return {background: s.backgroundColor, color: s.color, fontSize: s.fontSize, outline: s.outlineStyle,
                    outlineWidth: s.outlineWidth, border: s.borderStyle};
        }""",
        selector,
    )
    return found


async def _focused_in_button(page: Page) -> str:
    """What has focus inside the button's shadow root, once focus has settled (moving into or out of the portal's
    frame, another process, the page's focus is briefly on <body>); '' when focus is elsewhere on the page."""
    await page.wait_for_function("() => document.activeElement !== document.body", timeout=3000)
    found: str = await page.evaluate(
        """() => {
            const host = document.querySelector('[data-remit-pay-button]');
            if (document.activeElement !== host) return '';
            const el = host.shadowRoot.activeElement;
            return el ? el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') : '';
        }"""
    )
    return found


CLOSED = """() => {
    const root = document.querySelector('[data-remit-pay-button]').shadowRoot;
    return !root.querySelector('dialog') && document.documentElement.style.overflow === '';
}"""


async def test_a_new_tab_from_a_branded_button_on_another_site(
    page: Page, partner: Partner, remit_server: RemitServer, other_site: OtherSite
) -> None:
    link = await _pay_link(partner)
    shop = _shop(other_site, remit_server, partner=partner.slug, invoice=link["token"], label="Pay INV-7")
    await page.goto(shop)
    await expect(page.locator(HOST)).to_have_attribute("data-state", "branded")
    button = page.get_by_role("link", name="Pay INV-7", exact=True)
    await expect(button).to_have_attribute("href", link["url"])
    await expect(button).to_have_attribute("target", "_blank")
    await expect(button).to_have_attribute("rel", "noopener")
    styles = await _styles(page, "a")
    assert styles["background"] == "rgb(11, 95, 255)" and styles["color"] == "rgb(255, 255, 255)", styles
    assert styles["fontSize"] == "16px" and styles["border"] == "solid", styles  # the shop's CSS did not leak in

    await page.get_by_role("link", name="Before").focus()
    await page.keyboard.press("Tab")
    await expect(button).to_be_focused()
    focused = await _styles(page, "a")
    assert focused["outline"] == "solid" and focused["outlineWidth"] == "3px", focused  # a visible focus ring
    await screenshot(page, "pay-button/tab-light-focused")
    await assert_accessible(page)

    async with page.context.expect_page() as opened:
        await page.keyboard.press("Enter")
    tab = await opened.value
    await tab.wait_for_load_state()
    assert tab.url == link["url"]
    assert await tab.evaluate("window.opener") is None
    if SPA_INDEX.exists():
        await expect(tab.locator("#root")).not_to_be_empty()
    await tab.close()


async def test_an_overlay_traps_focus_and_escape_gives_it_back(
    page: Page, partner: Partner, remit_server: RemitServer, other_site: OtherSite
) -> None:
    link = await _pay_link(partner)
    shop = _shop(
        other_site,
        remit_server,
        partner=partner.slug,
        invoice=link["token"],
        label="Pay INV-7",
        theme="dark",
        mode="overlay",
    )
    await page.goto(shop)
    await expect(page.locator(HOST)).to_have_attribute("data-state", "branded")
    button = page.get_by_role("button", name="Pay INV-7", exact=True)
    await expect(button).to_have_attribute("aria-haspopup", "dialog")
    await page.get_by_role("link", name="Before").focus()
    await page.keyboard.press("Tab")
    await expect(button).to_be_focused()
    await page.keyboard.press("Enter")

    dialog = page.get_by_role("dialog", name=f"Pay INV-7 \u2013 {partner.name}")
    await expect(dialog).to_be_visible()
    await expect(dialog).to_have_attribute("aria-modal", "true")
    frame_element = dialog.locator("iframe")
    await expect(frame_element).to_have_attribute("src", link["url"] + "?embed=1")
    close = dialog.get_by_role("button", name="Close")
    await expect(close).to_be_focused()
    portal_built = SPA_INDEX.exists()  # without it the server answers a page that may not be framed
    if portal_built:  # pay-link pages may be framed by any site: the portal loads inside
        frame = await _frame(page, link["url"] + "?embed=1")
        await expect(frame.locator("#root")).not_to_be_empty()
    await screenshot(page, "pay-button/overlay-dark")
    await assert_accessible(page, iframes=False)

    # Tab through the dialog (into the portal and out of it): focus wraps to Close, never reaching the shop.
    for _ in range(80):
        await page.keyboard.press("Tab")
        focused = await _focused_in_button(page)
        assert focused in ("button.x", "iframe"), "focus left the dialog"
        if focused == "button.x":
            break
    else:
        raise AssertionError("focus never wrapped back to the Close button")
    await page.keyboard.press("Shift+Tab")
    assert await _focused_in_button(page) == "iframe"

    # Escape (pressed in the dialog; inside the portal's frame the portal posts `remit:close`, tried below).
    await close.focus()
    await page.keyboard.press("Escape")
    await expect(dialog).to_have_count(0)
    await page.wait_for_function(CLOSED)  # removed, and the page scrolls again
    await expect(button).to_be_focused()

    # Reopened, the Close button and the portal's own request to close (Escape inside it) work too.
    await button.click()
    await expect(dialog).to_be_visible()
    await close.click()
    await page.wait_for_function(CLOSED)
    await expect(button).to_be_focused()
    if portal_built:
        await button.click()
        frame = await _frame(page, link["url"] + "?embed=1")
        await frame.evaluate("() => parent.postMessage({type: 'remit:close'}, '*')")
        await page.wait_for_function(CLOSED)
        await expect(button).to_be_focused()
    # A message from any other window is ignored.
    await button.click()
    await page.evaluate("() => postMessage({type: 'remit:close'}, '*')")
    await page.wait_for_timeout(200)
    await expect(dialog).to_be_visible()


async def _frame(page: Page, url: str) -> Frame:
    frame = await (await page.locator(HOST).locator("iframe").element_handle()).content_frame()
    assert frame is not None
    await frame.wait_for_load_state()
    assert frame.url == url, f"the overlay's frame shows {frame.url}, not {url} (blocked from framing?)"
    return frame


@pytest.mark.browser_context(mobile=True)
async def test_without_branding_a_plain_button_still_works(
    page: Page, remit_server: RemitServer, other_site: OtherSite
) -> None:
    shop = _shop(other_site, remit_server, partner="no-such-partner", invoice="tok123", mode="overlay")
    await page.goto(shop)
    await expect(page.locator(HOST)).to_have_attribute("data-state", "neutral")
    button = page.get_by_role("button", name="Pay invoice", exact=True)
    styles = await _styles(page, "button")
    assert styles["background"] == "rgb(31, 41, 55)" and styles["color"] == "rgb(255, 255, 255)", styles
    await button.tap()
    dialog = page.get_by_role("dialog", name="Pay invoice")
    await expect(dialog.locator("iframe")).to_have_attribute(
        "src", f"{remit_server.url}/pay/no-such-partner/invoice/tok123?embed=1"
    )
    box = await dialog.bounding_box()
    assert box is not None and box["width"] == 390  # the whole screen on a phone
    await screenshot(page, "pay-button/overlay-mobile-neutral")


async def test_the_demo_page(page: Page, partner: Partner) -> None:
    link = await _pay_link(partner)
    await page.goto(f"/pay-button/demo?partner={partner.slug}&invoice={link['token']}&label=Pay+now&theme=dark")
    await expect(page.locator(HOST)).to_have_count(2)
    for host in await page.locator(HOST).all():
        await expect(host).to_have_attribute("data-state", "branded")
    await expect(page.get_by_role("link", name="Pay now")).to_have_attribute("href", link["url"])
    await assert_accessible(page)
    await screenshot(page, "pay-button/demo")
    await page.get_by_role("button", name="Pay now").click()
    await expect(page.get_by_role("dialog", name=f"Pay now \u2013 {partner.name}")).to_be_visible()
    await assert_accessible(page, iframes=False)
