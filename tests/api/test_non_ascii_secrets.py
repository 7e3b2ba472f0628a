"""Secrets sent as text that is not ASCII (which `hmac.compare_digest` refuses with a TypeError) are simply wrong:
the same 4xx as any other wrong value, no traceback, nothing changed."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from adapters.bootstrap import Container
from tests.conftest import Tenant
from tests.factories import make_customer, make_invoice, token_for
from tests.portal_customers import Portals, row_counts


@pytest.fixture
async def portals(client: httpx.AsyncClient, container: Container, tenant: Tenant) -> AsyncIterator[Portals]:
    async with Portals(client, container, tenant) as p:
        yield p


@pytest.fixture
async def guest(client: httpx.AsyncClient) -> AsyncIterator[httpx.AsyncClient]:
    """A payer's browser on the same app: no API key, no session."""
    async with httpx.AsyncClient(transport=client._transport, base_url=str(client.base_url)) as g:
        yield g


def key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


def refused(r: httpx.Response, status: int, code: str) -> None:
    assert (r.status_code, r.headers["content-type"]) == (status, "application/problem+json"), r.text
    assert r.json()["code"] == code, r.text


async def _pay_link(client: httpx.AsyncClient) -> tuple[dict[str, str], str]:
    customer = await make_customer(client, email="ap@acme.example")
    invoice = await make_invoice(client, customer["id"], amount=5_000)
    r = await client.post(f"/v1/invoices/{invoice['id']}/pay-link")
    assert r.status_code in (200, 201), r.text
    return invoice, str(r.json()["token"])


async def test_a_non_ascii_csrf_header_is_a_csrf_failure(
    portals: Portals, container: Container, tenant: Tenant
) -> None:
    c = await portals.customer()
    invoice = await c.invoice()
    card = await c.method("visa")
    before = await row_counts(container, tenant)
    for header in ["é".encode() * 32, "naïve".encode("latin-1") * 12, b"0" * 63 + "é".encode()]:
        for path, payload in [
            ("/portal/v1/payments", {"amount": 10_000, "payment_method_id": card["id"]}),
            (f"/portal/v1/invoices/{invoice['id']}/questions", {"message": "Why?"}),
            ("/portal/v1/me/step-up/code", None),  # any live session, not only a signed-in one
        ]:
            r = await c.browser.post(
                path,
                json=payload,
                headers={b"Idempotency-Key": str(uuid.uuid4()).encode(), b"X-CSRF-Token": header},
            )
            refused(r, 403, "csrf_failed")
    assert await row_counts(container, tenant) == before
    assert (await c.browser.post("/portal/v1/me/step-up/code")).status_code == 204, "the session still works"


async def test_a_non_ascii_pay_link_token_is_an_unknown_link(
    client: httpx.AsyncClient, guest: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    invoice, token = await _pay_link(client)
    link_id = token.partition(".")[0]
    card = await token_for(client, "visa")
    before = await row_counts(container, tenant)
    enrol = {
        "email": "payer@acme.example",
        "company_name": "Acme",
        "contact_name": "Pat",
        "phone": "555-0100",
        "address": "1 Main St",
    }
    for wrong in [f"{link_id}.{'0' * 32}", f"{link_id}.{'é' * 32}", f"{link_id}.{'0' * 31}€", f"{link_id}.ü"]:
        link = f"/portal/v1/pay-links/{wrong}"
        refused(await guest.get(link), 404, "resource_missing")
        refused(await guest.post(f"{link}/quote", json={"token": card}), 404, "resource_missing")
        pay = {"method_ref": f"pm_{'0' * 26}.{'0' * 32}"}
        refused(await guest.post(f"{link}/payments", json=pay, headers=key()), 404, "resource_missing")
        refused(await guest.post(f"{link}/enrol", json=enrol), 404, "resource_missing")
    assert await row_counts(container, tenant) == before
    assert (await guest.get(f"/portal/v1/pay-links/{token}")).status_code == 200
    assert (await client.get(f"/v1/invoices/{invoice['id']}")).json()["amount_due"] == 5_000


async def test_a_non_ascii_method_ref_is_an_unknown_method(
    client: httpx.AsyncClient, guest: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    invoice, token = await _pay_link(client)
    q = await guest.post(f"/portal/v1/pay-links/{token}/quote", json={"token": await token_for(client, "visa")})
    assert q.status_code == 200, q.text
    ref = q.json()["method_ref"]
    method_id = ref.partition(".")[0]
    before = await row_counts(container, tenant)
    for wrong in [f"{method_id}.{'0' * 32}", f"{method_id}.{'é' * 32}", f"{ref[:-1]}€", "ünknown-ref"]:
        quote = await guest.post(f"/portal/v1/pay-links/{token}/quote", json={"method_ref": wrong})
        refused(quote, 404, "resource_missing")
        paid = await guest.post(f"/portal/v1/pay-links/{token}/payments", json={"method_ref": wrong}, headers=key())
        refused(paid, 404, "resource_missing")
    assert await row_counts(container, tenant) == before
    assert (await client.get(f"/v1/invoices/{invoice['id']}")).json()["amount_due"] == 5_000
    paid = await guest.post(f"/portal/v1/pay-links/{token}/payments", json={"method_ref": ref}, headers=key())
    assert paid.status_code == 201, "the real method_ref still pays"


async def test_non_ascii_api_keys_and_webhook_signatures_are_refused(
    app_client: httpx.AsyncClient, tenant: Tenant
) -> None:
    bad_key = f"Bearer {tenant.api_key[:-6]}éééééé".encode()
    r = await app_client.get("/v1/customers", headers={b"Authorization": bad_key})
    refused(r, 401, "invalid_api_key")
    signature = f"t={int(time.time())},v1={'é' * 64}".encode()
    r = await app_client.post(
        "/webhooks/sandbox",
        content=b'{"id": "evt_1"}',
        headers={b"Remit-Sandbox-Signature": signature},
    )
    refused(r, 400, "invalid_signature")
