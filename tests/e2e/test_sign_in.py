"""Signing in to the portal in a real browser: an emailed code (typed, pasted, wrong, resent), a password set from
an activation link and reset from a "forgot password" link, `?next=` kept to this portal, and an unknown email
that asks for access, waits, and is signed in by the link the approval emails."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable

from playwright.async_api import Page, Route, expect

from tests.e2e.browser import assert_accessible, screenshot
from tests.e2e.mail import Inbox
from tests.e2e.seed import Partner


async def sign_in_with_code(page: Page, partner: Partner, inbox: Inbox, email: str, path: str = "/invoices") -> None:
    """Open `path` signed out, sign in by an emailed code typed into the boxes, and end on `path`."""
    await page.goto(partner.portal_url(path))
    await page.get_by_label("Email address").fill(email)
    seen = inbox.count(email)
    await page.get_by_role("button", name="Send me a code").click()
    code = await inbox.code(email, after=seen)
    await page.get_by_label("Digit 1 of 6").click()
    await page.keyboard.type(code)
    await expect(page).to_have_url(partner.portal_url(path))


async def sign_out(page: Page) -> None:
    await page.get_by_role("button", name="Sign out").click()
    await expect(page.get_by_label("Email address")).to_be_visible()


async def boxes_value(page: Page) -> str:
    values: list[str] = await page.locator(".code-box").evaluate_all("(boxes) => boxes.map((b) => b.value)")
    return "".join(values)


async def paste(page: Page, text: str) -> None:
    """A real paste event on the focused box, carrying `text` as the clipboard's plain text."""
    await page.evaluate(
        """(text) => {
            const data = new DataTransfer();
            data.setData('text/plain', text);
            document.activeElement.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true,
                                                                               cancelable: true}));
        }""",
        text,
    )


async def test_sign_in_with_an_emailed_code_lands_on_the_invoices(
    page: Page, partner: Partner, inbox: Inbox, spa: object
) -> None:
    customer = await partner.create_customer("Acme Dental")
    await partner.create_invoice(customer["id"], 12_345, number="INV-1001")
    email = customer["email"]

    await page.goto(partner.portal_url("/invoices"))
    await expect(page).to_have_url(re.compile(r"/sign-in\?next="))
    await expect(page.get_by_role("heading", level=1)).to_have_text(f"Sign in to {partner.name}")
    await assert_accessible(page)
    await screenshot(page, "sign-in/01-email")

    # An address that is not one: said next to the field, nothing sent.
    await page.get_by_label("Email address").fill("not-an-email")
    await page.get_by_role("button", name="Send me a code").click()
    await expect(page.get_by_text("Enter your email address, like name@company.com.")).to_be_visible()
    await expect(page.get_by_label("Email address")).to_have_attribute("aria-invalid", "true")

    await page.get_by_label("Email address").fill(email)
    seen = inbox.count(email)
    await page.get_by_role("button", name="Send me a code").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    await expect(page.get_by_text(f"We sent a 6-digit code to {email}")).to_be_visible()
    await expect(page.get_by_label("Digit 1 of 6")).to_be_focused()
    # Resending waits, with the time left shown on the button.
    resend = page.get_by_role("button", name=re.compile(r"^Send a new code in 0:[0-3]\d$"))
    await expect(resend).to_be_disabled()
    await assert_accessible(page)
    await screenshot(page, "sign-in/02-code-boxes")
    code = await inbox.code(email, after=seen)

    # A wrong code: said, and the boxes are emptied for another try.
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    await page.keyboard.type(wrong)
    await expect(page.get_by_role("alert")).to_contain_text("That code is wrong or has expired")
    await expect(page.get_by_label("Digit 1 of 6")).to_be_focused()
    assert await boxes_value(page) == ""
    await assert_accessible(page)
    await screenshot(page, "sign-in/03-wrong-code")

    # Typing moves from box to box; Backspace goes back.
    await page.keyboard.type(code[:3])
    await expect(page.get_by_label("Digit 4 of 6")).to_be_focused()
    await page.keyboard.press("Backspace")
    await expect(page.get_by_label("Digit 3 of 6")).to_be_focused()
    assert await boxes_value(page) == code[:2]
    await page.keyboard.type(code[2:])  # the last digit completes it: no button to press
    await expect(page).to_have_url(partner.portal_url("/invoices"))
    await expect(page.get_by_role("heading", level=1)).to_be_visible()
    await expect(page.get_by_text("INV-1001").first).to_be_visible()
    await screenshot(page, "sign-in/04-signed-in-invoices")


