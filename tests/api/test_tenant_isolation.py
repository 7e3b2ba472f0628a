"""Tenant isolation: partner B can neither see nor touch partner A's resources, through any route.

The route test enumerates the application's routes instead of listing them, so a route added later is covered
(or fails the test, if it has a path parameter this file does not know how to fill).
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute

from adapters.bootstrap import Container
from api.app import create_app
from api.pagination import encode_cursor
from domain.ids import new_id
from domain.team.roles import Role
from tests.approval_helpers import set_rules
from tests.conftest import UNLIMITED, Tenant, make_tenant
from tests.factories import charge_saved, make_customer, make_invoice, pay, save_test_method, token_for
from tests.portal_helpers import portal_sign_in
from tests.route_permissions import for_people_only
from tests.team_helpers import add_member, browser, sign_in

PROBLEM = "application/problem+json"
ID_RE = re.compile(r"[a-z]{2,3}_[0-9A-Z]{26}")

# A plausible, valid body for every route that takes one, by (method, path). A new write route with a body
# fails `test_every_route_with_an_id_hides_other_partners_resources` until it is added here.
TOKEN = "<a fresh sandbox token of B's>"  # replaced at run time: tokens are single use and made per test
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("PATCH", "/v1/customers/{customer_id}"): {"name": "Taken over", "email": None, "metadata": {"owner": "B"}},
    ("PATCH", "/v1/team/{user_id}"): {"role": "read_only"},
    ("POST", "/v1/customers/{customer_id}/payment-methods"): {"token": TOKEN, "make_default": True},
    ("POST", "/v1/customers/{customer_id}/payment_methods"): {"token": TOKEN, "make_default": True},  # deprecated
    ("POST", "/v1/payments/{payment_id}/refunds"): {"amount": 100, "reason": "Not yours"},
    ("POST", "/v1/disputes/{dispute_id}/evidence"): {"text": "winning_evidence: B answers A's dispute"},
    ("POST", "/v1/customers/{customer_id}/portal-invites"): {"email": "intruder@b.example"},
    ("POST", "/v1/access-requests/{request_id}/approve"): {"new_customer": {"name": "Taken over"}},
    ("POST", "/v1/invoice-questions/{question_id}/resolve"): {"resolution": "Not yours"},
    ("POST", "/v1/invoices/{invoice_id}/write-off"): {"reason": "Not yours"},
    ("POST", "/v1/approvals/{approval_id}/reject"): {"reason": "Not yours"},
    ("POST", "/v1/customers/{customer_id}/merge"): {"into_customer_id": "cus_00000000000000000000000000"},
}

# Public routes that take a path parameter but no partner credential, so "another partner's id" means nothing
# to them. /webhooks/{processor} is called by the processor: an event is authenticated by its signature and
# names its own account (the partner), and `processor` is a processor name, not a partner's resource. What a
# signed event naming one partner can touch is tested by
# `test_a_signed_event_naming_one_partner_cannot_touch_anothers_payment` below.
# Answer no tenant data: the processor's signed webhooks, and the portal app's pages (the same index.html for all).
PUBLIC_ROUTES = {
    ("POST", "/webhooks/{processor}"),
    ("GET", "/pay/{slug}"),
    ("GET", "/pay/{slug}/{rest:path}"),
    ("GET", "/dashboard/{rest:path}"),  # the dashboard app's pages: the same index.html for everyone
    ("GET", "/branding/logos/{name}"),  # logos are public, named by their content's hash
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
    carded: dict[str, Any]  # paid by card_payment
    payment_method: dict[str, Any]  # a saved card (the sandbox's disputed test card)
    card_payment: dict[str, Any]  # charged on payment_method, then disputed
    dispute: dict[str, Any]  # needs_response: takes evidence
    access_request: dict[str, Any]  # pending: approvable, dismissable
    portal_user: dict[str, Any]  # invited to the customer: unlockable
    scheduled_payment: dict[str, Any]  # scheduled from the portal: cancelable
    question: dict[str, Any]  # asked from the portal: resolvable
    imported: dict[str, Any] = dataclasses.field(default_factory=dict)  # a CSV import of customers, with its rows
    approval: dict[str, Any] = dataclasses.field(default_factory=dict)  # a write-off of A's held for approval
    team: dict[str, str] = dataclasses.field(default_factory=dict)  # an admin's user and session ids, an invitation
    api_key_id: str = ""

    def ids_for(self, param: str) -> list[str]:
        return {
            "customer_id": [self.customer["id"]],
            "invoice_id": [self.partially_paid["id"], self.unpaid["id"], self.draft["id"], self.carded["id"]],
            "payment_id": [self.payment["id"], self.card_payment["id"]],
            "payment_method_id": [self.payment_method["id"]],
            "dispute_id": [self.dispute["id"]],
            "request_id": [self.access_request["id"]],
            "user_id": [self.portal_user["id"], self.team["user_id"]],  # a portal user, a partner user
            "invitation_id": [self.team["invitation_id"]],
            "session_id": [self.team["session_id"]],
            "key_id": [self.api_key_id],
            "scheduled_payment_id": [self.scheduled_payment["id"]],
            "question_id": [self.question["id"]],
            "import_id": [self.imported["id"]],
            "approval_id": [self.approval["id"]] if self.approval else [],
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
        httpx.AsyncClient(
            transport=transport, base_url=base, headers={"Authorization": f"Bearer {tenant_a.api_key}"}
        ) as a,
        httpx.AsyncClient(
            transport=transport, base_url=base, headers={"Authorization": f"Bearer {tenant_b.api_key}"}
        ) as b,
    ):
        yield Partners(container, app, a, b, tenant_a, tenant_b)


async def make_world(client: httpx.AsyncClient, label: str, container: Container | None = None) -> World:
    customer = await make_customer(
        client,
        name=f"{label} Dental",
        email=f"ap@{label.lower()}.example",
        tags=[f"tag-{label.lower()}"],
        metadata={"owner": label},
    )
    partially_paid = await make_invoice(client, customer["id"], amount=10_000, number=f"{label}-SHARED-1")
    unpaid = await make_invoice(client, customer["id"], amount=5_000)
    draft = await make_invoice(client, customer["id"], amount=7_000, draft=True)
    r = await pay(client, customer["id"], [(partially_paid["id"], 2_500)])
    assert r.status_code == 201, r.text
    payment = r.json()
    carded = await make_invoice(client, customer["id"], amount=4_000)
    method = await save_test_method(client, customer["id"], "disputed")
    r = await charge_saved(client, customer["id"], method["id"], [(carded["id"], 4_000)])
    assert r.status_code == 201 and r.json()["status"] == "succeeded", r.text
    card_payment = r.json()
    # The sandbox's disputed card is disputed one sandbox day after the charge.
    r = await client.post("/v1/sandbox/clock/advance", json={"days": 1})
    assert r.status_code == 200, r.text
    disputes = (await client.get("/v1/disputes", params={"payment_id": card_payment["id"]})).json()["data"]
    assert [d["status"] for d in disputes] == ["needs_response"], disputes
    card_payment = (await client.get(f"/v1/payments/{card_payment['id']}")).json()
    assert card_payment["status"] == "disputed", card_payment
    r = await client.post(f"/v1/customers/{customer['id']}/portal-invites", json={"email": f"clerk@{label}.example"})
    assert r.status_code == 201, r.text
    portal_user = r.json()
    access_request: dict[str, Any] = {"id": new_id("acr")}
    if container is not None:  # someone unknown verifies an email and asks for access
        slug = (await client.get("/v1/settings/portal")).json()["slug"]
        async with httpx.AsyncClient(transport=client._transport, base_url=str(client.base_url)) as stranger:
            await portal_sign_in(stranger, container, slug, f"stranger@{label.lower()}.example")
            r = await stranger.post(
                "/portal/v1/access-requests",
                json={"company_name": f"{label} Stranger", "contact_name": "S", "phone": "555-0100", "address": "1 St"},
            )
            assert r.status_code == 201, r.text
            access_request = r.json()
        scheduled_payment, question = await _from_the_portal(client, container, slug, customer, method, label)
    else:
        scheduled_payment, question = {"id": new_id("sch")}, {"id": new_id("qst")}
    r = await client.post(
        "/v1/imports/customers",
        content=f"external_id,name\r\n{label}-EXT-1,{label} Imported\r\n",
        headers={"Content-Type": "text/csv"},
    )
    assert r.status_code == 201, r.text
    imported = r.json()
    return World(
        customer,
        partially_paid,
        unpaid,
        draft,
        payment,
        carded,
        method,
        card_payment,
        disputes[0],
        access_request,
        portal_user,
        scheduled_payment,
        question,
        imported,
    )


async def _from_the_portal(
    client: httpx.AsyncClient,
    container: Container,
    slug: str,
    customer: dict[str, Any],
    method: dict[str, Any],
    label: str,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The customer signs in, schedules a payment of a new invoice and asks a question about it."""
    due = (container.clock.today() + timedelta(days=30)).isoformat()
    invoice = await make_invoice(client, customer["id"], amount=3_000, due_date=due)
    async with httpx.AsyncClient(transport=client._transport, base_url=str(client.base_url)) as browser:
        await portal_sign_in(browser, container, slug, customer["email"])
        tomorrow = (container.clock.today() + timedelta(days=1)).isoformat()
        r = await browser.post(
            "/portal/v1/scheduled-payments",
            json={
                "payment_method_id": method["id"],
                "amount": 3_000,
                "invoice_ids": [invoice["id"]],
                "scheduled_for": tomorrow,
            },
        )
        assert r.status_code == 201, r.text
        scheduled_payment = r.json()
        r = await browser.post(
            f"/portal/v1/invoices/{invoice['id']}/questions", json={"message": f"{label}'s question"}
        )
        assert r.status_code == 201, r.text
        return scheduled_payment, r.json()


