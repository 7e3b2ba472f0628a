"""A signed-in customer reaches only its own invoices, payments, methods, schedules and questions: another
customer's ids (of the same partner or of another) answer exactly like ids that exist nowhere, in the path or in
a body, and change nothing."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest

from adapters.bootstrap import Container
from domain.ids import new_id
from tests.api.test_tenant_isolation import api_routes
from tests.conftest import Tenant, make_tenant
from tests.factories import charge_saved
from tests.portal_customers import PortalCustomer, Portals, row_counts

# Every portal route of the paying side that takes an id in its path, with a plausible body.
ROUTES: dict[tuple[str, str], dict[str, Any] | None] = {
    ("GET", "/portal/v1/invoices/{invoice_id}"): None,
    ("GET", "/portal/v1/invoices/{invoice_id}/pdf"): None,
    ("GET", "/portal/v1/invoices/{invoice_id}/questions"): None,
    ("POST", "/portal/v1/invoices/{invoice_id}/questions"): {"message": "Is this mine?"},
    ("GET", "/portal/v1/payments/{payment_id}"): None,
    ("GET", "/portal/v1/payments/{payment_id}/receipt"): None,
    ("DELETE", "/portal/v1/payment-methods/{payment_method_id}"): None,
    ("POST", "/portal/v1/payment-methods/{payment_method_id}/default"): None,
    ("POST", "/portal/v1/scheduled-payments/{scheduled_payment_id}/cancel"): None,
}
PARAM = re.compile(r"{(\w+)}")
PREFIX = {"invoice_id": "inv", "payment_id": "pay", "payment_method_id": "pm", "scheduled_payment_id": "sch"}


@dataclass
class Holdings:
    """One customer's resources of every kind a route takes."""

    who: PortalCustomer
    invoice: dict[str, Any]
    payment: dict[str, Any]
    payment_method: dict[str, Any]
    scheduled_payment: dict[str, Any]
    question: dict[str, Any]

    def id_for(self, param: str) -> str:
        return str(getattr(self, param.removesuffix("_id"))["id"])

    async def seen(self) -> dict[str, Any]:
        """Everything the customer sees of its own, to compare before and after."""
        out: dict[str, Any] = {}
        for path in [
            f"/portal/v1/invoices/{self.invoice['id']}",
            f"/portal/v1/invoices/{self.invoice['id']}/questions",
            f"/portal/v1/payments/{self.payment['id']}",
            "/portal/v1/invoices?status=all&limit=100",
            "/portal/v1/payments?limit=100",
            "/portal/v1/payment-methods",
            "/portal/v1/scheduled-payments?limit=100",
            "/portal/v1/me/notifications",
        ]:
            r = await self.who.browser.get(path)
            assert r.status_code == 200, (path, r.text)
            out[path] = r.json()
        return out


async def holdings(c: PortalCustomer, container: Container) -> Holdings:
    paid = await c.invoice(4_000)
    method = await c.method("visa")
    r = await charge_saved(c.partner, c.id, method["id"], [(paid["id"], 4_000)])
    assert r.status_code == 201, r.text
    payment = r.json()
    invoice = await c.invoice(6_000, due_date=(container.clock.today() + timedelta(days=30)).isoformat())
    r = await c.browser.post(
        "/portal/v1/scheduled-payments",
        json={
            "payment_method_id": method["id"],
            "amount": 6_000,
            "invoice_ids": [invoice["id"]],
            "scheduled_for": (container.clock.today() + timedelta(days=1)).isoformat(),
        },
    )
    assert r.status_code == 201, r.text
    scheduled = r.json()
    r = await c.browser.post(f"/portal/v1/invoices/{invoice['id']}/questions", json={"message": "A question"})
    assert r.status_code == 201, r.text
    return Holdings(c, invoice, payment, method, scheduled, r.json())


@pytest.fixture
async def other_partner(
    client: httpx.AsyncClient, container: Container
) -> AsyncIterator[tuple[httpx.AsyncClient, Tenant]]:
    tenant = await make_tenant(container, "Other Partner")
    async with httpx.AsyncClient(
        transport=client._transport, base_url="http://remit.test", headers={"Authorization": f"Bearer {tenant.api_key}"}
    ) as b:
        yield b, tenant


@pytest.fixture
async def portals(client: httpx.AsyncClient, container: Container, tenant: Tenant) -> AsyncIterator[Portals]:
    async with Portals(client, container, tenant) as p:
        yield p


def without(problem: dict[str, Any], ident: str) -> str:
    return str(problem).replace(ident, "<id>")


def portal_routes_with_ids(app: Any) -> set[tuple[str, str]]:
    """(method, path) of every route tagged `portal` with an id in its path."""
    return {(method, path) for method, path, route in api_routes(app) if "portal" in route.tags and "{" in path}


