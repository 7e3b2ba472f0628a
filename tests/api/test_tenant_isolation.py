"""Tenant isolation: partner B can neither see nor touch partner A's resources, through any route.

The route test enumerates the application's routes instead of listing them, so a route added later is covered
(or fails the test, if it has a path parameter this file does not know how to fill).
"""

from __future__ import annotations

import dataclasses
import itertools
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute

from adapters.bootstrap import Container
from api.app import create_app
from api.pagination import encode_cursor
from domain.ids import new_id
from tests.conftest import Tenant, make_tenant
from tests.factories import make_customer, make_invoice, pay

PROBLEM = "application/problem+json"
UNLIMITED: dict[str, Any] = {
    "rate_limit_per_second": 100_000, "rate_limit_burst": 1_000_000, "auth_failures_per_minute": 100_000,
}
ID_RE = re.compile(r"[a-z]{2,3}_[0-9A-Z]{26}")

# A plausible, valid body for every route that takes one, by (method, path). A new write route with a body
# fails `test_every_route_with_an_id_hides_other_partners_resources` until it is added here.
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("PATCH", "/v1/customers/{customer_id}"): {"name": "Taken over", "email": None, "metadata": {"owner": "B"}},
}


def api_routes(app: FastAPI) -> list[tuple[str, str, APIRoute]]:
    """(method, full path, route) for every API route, including those of included routers."""
    try:
        from fastapi.routing import iter_route_contexts  # FastAPI keeps included routers unflattened
    except ImportError:  # older FastAPI: app.routes already holds every APIRoute with its full path
        contexts = [(getattr(r, "path", None), getattr(r, "methods", None), r) for r in app.routes]
    else:
        contexts = [(rc.path, rc.methods, rc.original_route) for rc in iter_route_contexts(app.routes)]
    found = [
        (method, str(path), route)
        for path, methods, route in contexts
        if isinstance(route, APIRoute)
        for method in (methods or ())
        if method != "HEAD"
    ]
    return sorted(found, key=lambda t: (t[1], t[0]))


def path_params(path: str) -> list[str]:
    return re.findall(r"{(\w+)(?::\w+)?}", path)


def fill(path: str, values: dict[str, str]) -> str:
    return re.sub(r"{(\w+)(?::\w+)?}", lambda m: values[m.group(1)], path)


@dataclass
class World:
    """Partner A's resources, in every state a route could act on."""

    customer: dict[str, Any]
    partially_paid: dict[str, Any]  # open invoice with a payment applied
    unpaid: dict[str, Any]  # open invoice, nothing paid: voidable
    draft: dict[str, Any]  # finalizable, voidable, archivable
    payment: dict[str, Any]  # cancelable

    def ids_for(self, param: str) -> list[str]:
        return {
            "customer_id": [self.customer["id"]],
            "invoice_id": [self.partially_paid["id"], self.unpaid["id"], self.draft["id"]],
            "payment_id": [self.payment["id"]],
        }[param]


@dataclass
class Partners:
    container: Container
    app: FastAPI
    a: httpx.AsyncClient
    b: httpx.AsyncClient
    tenant_a: Tenant
    tenant_b: Tenant


@pytest.fixture
async def partners(container: Container) -> AsyncIterator[Partners]:
    # Rate limits lifted (tests/api/test_rate_limits.py covers them); 500s come back as responses.
    settings = container.settings.model_copy(update=UNLIMITED)
    app = create_app(dataclasses.replace(container, settings=settings))
    tenant_a = await make_tenant(container, "Partner A")
    tenant_b = await make_tenant(container, "Partner B")
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    base = "http://remit.test"
    async with (
        httpx.AsyncClient(transport=transport, base_url=base,
                          headers={"Authorization": f"Bearer {tenant_a.api_key}"}) as a,
        httpx.AsyncClient(transport=transport, base_url=base,
                          headers={"Authorization": f"Bearer {tenant_b.api_key}"}) as b,
    ):
        yield Partners(container, app, a, b, tenant_a, tenant_b)