async def seen_by(client: httpx.AsyncClient, world: World) -> dict[str, Any]:
    """Everything of one partner, fetched as that partner: each resource and every list."""
    out: dict[str, Any] = {}
    for name, path in [
        ("customer", f"/v1/customers/{world.customer['id']}"),
        ("partially_paid", f"/v1/invoices/{world.partially_paid['id']}"),
        ("unpaid", f"/v1/invoices/{world.unpaid['id']}"),
        ("draft", f"/v1/invoices/{world.draft['id']}"),
        ("payment", f"/v1/payments/{world.payment['id']}"),
        ("carded", f"/v1/invoices/{world.carded['id']}"),
        ("payment_method", f"/v1/payment-methods/{world.payment_method['id']}"),
        ("card_payment", f"/v1/payments/{world.card_payment['id']}"),
        ("refunds", f"/v1/payments/{world.card_payment['id']}/refunds"),
        ("dispute", f"/v1/disputes/{world.dispute['id']}"),
        ("portal_user", f"/v1/portal-users/{world.portal_user['id']}"),
        ("payment_methods", f"/v1/customers/{world.customer['id']}/payment-methods"),
    ]:
        r = await client.get(path)
        assert r.status_code == 200, r.text
        out[name] = r.json()
    if "status" in world.access_request:  # made through the portal only when the world had a container
        for name, path in [
            ("access_request", f"/v1/access-requests/{world.access_request['id']}"),
            ("scheduled_payment", f"/v1/scheduled-payments/{world.scheduled_payment['id']}"),
            ("question", f"/v1/invoice-questions/{world.question['id']}"),
        ]:
            r = await client.get(path)
            assert r.status_code == 200, r.text
            out[name] = r.json()
    if world.approval:
        r = await client.get(f"/v1/approvals/{world.approval['id']}")
        assert r.status_code == 200, r.text
        out["approval"] = r.json()
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
        ("disputes", "/v1/disputes", {}),
        ("access_requests", "/v1/access-requests", {}),
        ("portal_users", "/v1/portal-users", {}),
        ("scheduled_payments", "/v1/scheduled-payments", {}),
        ("invoice_questions", "/v1/invoice-questions", {}),
        ("approvals", "/v1/approvals", {}),
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