async def test_other_customers_ids_in_paths_are_404_and_change_nothing(
    portals: Portals,
    container: Container,
    tenant: Tenant,
    other_partner: tuple[httpx.AsyncClient, Tenant],
) -> None:
    assert portal_routes_with_ids(portals.app) == set(ROUTES), "a new portal route: add it to ROUTES"
    b_client, b_tenant = other_partner
    me = await holdings(await portals.customer(), container)
    neighbour = await holdings(await portals.customer("ap@neighbour.example", name="Neighbour"), container)
    foreign = await holdings(await portals.customer("ap@acme.example", partner=b_client, tenant=b_tenant), container)
    seen = {h.who.id: await h.seen() for h in (me, neighbour, foreign)}
    counts = (await row_counts(container, tenant), await row_counts(container, b_tenant))

    checked = 0
    for (method, path), body in ROUTES.items():
        [param] = PARAM.findall(path)
        nowhere_id = new_id(PREFIX.get(param, "xx"))
        r = await me.who.browser.request(method, path.replace(f"{{{param}}}", nowhere_id), json=body)
        assert r.status_code == 404 and r.json()["code"] == "resource_missing", (method, path, r.text)
        nowhere = without(r.json(), nowhere_id)
        for other in (neighbour, foreign):
            ident = other.id_for(param)
            r = await me.who.browser.request(method, path.replace(f"{{{param}}}", ident), json=body)
            assert r.status_code == 404, (method, path, other.who.email, r.text)
            assert without(r.json(), ident) == nowhere, (method, path)
            checked += 1
    assert checked == 2 * len(ROUTES)

    assert (await row_counts(container, tenant), await row_counts(container, b_tenant)) == counts
    for h in (me, neighbour, foreign):
        assert await h.seen() == seen[h.who.id], f"{h.who.email}'s view changed"
    # The same requests on one's own ids do work (so the 404s were about ownership, not the routes)
    for method, path in ROUTES:
        [param] = PARAM.findall(path)
        if method == "GET":
            r = await me.who.browser.get(path.replace(f"{{{param}}}", me.id_for(param)))
            assert r.status_code == 200, (path, r.text)
    r = await me.who.browser.post(f"/portal/v1/scheduled-payments/{me.scheduled_payment['id']}/cancel")
    assert r.status_code == 200, r.text


async def test_other_customers_ids_in_bodies_are_404_and_lists_show_only_ones_own(
    portals: Portals,
    container: Container,
    tenant: Tenant,
    other_partner: tuple[httpx.AsyncClient, Tenant],
) -> None:
    b_client, b_tenant = other_partner
    me = await holdings(await portals.customer(), container)
    neighbour = await holdings(await portals.customer("ap@neighbour.example", name="Neighbour"), container)
    foreign = await holdings(await portals.customer("ap@acme.example", partner=b_client, tenant=b_tenant), container)
    mine = await me.who.invoice(2_000)
    counts = (await row_counts(container, tenant), await row_counts(container, b_tenant))
    tomorrow = (container.clock.today() + timedelta(days=1)).isoformat()

    for other in (neighbour, foreign):
        their_invoice, their_method = other.invoice["id"], other.payment_method["id"]
        own_method = me.payment_method["id"]
        bodies = [
            {"allocations": [{"invoice_id": their_invoice, "amount": 100}], "payment_method_id": own_method},
            {"amount": 100, "invoice_ids": [mine["id"], their_invoice], "payment_method_id": own_method},
            {"allocations": [{"invoice_id": mine["id"], "amount": 100}], "payment_method_id": their_method},
            {"amount": 100, "payment_method_id": their_method},
        ]
        for body in bodies:
            for path, extra in [
                ("/portal/v1/payments/quote", {}),
                ("/portal/v1/payments", {}),
                ("/portal/v1/scheduled-payments", {"scheduled_for": tomorrow}),
            ]:
                r = await me.who.browser.post(
                    path, json={**body, **extra}, headers={"Idempotency-Key": str(uuid.uuid4())}
                )
                assert r.status_code == 404 and r.json()["code"] == "resource_missing", (path, body, r.text)
    assert (await row_counts(container, tenant), await row_counts(container, b_tenant)) == counts

    own_ids = {
        me.invoice["id"],
        mine["id"],
        me.payment["id"],
        me.payment_method["id"],
        me.scheduled_payment["id"],
        me.payment["allocations"][0]["invoice_id"],
    }
    for path in [
        "/portal/v1/invoices?status=all&limit=100",
        "/portal/v1/payments?limit=100",
        "/portal/v1/payment-methods",
        "/portal/v1/scheduled-payments?limit=100",
    ]:
        listed = {row["id"] for row in (await me.who.browser.get(path)).json()["data"]}
        assert listed and listed <= own_ids, path
