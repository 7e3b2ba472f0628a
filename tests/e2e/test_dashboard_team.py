"""The dashboard's team and API keys in a real browser: a read_only member sees the controls off with the reason
and the API refuses the change anyway; an admin invites someone who accepts from the emailed link (real SMTP) and
lands on the team; an admin creates an API key, sees its secret once, uses it, and revokes it."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import httpx
from playwright.async_api import Page, expect

from adapters.bootstrap import Container
from tests.e2e.browser import assert_accessible, screenshot
from tests.e2e.dashboard import dashboard_fetch, require_dashboard, sign_in_with_password
from tests.e2e.mail import Inbox
from tests.e2e.seed import Partner, add_dashboard_person

READ_ONLY_REASON = "Your role (Read-only) cannot do this. Ask an admin of this team."


async def test_read_only_sees_disabled_controls_and_the_api_refuses(
    page: Page, partner: Partner, remit_container: Container
) -> None:
    require_dashboard()
    await add_dashboard_person(remit_container, partner, partner.email("owner"), name="Dana Owner")
    viewer = partner.email("viewer")
    await add_dashboard_person(remit_container, partner, viewer, role="read_only", name="Vic Viewer")
    await sign_in_with_password(page, viewer, path="/dashboard/settings/team")

    await expect(page.get_by_role("heading", level=1)).to_have_text("Team")
    invite = page.get_by_role("button", name="Send the invitation")
    await expect(invite).to_be_disabled()
    await expect(invite).to_have_accessible_description(READ_ONLY_REASON)
    await expect(page.get_by_label("Email address")).to_be_disabled()
    owner_row = page.get_by_role("row").filter(has_text="Dana Owner")
    await expect(owner_row.get_by_role("combobox")).to_be_disabled()
    await expect(owner_row.get_by_role("button", name="Remove Dana Owner")).to_be_disabled()
    await expect(owner_row.get_by_role("button", name="Remove Dana Owner")).to_have_accessible_description(
        READ_ONLY_REASON
    )
    await assert_accessible(page)
    await screenshot(page, "dashboard/09-team-read-only")

    # The controls being off is a courtesy: the API refuses the change itself, naming the permission.
    status, body = await dashboard_fetch(
        page, "POST", "/v1/team/invites", {"email": partner.email("sneaky"), "role": "admin"}
    )
    assert status == 403, body
    assert body["code"] == "forbidden_for_role" and body["context"]["permission"] == "team", body

    await page.get_by_role("link", name="Security").click()
    await expect(page.get_by_label("Require two-step sign-in for everyone on this team")).to_be_disabled()
    await expect(page.get_by_role("button", name="Save")).to_have_accessible_description(READ_ONLY_REASON)
    await page.get_by_role("link", name="API keys").click()
    await expect(page.get_by_text("Only admins can see and manage API keys.")).to_be_visible()
    await expect(page.get_by_role("button", name="Create the key")).to_be_disabled()
    await assert_accessible(page)
    await screenshot(page, "dashboard/10-api-keys-read-only")

    # The session ends behind the page's back (here: signed out by another request): the next page that asks the
    # API sends the person to sign in, and back there afterwards.
    status, _ = await dashboard_fetch(page, "POST", "/v1/auth/sign-out")
    assert status == 204
    await page.get_by_role("link", name="Customers").click()
    await expect(page).to_have_url(re.compile(r"/dashboard/sign-in\?next=%2Fdashboard%2Fcustomers$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to your dashboard")


async def test_invite_a_member_who_accepts_from_the_email(
    page: Page, new_page: Callable[..., Awaitable[Page]], partner: Partner, remit_container: Container, inbox: Inbox
) -> None:
    require_dashboard()
    await add_dashboard_person(remit_container, partner, partner.email("owner"), name="Dana Owner")
    await sign_in_with_password(page, partner.email("owner"), path="/dashboard/settings/team")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Team")

    newcomer = partner.email("newcomer")
    seen = inbox.count(newcomer)
    await page.get_by_label("Email address").fill(newcomer)
    await page.get_by_label("Role", exact=True).select_option("member")
    await page.get_by_role("button", name="Send the invitation").click()
    await expect(page.get_by_text(f"Invitation sent to {newcomer}. The link works for 7 days.")).to_be_visible()
    pending = page.get_by_role("region", name="Pending invitations")
    await expect(pending.get_by_role("row").filter(has_text=newcomer)).to_contain_text("Member")
    await assert_accessible(page)
    await screenshot(page, "dashboard/11-team-invited")

    link = await inbox.link(newcomer, contains="/dashboard/accept-invitation#token=", after=seen)
    invited = await new_page()
    await invited.goto(link)
    await expect(invited.get_by_role("heading", level=1)).to_have_text("Join your team on Remit")
    assert "#token=" not in invited.url  # the token leaves the address bar at once
    await assert_accessible(invited)
    await screenshot(invited, "dashboard/12-accept-invitation")
    await invited.get_by_label("Your name").fill("Nico Newcomer")
    await invited.get_by_label("Password", exact=True).fill("another long passphrase")
    await invited.get_by_role("button", name="Accept the invitation").click()
    await expect(invited.get_by_role("heading", level=1)).to_have_text("Home")
    await expect(invited.get_by_test_id("who-am-i")).to_have_text(
        f"Signed in as Nico Newcomer ({newcomer}) · Your role: Member"
    )

    # The admin's team now lists them, and the invitation is no longer pending.
    await page.reload()
    members = page.get_by_role("region", name="Members")
    await expect(members.get_by_role("row").filter(has_text="Nico Newcomer")).to_be_visible()
    await expect(page.get_by_text("No pending invitation.")).to_be_visible()

    # Changing their role, then removing them (after a confirmation).
    row = members.get_by_role("row").filter(has_text="Nico Newcomer")
    await row.get_by_role("combobox").select_option("read_only")
    await row.get_by_role("button", name="Change role").click()
    await expect(page.get_by_text("Nico Newcomer is now Read-only.")).to_be_visible()
    await row.get_by_role("button", name="Remove Nico Newcomer").click()
    dialog = page.get_by_role("dialog", name="Remove Nico Newcomer from the team?")
    await expect(dialog).to_be_visible()
    await assert_accessible(page)
    await screenshot(page, "dashboard/13-remove-confirm")
    await dialog.get_by_role("button", name="Remove").click()
    await expect(page.get_by_text("Nico Newcomer was removed from the team.")).to_be_visible()
    await expect(members.get_by_role("row").filter(has_text="Nico Newcomer")).to_have_count(0)


async def test_create_an_api_key_see_its_secret_once_and_revoke_it(
    page: Page, partner: Partner, remit_container: Container
) -> None:
    require_dashboard()
    await add_dashboard_person(remit_container, partner, partner.email("owner"), name="Dana Owner")
    customer = await partner.create_customer("Acme Dental")
    await partner.create_invoice(customer["id"], 5_000)
    await partner.create_invoice(customer["id"], 7_000, currency="CAD")
    await sign_in_with_password(page, partner.email("owner"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Home")

    # Home: a team billing in two currencies chooses one; the choice is kept in the address.
    await expect(
        page.get_by_text("This team bills in several currencies: choose one to see its figures.")
    ).to_be_visible()
    await page.get_by_label("Currency").select_option("CAD")
    await expect(page).to_have_url(re.compile(r"/dashboard\?currency=CAD$"))
    outstanding = page.locator(".figure").filter(has=page.get_by_text("Outstanding", exact=True))
    await expect(outstanding).to_contain_text("CA$70.00")
    await page.get_by_label("Currency").select_option("USD")
    await expect(outstanding).to_contain_text("$50.00")

    await page.get_by_role("navigation", name="Main").get_by_role("link", name="API keys").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("API keys")

    await page.get_by_label("Name", exact=True).fill("Accounting sync")
    await page.get_by_role("button", name="Create the key").click()
    await expect(page.get_by_role("heading", name="Your new key: Accounting sync")).to_be_focused()
    secret = await page.get_by_test_id("api-key-secret").inner_text()
    assert re.fullmatch(r"rk_test_\w+", secret), secret
    await expect(page.get_by_role("button", name="Copy")).to_be_visible()
    await assert_accessible(page)
    await screenshot(page, "dashboard/14-api-key-secret")

    async with httpx.AsyncClient(base_url=partner.base_url, headers={"Authorization": f"Bearer {secret}"}) as api:
        assert (await api.get("/v1/customers")).status_code == 200

        await page.get_by_role("button", name="I have copied the key").click()
        await expect(page.get_by_test_id("api-key-secret")).to_have_count(0)
        row = page.get_by_role("row").filter(has_text="Accounting sync")
        await expect(row).to_contain_text("Active")
        await page.reload()
        await expect(page.get_by_role("row").filter(has_text="Accounting sync")).to_be_visible()
        assert secret not in await page.content()  # shown once: never again
        await assert_accessible(page)
        await screenshot(page, "dashboard/15-api-keys")

        await page.get_by_role("button", name="Revoke the key Accounting sync").click()
        dialog = page.get_by_role("dialog", name="Revoke the key “Accounting sync”?")
        await dialog.get_by_role("button", name="Revoke").click()
        await expect(page.get_by_text("The key Accounting sync was revoked.")).to_be_visible()
        await expect(page.get_by_role("row").filter(has_text="Accounting sync")).to_contain_text("Revoked")
        assert (await api.get("/v1/customers")).status_code == 401
