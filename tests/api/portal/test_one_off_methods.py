"""A new card or bank account given for one payment only (`save: false`): quoted with its fee before paying, never
listed as saved, forgotten once charged; the debit authorization texts; guests' cards stay off the saved list."""

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
from tests.portal_customers import Portals, set_permissions


@pytest.fixture
async def portals(client: httpx.AsyncClient, container: Container, tenant: Tenant) -> AsyncIterator[Portals]:
    async with Portals(client, container, tenant) as p:
        yield p


def key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


async def listed(browser: httpx.AsyncClient) -> list[str]:
    r = await browser.get("/portal/v1/payment-methods")
    assert r.status_code == 200, r.text
    return [m["id"] for m in r.json()["data"]]


async def test_a_card_for_one_payment_is_quoted_then_paid_and_never_listed(portals: Portals) -> None:
    c = await portals.customer()
    invoice = await c.invoice(10_000)
    r = await c.browser.post(
        "/portal/v1/payment-methods", json={"token": await token_for(c.partner, "visa"), "save": False}
    )
    assert r.status_code == 201, r.text
    one_off = r.json()
    assert (one_off["saved"], one_off["is_default"], one_off["label"]) == (False, False, "Visa •••• 4242")
    assert await listed(c.browser) == []

    what: dict[str, Any] = {"allocations": [{"invoice_id": invoice["id"], "amount": 4_000}]}
    q = await c.browser.post("/portal/v1/payments/quote", json={**what, "payment_method_id": one_off["id"]})
    assert q.status_code == 200 and (q.json()["fee"], q.json()["total"]) == (146, 4_146), q.text
    # The amount changes: quoted again with the same method, the token is not needed twice
    what = {"allocations": [{"invoice_id": invoice["id"], "amount": 10_000}]}
    q = await c.browser.post("/portal/v1/payments/quote", json={**what, "payment_method_id": one_off["id"]})
    assert q.status_code == 200 and q.json()["fee"] == 320, q.text
    assert (await c.browser.post(f"/portal/v1/payment-methods/{one_off['id']}/default")).status_code == 404

    # A refusal before charging keeps it for the corrected retry
    too_much = {"allocations": [{"invoice_id": invoice["id"], "amount": 10_001}], "payment_method_id": one_off["id"]}
    r = await c.browser.post("/portal/v1/payments", json=too_much, headers=key())
    assert r.status_code == 409, r.text
    r = await c.browser.post("/portal/v1/payments", json={**what, "payment_method_id": one_off["id"]}, headers=key())
    assert r.status_code == 201, r.text
    assert (r.json()["fee"], r.json()["amount"], r.json()["method_label"]) == (320, 10_320, "Visa •••• 4242")
    # Charged once, then forgotten: it cannot pay again
    again = await c.invoice(1_000)
    r = await c.browser.post(
        "/portal/v1/payments",
        json={"allocations": [{"invoice_id": again["id"], "amount": 1_000}], "payment_method_id": one_off["id"]},
        headers=key(),
    )
    assert r.status_code == 404, r.text
    assert await listed(c.browser) == []


async def test_one_payment_needs_only_pay_and_a_bank_account_no_second_factor(
    portals: Portals, container: Container, tenant: Tenant
) -> None:
    c = await portals.customer()
    await set_permissions(container, tenant, c.email, c.id, "view", "pay")
    token = await token_for(c.partner, "visa")
    r = await c.browser.post("/portal/v1/payment-methods", json={"token": token})
    assert r.status_code == 403 and r.json()["code"] == "missing_permission", r.text
    r = await c.browser.post("/portal/v1/payment-methods", json={"token": token, "save": False})
    assert r.status_code == 201 and r.json()["saved"] is False, r.text

    bank = {"token": await token_for(c.partner, "settles"), "save": False}
    r = await c.browser.post("/portal/v1/payment-methods", json=bank)
    assert r.status_code == 400 and r.json()["code"] == "mandate_required", r.text
    r = await c.browser.post("/portal/v1/payment-methods", json={**bank, "accept_mandate": True})
    assert r.status_code == 201, r.text
    assert r.json()["mandate"]["accepted_at"] and r.json()["saved"] is False
    assert await listed(c.browser) == []

    await set_permissions(container, tenant, c.email, c.id, "view")
    r = await c.browser.post(
        "/portal/v1/payment-methods", json={"token": await token_for(c.partner, "visa"), "save": False}
    )
    assert r.status_code == 403 and r.json()["code"] == "missing_permission", r.text


