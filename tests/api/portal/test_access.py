"""Portal access end to end through the API: codes, access requests, passwords, lockout, MFA, step-up, sessions,
CSRF, impersonation and guest pay links. Codes and links are read from the queued emails."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pyotp
import pytest
from sqlalchemy import select

from adapters.bootstrap import Container
from adapters.db.tables import AuditLogRow, CustomerRow, OneTimeCodeRow
from tests.conftest import Tenant, make_tenant
from tests.factories import make_customer, make_invoice, token_for
from tests.portal_helpers import emailed_code, last_email, portal_sign_in


def _token(url: str) -> str:
    match = re.search(r"#token=(.+)$", url)
    assert match, url
    return match.group(1)


async def test_known_email_signs_in_and_unknown_gets_a_limited_session(
    client: httpx.AsyncClient, container: Container, tenant: Tenant, browser: Any
) -> None:
    customer = await make_customer(client, email="ap@acme.example")
    async with browser() as known, browser() as stranger:
        assert (await portal_sign_in(known, container, tenant.slug, "AP@acme.example"))["status"] == "signed_in"
        me = (await known.get("/portal/v1/me")).json()
        assert me["customer_id"] == customer["id"] and me["accounts"][0]["name"] == "Acme Dental"
        assert (await portal_sign_in(stranger, container, tenant.slug, "who@else.example"))["status"] == "no_access"
        assert (await stranger.get("/portal/v1/invoices")).status_code in (403, 404)
        assert (await stranger.get("/portal/v1/me/sessions")).status_code == 403


async def test_code_requests_do_not_reveal_whether_an_email_is_known(
    client: httpx.AsyncClient, tenant: Tenant, browser: Any
) -> None:
    await make_customer(client, email="ap@acme.example")
    async with browser() as b:
        known = await b.post(f"/portal/v1/partners/{tenant.slug}/sign-in/code", json={"email": "ap@acme.example"})
        unknown = await b.post(f"/portal/v1/partners/{tenant.slug}/sign-in/code", json={"email": "no@one.example"})
    assert known.status_code == unknown.status_code == 202
    assert known.content == unknown.content
    assert "set-cookie" not in known.headers and "set-cookie" not in unknown.headers


async def test_five_wrong_codes_void_the_code_and_codes_are_stored_hashed(
    client: httpx.AsyncClient, container: Container, tenant: Tenant, browser: Any
) -> None:
    await make_customer(client, email="ap@acme.example")
    async with browser() as b:
        await b.post(f"/portal/v1/partners/{tenant.slug}/sign-in/code", json={"email": "ap@acme.example"})
        code = await emailed_code(container, "ap@acme.example")
        wrong = f"{(int(code) + 1) % 1_000_000:06d}"
        for _ in range(5):
            r = await b.post(
                f"/portal/v1/partners/{tenant.slug}/sign-in/verify", json={"email": "ap@acme.example", "code": wrong}
            )
            assert r.status_code == 401 and r.json()["code"] == "invalid_code"
        r = await b.post(
            f"/portal/v1/partners/{tenant.slug}/sign-in/verify", json={"email": "ap@acme.example", "code": code}
        )
        assert r.status_code == 401, "the right code after five wrong ones must not work"
    async with container.sessions() as s:
        hashes = list(await s.scalars(select(OneTimeCodeRow.code_hash)))
    assert hashes and code not in hashes and all(len(h) == 64 for h in hashes)


async def test_access_request_then_partner_approval_then_sign_in_link(
    client: httpx.AsyncClient, container: Container, tenant: Tenant, browser: Any
) -> None:
    r = await client.patch("/v1/settings/portal", json={"notification_emails": ["ar@partner.example"]})
    assert r.status_code == 200, r.text
    async with browser() as b:
        assert (await portal_sign_in(b, container, tenant.slug, "new@buyer.example"))["status"] == "no_access"
        info = {"company_name": "Buyer Co", "contact_name": "Nina", "phone": "555-0101", "address": "1 Main St"}
        r = await b.post("/portal/v1/access-requests", json=info)
        assert r.status_code == 201 and r.json()["status"] == "pending", r.text
        again = await b.post("/portal/v1/access-requests", json={**info, "company_name": "Other"})
        assert again.json()["id"] == r.json()["id"], "business information is given once"
        assert (await b.get("/portal/v1/me")).json()["access_request"]["status"] == "pending"
    request_id = r.json()["id"]
    assert (await last_email(container, "new@buyer.example", "access_request_pending")).context["company_name"]
    assert (await last_email(container, "ar@partner.example", "access_request_received")).context["request_id"] == (
        request_id
    )
    listed = (await client.get("/v1/access-requests", params={"status": "pending"})).json()["data"]
    assert [x["id"] for x in listed] == [request_id]
    approved = await client.post(
        f"/v1/access-requests/{request_id}/approve", json={"new_customer": {"name": "Buyer Co"}}
    )
    assert approved.status_code == 200 and approved.json()["status"] == "approved", approved.text
    link = (await last_email(container, "new@buyer.example", "access_approved")).context["sign_in_url"]
    async with browser() as b:
        r = await b.post("/portal/v1/sign-in/link", json={"token": _token(link)})
        assert r.status_code == 200 and r.json()["status"] == "signed_in", r.text
        assert r.json()["partner_slug"] == tenant.slug, "the token decides the partner the app continues under"
        assert (await b.get("/portal/v1/me")).json()["customer_id"] == approved.json()["customer_id"]
        again = await b.post("/portal/v1/sign-in/link", json={"token": _token(link)})
        assert again.status_code == 401, "sign-in links are single use"
    assert (await client.post(f"/v1/access-requests/{request_id}/approve", json={"customer_id": "x"})).status_code in (
        404,
        409,
    )


async def _activate(
    client: httpx.AsyncClient, container: Container, browser: Any, email: str, password: str
) -> dict[str, Any]:
    customer = await make_customer(client, name="Beta LLC", email="billing@beta.example")
    r = await client.post(f"/v1/customers/{customer['id']}/portal-invites", json={"email": email})
    assert r.status_code == 201, r.text
    url = (await last_email(container, email, "portal_invite")).context["activation_url"]
    async with browser() as b:
        weak = await b.post("/portal/v1/activation", json={"token": _token(url), "password": "password123"})
        assert weak.status_code == 400 and weak.json()["code"] == "password_too_common"
        r = await b.post("/portal/v1/activation", json={"token": _token(url), "password": password})
        assert r.status_code == 200 and r.json()["status"] == "signed_in", r.text
    return {
        "customer": customer,
        "user": (await client.get("/v1/portal-users", params={"customer_id": customer["id"]})),
    }


async def test_password_lockout_unlock_and_reset(
    client: httpx.AsyncClient, container: Container, tenant: Tenant, browser: Any
) -> None:
    email, password = "clerk@beta.example", "correct horse battery staple"
    await _activate(client, container, browser, email, password)
    url = f"/portal/v1/partners/{tenant.slug}/sign-in/password"
    async with browser() as b:
        for _ in range(4):
            r = await b.post(url, json={"email": email, "password": "not it at all"})
            assert r.status_code == 401 and r.json()["code"] == "invalid_credentials"
        r = await b.post(url, json={"email": email, "password": "not it at all"})
        assert r.status_code == 429 and r.json()["code"] == "account_locked" and int(r.headers["Retry-After"]) > 0
        locked = await b.post(url, json={"email": email, "password": password})
        assert locked.status_code == 429, "a locked account refuses even the right password"
        unknown = await b.post(url, json={"email": "ghost@beta.example", "password": password})
        assert unknown.status_code == 401 and unknown.json()["code"] == "invalid_credentials"
        users = (await client.get("/v1/portal-users")).json()["data"]
        user = next(u for u in users if u["email"] == email)
        assert user["locked_until"] is not None
        assert (await client.post(f"/v1/portal-users/{user['id']}/unlock")).status_code == 200
        ok = await b.post(url, json={"email": email, "password": password})
        assert ok.status_code == 200 and ok.json()["status"] == "signed_in", ok.text
        # self-service reset ends this session
        r = await b.post(f"/portal/v1/partners/{tenant.slug}/password-reset", json={"email": email})
        assert r.status_code == 202
        reset_url = (await last_email(container, email, "password_reset")).context["reset_url"]
        async with browser() as other:
            r = await other.post(
                "/portal/v1/password-reset", json={"token": _token(reset_url), "password": "a brand new passphrase"}
            )
            assert r.status_code == 200, r.text
        assert (await b.get("/portal/v1/me")).status_code == 401, "a password change ends the other sessions"
        assert (await b.post(url, json={"email": email, "password": "a brand new passphrase"})).status_code == 200


async def test_wrong_password_for_unknown_and_known_emails_answer_alike(
    client: httpx.AsyncClient, container: Container, tenant: Tenant, browser: Any
) -> None:
    email = "clerk@beta.example"
    await _activate(client, container, browser, email, "correct horse battery staple")
    url = f"/portal/v1/partners/{tenant.slug}/sign-in/password"
    async with browser() as b:
        known = await b.post(url, json={"email": email, "password": "wrong wrong wrong"})
        unknown = await b.post(url, json={"email": "ghost@beta.example", "password": "wrong wrong wrong"})
    assert known.status_code == unknown.status_code == 401
    assert known.json() == unknown.json()


async def test_step_up_codes_have_their_own_hourly_budget(
    client: httpx.AsyncClient, container: Container, tenant: Tenant, browser: Any
) -> None:
    await make_customer(client, email="ap@acme.example")
    async with browser() as b:
        await portal_sign_in(b, container, tenant.slug, "ap@acme.example")  # the first sign-in code of the hour
        for _ in range(4):
            sent = await b.post(f"/portal/v1/partners/{tenant.slug}/sign-in/code", json={"email": "ap@acme.example"})
            assert sent.status_code == 202, sent.text
        spent = await b.post(f"/portal/v1/partners/{tenant.slug}/sign-in/code", json={"email": "ap@acme.example"})
        assert spent.status_code == 429 and spent.json()["code"] == "too_many_codes"
        for _ in range(5):  # sign-in codes spent; confirming an action still works, five times an hour
            assert (await b.post("/portal/v1/me/step-up/code")).status_code == 204
        refused = await b.post("/portal/v1/me/step-up/code")
        assert refused.status_code == 429 and refused.json()["code"] == "too_many_codes"
        assert refused.headers["Retry-After"]


async def test_mfa_enrolment_and_code_sign_in_does_not_loop(
    client: httpx.AsyncClient, container: Container, tenant: Tenant, browser: Any
) -> None:
    await make_customer(client, email="ap@acme.example")
    async with browser() as b:
        await portal_sign_in(b, container, tenant.slug, "ap@acme.example")
        r = await b.post("/portal/v1/me/mfa")
        assert r.status_code == 403 and r.json()["code"] == "step_up_required", "a code-only session steps up first"
        assert (await b.post("/portal/v1/me/step-up/code")).status_code == 204
        step_code = await emailed_code(container, "ap@acme.example", "step_up_code")
        r = await b.post("/portal/v1/me/step-up", json={"code": step_code})
        assert r.status_code == 200, r.text
        b.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        r = await b.post("/portal/v1/me/mfa")
        assert r.status_code == 200, r.text
        totp = pyotp.TOTP(r.json()["secret"])
        assert r.json()["otpauth_uri"].startswith("otpauth://totp/")
        r = await b.post("/portal/v1/me/mfa/confirm", json={"code": totp.now()})
        assert r.status_code == 200, r.text
        recovery = r.json()["recovery_codes"]
        assert len(recovery) == 10 and len(set(recovery)) == 10
    async with browser() as b:
        assert (await portal_sign_in(b, container, tenant.slug, "ap@acme.example"))["status"] == "mfa_required"
        assert (await b.get("/portal/v1/invoices")).status_code == 401
        replayed = await b.post("/portal/v1/sign-in/mfa", json={"code": totp.now()})
        assert replayed.status_code == 401, "the time step used at enrolment cannot be used again"
        r = await b.post("/portal/v1/sign-in/mfa", json={"code": recovery[0], "recovery": True})
        assert r.status_code == 200 and r.json()["status"] == "signed_in", r.text
        b.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        me = await b.get("/portal/v1/me")
        assert me.status_code == 200 and me.json()["state"] == "active" and me.json()["mfa_enabled"]
    async with browser() as b:
        await portal_sign_in(b, container, tenant.slug, "ap@acme.example")
        again = await b.post("/portal/v1/sign-in/mfa", json={"code": recovery[0], "recovery": True})
        assert again.status_code == 401, "recovery codes work once"
        for _ in range(4):
            await b.post("/portal/v1/sign-in/mfa", json={"code": "000000"})
        assert (await b.get("/portal/v1/me")).status_code == 401, "five wrong codes end the waiting session"


async def test_csrf_origin_and_cookie_flags(
    client: httpx.AsyncClient, container: Container, tenant: Tenant, browser: Any
) -> None:
    await make_customer(client, email="ap@acme.example")
    async with browser() as b:
        r = await b.post(f"/portal/v1/partners/{tenant.slug}/sign-in/code", json={"email": "ap@acme.example"})
        code = await emailed_code(container, "ap@acme.example")
        b.cookies.set("remit_portal", "planted-by-an-attacker")
        r = await b.post(
            f"/portal/v1/partners/{tenant.slug}/sign-in/verify", json={"email": "ap@acme.example", "code": code}
        )
        cookie = r.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
        assert "planted-by-an-attacker" not in cookie, "sign-in issues a new session token (no fixation)"
        csrf = r.json()["csrf_token"]
        b.cookies.clear()
        b.cookies.set("remit_portal", cookie.split("=", 1)[1].split(";", 1)[0])
        no_header = await b.post("/portal/v1/me/step-up/code")
        assert no_header.status_code == 403 and no_header.json()["code"] == "csrf_failed"
        foreign = await b.post(
            "/portal/v1/me/step-up/code", headers={"X-CSRF-Token": csrf, "Origin": "https://evil.example"}
        )
        assert foreign.status_code == 403 and foreign.json()["code"] == "bad_origin"
        ok = await b.post("/portal/v1/me/step-up/code", headers={"X-CSRF-Token": csrf, "Origin": "http://remit.test"})
        assert ok.status_code == 204, ok.text
    async with httpx.AsyncClient(transport=client._transport, base_url="https://remit.test") as secure:
        r = await secure.post(f"/portal/v1/partners/{tenant.slug}/sign-in/code", json={"email": "ap@acme.example"})
        code = await emailed_code(container, "ap@acme.example")
        r = await secure.post(
            f"/portal/v1/partners/{tenant.slug}/sign-in/verify", json={"email": "ap@acme.example", "code": code}
        )
        assert r.headers["set-cookie"].startswith("__Host-remit_portal=") and "Secure" in r.headers["set-cookie"]


async def test_sessions_are_listed_and_revocable(
    client: httpx.AsyncClient, container: Container, tenant: Tenant, browser: Any
) -> None:
    await make_customer(client, email="ap@acme.example")
    async with browser() as laptop, browser() as phone:
        await portal_sign_in(laptop, container, tenant.slug, "ap@acme.example")
        await portal_sign_in(phone, container, tenant.slug, "ap@acme.example")
        sessions = (await laptop.get("/portal/v1/me/sessions")).json()["data"]
        assert len(sessions) == 2 and sum(s["current"] for s in sessions) == 1
        other = next(s for s in sessions if not s["current"])
        assert (await laptop.delete(f"/portal/v1/me/sessions/{other['id']}")).status_code == 204
        assert (await phone.get("/portal/v1/me")).status_code == 401
        assert (await laptop.post("/portal/v1/sign-out")).status_code == 204
        assert (await laptop.get("/portal/v1/me")).status_code == 401


async def test_one_email_switches_between_customers(
    client: httpx.AsyncClient, container: Container, tenant: Tenant, browser: Any
) -> None:
    first = await make_customer(client, name="North", email="ap@group.example")
    second = await make_customer(
        client, name="South", email="south@group.example", contacts=[{"email": "ap@group.example"}]
    )
    foreign = await make_customer(client, name="Elsewhere", email="else@other.example")
    async with browser() as b:
        await portal_sign_in(b, container, tenant.slug, "ap@group.example")
        me = (await b.get("/portal/v1/me")).json()
        assert {a["customer_id"] for a in me["accounts"]} == {first["id"], second["id"]}
        r = await b.post("/portal/v1/me/account", json={"customer_id": second["id"]})
        assert r.status_code == 200 and r.json()["customer_id"] == second["id"]
        r = await b.post("/portal/v1/me/account", json={"customer_id": foreign["id"]})
        assert r.status_code == 404


async def test_impersonation_is_read_only_and_audited(
    client: httpx.AsyncClient, container: Container, tenant: Tenant, browser: Any
) -> None:
    customer = await make_customer(client, email="ap@acme.example")
    r = await client.post(f"/v1/customers/{customer['id']}/impersonation")
    assert r.status_code == 201 and r.json()["expires_in"] == 120, r.text
    token = _token(r.json()["url"])
    async with browser() as b:
        r = await b.post("/portal/v1/sign-in/impersonation", json={"token": token})
        assert r.status_code == 200 and r.json()["status"] == "signed_in", r.text
        b.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        me = (await b.get("/portal/v1/me")).json()
        assert me["impersonated"] and me["customer_id"] == customer["id"]
        assert me["accounts"] == [{"customer_id": customer["id"], "name": customer["name"], "permissions": ["view"]}]
        for method, path, body in [
            ("POST", "/portal/v1/me/step-up/code", None),
            ("POST", "/portal/v1/me/account", {"customer_id": customer["id"]}),
            ("POST", "/portal/v1/me/mfa", None),
            ("POST", "/portal/v1/team/invites", {"email": "x@acme.example"}),
        ]:
            refused = await b.request(method, path, json=body)
            assert refused.status_code == 403 and refused.json()["code"] == "impersonation_read_only", path
        again = await b.post("/portal/v1/sign-in/impersonation", json={"token": token})
        assert again.status_code == 401, "impersonation links are single use"
    async with container.sessions() as s:
        actions = list(await s.scalars(select(AuditLogRow.action).where(AuditLogRow.partner_id == tenant.partner_id)))
    assert "portal.impersonation_started" in actions and "portal.impersonation_opened" in actions
    assert actions.count("portal.impersonated_request") >= 5


async def test_guest_pays_from_a_pay_link_onto_the_invoice_customer(
    client: httpx.AsyncClient, container: Container, tenant: Tenant, browser: Any
) -> None:
    customer = await make_customer(client, email="ap@acme.example")
    invoice = await make_invoice(client, customer["id"], amount=20_000)
    link = (await client.post(f"/v1/invoices/{invoice['id']}/pay-link")).json()
    assert (await client.post(f"/v1/invoices/{invoice['id']}/pay-link")).json()["token"] == link["token"]
    async with container.sessions() as s:
        customers_before = len(list(await s.scalars(select(CustomerRow.id))))
    async with browser() as guest:
        view = await guest.get(f"/portal/v1/pay-links/{link['token']}")
        assert view.status_code == 200 and view.json()["amount_due"] == 20_000, view.text
        tampered = link["token"][:-1] + ("0" if link["token"][-1] != "0" else "1")
        assert (await guest.get(f"/portal/v1/pay-links/{tampered}")).status_code == 404
        card = await token_for(client, "visa")
        q = await guest.post(f"/portal/v1/pay-links/{link['token']}/quote", json={"token": card})
        assert q.status_code == 200 and q.json()["fee"] > 0, q.text
        pay = {"method_ref": q.json()["method_ref"], "receipt_email": "payer@acme.example"}
        no_key = await guest.post(f"/portal/v1/pay-links/{link['token']}/payments", json=pay)
        assert no_key.status_code == 400
        headers = {"Idempotency-Key": "guest-pay-1"}
        r = await guest.post(f"/portal/v1/pay-links/{link['token']}/payments", json=pay, headers=headers)
        assert r.status_code == 201 and r.json()["status"] == "succeeded", r.text
        assert r.json()["customer_id"] == customer["id"] and r.json()["transaction_id"].startswith("RM-")
        twice = await guest.post(f"/portal/v1/pay-links/{link['token']}/payments", json=pay, headers=headers)
        assert twice.json()["id"] == r.json()["id"], "a double click pays once"
        forged = {**pay, "method_ref": "pm_01J00000000000000000000000.deadbeefdeadbeefdeadbeefdeadbeef"}
        r2 = await guest.post(
            f"/portal/v1/pay-links/{link['token']}/payments", json=forged, headers={"Idempotency-Key": "guest-pay-2"}
        )
        assert r2.status_code == 404
    async with container.sessions() as s:
        assert len(list(await s.scalars(select(CustomerRow.id)))) == customers_before, "no new customer record"
    assert (await client.get(f"/v1/invoices/{invoice['id']}")).json()["status"] == "paid"
    methods = (await client.get(f"/v1/customers/{customer['id']}/payment-methods")).json()["data"]
    assert all(not m["is_default"] for m in methods), "a guest's card never becomes the customer's default"


async def test_pay_links_revoke_and_partner_can_require_sign_in(
    client: httpx.AsyncClient, tenant: Tenant, browser: Any
) -> None:
    customer = await make_customer(client, email="ap@acme.example")
    invoice = await make_invoice(client, customer["id"], amount=5_000)
    link = (await client.post(f"/v1/invoices/{invoice['id']}/pay-link")).json()
    async with browser() as guest:
        assert (await client.patch("/v1/settings/portal", json={"guest_checkout": False})).status_code == 200
        view = (await guest.get(f"/portal/v1/pay-links/{link['token']}")).json()
        assert view["requires_sign_in"] is True
        card = await token_for(client, "visa")
        r = await guest.post(f"/portal/v1/pay-links/{link['token']}/quote", json={"token": card})
        assert r.status_code == 403 and r.json()["code"] == "sign_in_required"
        assert (await client.post(f"/v1/invoices/{invoice['id']}/pay-link/revoke")).status_code == 204
        assert (await guest.get(f"/portal/v1/pay-links/{link['token']}")).status_code == 404
        fresh = (await client.post(f"/v1/invoices/{invoice['id']}/pay-link")).json()
        assert fresh["token"] != link["token"]


async def test_slug_change_redirects_old_billing_links(client: httpx.AsyncClient, tenant: Tenant, browser: Any) -> None:
    new_slug = f"{tenant.slug}-new"
    r = await client.patch("/v1/settings/portal", json={"slug": new_slug, "primary_color": "#FFEE00"})
    assert r.status_code == 200 and r.json()["slug"] == new_slug, r.text
    async with browser() as b:
        old = await b.get(f"/portal/v1/partners/{tenant.slug}")
        assert old.status_code == 308 and old.headers["location"] == f"/portal/v1/partners/{new_slug}"
        branding = (await b.get(f"/portal/v1/partners/{new_slug}")).json()
        assert branding["primary_color"] == "#FFEE00" and branding["primary_text_color"] == "#000000"


async def test_another_partners_slug_or_domain_is_taken_and_ones_own_old_slug_is_not(
    client: httpx.AsyncClient, app_client: httpx.AsyncClient, tenant: Tenant, container: Container
) -> None:
    other = await make_tenant(container, "Other partner")
    theirs = {"Authorization": f"Bearer {other.api_key}"}
    domain = f"pay.{other.slug}.example"
    r = await app_client.patch(
        "/v1/settings/portal", json={"slug": f"{other.slug}-new", "custom_domain": domain}, headers=theirs
    )
    assert r.status_code == 200, r.text
    for taken in ({"slug": other.slug}, {"slug": f"{other.slug}-new"}, {"custom_domain": domain.upper()}):
        r = await client.patch("/v1/settings/portal", json=taken)  # their retired slug, current slug, domain
        assert r.status_code == 409 and r.json()["code"] in ("slug_taken", "domain_taken"), (taken, r.text)
    assert (await client.patch("/v1/settings/portal", json={"slug": f"{tenant.slug}-2"})).status_code == 200
    r = await client.patch("/v1/settings/portal", json={"slug": tenant.slug})  # its own retired slug, taken back
    assert r.status_code == 200 and r.json()["slug"] == tenant.slug, r.text
    r = await app_client.patch("/v1/settings/portal", json={"custom_domain": domain}, headers=theirs)
    assert r.status_code == 200, r.text  # the partner's own domain is not taken from itself


@pytest.mark.parametrize("bad", [{"primary_color": "red"}, {"custom_domain": "not a domain"}, {"logo_url": "http://x"}])
async def test_bad_portal_settings_are_refused(client: httpx.AsyncClient, bad: dict[str, Any]) -> None:
    before = (await client.get("/v1/settings/portal")).json()
    r = await client.patch("/v1/settings/portal", json=bad)
    assert r.status_code == 400, r.text
    assert (await client.get("/v1/settings/portal")).json() == before
