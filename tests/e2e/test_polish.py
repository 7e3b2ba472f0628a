"""Polish: a first paint in the partner's name and colour (before any script runs, and no spinner while the app
starts), the sign-in email field focused, a 404 whose way back is a link, page titles of one pattern on every
route ("Invoices · Northwind IT" / "Factures · Northwind IT"), and the partner's support line in the footer."""

from __future__ import annotations

import asyncio
import re

from playwright.async_api import Page, Route, expect
from playwright.async_api import TimeoutError as PlaywrightTimeout

from tests.e2e.browser import assert_accessible, screenshot
from tests.e2e.mail import Inbox
from tests.e2e.portal import sign_in
from tests.e2e.seed import Partner
from tests.e2e.test_invoices import days
from tests.e2e.test_owe_summary import NewPage, charge

BRAND = "#0B5FFF"


async def test_the_first_paint_is_the_partners(spa: object, partner: Partner, new_page: NewPage) -> None:
    await partner.set_portal_settings(primary_color=BRAND)

    # Before any script: the page itself carries the partner's name and colour.
    bare = await new_page(java_script_enabled=False)
    await bare.goto(partner.portal_url("/sign-in"))
    band = bare.locator(".first-paint-band")
    await expect(band).to_have_text(partner.name)
    assert await band.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(11, 95, 255)"
    assert await bare.title() == partner.name
    await screenshot(bare, "issue13/first-paint-no-script")

    # While the app starts and asks who is signed in: the same band, never a spinner.
    page = await new_page()
    release = asyncio.Event()

    async def slow_me(route: Route) -> None:
        await release.wait()
        await route.continue_()

    await page.route("**/portal/v1/me", slow_me)
    await page.goto(partner.portal_url("/invoices"), wait_until="domcontentloaded")
    await expect(page.locator(".first-paint-band")).to_have_text(partner.name)
    await page.wait_for_timeout(300)  # the app has started by now, still waiting for the session
    await expect(page.locator(".first-paint-band")).to_have_text(partner.name)
    await expect(page.locator(".spinner")).to_have_count(0)
    await screenshot(page, "issue13/first-paint-app-waiting")
    release.set()
    await expect(page.get_by_role("heading", level=1)).to_be_visible()  # signed out: the sign-in page
    await expect(page.locator(".first-paint")).to_have_count(0)


async def test_sign_in_focuses_the_email_field(spa: object, partner: Partner, new_page: NewPage) -> None:
    for locale, label in (("en-US", "Email address"), ("fr-FR", "Adresse courriel")):
        page = await new_page(locale=locale)
        await page.goto(partner.portal_url("/sign-in"))
        field = page.get_by_label(label, exact=True)
        await expect(field).to_be_focused()
        await page.keyboard.type("ap@example.com")
        await expect(field).to_have_value("ap@example.com")


async def test_the_404_page_links_back_to_the_invoices(spa: object, page: Page, partner: Partner, inbox: Inbox) -> None:
    customer = await partner.create_customer("Acme Dental")
    await sign_in(page, partner, inbox, customer["email"], "/no-such-page")
    await expect(page.get_by_role("heading", level=1, name="Page not found")).to_be_visible()
    back = page.get_by_role("link", name="Go to invoices")
    assert await back.get_attribute("href") == f"/pay/{partner.slug}/invoices"
    await expect(page.get_by_role("button", name=re.compile("back|invoices", re.I))).to_have_count(0)
    await assert_accessible(page)
    await back.click()
    await expect(page.get_by_role("heading", level=1, name="Invoices")).to_be_visible()


async def test_every_route_titles_itself_the_same_way(
    spa: object, page: Page, partner: Partner, inbox: Inbox, new_page: NewPage
) -> None:
    customer = await partner.create_customer("Acme Dental")
    invoice = await partner.create_invoice(customer["id"], 10_000, issue_date=days(-3), due_date=days(20))
    card = await partner.save_test_method(customer["id"], "visa")
    paid = await charge(partner, customer["id"], card["id"], invoice["id"], 4_000)
    assert paid.status_code == 201, paid.text
    routes = [
        "/invoices",
        f"/invoices/{invoice['id']}",
        "/payments",
        f"/payments/{paid.json()['id']}",
        "/scheduled",
        "/methods",
        "/team",
        "/notifications",
        "/security",
        f"/pay?invoices={invoice['id']}",
        "/no-such-page",
    ]
    for locale in ("en-US", "fr-FR"):
        view = await new_page(locale=locale)
        await view.goto(partner.portal_url("/sign-in"))
        await expect(view.get_by_role("heading", level=1)).to_be_visible()
        await expect(view).to_have_title(re.compile(rf"^(Sign in|Connexion) · {re.escape(partner.name)}$"))
        await sign_in(view, partner, inbox, customer["email"], routes[0])
        for path in routes:
            if path != routes[0]:
                await view.goto(partner.portal_url(path))
            await expect(view.get_by_role("heading", level=1)).to_be_visible()
            try:
                await view.wait_for_function(
                    "name => document.title === `${document.querySelector('h1').innerText} · ${name}`",
                    arg=partner.name,
                    timeout=5_000,
                )
            except PlaywrightTimeout:
                raise AssertionError(
                    f"{path}: title {await view.title()!r} is not '<heading> · {partner.name}'"
                ) from None
        # ... and the same after moving within the app, without a page load.
        await view.get_by_role("navigation").get_by_role("link").first.click()
        await expect(view).to_have_title(re.compile(rf"^(Invoices|Factures) · {re.escape(partner.name)}$"))


async def test_the_footer_says_how_to_reach_the_partner(
    spa: object, page: Page, partner: Partner, inbox: Inbox, new_page: NewPage
) -> None:
    customer = await partner.create_customer("Acme Dental")
    await partner.set_portal_settings(support_email=partner.email("billing"), support_phone="+1 416 555 0199")
    await sign_in(page, partner, inbox, customer["email"])
    line = page.get_by_test_id("support-line")
    await expect(line).to_have_text(
        f"Questions? Contact {partner.name} at {partner.email('billing')} · +1 416 555 0199"
    )
    assert await line.get_by_role("link", name=partner.email("billing")).get_attribute("href") == (
        f"mailto:{partner.email('billing')}"
    )
    assert await line.get_by_role("link", name="+1 416 555 0199").get_attribute("href") == "tel:+14165550199"
    await assert_accessible(page, include=["footer"])

    french = await new_page(locale="fr-FR")
    await sign_in(french, partner, inbox, customer["email"])
    await expect(french.get_by_test_id("support-line")).to_contain_text(f"Des questions ? Contactez {partner.name} :")

    # Whatever the branding gives, the footer never says "contact" with nothing after it.
    async def no_contact(route: Route) -> None:
        response = await route.fetch()
        body = await response.json()
        body.update(support_email=None, support_phone=" ", support_url=None)
        await route.fulfill(response=response, json=body)

    bare = await new_page()
    await bare.route(f"**/portal/v1/partners/{partner.slug}", no_contact)
    await bare.goto(partner.portal_url("/sign-in"))
    await expect(bare.get_by_role("heading", level=1)).to_be_visible()
    await expect(bare.get_by_test_id("support-line")).to_have_count(0)
    await expect(bare.locator("footer")).not_to_contain_text("Contact")