async def make_world(client: httpx.AsyncClient, label: str) -> World:
    customer = await make_customer(
        client, name=f"{label} Dental", email=f"ap@{label.lower()}.example", tags=[f"tag-{label.lower()}"],
        metadata={"owner": label},
    )
    partially_paid = await make_invoice(client, customer["id"], amount=10_000, number=f"{label}-SHARED-1")
    unpaid = await make_invoice(client, customer["id"], amount=5_000)
    draft = await make_invoice(client, customer["id"], amount=7_000, draft=True)
    r = await pay(client, customer["id"], [(partially_paid["id"], 2_500)])
    assert r.status_code == 201, r.text
    return World(customer, partially_paid, unpaid, draft, r.json())


async def seen_by(client: httpx.AsyncClient, world: World) -> dict[str, Any]:
    """Everything of one partner, fetched as that partner: each resource and every list."""
    out: dict[str, Any] = {}
    for name, path in [
        ("customer", f"/v1/customers/{world.customer['id']}"),
        ("partially_paid", f"/v1/invoices/{world.partially_paid['id']}"),
        ("unpaid", f"/v1/invoices/{world.unpaid['id']}"),
        ("draft", f"/v1/invoices/{world.draft['id']}"),
        ("payment", f"/v1/payments/{world.payment['id']}"),
    ]:
        r = await client.get(path)
        assert r.status_code == 200, r.text
        out[name] = r.json()
    out["lists"] = await lists(client)
    return out