async def test_a_pasted_code_fills_every_box_and_signs_in(
    page: Page, partner: Partner, inbox: Inbox, spa: object
) -> None:
    customer = await partner.create_customer()
    email = customer["email"]
    await page.goto(partner.portal_url("/sign-in"))
    await page.get_by_label("Email address").fill(email)
    seen = inbox.count(email)
    await page.get_by_role("button", name="Send me a code").click()
    code = await inbox.code(email, after=seen)
    await expect(page.get_by_label("Digit 1 of 6")).to_be_focused()

    # Pasting a whole code into any box fills all six, and it is checked at once.
    await page.get_by_label("Digit 3 of 6").focus()
    # Hold the check until the boxes have been looked at (it is sent the moment they are full).
    held = asyncio.Event()
    sent: list[str] = []

    async def hold(route: Route) -> None:
        body = route.request.post_data_json
        assert isinstance(body, dict)
        sent.append(str(body["code"]))
        await held.wait()
        await route.continue_()

    await page.route("**/sign-in/verify", hold)
    await paste(page, f" {code[:3]} {code[3:]}\n")
    for i, digit in enumerate(code, start=1):
        await expect(page.get_by_label(f"Digit {i} of 6")).to_have_value(digit)
    await page.wait_for_timeout(100)  # time to send a second check, if it wrongly would
    held.set()
    await expect(page).to_have_url(partner.portal_url("/invoices"))
    assert sent == [code]


async def test_resending_a_code_voids_the_first(page: Page, partner: Partner, inbox: Inbox, spa: object) -> None:
    customer = await partner.create_customer()
    email = customer["email"]
    await page.clock.install()
    await page.goto(partner.portal_url("/sign-in"))
    await page.get_by_label("Email address").fill(email)
    seen = inbox.count(email)
    await page.get_by_role("button", name="Send me a code").click()
    first = await inbox.code(email, after=seen)
    resend = page.get_by_role("button", name=re.compile("^Send a new code"))
    await expect(resend).to_be_disabled()
    await page.clock.run_for(31_000)
    await expect(resend).to_have_text("Send a new code")
    await expect(resend).to_be_enabled()
    seen = inbox.count(email)
    await resend.click()
    await expect(page.get_by_text(f"A new code is on its way to {email}")).to_be_visible()
    second = await inbox.code(email, after=seen)
    await expect(resend).to_be_disabled()
    if first != second:  # the old code no longer works
        await page.get_by_label("Digit 1 of 6").focus()
        await page.keyboard.type(first)
        await expect(page.get_by_role("alert")).to_contain_text("That code is wrong or has expired")

    # Five codes an hour per address: the sixth ask is refused, and the countdown follows the API's Retry-After.
    for _ in range(3):
        await page.clock.run_for(31_000)
        await resend.click()
        await expect(resend).to_have_text("Send a new code in 0:30")  # sent, and counting down again
    await page.clock.run_for(31_000)
    await resend.click()
    await expect(page.get_by_role("alert")).to_have_text(
        "Too many codes were sent to this address. Use the newest one, or wait 10 minutes."
    )
    await expect(resend).to_have_text("Send a new code in 10:00")
    await expect(resend).to_be_disabled()
    last = await inbox.code(email, after=inbox.count(email) - 1)
    await page.get_by_label("Digit 1 of 6").focus()
    await page.keyboard.type(last)
    await expect(page).to_have_url(partner.portal_url("/invoices"))


