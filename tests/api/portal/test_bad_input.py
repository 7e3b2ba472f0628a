"""Strict booleans and dates in the portal's bodies: JSON `true`/`false` and `YYYY-MM-DD` only, anything else a 422
naming the field, with nothing written (the /v1 bad-input harness judges both)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from adapters.bootstrap import Container
from tests.api.bad_input.harness import NOT_DAYS, NOT_FLAGS, Body, assert_problem, send, writes_nothing
from tests.conftest import Tenant
from tests.factories import token_for
from tests.portal_customers import PortalCustomer, Portals


@pytest.fixture
async def portals(client: httpx.AsyncClient, container: Container, tenant: Tenant) -> AsyncIterator[Portals]:
    async with Portals(client, container, tenant) as p:
        yield p


@dataclass
class Scene:
    customer: PortalCustomer
    guest: httpx.AsyncClient  # no session: pay links
    card_id: str
    invoice_id: str
    link_token: str

    def what_to_pay(self) -> Body:
        return {"payment_method_id": self.card_id, "allocations": [{"invoice_id": self.invoice_id, "amount": 1_000}]}


@pytest.fixture
async def scene(portals: Portals, client: httpx.AsyncClient) -> Scene:
    c = await portals.customer()
    invoice = await c.invoice(10_000)
    card = await c.method("visa")
    link = await client.post(f"/v1/invoices/{invoice['id']}/pay-link")
    assert link.status_code == 200, link.text
    return Scene(c, await portals.browser(), card["id"], invoice["id"], link.json()["token"])


# (who sends it, method, path, the body with the value, the field named)
FLAG_FIELDS: list[tuple[str, str, str, Callable[[Scene, Any], Body], str]] = [
    ("customer", "POST", "/portal/v1/payments", lambda s, v: {**s.what_to_pay(), "save_method": v}, "save_method"),
    (
        "customer",
        "POST",
        "/portal/v1/payments",
        lambda s, v: {**s.what_to_pay(), "accept_mandate": v},
        "accept_mandate",
    ),
    (
        "customer",
        "POST",
        "/portal/v1/payment-methods",
        lambda s, v: {"token": "tok_x", "make_default": v},
        "make_default",
    ),
    ("customer", "POST", "/portal/v1/payment-methods", lambda s, v: {"token": "tok_x", "save": v}, "save"),
    (
        "customer",
        "POST",
        "/portal/v1/payment-methods",
        lambda s, v: {"token": "tok_x", "accept_mandate": v},
        "accept_mandate",
    ),
    ("guest", "POST", "/portal/v1/pay-links/{link}/quote", lambda s, v: {"accept_mandate": v}, "accept_mandate"),
    ("customer", "POST", "/portal/v1/sign-in/mfa", lambda s, v: {"code": "123456", "recovery": v}, "recovery"),
    ("customer", "PATCH", "/portal/v1/me/notifications", lambda s, v: {"reminders": v}, "reminders"),
]


async def send_as(scene: Scene, who: str, method: str, path: str, body: Body) -> httpx.Response:
    browser = scene.guest if who == "guest" else scene.customer.browser
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    return await send(browser, method, path.format(link=scene.link_token), body, headers=headers)


async def notifications(scene: Scene) -> Any:
    r = await scene.customer.browser.get("/portal/v1/me/notifications")
    assert r.status_code == 200, r.text
    return r.json()


async def test_portal_booleans_are_json_true_or_false(scene: Scene, container: Container, tenant: Tenant) -> None:
    before = await notifications(scene)
    async with writes_nothing(container, tenant.partner_id):
        for who, method, path, make_body, field in FLAG_FIELDS:
            for value in NOT_FLAGS.values():
                r = await send_as(scene, who, method, path, make_body(scene, value))
                assert_problem(r, 422, "validation_error", field)
    assert await notifications(scene) == before, "a refused request wrote"
    # ...and JSON booleans still work
    ok = await send_as(scene, "customer", "PATCH", "/portal/v1/me/notifications", {"reminders": False})
    assert ok.status_code == 200 and ok.json()["reminders"] is False, ok.text


async def test_portal_dates_are_yyyy_mm_dd(scene: Scene, container: Container, tenant: Tenant) -> None:
    async with writes_nothing(container, tenant.partner_id):
        for value in NOT_DAYS.values():
            body = {**scene.what_to_pay(), "scheduled_for": value}
            r = await send_as(scene, "customer", "POST", "/portal/v1/scheduled-payments", body)
            assert_problem(r, 422, "validation_error", "scheduled_for")


async def test_a_payment_without_an_idempotency_key_is_still_400(
    scene: Scene, container: Container, tenant: Tenant, client: httpx.AsyncClient
) -> None:
    """The document calls the header required; a request without it keeps the route's own answer (not a 422)."""
    quote = await scene.guest.post(
        f"/portal/v1/pay-links/{scene.link_token}/quote", json={"token": await token_for(client, "visa")}
    )
    assert quote.status_code == 200, quote.text
    async with writes_nothing(container, tenant.partner_id):
        for browser, path, body in [
            (scene.customer.browser, "/portal/v1/payments", scene.what_to_pay()),
            (
                scene.guest,
                f"/portal/v1/pay-links/{scene.link_token}/payments",
                {"method_ref": quote.json()["method_ref"]},
            ),
        ]:
            r = await send(browser, "POST", path, body)
            assert_problem(r, 400, "idempotency_key_required")