async def test_a_declined_one_off_card_is_forgotten(portals: Portals) -> None:
    c = await portals.customer()
    invoice = await c.invoice(5_000)
    r = await c.browser.post(
        "/portal/v1/payment-methods", json={"token": await token_for(c.partner, "declined"), "save": False}
    )
    assert r.status_code == 201, r.text
    what = {"allocations": [{"invoice_id": invoice["id"], "amount": 5_000}], "payment_method_id": r.json()["id"]}
    r = await c.browser.post("/portal/v1/payments", json=what, headers=key())
    assert r.status_code == 402 and r.json()["decline_code"] == "card_declined", r.text
    r = await c.browser.post("/portal/v1/payments/quote", json=what)
    assert r.status_code == 404, r.text


async def test_a_card_given_with_a_payment_refused_before_charging_is_not_kept(portals: Portals) -> None:
    c = await portals.customer()
    invoice = await c.invoice(10_000)
    token = await token_for(c.partner, "visa")
    too_much = {"allocations": [{"invoice_id": invoice["id"], "amount": 10_001}], "token": token, "save_method": False}
    r = await c.browser.post("/portal/v1/payments", json=too_much, headers=key())
    assert r.status_code == 409 and r.json()["code"] == "amount_exceeds_due", r.text
    assert await listed(c.browser) == []
    seen_by_partner = (await c.partner.get(f"/v1/customers/{c.id}/payment-methods")).json()["data"]
    assert seen_by_partner == [], "the refused request kept nothing, not even a forgotten method"
    paid = {**too_much, "allocations": [{"invoice_id": invoice["id"], "amount": 10_000}]}
    paid["token"] = await token_for(c.partner, "visa")
    r = await c.browser.post("/portal/v1/payments", json=paid, headers=key())
    assert r.status_code == 201 and r.json()["amount"] == 10_320, r.text


async def test_mandate_texts_name_the_partner(portals: Portals, client: httpx.AsyncClient) -> None:
    c = await portals.customer()
    r = await c.browser.get("/portal/v1/payment-methods/mandates")
    assert r.status_code == 200, r.text
    texts = {m["type"]: m for m in r.json()["data"]}
    assert set(texts) == {"us_bank_account", "ca_bank_account"}
    assert texts["us_bank_account"]["version"] == "ach-2026-11"
    assert "{partner}" not in texts["us_bank_account"]["text"] and "authorize" in texts["us_bank_account"]["text"]
    link = (await client.post(f"/v1/invoices/{(await c.invoice())['id']}/pay-link")).json()
    guest = await portals.browser()
    view = (await guest.get(f"/portal/v1/pay-links/{link['token']}")).json()
    assert {m["type"]: m["text"] for m in view["mandates"]} == {k: v["text"] for k, v in texts.items()}


async def test_debit_authorizations_in_french_are_shown_accepted_and_recorded_as_french(
    portals: Portals, client: httpx.AsyncClient
) -> None:
    c = await portals.customer()
    english = {m["type"]: m for m in (await c.browser.get("/portal/v1/payment-methods/mandates")).json()["data"]}
    r = await c.browser.get("/portal/v1/payment-methods/mandates", params={"language": "fr"})
    assert r.status_code == 200, r.text
    french = {m["type"]: m for m in r.json()["data"]}
    assert french["ca_bank_account"]["language"] == "fr" and english["ca_bank_account"]["language"] == "en"
    assert french["ca_bank_account"]["version"] == english["ca_bank_account"]["version"], "one agreement, two texts"
    assert (
        "j'autorise" in french["ca_bank_account"]["text"].lower()
        and "{partner}" not in french["ca_bank_account"]["text"]
    )
    assert french["us_bank_account"]["text"] != english["us_bank_account"]["text"]
    refused = await c.browser.get("/portal/v1/payment-methods/mandates", params={"language": "de"})
    assert refused.status_code == 422, refused.text

    link = (await client.post(f"/v1/invoices/{(await c.invoice())['id']}/pay-link")).json()
    view = (
        await (await portals.browser()).get(f"/portal/v1/pay-links/{link['token']}", params={"language": "fr"})
    ).json()
    assert {m["type"]: m["text"] for m in view["mandates"]} == {k: v["text"] for k, v in french.items()}

    body = {
        "token": await token_for(c.partner, "settles", country="CA"),
        "save": False,
        "accept_mandate": True,
        "mandate_language": "fr",
    }
    r = await c.browser.post("/portal/v1/payment-methods", json=body)
    assert r.status_code == 201, r.text
    assert r.json()["mandate"]["language"] == "fr"
    assert r.json()["mandate"]["text"] == french["ca_bank_account"]["text"]
    seen_by_partner = (await client.get(f"/v1/payment-methods/{r.json()['id']}")).json()
    assert seen_by_partner["mandate"]["language"] == "fr"
    assert seen_by_partner["mandate"]["text"] == french["ca_bank_account"]["text"]