async def held_approval(partners: Partners, world: World) -> dict[str, Any]:
    """A write-off of A's waiting for approval: A's rule is switched on for it, then off again."""
    await set_rules(partners.container, partners.tenant_a, write_offs=True)
    r = await partners.a.post(f"/v1/invoices/{world.unpaid['id']}/write-off", json={"reason": "Held"})
    assert r.status_code == 202, r.text
    await set_rules(partners.container, partners.tenant_a)
    return dict(r.json())


async def team_of(partners: Partners, tenant: Tenant) -> dict[str, str]:
    """An admin of this partner, signed in, who has invited someone: their user, session and invitation ids."""
    user_id, email = await add_member(partners.container, tenant, Role.ADMIN)
    async with browser(partners.app) as admin:
        await sign_in(admin, email)
        invited = await admin.post("/v1/team/invites", json={"email": "newcomer@team.example", "role": "member"})
        assert invited.status_code == 201, invited.text
        sessions = (await admin.get("/v1/me/sessions")).json()["data"]
    return {"user_id": user_id, "invitation_id": invited.json()["id"], "session_id": sessions[0]["id"]}


def ids_of(world: World) -> set[str]:
    return {
        world.customer["id"],
        world.partially_paid["id"],
        world.unpaid["id"],
        world.draft["id"],
        world.payment["id"],
        world.carded["id"],
        world.payment_method["id"],
        world.card_payment["id"],
        world.dispute["id"],
    }


