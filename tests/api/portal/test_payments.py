"""Paying from the portal: quotes, card fees, partial and lump-sum payments, partner rules, idempotency, declines,
bank debits, saved methods, history and receipts, permissions, CSRF and impersonation."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from adapters.bootstrap import Container
from tests.conftest import Tenant
from tests.factories import token_for
from tests.portal_customers import PortalCustomer, Portals, row_counts, set_permissions, step_up
from tests.portal_helpers import last_email
from workers.outbox import notify_outbox
from workers.queue import InProcessQueue


@pytest.fixture
async def portals(client: httpx.AsyncClient, container: Container, tenant: Tenant) -> AsyncIterator[Portals]:
    async with Portals(client, container, tenant) as p:
        yield p


def key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


async def portal_pay(c: PortalCustomer, body: dict[str, Any], headers: dict[str, str] | None = None) -> httpx.Response:
    return await c.browser.post("/portal/v1/payments", json=body, headers=key() if headers is None else headers)


def refused(r: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, f"expected {status} {code}, got {r.status_code} {r.text}"
    assert r.headers["content-type"] == "application/problem+json"
    body = dict(r.json())
    assert body["code"] == code, body
    return body


async def invoice_view(c: PortalCustomer, invoice_id: str) -> dict[str, Any]:
    r = await c.browser.get(f"/portal/v1/invoices/{invoice_id}")
    assert r.status_code == 200, r.text
    return dict(r.json())


async def test_two_invoices_one_in_part_by_card_with_its_fee(portals: Portals) -> None:
    c = await portals.customer()
    first = await c.invoice(10_000)
    second = await c.invoice(20_000)
    card = await c.method("visa")
    what = {
        "allocations": [{"invoice_id": first["id"], "amount": 10_000}, {"invoice_id": second["id"], "amount": 5_000}]
    }

    q = await c.browser.post("/portal/v1/payments/quote", json={**what, "payment_method_id": card["id"]})
    assert q.status_code == 200, q.text
    quote = q.json()
    # 2.9% of 150.00 is 4.35, plus 0.30
    assert (quote["subtotal"], quote["fee"], quote["total"], quote["method_label"]) == (
        15_000,
        465,
        15_465,
        "Visa •••• 4242",
    )

    r = await portal_pay(c, {**what, "payment_method_id": card["id"]})
    assert r.status_code == 201, r.text
    payment = r.json()
    assert (payment["status"], payment["subtotal"], payment["fee"], payment["amount"]) == (
        "succeeded",
        15_000,
        465,
        15_465,
    )
    assert payment["transaction_id"].startswith("RM-")
    assert payment["receipt_email"] == c.email
    assert [(a["invoice_id"], a["invoice_number"], a["amount"]) for a in payment["allocations"]] == [
        (first["id"], first["number"], 10_000),
        (second["id"], second["number"], 5_000),
    ]
    assert "processor_payment_id" not in payment
    assert (await invoice_view(c, first["id"]))["status"] == "paid"
    rest = await invoice_view(c, second["id"])
    assert (rest["status"], rest["amount_paid"], rest["amount_due"]) == ("partially_paid", 5_000, 15_000)

    history = (await c.browser.get("/portal/v1/payments")).json()
    assert [p["id"] for p in history["data"]] == [payment["id"]]
    assert (await c.browser.get(f"/portal/v1/payments/{payment['id']}")).json() == payment
    receipt = await c.browser.get(f"/portal/v1/payments/{payment['id']}/receipt")
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF"), receipt.text
    assert receipt.headers["content-disposition"] == f'attachment; filename="receipt-{payment["transaction_id"]}.pdf"'


async def test_a_lump_sum_goes_oldest_due_first_as_quoted(portals: Portals, container: Container) -> None:
    c = await portals.customer()
    today = container.clock.today()
    later = await c.invoice(3_000, due_date=(today + timedelta(days=5)).isoformat())
    soonest = await c.invoice(2_000, due_date=(today + timedelta(days=1)).isoformat())
    last = await c.invoice(4_000, due_date=(today + timedelta(days=10)).isoformat())
    card = await c.method("visa")

    q = await c.browser.post("/portal/v1/payments/quote", json={"amount": 4_000, "payment_method_id": card["id"]})
    assert q.status_code == 200, q.text
    quote = q.json()
    assert [(a["invoice_id"], a["amount"]) for a in quote["allocations"]] == [
        (soonest["id"], 2_000),
        (later["id"], 2_000),
    ]

    r = await portal_pay(c, {"amount": 4_000, "payment_method_id": card["id"]})
    assert r.status_code == 201, r.text
    payment = r.json()
    assert [{k: a[k] for k in ("invoice_id", "invoice_number", "amount")} for a in payment["allocations"]] == quote[
        "allocations"
    ]
    assert (payment["fee"], payment["amount"]) == (quote["fee"], quote["total"])
    assert (await invoice_view(c, last["id"]))["amount_due"] == 4_000

    # Over chosen invoices only; more than they owe is refused
    r = await portal_pay(c, {"amount": 2_000, "invoice_ids": [last["id"]], "payment_method_id": card["id"]})
    assert r.status_code == 201 and r.json()["allocations"][0]["invoice_id"] == last["id"], r.text
    refused(
        await portal_pay(c, {"amount": 5_000, "invoice_ids": [last["id"]], "payment_method_id": card["id"]}),
        409,
        "amount_exceeds_due",
    )


async def test_partner_rules_partial_payments_and_never_more_than_due(
    portals: Portals, container: Container, tenant: Tenant
) -> None:
    c = await portals.customer()
    invoice = await c.invoice(10_000)
    card = await c.method("visa_debit")
    before = await row_counts(container, tenant)
    refused(
        await portal_pay(
            c, {"allocations": [{"invoice_id": invoice["id"], "amount": 10_001}], "payment_method_id": card["id"]}
        ),
        409,
        "amount_exceeds_due",
    )
    r = await c.partner.patch("/v1/settings/payments", json={"partial_payments": False})
    assert r.status_code == 200, r.text
    partial = {"allocations": [{"invoice_id": invoice["id"], "amount": 4_000}], "payment_method_id": card["id"]}
    refused(await c.browser.post("/portal/v1/payments/quote", json=partial), 409, "partial_payments_disabled")
    refused(await portal_pay(c, partial), 409, "partial_payments_disabled")
    refused(await portal_pay(c, {"amount": 4_000, "payment_method_id": card["id"]}), 409, "partial_payments_disabled")
    assert await row_counts(container, tenant) == before, "refused payments wrote rows"

    r = await portal_pay(c, {"amount": 10_000, "payment_method_id": card["id"]})
    assert r.status_code == 201 and r.json()["fee"] == 0, r.text  # a debit card: no surcharge
    refused(await portal_pay(c, {"amount": 1, "payment_method_id": card["id"]}), 409, "nothing_due")


async def test_one_key_pays_once_and_a_key_is_required(portals: Portals, container: Container, tenant: Tenant) -> None:
    c = await portals.customer()
    invoice = await c.invoice(10_000)
    card = await c.method("visa")
    body = {"allocations": [{"invoice_id": invoice["id"], "amount": 10_000}], "payment_method_id": card["id"]}

    refused(await portal_pay(c, body, headers={}), 400, "idempotency_key_required")
    same = key()
    first = await portal_pay(c, body, headers=same)
    assert first.status_code == 201, first.text
    again = await portal_pay(c, body, headers=same)
    assert again.status_code == 201 and again.headers.get("idempotent-replayed") == "true"
    assert again.json() == first.json()
    refused(
        await portal_pay(c, {**body, "receipt_email": "x@acme.example"}, headers=same), 409, "idempotency_key_reused"
    )
    history = (await c.browser.get("/portal/v1/payments")).json()["data"]
    assert [p["id"] for p in history] == [first.json()["id"]]
    # A second click with a new key finds nothing left to pay
    refused(await portal_pay(c, body), 409, "invoice_not_payable")


async def test_a_declined_card_answers_402_with_what_to_do(portals: Portals) -> None:
    c = await portals.customer()
    invoice = await c.invoice(10_000)
    card = await c.method("insufficient_funds")
    same = key()
    body = {"allocations": [{"invoice_id": invoice["id"], "amount": 10_000}], "payment_method_id": card["id"]}
    problem = refused(await portal_pay(c, body, headers=same), 402, "insufficient_funds")
    assert "insufficient funds" in problem["detail"] and "Nothing was charged" in problem["detail"]
    assert "another card" in problem["detail"]
    assert problem["payment_id"] and problem["transaction_id"].startswith("RM-")
    replay = await portal_pay(c, body, headers=same)
    assert replay.status_code == 402 and replay.json() == problem
    after = await invoice_view(c, invoice["id"])
    assert (after["status"], after["amount_due"], after["pay_allowed"]) == ("open", 10_000, True)
    [failed] = (await c.browser.get("/portal/v1/payments")).json()["data"]
    assert failed["status"] == "failed" and failed["id"] == problem["payment_id"]


async def test_a_bank_debit_is_pending_and_unsaved_methods_are_not_kept(portals: Portals, container: Container) -> None:
    c = await portals.customer()
    invoice = await c.invoice(10_000)
    other = await c.invoice(5_000)
    saved = await c.method("settles")
    r = await portal_pay(
        c, {"allocations": [{"invoice_id": invoice["id"], "amount": 10_000}], "payment_method_id": saved["id"]}
    )
    assert r.status_code == 201, r.text
    assert (r.json()["status"], r.json()["fee"], r.json()["method"]) == ("pending", 0, "us_bank_account")
    pending = await invoice_view(c, invoice["id"])
    assert (pending["amount_pending"], pending["amount_due"], pending["amount_paid"]) == (10_000, 0, 0)
    assert [
        i["id"] for i in (await c.browser.get("/portal/v1/invoices", params={"status": "pending"})).json()["data"]
    ] == [invoice["id"]]

    # A new bank account for this payment only: the mandate is needed, no second factor, and it is not kept
    token = await token_for(c.partner, "settles")
    what = {"allocations": [{"invoice_id": other["id"], "amount": 5_000}], "token": token, "save_method": False}
    refused(await portal_pay(c, what), 400, "mandate_required")
    r = await portal_pay(c, {**what, "accept_mandate": True})
    assert r.status_code == 201 and r.json()["status"] == "pending", r.text
    methods = (await c.browser.get("/portal/v1/payment-methods")).json()["data"]
    assert [m["id"] for m in methods] == [saved["id"]]

    # Saving one needs a fresh second factor
    third = await c.invoice(1_000)
    token = await token_for(c.partner, "settles")
    save = {"allocations": [{"invoice_id": third["id"], "amount": 1_000}], "token": token, "accept_mandate": True}
    refused(await portal_pay(c, save), 403, "step_up_required")
    await step_up(c.browser, container, c.email)
    r = await portal_pay(c, save)
    assert r.status_code == 201 and r.json()["status"] == "pending", r.text
    methods = (await c.browser.get("/portal/v1/payment-methods")).json()["data"]
    assert len(methods) == 2 and methods[0]["mandate"]["text"]


async def test_saved_methods_add_remove_and_default(portals: Portals, container: Container) -> None:
    c = await portals.customer()
    r = await c.browser.post("/portal/v1/payment-methods", json={"token": await token_for(c.partner, "visa")})
    assert r.status_code == 201, r.text
    visa = r.json()
    assert (visa["label"], visa["is_default"], visa["type"]) == ("Visa •••• 4242", True, "card")
    r = await c.browser.post("/portal/v1/payment-methods", json={"token": await token_for(c.partner, "mastercard")})
    master = r.json()
    assert r.status_code == 201 and master["is_default"] is False
    r = await c.browser.post(f"/portal/v1/payment-methods/{master['id']}/default")
    assert r.status_code == 200 and r.json()["is_default"] is True
    listed = (await c.browser.get("/portal/v1/payment-methods")).json()["data"]
    assert {m["id"]: m["is_default"] for m in listed} == {visa["id"]: False, master["id"]: True}

    bank = {"token": await token_for(c.partner, "settles"), "accept_mandate": True}
    refused(await c.browser.post("/portal/v1/payment-methods", json=bank), 403, "step_up_required")
    await step_up(c.browser, container, c.email)
    refused(
        await c.browser.post("/portal/v1/payment-methods", json={**bank, "accept_mandate": False}),
        400,
        "mandate_required",
    )
    r = await c.browser.post("/portal/v1/payment-methods", json=bank)
    assert r.status_code == 201 and r.json()["mandate"]["accepted_at"], r.text

    r = await c.browser.delete(f"/portal/v1/payment-methods/{visa['id']}")
    assert r.status_code == 200, r.text
    assert visa["id"] not in {m["id"] for m in (await c.browser.get("/portal/v1/payment-methods")).json()["data"]}
    refused(await c.browser.delete(f"/portal/v1/payment-methods/{visa['id']}"), 404, "resource_missing")
    # A removed method cannot pay
    invoice = await c.invoice()
    refused(await portal_pay(c, {"amount": 10_000, "payment_method_id": visa["id"]}), 404, "resource_missing")
    assert (await invoice_view(c, invoice["id"]))["amount_due"] == 10_000


async def test_permissions_decide_who_pays_and_who_manages_methods(
    portals: Portals, container: Container, tenant: Tenant
) -> None:
    c = await portals.customer()
    invoice = await c.invoice()
    card = await c.method("visa")
    await set_permissions(container, tenant, c.email, c.id, "view")
    body = {"amount": 10_000, "payment_method_id": card["id"]}
    before = await row_counts(container, tenant)
    refused(await portal_pay(c, body), 403, "missing_permission")
    refused(await c.browser.post("/portal/v1/payments/quote", json=body), 403, "missing_permission")
    token = await token_for(c.partner, "visa")
    refused(await c.browser.post("/portal/v1/payment-methods", json={"token": token}), 403, "missing_permission")
    refused(await c.browser.delete(f"/portal/v1/payment-methods/{card['id']}"), 403, "missing_permission")
    refused(await c.browser.post(f"/portal/v1/payment-methods/{card['id']}/default"), 403, "missing_permission")
    assert (await invoice_view(c, invoice["id"]))["pay_allowed"] is False
    assert await row_counts(container, tenant) == before

    # Paying with a fresh token kept for this payment only needs `pay`, not `manage_methods`
    await set_permissions(container, tenant, c.email, c.id, "view", "pay")
    r = await portal_pay(c, {"amount": 10_000, "token": token, "save_method": False})
    assert r.status_code == 201 and r.json()["status"] == "succeeded", r.text
    assert [m["id"] for m in (await c.browser.get("/portal/v1/payment-methods")).json()["data"]] == [card["id"]]


async def test_changes_need_the_csrf_header_and_impersonation_is_read_only(
    portals: Portals, container: Container, tenant: Tenant
) -> None:
    c = await portals.customer()
    invoice = await c.invoice()
    card = await c.method("visa")
    body = {"amount": 10_000, "payment_method_id": card["id"]}
    csrf = c.browser.headers.pop("X-CSRF-Token")
    before = await row_counts(container, tenant)
    for method, path, payload in [
        ("POST", "/portal/v1/payments", body),
        ("POST", f"/portal/v1/payment-methods/{card['id']}/default", None),
        ("DELETE", f"/portal/v1/payment-methods/{card['id']}", None),
        ("POST", f"/portal/v1/invoices/{invoice['id']}/questions", {"message": "Why?"}),
        ("POST", "/portal/v1/scheduled-payments", {**body, "scheduled_for": "2026-11-30"}),
        ("PATCH", "/portal/v1/me/notifications", {"reminders": False}),
    ]:
        r = await c.browser.request(method, path, json=payload, headers=key())
        refused(r, 403, "csrf_failed")
        r = await c.browser.request(method, path, json=payload, headers={**key(), "X-CSRF-Token": "0" * 64})
        refused(r, 403, "csrf_failed")
    r = await c.browser.post(
        "/portal/v1/payments", json=body, headers={**key(), "X-CSRF-Token": csrf, "Origin": "https://evil.example"}
    )
    refused(r, 403, "bad_origin")
    assert await row_counts(container, tenant) == before

    r = await c.partner.post(f"/v1/customers/{c.id}/impersonation")
    assert r.status_code == 201, r.text
    token = r.json()["url"].split("#token=")[1]
    viewer = await portals.browser()
    r = await viewer.post("/portal/v1/sign-in/impersonation", json={"token": token})
    assert r.status_code == 200, r.text
    viewer.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    assert (await viewer.get(f"/portal/v1/invoices/{invoice['id']}")).status_code == 200
    assert (await viewer.get("/portal/v1/payment-methods")).status_code == 200
    for method, path, payload in [
        ("POST", "/portal/v1/payments", body),
        ("POST", f"/portal/v1/payment-methods/{card['id']}/default", None),
        ("DELETE", f"/portal/v1/payment-methods/{card['id']}", None),
        ("POST", f"/portal/v1/invoices/{invoice['id']}/questions", {"message": "Why?"}),
        ("PATCH", "/portal/v1/me/notifications", {"reminders": False}),
    ]:
        refused(await viewer.request(method, path, json=payload, headers=key()), 403, "impersonation_read_only")
    after = await row_counts(container, tenant)
    assert {k: v for k, v in after.items()} == before


async def test_notification_preferences_are_per_user_and_customer(
    portals: Portals, container: Container, tenant: Tenant
) -> None:
    c = await portals.customer(contacts=[{"email": "boss@acme.example"}])
    boss = await portals.sign_in("boss@acme.example")
    assert (await c.browser.get("/portal/v1/me/notifications")).json()["reminders"] is True
    r = await c.browser.patch("/portal/v1/me/notifications", json={"reminders": False})
    assert r.status_code == 200 and r.json() == {
        "object": "notification_preferences",
        "customer_id": c.id,
        "reminders": False,
    }
    assert (await c.browser.get("/portal/v1/me/notifications")).json()["reminders"] is False
    assert (await boss.get("/portal/v1/me/notifications")).json()["reminders"] is True
    assert (await c.browser.patch("/portal/v1/me/notifications", json={"reminders": "no"})).status_code == 422
    async with container.uow() as uow:
        uow.scope_to(tenant.partner_id)
        user = await uow.portal_users.by_email(c.email)
        assert user is not None
        membership = await uow.portal_users.membership(user.id, c.id)
        assert membership is not None and membership.reminders is False


async def test_receipts_go_to_the_payer(portals: Portals, container: Container) -> None:
    c = await portals.customer()
    invoice = await c.invoice()
    card = await c.method("visa")
    r = await portal_pay(c, {"amount": 10_000, "payment_method_id": card["id"], "receipt_email": "books@acme.example"})
    assert r.status_code == 201 and r.json()["receipt_email"] == "books@acme.example", r.text
    assert invoice["id"] in {a["invoice_id"] for a in r.json()["allocations"]}
    await notify_outbox(InProcessQueue(container).context)  # payment events become receipts
    receipt = await last_email(container, "books@acme.example", "payment_confirmation")
    assert receipt.context["transaction_id"] == r.json()["transaction_id"]
