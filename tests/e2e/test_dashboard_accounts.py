"""The dashboard's other ways in, in a real browser with real emails: a forgotten password reset from the emailed
link, signing in with an emailed code, and opening a second partner account with the same address, after which
the partner switcher moves between the two teams."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from adapters.bootstrap import Container
from tests.e2e.browser import assert_accessible, screenshot
from tests.e2e.dashboard import require_dashboard
from tests.e2e.mail import Inbox
from tests.e2e.seed import Partner, add_dashboard_person


async def test_reset_a_forgotten_password_then_sign_in_with_an_emailed_code(
    page: Page, partner: Partner, remit_container: Container, inbox: Inbox
) -> None:
    require_dashboard()
    email = partner.email("forgetful")
    await add_dashboard_person(remit_container, partner, email, name="Fran Forgetful")

    await page.goto("/dashboard/sign-in")
    await page.get_by_role("link", name="Forgot your password?").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    seen = inbox.count(email)
    await page.get_by_label("Email address").fill(email)
    await page.get_by_role("button", name="Email me a link").click()
    await expect(page.get_by_text(f"If {email} has a Remit account, a link to reset its password")).to_be_visible()
    await assert_accessible(page)
    await screenshot(page, "dashboard/16-forgot-password")

    link = await inbox.link(email, contains="/dashboard/reset-password#token=", after=seen)
    await page.goto(link)
    await expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    await expect(page).to_have_url(re.compile(r"/dashboard/reset-password$"))  # the token left the address bar
    await assert_accessible(page)
    await screenshot(page, "dashboard/17-reset-password")
    await page.get_by_label("New password").fill("a brand new passphrase")
    await page.get_by_role("button", name="Save the password and sign in").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Home")

    # The emailed code, the other way in.
    await page.get_by_role("button", name="Sign out").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to your dashboard")
    await page.get_by_role("button", name="Emailed code").click()
    seen = inbox.count(email)
    await page.get_by_label("Email address").fill(email)
    await page.get_by_role("button", name="Email me a code").click()
    await expect(page.get_by_text(f"We emailed a 6-digit code to {email}.")).to_be_visible()
    await assert_accessible(page)
    await screenshot(page, "dashboard/18-sign-in-code")
    await page.get_by_label("Code", exact=True).fill(await inbox.code(email, after=seen))
    await page.get_by_role("button", name="Verify").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Home")
    await expect(page.get_by_test_id("who-am-i")).to_contain_text("Fran Forgetful")


async def test_open_a_second_account_and_switch_between_teams(
    page: Page, partner: Partner, remit_container: Container, inbox: Inbox
) -> None:
    require_dashboard()
    email = partner.email("founder")
    await add_dashboard_person(remit_container, partner, email, name="Sam Founder")

    await page.goto("/dashboard/sign-in")
    await page.get_by_role("link", name="New to Remit? Open an account").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Open a Remit account")
    await page.get_by_label("Company name").fill("Second Venture")
    await page.get_by_label("Web address of your payment portal").fill(f"{partner.slug}-two")
    await page.get_by_label("Email address").fill(email)
    await page.get_by_label("Password", exact=True).fill("correct horse battery staple")
    await assert_accessible(page)
    await screenshot(page, "dashboard/19-sign-up")
    seen = inbox.count(email)
    await page.get_by_role("button", name="Open the account").click()
    await expect(page.get_by_text(f"We emailed a 6-digit code to {email} to confirm the address.")).to_be_visible()
    await page.get_by_label("Code", exact=True).fill(await inbox.code(email, after=seen))
    await page.get_by_role("button", name="Confirm").click()

    await expect(page.get_by_role("heading", level=1)).to_have_text("Home")
    brand = page.get_by_role("banner").get_by_role("link").first
    await expect(brand).to_have_text("Second Venture")
    await expect(page.get_by_test_id("who-am-i")).to_contain_text("Your role: Admin")
    switcher = page.get_by_label("Switch team")
    await expect(switcher.locator("option")).to_have_text(["Northwind IT", "Second Venture"], use_inner_text=True)
    await assert_accessible(page)
    await screenshot(page, "dashboard/20-partner-switcher")

    await switcher.select_option(label="Northwind IT")
    await page.get_by_role("button", name="Switch", exact=True).click()
    await expect(brand).to_have_text("Northwind IT")
    await expect(page.get_by_label("Switch team")).to_have_value(partner.partner_id)