# --------------------------------------------------------------------------------------------------------------


async def test_every_route_with_an_id_hides_other_partners_resources(partners: Partners) -> None:
    world_a = await make_world(partners.a, "A", partners.container)
    world_b = await make_world(partners.b, "B", partners.container)
    world_a.approval = await held_approval(partners, world_a)
    a_before = await seen_by(partners.a, world_a)
    b_before = await seen_by(partners.b, world_b)

    # Partner routes here; the portal's own session-scoped routes are covered by tests/api/portal/test_paying_isolation.
    every = [
        (m, p, r) for m, p, r in api_routes(partners.app) if path_params(p) and not p.startswith(("/portal/", "/dev/"))
    ]
    assert {(m, p) for m, p, _ in every} >= PUBLIC_ROUTES, "a public route listed here no longer exists"
    routes = [(m, p, r) for m, p, r in every if (m, p) not in PUBLIC_ROUTES]
    fillable = (
        "customer_id",
        "invoice_id",
        "payment_id",
        "payment_method_id",
        "dispute_id",
        "request_id",
        "user_id",
        "scheduled_payment_id",
        "question_id",
        "import_id",
        "approval_id",
        "invitation_id",
        "session_id",
        "key_id",
    )
    unfillable = sorted({(m, p) for m, p, _ in routes for name in path_params(p) if name not in fillable})
    assert not unfillable, f"routes with a path parameter this test cannot fill; teach World.ids_for: {unfillable}"
    missing_body = sorted((m, p) for m, p, r in routes if r.body_field is not None and (m, p) not in BODIES)
    assert not missing_body, f"write routes without a plausible body in BODIES: {missing_body}"
    # The enumeration must see what the OpenAPI document publishes, so no route escapes it.
    published = {
        (m.upper(), p)
        for p, ops in partners.app.openapi()["paths"].items()
        for m in ops
        if "{" in p and not p.startswith("/portal/")
    }
    assert {(m, p) for m, p, _ in every} >= published
    assert len(routes) >= 17
    # One real token of B's serves every attach attempt: refused before the processor is asked, it stays unused.
    token = await token_for(partners.b, "visa")
    # Routes only people may use (a person's own account, the team, API keys) are tried by B's admin, signed in.
    world_a.team = await team_of(partners, partners.tenant_a)
    world_a.api_key_id = partners.tenant_a.api_key_id
    _, b_admin_email = await add_member(partners.container, partners.tenant_b, Role.ADMIN)

    checked = 0
    b_admin_cm = browser(partners.app)
    b_admin = await b_admin_cm.__aenter__()
    await sign_in(b_admin, b_admin_email)
    for method, path, route in routes:
        caller = b_admin if for_people_only(route, path) else partners.b
        names = path_params(path)
        body = BODIES.get((method, path))
        if body is not None and body.get("token") == TOKEN:
            body = {**body, "token": token}
        for idents in itertools.product(*(world_a.ids_for(name) for name in names)):
            url = fill(path, dict(zip(names, idents, strict=True)))
            headers = {"Idempotency-Key": str(uuid.uuid4())} if method != "GET" else {}
            r = await caller.request(method, url, json=body, headers=headers)
            foreign: dict[str, Any] | str = assert_not_found(r, f"B {method} {url}")
            # ...and indistinguishable from ids that exist nowhere
            unknown = {name: new_id(ident.split("_")[0]) for name, ident in zip(names, idents, strict=True)}
            r = await caller.request(method, fill(path, unknown), json=body)
            nowhere: dict[str, Any] | str = assert_not_found(r, f"B {method} {fill(path, unknown)}")
            for name, ident in zip(names, idents, strict=True):
                foreign, nowhere = without_id(foreign, ident), without_id(nowhere, unknown[name])
            assert foreign == nowhere
            checked += 1
    await b_admin_cm.__aexit__(None, None, None)
    assert checked >= 30

    assert await seen_by(partners.a, world_a) == a_before, "B's requests changed A's resources"
    assert await seen_by(partners.b, world_b) == b_before, "B's failed requests changed B's own resources"
    # The same requests as A do reach A's resources (so the 404s above were about the partner, not the route).
    assert (await partners.a.post(f"/v1/invoices/{world_a.draft['id']}/finalize")).status_code == 200
    assert (await partners.a.post(f"/v1/payments/{world_a.payment['id']}/cancel")).status_code == 200
    evidence = await partners.a.post(f"/v1/disputes/{world_a.dispute['id']}/evidence", json={"text": "Signed."})
    assert evidence.status_code == 200 and evidence.json()["status"] == "under_review", evidence.text
    assert (await partners.a.post(f"/v1/payment-methods/{world_a.payment_method['id']}/default")).status_code == 200
    assert (await partners.a.delete(f"/v1/payment-methods/{world_a.payment_method['id']}")).status_code == 200
    cancel = await partners.a.post(f"/v1/scheduled-payments/{world_a.scheduled_payment['id']}/cancel")
    assert cancel.status_code == 200 and cancel.json()["status"] == "canceled", cancel.text
    resolve = await partners.a.post(f"/v1/invoice-questions/{world_a.question['id']}/resolve", json={})
    assert resolve.status_code == 200 and resolve.json()["status"] == "resolved", resolve.text
    # B's token was never consumed by the refused attaches: B can still use it on its own customer.
    own = await partners.b.post(f"/v1/customers/{world_b.customer['id']}/payment-methods", json={"token": token})
    assert own.status_code == 201, own.text


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
    ("/v1/disputes", "payment_id", "card_payment", True),
    ("/v1/disputes", "payment_id", "payment", False),
    ("/v1/scheduled-payments", "customer_id", "customer", False),
    ("/v1/invoice-questions", "invoice_id", "unpaid", False),
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

    r = await partners.b.post(
        "/v1/invoices",
        json={
            "customer_id": world_a.customer["id"],
            "currency": "USD",
            "lines": [{"description": "Not yours", "quantity": 1, "unit_amount": 1_000}],
        },
    )
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
    taken = await partners.a.post(
        "/v1/invoices",
        json={
            "customer_id": first_a.json()["id"],
            "currency": "USD",
            "number": "INV-SAME",
            "lines": [{"description": "x", "quantity": 1, "unit_amount": 1}],
        },
    )
    assert taken.status_code == 409 and taken.json()["code"] == "invoice_number_taken"