async def test_a_guests_card_is_not_on_the_customers_saved_list(portals: Portals, client: httpx.AsyncClient) -> None:
    c = await portals.customer()
    saved = await c.method("visa")
    invoice = await c.invoice(3_000)
    link = (await client.post(f"/v1/invoices/{invoice['id']}/pay-link")).json()
    guest = await portals.browser()
    q = await guest.post(
        f"/portal/v1/pay-links/{link['token']}/quote", json={"token": await token_for(client, "mastercard")}
    )
    assert q.status_code == 200, q.text
    assert await listed(c.browser) == [saved["id"]]
    r = await guest.post(
        f"/portal/v1/pay-links/{link['token']}/payments", json={"method_ref": q.json()["method_ref"]}, headers=key()
    )
    assert r.status_code == 201, r.text
    assert await listed(c.browser) == [saved["id"]]


async def test_a_guest_quotes_another_amount_with_the_same_card(portals: Portals, client: httpx.AsyncClient) -> None:
    c = await portals.customer()
    invoice = await c.invoice(8_000)
    other = await c.invoice(2_000)
    link = (await client.post(f"/v1/invoices/{invoice['id']}/pay-link")).json()
    other_link = (await client.post(f"/v1/invoices/{other['id']}/pay-link")).json()
    guest = await portals.browser()
    url = f"/portal/v1/pay-links/{link['token']}/quote"
    first = await guest.post(url, json={"token": await token_for(client, "visa")})
    assert first.status_code == 200 and first.json()["subtotal"] == 8_000, first.text
    ref = first.json()["method_ref"]

    again = await guest.post(url, json={"method_ref": ref, "amount": 3_000})
    assert again.status_code == 200, again.text
    assert (again.json()["subtotal"], again.json()["method_ref"], again.json()["last4"]) == (3_000, ref, "4242")
    assert again.json()["total"] == 3_000 + again.json()["fee"]

    for body, status in (
        ({"method_ref": ref, "token": await token_for(client, "visa")}, 400),  # one or the other
        ({"amount": 3_000}, 400),
        ({"method_ref": ref[:-1] + ("0" if ref[-1] != "0" else "1")}, 404),  # tampered
    ):
        r = await guest.post(url, json=body)
        assert r.status_code == status, r.text
    foreign = await guest.post(f"/portal/v1/pay-links/{other_link['token']}/quote", json={"method_ref": ref})
    assert foreign.status_code == 404, "a quote's method belongs to its own pay link"

    paid = await guest.post(
        f"/portal/v1/pay-links/{link['token']}/payments", json={"method_ref": ref, "amount": 3_000}, headers=key()
    )
    assert paid.status_code == 201 and paid.json()["amount"] == 3_000 + again.json()["fee"], paid.text
    spent = await guest.post(url, json={"method_ref": ref, "amount": 1_000})
    assert spent.status_code == 404, "a one-off card is forgotten once it has paid"


async def test_a_card_for_one_payment_cannot_be_scheduled(portals: Portals, container: Container) -> None:
    c = await portals.customer()
    due = (container.clock.today() + timedelta(days=30)).isoformat()
    invoice = await c.invoice(6_000, due_date=due)
    r = await c.browser.post(
        "/portal/v1/payment-methods", json={"token": await token_for(c.partner, "visa"), "save": False}
    )
    assert r.status_code == 201, r.text
    later = {
        "payment_method_id": r.json()["id"],
        "amount": 6_000,
        "invoice_ids": [invoice["id"]],
        "scheduled_for": (container.clock.today() + timedelta(days=1)).isoformat(),
    }
    refused = await c.browser.post("/portal/v1/scheduled-payments", json=later)
    assert refused.status_code == 400, refused.text
    assert refused.json()["code"] == "method_not_saved"
    assert (await c.browser.get("/portal/v1/scheduled-payments")).json()["data"] == []