async def test_password_from_an_activation_link_then_forgotten_and_reset(
    page: Page, partner: Partner, inbox: Inbox, spa: object
) -> None:
    customer = await partner.create_customer("Birchwood Law")
    email = customer["email"]
    seen = inbox.count(email)
    invited = await partner.api.post(
        f"/v1/customers/{customer['id']}/portal-invites",
        json={"email": email},
        headers={"Idempotency-Key": f"invite-{partner.slug}"},
    )
    assert invited.status_code == 201, invited.text
    link = await inbox.link(email, contains="/activate#token=", after=seen)
    assert link.startswith(partner.portal_url("/activate#token="))

    await page.goto(link)
    await expect(page.get_by_role("heading", level=1)).to_have_text("Set your password")
    # The token is read, then removed from the address bar (and so from the history).
    await expect(page).to_have_url(partner.portal_url("/activate"))
    assert "token" not in await page.evaluate("location.href")
    await expect(page.get_by_text("8 to 256 characters")).to_be_visible()
    await assert_accessible(page)
    await screenshot(page, "sign-in/05-activate")

    await page.get_by_label("New password", exact=True).fill("password")
    await page.get_by_label("Type the new password again").fill("password")
    await page.get_by_role("button", name="Save password and sign in").click()
    await expect(page.get_by_text("That password is too easy to guess")).to_be_visible()
    await page.get_by_label("New password", exact=True).fill("correct horse battery")
    await page.get_by_label("Type the new password again").fill("correct horse batteries")
    await page.get_by_role("button", name="Save password and sign in").click()
    await expect(page.get_by_text("The two passwords are not the same.")).to_be_visible()
    await page.get_by_label("Type the new password again").fill("correct horse battery")
    await page.get_by_role("button", name="Save password and sign in").click()
    await expect(page).to_have_url(partner.portal_url("/invoices"))

    # Password sign-in, sent on to the page first asked for.
    await sign_out(page)
    await page.goto(partner.portal_url("/payments"))
    await expect(page).to_have_url(re.compile(r"/sign-in\?next=%2Fpay%2F"))
    await page.get_by_role("button", name="Use a password instead").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Sign in with your password")
    await page.get_by_label("Email address").fill(email)
    await page.get_by_label("Password", exact=True).fill("wrong password!")
    await page.get_by_role("button", name="Sign in", exact=True).click()
    await expect(page.get_by_role("alert")).to_have_text("That email and password do not match.")
    await assert_accessible(page)
    await screenshot(page, "sign-in/06-password")
    await page.get_by_label("Password", exact=True).fill("correct horse battery")
    await page.get_by_role("button", name="Sign in", exact=True).click()
    await expect(page).to_have_url(partner.portal_url("/payments"))

    # Forgot password: the same answer for a known and an unknown address; the link sets a new password.
    await sign_out(page)
    await page.get_by_role("button", name="Use a password instead").click()
    await page.get_by_label("Email address").fill(email)
    await page.get_by_role("link", name="Forgot your password?").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    await expect(page.get_by_label("Email address")).to_have_value(email)  # carried over
    await assert_accessible(page)
    await screenshot(page, "sign-in/07-forgot-password")
    seen = inbox.count(email)
    await page.get_by_role("button", name="Email me a link").click()
    known = page.get_by_role("status").filter(has_text="If an account exists")
    await expect(known).to_have_text(
        f"If an account exists for {email}, we emailed a link to reset the password. It works for one hour."
    )
    reset = await inbox.link(email, contains="/reset-password#token=", after=seen)

    stranger = partner.email("nobody")
    await page.goto(partner.portal_url("/forgot-password"))
    await page.get_by_label("Email address").fill(stranger)
    await page.get_by_role("button", name="Email me a link").click()
    await expect(page.get_by_role("status").filter(has_text="If an account exists")).to_have_text(
        f"If an account exists for {stranger}, we emailed a link to reset the password. It works for one hour."
    )
    assert inbox.count(stranger) == 0

    await page.goto(reset)
    await expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    await expect(page).to_have_url(partner.portal_url("/reset-password"))
    await assert_accessible(page)
    await screenshot(page, "sign-in/08-reset-password")
    await page.get_by_label("New password", exact=True).fill("a brand new passphrase")
    await page.get_by_label("Type the new password again").fill("a brand new passphrase")
    await page.get_by_role("button", name="Save password and sign in").click()
    await expect(page).to_have_url(partner.portal_url("/invoices"))

    # The reset link worked once; opened again, it says so and offers a new one.
    await sign_out(page)
    await page.goto(reset)
    await page.get_by_label("New password", exact=True).fill("yet another passphrase")
    await page.get_by_label("Type the new password again").fill("yet another passphrase")
    await page.get_by_role("button", name="Save password and sign in").click()
    await expect(page.get_by_role("alert")).to_contain_text("This link is not valid any more")
    await expect(page.get_by_role("link", name="Ask for a new reset link")).to_be_visible()
    # Reloaded, the page has no token left to use, and says what to do.
    await page.reload()
    await expect(page.get_by_role("heading", level=1)).to_have_text("This link cannot be used")


async def test_next_never_leaves_the_portal(page: Page, partner: Partner, inbox: Inbox, spa: object) -> None:
    customer = await partner.create_customer()
    await page.goto(partner.portal_url("/sign-in?next=https://evil.example/steal"))
    email = customer["email"]
    await page.get_by_label("Email address").fill(email)
    seen = inbox.count(email)
    await page.get_by_role("button", name="Send me a code").click()
    code = await inbox.code(email, after=seen)
    await page.get_by_label("Digit 1 of 6").focus()
    await page.keyboard.type(code)
    await expect(page).to_have_url(partner.portal_url("/invoices"))
    # Signed in already: the sign-in page sends to `next` when it is a page of this portal.
    await page.goto(partner.portal_url(f"/sign-in?next=/pay/{partner.slug}/security"))
    await expect(page).to_have_url(partner.portal_url("/security"))
    await page.goto(partner.portal_url("/sign-in?next=//evil.example/pay"))
    await expect(page).to_have_url(partner.portal_url("/invoices"))