async def lists(client: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, path, extra in [
        ("customers", "/v1/customers", {}),
        ("archived_customers", "/v1/customers", {"archived": "true"}),
        ("invoices", "/v1/invoices", {}),
        ("payments", "/v1/payments", {}),
        ("ledger", "/v1/ledger/entries", {}),
    ]:
        r = await client.get(path, params={"limit": 100, **extra, **params})
        assert r.status_code == 200, r.text
        out[name] = r.json()
    return out


def assert_not_found(r: httpx.Response, context: str) -> dict[str, Any]:
    assert r.status_code < 500, f"{context}: server error {r.status_code} {r.text}"
    assert r.status_code == 404, f"{context}: expected 404, got {r.status_code} {r.text}"
    assert r.headers["content-type"] == PROBLEM, context
    body = r.json()
    assert body["code"] == "resource_missing", f"{context}: {body}"
    assert body["status"] == 404 and body["type"] == "urn:remit:problem:resource_missing"
    return dict(body)


def without_id(problem: dict[str, Any] | str, ident: str) -> str:
    return str(problem).replace(ident, "<id>")


def all_ids(payload: Any) -> set[str]:
    """Every string anywhere in a JSON document: ids of rows and the ids they reference."""
    if isinstance(payload, dict):
        return set().union(*(all_ids(v) for v in payload.values())) if payload else set()
    if isinstance(payload, list):
        return set().union(*(all_ids(v) for v in payload)) if payload else set()
    return {payload} if isinstance(payload, str) else set()


def ids_of(world: World) -> set[str]:
    return {world.customer["id"], world.partially_paid["id"], world.unpaid["id"], world.draft["id"],
            world.payment["id"]}


# --------------------------------------------------------------------------------------------------------------


async def test_every_route_with_an_id_hides_other_partners_resources(partners: Partners) -> None:
    world_a = await make_world(partners.a, "A")
    world_b = await make_world(partners.b, "B")
    a_before = await seen_by(partners.a, world_a)
    b_before = await seen_by(partners.b, world_b)

    routes = [(m, p, r) for m, p, r in api_routes(partners.app) if path_params(p)]
    unknown = sorted({(m, p) for m, p, _ in routes for name in path_params(p) if name not in
                      ("customer_id", "invoice_id", "payment_id")})
    assert not unknown, f"routes with a path parameter this test cannot fill; teach World.ids_for: {unknown}"
    missing_body = sorted((m, p) for m, p, r in routes if r.body_field is not None and (m, p) not in BODIES)
    assert not missing_body, f"write routes without a plausible body in BODIES: {missing_body}"
    # The enumeration must see what the OpenAPI document publishes, so no route escapes it.
    published = {(m.upper(), p) for p, ops in partners.app.openapi()["paths"].items() for m in ops if "{" in p}
    assert {(m, p) for m, p, _ in routes} >= published
    assert len(routes) >= 9

    checked = 0
    for method, path, _route in routes:
        names = path_params(path)
        body = BODIES.get((method, path))
        for idents in itertools.product(*(world_a.ids_for(name) for name in names)):
            url = fill(path, dict(zip(names, idents, strict=True)))
            headers = {"Idempotency-Key": str(uuid.uuid4())} if method != "GET" else {}
            foreign = assert_not_found(await partners.b.request(method, url, json=body, headers=headers),
                                       f"B {method} {url}")
            # ...and indistinguishable from ids that exist nowhere
            unknown = {name: new_id(ident.split("_")[0]) for name, ident in zip(names, idents, strict=True)}
            r = await partners.b.request(method, fill(path, unknown), json=body)
            nowhere = assert_not_found(r, f"B {method} {fill(path, unknown)}")
            for name, ident in zip(names, idents, strict=True):
                foreign, nowhere = without_id(foreign, ident), without_id(nowhere, unknown[name])
            assert foreign == nowhere
            checked += 1
    assert checked >= 15

    assert await seen_by(partners.a, world_a) == a_before, "B's requests changed A's resources"
    assert await seen_by(partners.b, world_b) == b_before, "B's failed requests changed B's own resources"
    # The same requests as A do reach A's resources (so the 404s above were about the partner, not the route).
    assert (await partners.a.post(f"/v1/invoices/{world_a.draft['id']}/finalize")).status_code == 200
    assert (await partners.a.post(f"/v1/payments/{world_a.payment['id']}/cancel")).status_code == 200


LIST_FILTERS = [  # path, filter, A's resource, whether A's own query finds rows
    ("/v1/invoices", "customer_id", "customer", True),
    ("/v1/payments", "customer_id", "customer", True),
    ("/v1/payments", "invoice_id", "partially_paid", True),
    ("/v1/payments", "invoice_id", "unpaid", False),
    ("/v1/payments", "invoice_id", "draft", False),
    ("/v1/ledger/entries", "invoice_id", "partially_paid", True),
    ("/v1/ledger/entries", "invoice_id", "unpaid", True),
    ("/v1/ledger/entries", "invoice_id", "draft", False),
    ("/v1/ledger/entries", "payment_id", "payment", True),
]


async def test_list_filters_with_another_partners_ids_are_404(partners: Partners) -> None:
    world_a = await make_world(partners.a, "A")
    await make_world(partners.b, "B")
    for path, param, attr, has_rows in LIST_FILTERS:
        ident = getattr(world_a, attr)["id"]
        context = f"B {path}?{param}=A's {attr}"
        foreign = assert_not_found(await partners.b.get(path, params={param: ident}), context)
        unknown_id = new_id(ident.split("_")[0])
        unknown = assert_not_found(await partners.b.get(path, params={param: unknown_id}), f"{context} (unknown)")
        assert without_id(foreign, ident) == without_id(unknown, unknown_id), context
        own = await partners.a.get(path, params={param: ident})
        assert own.status_code == 200, f"A's own filter {path}?{param}: {own.text}"
        assert bool(own.json()["data"]) is has_rows, f"A's own filter {path}?{param}={attr}: {own.text}"


async def test_plain_lists_never_include_another_partners_rows(partners: Partners) -> None:
    world_a = await make_world(partners.a, "A")
    world_b = await make_world(partners.b, "B")
    a_ids = {i for i in all_ids((await seen_by(partners.a, world_a))["lists"]) if ID_RE.fullmatch(i)}
    assert ids_of(world_a) <= a_ids  # A's lists show its rows (and its ledger entries' ids)
    assert any(i.startswith("je_") for i in a_ids)

    variants: list[dict[str, Any]] = [
        {},
        {"cursor": encode_cursor(world_a.customer["id"])},
        {"cursor": encode_cursor("zzz_ZZZZZZZZZZZZZZZZZZZZZZZZZZ")},  # after every id, A's included
        {"limit": 1},
    ]
    for params in variants:
        seen = await lists(partners.b, **params)
        leaked = all_ids(seen) & a_ids
        assert not leaked, f"B's lists with {params} show A's rows: {leaked}"
    seen = await lists(partners.b)
    assert ids_of(world_b) <= all_ids(seen)  # B does see its own rows

    for params in [
        {"email": world_a.customer["email"]},
        {"tag": world_a.customer["tags"][0]},
        {"archived": "true"},
    ]:
        r = await partners.b.get("/v1/customers", params=params)
        assert r.status_code == 200 and r.json()["data"] == [], (params, r.text)
    for status in ["draft", "open", "partially_paid", "paid", "void", "archived"]:
        r = await partners.b.get("/v1/invoices", params={"status": status, "limit": 100})
        assert r.status_code == 200, r.text
        assert not all_ids(r.json()) & a_ids, status
    for params in [{"overdue": "false"}, {"due_after": "2000-01-01"}, {"due_before": "2100-01-01"}]:
        r = await partners.b.get("/v1/invoices", params={**params, "limit": 100})
        assert r.status_code == 200, r.text
        assert not all_ids(r.json()) & a_ids, params


async def test_invoicing_or_paying_across_partners_is_404_and_writes_nothing(partners: Partners) -> None:
    world_a = await make_world(partners.a, "A")
    world_b = await make_world(partners.b, "B")
    a_before = await seen_by(partners.a, world_a)
    b_before = await seen_by(partners.b, world_b)

    r = await partners.b.post("/v1/invoices", json={
        "customer_id": world_a.customer["id"], "currency": "USD",
        "lines": [{"description": "Not yours", "quantity": 1, "unit_amount": 1_000}],
    })
    assert_not_found(r, "B invoices A's customer")
    for customer_id, invoice_id, label in [
        (world_b.customer["id"], world_a.unpaid["id"], "B's customer, A's invoice"),
        (world_a.customer["id"], world_a.unpaid["id"], "A's customer, A's invoice"),
        (world_a.customer["id"], world_b.unpaid["id"], "A's customer, B's invoice"),
    ]:
        assert_not_found(await pay(partners.b, customer_id, [(invoice_id, 100)]), label)
    # one foreign invoice among B's own: the whole payment is refused
    r = await pay(partners.b, world_b.customer["id"], [(world_b.unpaid["id"], 100), (world_a.unpaid["id"], 100)])
    assert_not_found(r, "B's invoice and A's invoice")

    assert await seen_by(partners.a, world_a) == a_before
    assert await seen_by(partners.b, world_b) == b_before


async def test_idempotency_keys_and_invoice_numbers_are_per_partner(partners: Partners) -> None:
    """A key or an invoice number A used means nothing to B: no replay of A's answer, no 'number taken'."""
    body = {"name": "Same Body Inc"}
    key = {"Idempotency-Key": "shared-key-1"}
    first_a = await partners.a.post("/v1/customers", json=body, headers=key)
    assert first_a.status_code == 201, first_a.text
    first_b = await partners.b.post("/v1/customers", json=body, headers=key)
    assert first_b.status_code == 201, first_b.text
    assert "idempotent-replayed" not in first_b.headers
    assert first_b.json()["id"] != first_a.json()["id"]
    replay_b = await partners.b.post("/v1/customers", json=body, headers=key)
    assert replay_b.headers.get("idempotent-replayed") == "true"
    assert replay_b.json() == first_b.json()
    a_ids = {c["id"] for c in (await partners.a.get("/v1/customers")).json()["data"]}
    assert first_b.json()["id"] not in a_ids

    invoice_a = await make_invoice(partners.a, first_a.json()["id"], number="INV-SAME")
    invoice_b = await make_invoice(partners.b, first_b.json()["id"], number="INV-SAME")
    assert invoice_a["number"] == invoice_b["number"] == "INV-SAME"
    taken = await partners.a.post("/v1/invoices", json={
        "customer_id": first_a.json()["id"], "currency": "USD", "number": "INV-SAME",
        "lines": [{"description": "x", "quantity": 1, "unit_amount": 1}],
    })
    assert taken.status_code == 409 and taken.json()["code"] == "invoice_number_taken"
