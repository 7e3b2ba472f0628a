"""The security page in a real browser: two-step sign-in set up from the QR code's key (codes computed here with
pyotp), recovery codes shown once, the later sign-in that asks for a code, a step-up before sensitive changes, a
password, the email address, and signing out another device."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import pyotp
from playwright.async_api import Page, expect

from tests.e2e.browser import assert_accessible, screenshot
from tests.e2e.mail import Inbox
from tests.e2e.seed import Partner
from tests.e2e.test_sign_in import sign_in_with_code, sign_out


async def type_code(page: Page, scope: str, code: str) -> None:
    """Type a 6-digit code into the code boxes inside `scope` (a CSS selector)."""
    await page.locator(scope).get_by_label("Digit 1 of 6").focus()
    await page.keyboard.type(code)


async def sign_in_with_password(page: Page, partner: Partner, email: str, password: str) -> None:
    await page.goto(partner.portal_url("/sign-in"))
    await page.get_by_role("button", name="Use a password instead").click()
    await page.get_by_label("Email address").fill(email)
    await page.get_by_label("Password", exact=True).fill(password)
    await page.get_by_role("button", name="Sign in", exact=True).click()


async def use_recovery_code(page: Page, code: str) -> None:
    await expect(page.get_by_role("heading", level=1)).to_have_text("Two-step sign-in")
    await page.get_by_role("button", name="Use a recovery code instead").click()
    await page.get_by_label("Recovery code").fill(code)
    await page.get_by_role("button", name="Verify").click()


STEP_UP = "Confirm it\u2019s you"  # the dialog's title, with a typographic apostrophe


def next_step_code(totp: pyotp.TOTP) -> str:
    """The code of the next 30 s step: accepted (±1 step of drift) and never a step already used."""
    return totp.at(time.time() + 30)


async def test_two_step_sign_in_set_up_used_and_turned_off(
    page: Page, new_page: Callable[..., Awaitable[Page]], partner: Partner, inbox: Inbox, spa: object
) -> None:
    customer = await partner.create_customer("Acme Dental")
    await partner.create_invoice(customer["id"], 5_000, number="INV-2001")
    email = customer["email"]
    await sign_in_with_code(page, partner, inbox, email, "/security")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Security")
    await expect(page.get_by_text("This device")).to_be_visible()
    await assert_accessible(page)
    await screenshot(page, "security/01-security-page")

    # Setting up two-step sign-in needs a second factor first: an emailed code is all this person has.
    await page.get_by_role("button", name="Set up two-step sign-in").click()
    dialog = page.get_by_role("dialog", name=STEP_UP)
    await expect(dialog).to_be_visible()
    await expect(dialog.get_by_role("button", name="Email me a code")).to_be_focused()
    await assert_accessible(page)
    await screenshot(page, "security/02-step-up-dialog")
    seen = inbox.count(email)
    await dialog.get_by_role("button", name="Email me a code").click()
    await expect(dialog.get_by_text(f"We emailed a 6-digit code to {email}")).to_be_visible()
    await type_code(page, "[role=dialog]", await inbox.code(email, after=seen))
    await expect(dialog).to_be_hidden()

    # The QR code, its text alternative, and the key for typing in by hand.
    await expect(page.get_by_role("heading", name="1. Scan this QR code with your authenticator app")).to_be_focused()
    qr = page.get_by_role("img", name=re.compile(r"^QR code to add .* to an authenticator app"))
    await expect(qr).to_be_visible()
    assert int(await qr.evaluate("(svg) => svg.querySelector('path').getAttribute('d').split('M').length")) > 100
    secret = await page.locator("code.secret").get_attribute("data-secret")
    assert secret and re.fullmatch(r"[A-Z2-7]{16,}", secret), secret
    assert (await page.locator("code.secret").inner_text()).replace(" ", "") == secret
    await assert_accessible(page)
    await screenshot(page, "security/03-qr-set-up")

    totp = pyotp.TOTP(secret)
    await type_code(page, ".mfa-setup", "000000" if totp.now() != "000000" else "111111")
    await expect(page.get_by_text("That code is not right.")).to_be_visible()
    await type_code(page, ".mfa-setup", totp.now())

    # Ten recovery codes, shown once, to copy or download.
    await expect(page.get_by_role("heading", name="Your recovery codes")).to_be_focused()
    await expect(page.get_by_text("Two-step sign-in is on. You were signed out on every other device.")).to_be_visible()
    codes = await page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[0-9a-f]{5}-[0-9a-f]{5}", c) for c in codes), codes
    async with page.expect_download() as downloading:
        await page.get_by_role("button", name="Download as a text file").click()
    download = await downloading.value
    assert download.suggested_filename == f"recovery-codes-{partner.slug}.txt"
    saved = await asyncio.to_thread(Path(await download.path()).read_text)
    assert all(code in saved for code in codes)
    await assert_accessible(page)
    await screenshot(page, "security/04-recovery-codes")
    await page.get_by_role("button", name="I have saved my recovery codes").click()
    await expect(page.get_by_text("Two-step sign-in is on.", exact=True)).to_be_visible()
    await expect(page.locator(".recovery-codes")).to_have_count(0)

    # The next sign-in asks for the authenticator's code after the emailed one.
    await sign_out(page)
    await page.goto(partner.portal_url("/payments"))
    await page.get_by_label("Email address").fill(email)
    seen = inbox.count(email)
    await page.get_by_role("button", name="Send me a code").click()
    await type_code(page, "main", await inbox.code(email, after=seen))
    await expect(page).to_have_url(partner.portal_url("/sign-in/mfa?next=%2Fpay%2F" + partner.slug + "%2Fpayments"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Two-step sign-in")
    await expect(page.get_by_label("Digit 1 of 6")).to_be_focused()
    await assert_accessible(page)
    await screenshot(page, "security/05-mfa-sign-in")
    # Signed-in pages stay closed until the second step is done.
    await page.goto(partner.portal_url("/invoices"))
    await expect(page).to_have_url(re.compile(r"/sign-in/mfa\?next="))
    await type_code(page, "main", "000000" if next_step_code(totp) != "000000" else "111111")
    await expect(page.get_by_role("alert")).to_contain_text("That code is not right")
    await expect(page.get_by_label("Digit 1 of 6")).to_be_focused()
    await page.keyboard.type(next_step_code(totp))
    await expect(page).to_have_url(partner.portal_url("/invoices"))

    # A fresh authenticator code opened sensitive changes for a while: setting a password asks nothing more.
    await page.goto(partner.portal_url("/security"))
    await page.get_by_role("button", name="Set a password").click()
    await page.get_by_label("New password", exact=True).fill("orchard ladder seven")
    await page.get_by_label("Type the new password again").fill("orchard ladder seven")
    await page.get_by_role("button", name="Save password").click()
    await expect(page.get_by_text("Your password was saved.")).to_be_visible()
    await expect(page.get_by_role("dialog")).to_have_count(0)

    # Password, then a recovery code instead of the authenticator.
    await sign_out(page)
    await sign_in_with_password(page, partner, email, "orchard ladder seven")
    await use_recovery_code(page, codes[0])
    await expect(page).to_have_url(partner.portal_url("/invoices"))

    # A second device signs in; this one sees it and signs it out.
    other = await new_page()
    await sign_in_with_password(other, partner, email, "orchard ladder seven")
    await assert_accessible(other)
    await screenshot(other, "security/06-recovery-code-sign-in")
    await use_recovery_code(other, codes[0])  # used already: refused
    await expect(other.get_by_text("That code is not right.")).to_be_visible()
    await other.get_by_label("Recovery code").fill(codes[1].upper())
    await other.get_by_role("button", name="Verify").click()
    await expect(other).to_have_url(partner.portal_url("/invoices"))

    await page.goto(partner.portal_url("/security"))
    sessions = page.locator(".session")
    await expect(sessions).to_have_count(2)
    await expect(sessions.filter(has_text="This device")).to_have_count(1)
    await expect(sessions.first).to_contain_text("This device")
    await expect(sessions.nth(1)).to_contain_text("Chrome on Linux")
    await expect(sessions.nth(1)).to_contain_text("198.19.")  # the other context's client address
    await screenshot(page, "security/07-sessions")
    await sessions.nth(1).get_by_role("button", name=re.compile(r"^Sign out Chrome on Linux, last active ")).click()
    await expect(page.get_by_text("That device was signed out.")).to_be_visible()
    await expect(sessions).to_have_count(1)
    await other.goto(partner.portal_url("/payments"))
    await expect(other).to_have_url(re.compile(r"/sign-in\?next="))

    # Recovery codes can be replaced; two-step sign-in can be turned off (after a confirmation).
    await page.get_by_role("button", name="Replace recovery codes").click()
    await expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    fresh = await page.locator(".recovery-codes code").all_inner_texts()
    assert len(fresh) == 10 and not set(fresh) & set(codes)
    await page.get_by_role("button", name="I have saved my recovery codes").click()
    await page.get_by_role("button", name="Turn off two-step sign-in").click()
    confirm = page.get_by_role("dialog", name="Turn off two-step sign-in?")
    await expect(confirm).to_be_visible()
    await assert_accessible(page)
    await confirm.get_by_role("button", name="Turn off", exact=True).click()
    await expect(page.get_by_text("Two-step sign-in is off.")).to_be_visible()
    await expect(page.get_by_role("button", name="Set up two-step sign-in")).to_be_visible()


async def test_step_up_with_a_password_then_change_the_email(
    page: Page, partner: Partner, inbox: Inbox, spa: object
) -> None:
    customer = await partner.create_customer()
    email = customer["email"]
    await sign_in_with_code(page, partner, inbox, email, "/security")
    # A first password needs a second factor: an emailed code (the only one this person has).
    await page.get_by_role("button", name="Set a password").click()
    await page.get_by_label("New password", exact=True).fill("kettle violin marsh")
    await page.get_by_label("Type the new password again").fill("kettle violin marsh")
    await page.get_by_role("button", name="Save password").click()
    dialog = page.get_by_role("dialog", name=STEP_UP)
    await expect(dialog).to_be_visible()
    # Cancelling leaves everything as it was, with nothing to apologise for.
    await page.keyboard.press("Escape")
    await expect(dialog).to_be_hidden()
    await expect(page.get_by_role("button", name="Save password")).to_be_focused()
    await expect(page.locator(".security-section").first.get_by_role("alert")).to_have_count(0)
    await page.get_by_role("button", name="Save password").click()
    seen = inbox.count(email)
    await dialog.get_by_role("button", name="Email me a code").click()
    await type_code(page, "[role=dialog]", await inbox.code(email, after=seen))
    await expect(page.get_by_text("Your password was saved.")).to_be_visible()

    # A new session opened by an emailed code alone: changing the email asks again, now offering the password.
    await sign_out(page)
    await sign_in_with_code(page, partner, inbox, email, "/security")
    new_email = partner.email("renamed")
    await page.get_by_role("button", name="Change email").click()
    await page.get_by_label("New email address").fill(new_email)
    await page.get_by_role("button", name="Send a code to the new address").click()
    await expect(dialog).to_be_visible()
    await expect(dialog.get_by_role("radio", name="My password")).to_be_checked()
    await expect(dialog.get_by_role("radio", name=f"A code sent to {email}")).not_to_be_checked()
    await assert_accessible(page)
    await screenshot(page, "security/08-step-up-password")
    await dialog.get_by_label("Password", exact=True).fill("not my password")
    await dialog.get_by_role("button", name="Confirm").click()
    await expect(dialog.get_by_text("That is not the right password.")).to_be_visible()
    seen_new = inbox.count(new_email)
    await dialog.get_by_label("Password", exact=True).fill("kettle violin marsh")
    await dialog.get_by_role("button", name="Confirm").click()
    await expect(dialog).to_be_hidden()
    await expect(page.get_by_text(f"We sent a 6-digit code to {new_email}.")).to_be_visible()
    await assert_accessible(page)
    await screenshot(page, "security/09-email-code")
    await type_code(page, "#main", await inbox.code(new_email, after=seen_new))
    await expect(page.get_by_text(f"Your email is now {new_email}.")).to_be_visible()
    await expect(page.get_by_text(f"You sign in as {new_email}.")).to_be_visible()


async def test_security_page_on_a_small_phone(
    new_page: Callable[..., Awaitable[Page]], partner: Partner, inbox: Inbox, spa: object
) -> None:
    page = await new_page(mobile=True)
    await page.set_viewport_size({"width": 360, "height": 740})
    customer = await partner.create_customer()
    await sign_in_with_code(page, partner, inbox, customer["email"], "/security")
    await expect(page.get_by_text("This device")).to_be_visible()
    assert not await page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    await assert_accessible(page)
    await screenshot(page, "security/10-security-360px")
