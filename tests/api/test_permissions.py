"""Every /v1 route declares the one permission it needs (api.deps.Reader / Writer), and every kind of caller gets
exactly what domain/team/roles.py grants: the route list is enumerated, so a new route cannot forget it.

A refused call answers 403 `forbidden_for_role` naming the permission before it looks at anything else, so the
probes below send empty bodies to made-up ids: an allowed call gets some other answer (404, 422), never that one.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

import httpx
from fastapi import FastAPI

from adapters.bootstrap import Container
from domain.api_keys.model import KeyScope
from domain.partners.use_cases import CreateApiKey, create_api_key
from domain.team.roles import Permission, Role, role_allows, scope_allows
from tests.api.test_tenant_isolation import api_routes
from tests.conftest import Tenant
from tests.factories import make_customer, make_invoice
from tests.route_permissions import declared
from tests.team_helpers import signed_in

# Routes about the caller's own identity (signing in, their own profile): no partner permission applies.
SELF_SERVICE = re.compile(r"^/v1/(auth|me)(/|$)")


def _app(client: httpx.AsyncClient) -> FastAPI:
    app: FastAPI = client._transport.app  # type: ignore[attr-defined]
    return app


def partner_routes(app: FastAPI) -> list[tuple[str, str, Permission]]:
    routes = [(m, p, r) for m, p, r in api_routes(app) if p.startswith("/v1/") and not SELF_SERVICE.match(p)]
    undeclared = sorted((m, p) for m, p, r in routes if declared(r) is None)
    assert not undeclared, f"routes that do not declare a permission (take Read or a Write… context): {undeclared}"
    assert len(routes) > 60, "the route list looks wrong"
    return [(m, p, permission) for m, p, r in routes if (permission := declared(r)) is not None]


async def probe(
    client: httpx.AsyncClient,
    routes: list[tuple[str, str, Permission]],
    headers: dict[str, str],
    allows: Callable[[Permission], bool],
) -> list[str]:
    """What this caller got wrong: a refusal where the table allows, or anything else where it refuses."""
    wrong = []
    for method, path, permission in routes:
        concrete = re.sub(r"\{[^}]+\}", "xyz", path)
        r = await client.request(method, concrete, json={}, headers={**headers, "Idempotency-Key": str(uuid.uuid4())})
        refused = r.status_code == 403 and r.json().get("code") == "forbidden_for_role"
        if refused and r.json()["context"].get("permission") != permission.value:
            wrong.append(f"{method} {path}: refused naming {r.json().get('permission')}, not {permission.value}")
        if refused == allows(permission):
            wrong.append(f"{method} {path} ({permission.value}): {r.status_code} {r.text[:120]}")
    return wrong


async def _key(container: Container, tenant: Tenant, scope: KeyScope) -> str:
    async with container.uow() as uow:
        _key, secret = await create_api_key(
            CreateApiKey(tenant.slug, name=scope.value, scope=scope), uow, clock=container.clock
        )
        await uow.commit()
    return secret


async def test_every_route_answers_each_key_scope_as_the_table_says(
    client: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    routes = partner_routes(_app(client))
    for scope in KeyScope:
        headers = {"Authorization": f"Bearer {await _key(container, tenant, scope)}"}
        wrong = await probe(client, routes, headers, lambda p, s=scope: scope_allows(s, p))  # type: ignore[misc]
        assert not wrong, (scope.value, wrong)


async def test_every_route_answers_each_role_as_the_table_says(
    client: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    """The same probe for people signed in to the dashboard: each role against the table, CSRF header sent."""
    routes = partner_routes(_app(client))
    for role in Role:
        async with signed_in(_app(client), container, tenant, role) as person:
            wrong = await probe(person.client, routes, {}, lambda p, r=role: role_allows(r, p))  # type: ignore[misc]
        assert not wrong, (role.value, wrong)


async def test_a_read_only_key_reads_what_a_full_key_reads_and_its_refusals_change_nothing(
    client: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    customer = await make_customer(client)
    invoice = await make_invoice(client, customer["id"], amount=12_300)
    reader = {"Authorization": f"Bearer {await _key(container, tenant, KeyScope.READ_ONLY)}"}
    for path in ("/v1/customers", f"/v1/invoices/{invoice['id']}", "/v1/payments", "/v1/settings/payments"):
        mine, theirs = await client.get(path), await client.get(path, headers=reader)
        assert theirs.status_code == 200 and theirs.json() == mine.json(), path
    refused = await client.post(
        f"/v1/invoices/{invoice['id']}/void", headers={**reader, "Idempotency-Key": str(uuid.uuid4())}
    )
    assert refused.status_code == 403 and "read-only" in refused.json()["detail"]
    assert (await client.get(f"/v1/invoices/{invoice['id']}")).json()["status"] == "open"
