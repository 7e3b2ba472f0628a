"""The portal team and email preferences: inviting a colleague (a second factor first; the invitation arrives by
SMTP), changing their permissions, removing them; invitations turned off by the partner; the reminder switch."""

from __future__ import annotations

from typing import Any

from playwright.async_api import Page, expect

from tests.e2e.browser import assert_accessible, screenshot
from tests.e2e.mail import Inbox, subject_of
from tests.e2e.portal import portal_fetch, sign_in
from tests.e2e.seed import Partner


async def team(page: Page) -> dict[str, dict[str, Any]]:
    members = await portal_fetch(page, "GET", "/portal/v1/team")
    return {m["email"]: m for m in members["data"]}


async def test_invite_a_colleague_change_permissions_and_remove(
    spa: object, page: Page, partner: Partner, inbox: Inbox
) -> None:
    customer = await partner.create_customer("Acme Dental")
    me = customer["email"]
    kim = partner.email("kim")
    await sign_in(page, partner, inbox, me, "/team")
    await expect(page.get_by_role("heading", level=1, name="Team")).to_be_visible()
    mine = page.locator(f"form[data-member='{me}']")
    await expect(mine.locator(".chip")).to_have_text(["You", "Active"])
    await expect(mine.get_by_role("checkbox")).to_have_count(4)
    for box in await mine.get_by_role("checkbox").all():
        await expect(box).to_be_disabled()
    await screenshot(page, "team/members")
    await assert_accessible(page)

    invite = page.get_by_role("region", name="Invite a colleague")
    await invite.get_by_label("Email").fill(kim)
    await invite.get_by_label("Name (optional)").fill("Kim Lee")
    await invite.get_by_label("Manage payment methods").check()
    seen = inbox.count(me)
    await invite.get_by_role("button", name="Send invitation").click()

    # A session opened by an emailed code alone confirms it is them before adding someone.
    step_up = page.get_by_role("dialog")
    await expect(step_up).to_contain_text("confirm it is you")
    await step_up.get_by_role("button", name="Email me a code").click()
    code = await inbox.code(me, after=seen)
    await expect(step_up.get_by_label("Digit 1 of 6")).to_be_focused()
    await screenshot(page, "team/step-up")
    await assert_accessible(page)
    await page.keyboard.type(code)
    await expect(step_up).to_have_count(0)
    await expect(page.get_by_role("status").filter(has_text=f"Invitation sent to {kim}")).to_be_visible()

    mail = await inbox.latest(kim)
    assert "Acme Dental" in subject_of(mail) or "invite" in subject_of(mail).lower(), subject_of(mail)
    link = await inbox.link(kim, contains=f"/pay/{partner.slug}")
    assert "#token=" in link
    theirs = page.locator(f"form[data-member='{kim}']")
    await expect(theirs.locator(".member-name")).to_have_text("Kim Lee")
    await expect(theirs.locator(".chip")).to_have_text(["Invitation sent"])
    await expect(theirs.get_by_label("Pay invoices")).to_be_checked()
    await expect(theirs.get_by_label("Manage payment methods")).to_be_checked()
    await expect(theirs.get_by_label("Manage the team")).not_to_be_checked()
    assert sorted((await team(page))[kim]["permissions"]) == ["manage_methods", "pay", "view"]
    await screenshot(page, "team/invited")
    await assert_accessible(page)

    save = theirs.get_by_role("button", name="Save permissions")
    await expect(save).to_be_disabled()
    await theirs.get_by_label("Pay invoices").uncheck()
    await theirs.get_by_label("Manage the team").check()
    await save.click()
    await expect(theirs.get_by_role("status")).to_have_text("Saved.")
    assert sorted((await team(page))[kim]["permissions"]) == ["manage_methods", "manage_team", "view"]

    await theirs.get_by_role("button", name="Remove Kim Lee from the team").click()
    dialog = page.get_by_role("dialog", name="Remove Kim Lee?")
    await expect(dialog.get_by_role("button", name="Keep")).to_be_focused()
    await screenshot(page, "team/remove-confirm")
    await assert_accessible(page)
    await dialog.get_by_role("button", name="Remove from team").click()
    await expect(page.get_by_role("status").filter(has_text="Kim Lee was removed from the team.")).to_be_visible()
    await expect(theirs).to_have_count(0)
    assert list(await team(page)) == [me]
    await screenshot(page, "team/removed")
    await assert_accessible(page)


async def test_invitations_off_and_reminder_emails(spa: object, page: Page, partner: Partner, inbox: Inbox) -> None:
    await partner.set_portal_settings(team_invites=False)
    customer = await partner.create_customer("Birchwood Law")
    await sign_in(page, partner, inbox, customer["email"], "/team")
    await expect(page.get_by_text(f"{partner.name} has turned off team invitations")).to_be_visible()
    await expect(page.get_by_role("button", name="Send invitation")).to_be_disabled()
    await expect(page.get_by_label("Email")).to_be_disabled()
    await screenshot(page, "team/invites-off")
    await assert_accessible(page)

    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Notifications").click()
    switch = page.get_by_role("switch", name="Invoice reminders")
    await expect(switch).to_be_checked()
    await screenshot(page, "notifications/on")
    await assert_accessible(page)
    await switch.click()
    await expect(
        page.get_by_role("status").filter(has_text="Saved: you will not get invoice reminders.")
    ).to_be_visible()
    await expect(switch).not_to_be_checked()
    await expect(switch).to_be_focused()
    assert (await portal_fetch(page, "GET", "/portal/v1/me/notifications"))["reminders"] is False
    await screenshot(page, "notifications/off")
    await assert_accessible(page)
    await page.reload()
    await expect(page.get_by_role("switch", name="Invoice reminders")).not_to_be_checked()
    await page.get_by_role("switch", name="Invoice reminders").press("Space")
    await expect(page.get_by_role("status").filter(has_text="Saved: you will get invoice reminders.")).to_be_visible()
