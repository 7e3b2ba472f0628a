"""The partner dashboard in a real browser: signing in with a password, the team requiring two-step sign-in, the
set-up from the QR code's key (codes computed here with pyotp) with the recovery codes shown once, the MFA step
at the next sign-in, Home's figures; and the customer list in French at 768 px with its filters in the address."""

from __future__ import annotations

import re

import pyotp
import pytest
from playwright.async_api import Page, expect

from adapters.bootstrap import Container
from tests.e2e.browser import assert_accessible, screenshot
from tests.e2e.dashboard import TABLET, next_step_code, require_dashboard, sign_in_with_password
from tests.e2e.seed import Partner, add_dashboard_person


async def sign_out(page: Page) -> None:
    await page.get_by_role("button", name=re.compile("^(Sign out|Se déconnecter)$")).click()
    await expect(page).to_have_url(re.compile(r"/dashboard/sign-in$"))


async def test_password_then_required_two_step_sign_in(
    page: Page, partner: Partner, remit_container: Container
) -> None:
    require_dashboard()
    email = partner.email("owner")
    await add_dashboard_person(remit_container, partner, email, name="Dana Owner")

    # A deep link, signed out: the sign-in page, then back to where the person was going.
    await page.goto("/dashboard/settings/security")
    await expect(page).to_have_url(re.compile(r"/dashboard/sign-in\?next=%2Fdashboard%2Fsettings%2Fsecurity$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to your dashboard")
    await assert_accessible(page)
    await screenshot(page, "dashboard/01-sign-in")
    await page.get_by_label("Email address").fill(email)
    await page.get_by_label("Password", exact=True).fill("not the password")
    await page.get_by_role("button", name="Sign in", exact=True).click()
    await expect(page.get_by_role("alert")).to_have_text("That email and password do not match.")
    await page.get_by_label("Password", exact=True).fill("correct horse battery staple")
    await page.get_by_role("button", name="Sign in", exact=True).click()

    # Settings → Security: the admin makes two-step sign-in a requirement for the team.
    await expect(page.get_by_role("heading", level=1)).to_have_text("Security")
    await expect(page.get_by_test_id("who-am-i")).to_have_text(f"Signed in as Dana Owner ({email}) · Your role: Admin")
    await page.get_by_label("Require two-step sign-in for everyone on this team").check()
    await page.get_by_role("button", name="Save").click()
    await expect(page.get_by_text("Saved: two-step sign-in is required for this team.")).to_be_visible()
    await assert_accessible(page)
    await screenshot(page, "dashboard/02-settings-security")
    await sign_out(page)

    # The next sign-in must set it up before anything else: QR code, key, first code, recovery codes once.
    await sign_in_with_password(page, email)
    await expect(page).to_have_url(re.compile(r"/dashboard/set-up-mfa"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-step sign-in")
    qr = page.get_by_role("img", name=f"QR code to add {email} to an authenticator app")
    await expect(qr).to_be_visible()
    secret = await page.locator("code.secret").get_attribute("data-secret")
    assert secret and re.fullmatch(r"[A-Z2-7]{16,}", secret), secret
    await assert_accessible(page)
    await screenshot(page, "dashboard/03-set-up-mfa")
    totp = pyotp.TOTP(secret)
    await page.get_by_label("Code", exact=True).fill("000000" if totp.now() != "000000" else "111111")
    await page.get_by_role("button", name="Turn on two-step sign-in").click()
    await expect(page.get_by_role("alert")).to_have_text("That code is not right.")
    await page.get_by_label("Code", exact=True).fill(totp.now())
    await page.get_by_role("button", name="Turn on two-step sign-in").click()
    await expect(page.get_by_role("heading", name="Your recovery codes")).to_be_focused()
    codes = await page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10 and len(set(codes)) == 10, codes
    await assert_accessible(page)
    await screenshot(page, "dashboard/04-recovery-codes")
    await page.get_by_role("button", name="I have saved my recovery codes").click()

    # Home: the summary figures.
    await expect(page).to_have_url(re.compile(r"/dashboard$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Home")
    await expect(page.get_by_text("Outstanding", exact=True)).to_be_visible()
    await expect(page.get_by_text("Days sales outstanding")).to_be_visible()
    await assert_accessible(page)
    await screenshot(page, "dashboard/05-home")
    assert not await page.get_by_text(codes[0]).count()  # shown once: gone from the page

    # The next sign-in asks for the authenticator's code after the password.
    await sign_out(page)
    await sign_in_with_password(page, email, path="/dashboard/customers")
    await expect(page).to_have_url(re.compile(r"/dashboard/sign-in/mfa\?next=%2Fdashboard%2Fcustomers$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Two-step sign-in")
    await assert_accessible(page)
    await screenshot(page, "dashboard/06-mfa-step")
    await page.get_by_label("Authenticator or recovery code").fill(next_step_code(totp))
    await page.get_by_role("button", name="Verify").click()
    await expect(page).to_have_url(re.compile(r"/dashboard/customers$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Customers")
    # A reload of a deep link keeps the page (the server answers the app for every /dashboard path).
    await page.reload()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Customers")


@pytest.mark.browser_context(locale="fr-FR")
async def test_customers_in_french_at_768_px(page: Page, partner: Partner, remit_container: Container) -> None:
    require_dashboard()
    await page.set_viewport_size(TABLET)
    email = partner.email("clerk")
    await add_dashboard_person(remit_container, partner, email, role="member")
    await partner.create_customer("Acme Dental", tags=["vip"], billing_terms="net_30")
    await partner.create_customer("Beta Clinic", email=partner.email("beta"))

    await page.goto("/dashboard/customers")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Connexion au tableau de bord")
    assert await page.evaluate("document.documentElement.lang") == "fr"
    await page.get_by_label("Adresse courriel").fill(email)
    await page.get_by_label("Mot de passe", exact=True).fill("correct horse battery staple")
    await page.get_by_role("button", name="Se connecter", exact=True).click()

    await expect(page.get_by_role("heading", level=1)).to_have_text("Clients")
    table = page.get_by_role("table")
    await expect(table.get_by_role("row")).to_have_count(3)  # the header and two customers
    await expect(page.get_by_test_id("who-am-i")).to_contain_text("Votre rôle : Membre")
    # Narrow: the page never scrolls sideways (the table scrolls in its own box).
    assert await page.evaluate("document.documentElement.scrollWidth") <= TABLET["width"]
    await assert_accessible(page)
    await screenshot(page, "dashboard/07-customers-fr-768")

    # The filter goes into the address and survives a reload.
    await page.get_by_label("Étiquette").fill("vip")
    await page.get_by_role("button", name="Rechercher").click()
    await expect(page).to_have_url(re.compile(r"/dashboard/customers\?tag=vip$"))
    await expect(table.get_by_role("row")).to_have_count(2)
    await page.reload()
    await expect(page.get_by_label("Étiquette")).to_have_value("vip")
    await expect(page.get_by_role("table").get_by_role("row")).to_have_count(2)
    await expect(page.get_by_role("cell", name="Net 30 jours")).to_be_visible()

    await page.get_by_role("link", name="Acme Dental").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Acme Dental")
    await expect(page.get_by_text("Actif", exact=True)).to_be_visible()
    await assert_accessible(page)
    await screenshot(page, "dashboard/08-customer-detail-fr-768")
    await page.get_by_role("link", name="← Retour aux clients").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Clients")