async def test_an_unknown_email_asks_for_access_waits_and_is_signed_in_by_the_approval_link(
    page: Page, partner: Partner, partner_factory: Callable[..., Awaitable[Partner]], inbox: Inbox, spa: object
) -> None:
    await partner.set_portal_settings(support_email=partner.email("billing"), support_phone="+1 555 0100")
    stranger = partner.email("newcomer")
    await page.goto(partner.portal_url("/sign-in"))
    await page.get_by_label("Email address").fill(stranger)
    seen = inbox.count(stranger)
    await page.get_by_role("button", name="Send me a code").click()
    code = await inbox.code(stranger, after=seen)  # unknown addresses get a code too, to prove they own it
    await page.get_by_label("Digit 1 of 6").focus()
    await page.keyboard.type(code)

    await expect(page).to_have_url(partner.portal_url("/request-access"))
    await expect(page.get_by_role("heading", level=1)).to_have_text(f"Ask {partner.name} for access")
    await expect(page.get_by_text(f"We verified {stranger}")).to_be_visible()
    await assert_accessible(page)
    await screenshot(page, "sign-in/09-request-access")

    await page.get_by_role("button", name="Send the request").click()
    await expect(page.get_by_text("This field is required.")).to_have_count(4)
    await expect(page.get_by_label("Company name")).to_be_focused()
    await assert_accessible(page)
    await page.get_by_label("Company name").fill("Cobalt Logistics")
    await page.get_by_label("Your name").fill("Nina Park")
    await page.get_by_label("Phone number").fill("+1 555 0199")
    await page.get_by_label("Business address").fill("1 Harbour Road\nPortland, OR")
    await page.get_by_role("button", name="Send the request").click()

    await expect(page).to_have_url(partner.portal_url("/awaiting-approval"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Your request is waiting for approval")
    await expect(page.get_by_text(f"We sent your request for Cobalt Logistics to {partner.name}")).to_be_visible()
    await expect(page.get_by_role("heading", name="What happens next")).to_be_visible()
    await expect(page.get_by_text(f"we email {stranger} a sign-in link")).to_be_visible()
    await expect(page.get_by_role("heading", name="Who approves it")).to_be_visible()
    await expect(page.get_by_role("main").get_by_role("link", name=partner.email("billing"))).to_be_visible()
    await expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    await assert_accessible(page)
    await screenshot(page, "sign-in/10-awaiting-approval")

    # The business information is asked once: back on the form's address, the waiting page answers.
    await page.goto(partner.portal_url("/request-access"))
    await expect(page).to_have_url(partner.portal_url("/awaiting-approval"))
    # And the signed-in pages send a waiting person here too.
    await page.goto(partner.portal_url("/invoices"))
    await expect(page).to_have_url(partner.portal_url("/awaiting-approval"))

    seen = inbox.count(stranger)
    approved = await partner.approve_access_request(email=stranger)
    assert approved["status"] == "approved"
    link = await inbox.link(stranger, contains="/sign-in/link#token=", after=seen)
    assert link.startswith(partner.portal_url("/sign-in/link#token="))
    # Opened under another partner's billing link, the token's partner still decides: the app moves to its link.
    other = await partner_factory("Elsewhere Billing")
    await page.goto(link.replace(partner.portal_url(""), other.portal_url(""), 1))
    await expect(page).to_have_url(partner.portal_url("/invoices"))
    await expect(page.get_by_text(partner.name).first).to_be_visible()
    await expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert "token" not in page.url
    await screenshot(page, "sign-in/11-signed-in-by-link")

    # Single use: the same link again, signed out, explains itself.
    await sign_out(page)
    await page.goto(link)
    await expect(page.get_by_role("heading", level=1)).to_have_text("This sign-in link does not work")
    await expect(page.get_by_text("This link is not valid any more")).to_be_visible()
    await expect(page.get_by_role("link", name="Sign in with an emailed code")).to_be_visible()
    await assert_accessible(page)


async def test_sign_in_pages_fit_a_small_phone(new_page: object, partner: Partner, inbox: Inbox, spa: object) -> None:
    page: Page = await new_page(mobile=True)  # type: ignore[operator]
    await page.set_viewport_size({"width": 360, "height": 740})
    customer = await partner.create_customer()
    await page.goto(partner.portal_url("/sign-in"))
    await page.get_by_label("Email address").fill(customer["email"])
    await page.get_by_role("button", name="Send me a code").click()
    await expect(page.get_by_label("Digit 6 of 6")).to_be_visible()
    overflow = await page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not overflow, "the code boxes are wider than a 360 px screen"
    box = await page.get_by_label("Digit 6 of 6").bounding_box()
    assert box is not None and box["x"] + box["width"] <= 360
    await assert_accessible(page)
    await screenshot(page, "sign-in/12-code-boxes-360px")