async def test_a_signed_event_naming_one_partner_cannot_touch_anothers_payment(partners: Partners) -> None:
    """Processor events are scoped by the account they name: A's account cannot reach B's charge, even when the
    event carries B's charge id and B's processor idempotency key."""
    customer_b = await make_customer(partners.b, name="B Dental")
    invoice_b = await make_invoice(partners.b, customer_b["id"], amount=6_000)
    method_b = await save_test_method(partners.b, customer_b["id"], "visa")
    r = await charge_saved(partners.b, customer_b["id"], method_b["id"], [(invoice_b["id"], 6_000)])
    assert r.status_code == 201 and r.json()["status"] == "succeeded", r.text
    payment_b = r.json()
    sandbox = partners.container.sandbox
    state = await sandbox.retrieve_charge(
        account=partners.tenant_b.partner_id, processor_payment_id=payment_b["processor_payment_id"]
    )
    # What B's charge would look like once disputed: applied to B, it withdraws the money and disputes B's payment.
    disputed = {
        **state.raw,
        "dispute": {
            "id": f"dp_sbx_{uuid.uuid4().hex[:16]}",
            "status": "needs_response",
            "amount": payment_b["amount"],
            "currency": payment_b["currency"],
            "reason": "fraudulent",
            "evidence_due_by": None,
        },
    }
    assert disputed["id"] == payment_b["processor_payment_id"]
    assert disputed["idempotency_key"] == f"remit-{payment_b['id']}"

    async def b_state() -> dict[str, Any]:
        return {
            "payment": (await partners.b.get(f"/v1/payments/{payment_b['id']}")).json(),
            "invoice": (await partners.b.get(f"/v1/invoices/{invoice_b['id']}")).json(),
            "ledger": (await partners.b.get("/v1/ledger/entries", params={"payment_id": payment_b["id"]})).json(),
            "disputes": (await partners.b.get("/v1/disputes")).json(),
        }

    async def deliver(account: str, charge_object: dict[str, Any]) -> httpx.Response:
        event = {
            "id": f"evt_sbx_{uuid.uuid4().hex[:16]}",
            "object": "event",
            "type": "charge.dispute.created",
            "account": account,
            "created": int(partners.container.clock.now().timestamp()),
            "data": {"object": charge_object},
        }
        body = json.dumps(event).encode()
        headers = {**sandbox.sign(body, at=partners.container.clock.now()), "Content-Type": "application/json"}
        transport = httpx.ASGITransport(app=partners.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://remit.test") as processor:  # no API key
            return await processor.post("/webhooks/sandbox", content=body, headers=headers)

    before = await b_state()
    assert before["payment"]["status"] == "succeeded" and before["disputes"]["data"] == []
    for label, account, obj in [
        ("A's account, B's charge id and key", partners.tenant_a.partner_id, disputed),
        ("A's account, B's charge id, no key", partners.tenant_a.partner_id, {**disputed, "idempotency_key": None}),
        ("A's account, B's key only", partners.tenant_a.partner_id, {**disputed, "id": "ch_sbx_not_a_charge"}),
        ("an account that is no partner", f"acct_{uuid.uuid4().hex}", disputed),
    ]:
        r = await deliver(account, obj)
        assert r.status_code == 200, f"{label}: {r.status_code} {r.text}"
        assert r.json() == {"received": True, "duplicate": False}, label
        assert await b_state() == before, f"an event naming {label} changed B's payment"

    # The same event naming B's own account does reach B's payment: the refusals above were about the account.
    r = await deliver(partners.tenant_b.partner_id, disputed)
    assert r.status_code == 200, r.text
    after = await b_state()
    assert after["payment"]["status"] == "disputed"
    assert [d["payment_id"] for d in after["disputes"]["data"]] == [payment_b["id"]]
