"""A read-only API key reads everything a full key reads and changes nothing: every /v1 route that changes
something answers 403 `forbidden_for_role` naming the permission, before it looks at anything else."""

from __future__ import annotations

import re
import uuid

import httpx
from fastapi import FastAPI
from fastapi.routing import APIRoute

from adapters.bootstrap import Container
from api import deps
from domain.api_keys.model import KeyScope
from domain.partners.use_cases import CreateApiKey, create_api_key
from tests.api.test_tenant_isolation import api_routes
from tests.conftest import Tenant
from tests.factories import make_customer, make_invoice

READS = ("GET", "HEAD")
# Changes nothing though it is a POST (it computes a fee); anything else that is not a GET must take `Write`.
READ_BY_POST = {("POST", "/v1/payments/quote")}


def _writes(route: APIRoute) -> bool:
    """The route takes `Write` (api.deps._write), the one place a change is authorised."""
    stack = list(route.dependant.dependencies)
    while stack:
        dependency = stack.pop()
        if dependency.call is deps._write:
            return True
        stack.extend(dependency.dependencies)
    return False


async def _read_only_key(container: Container, tenant: Tenant) -> str:
    async with container.uow() as uow:
        _key, secret = await create_api_key(
            CreateApiKey(tenant.slug, name="reports", scope=KeyScope.READ_ONLY), uow, clock=container.clock
        )
        await uow.commit()
    return secret


def _app(client: httpx.AsyncClient) -> FastAPI:
    app: FastAPI = client._transport.app  # type: ignore[attr-defined]
    return app


async def test_every_change_is_refused_to_a_read_only_key(
    client: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    reader = {"Authorization": f"Bearer {await _read_only_key(container, tenant)}"}
    routes = [(m, p, r) for m, p, r in api_routes(_app(client)) if p.startswith("/v1/") and m not in READS]
    unguarded = sorted((m, p) for m, p, r in routes if not _writes(r) and (m, p) not in READ_BY_POST)
    assert not unguarded, f"changes that do not take Write (so a read-only key could make them): {unguarded}"
    changes = [(m, p) for m, p, _ in routes if (m, p) not in READ_BY_POST]
    assert len(changes) > 30, "the route list looks wrong"
    for method, path in changes:
        concrete = re.sub(r"\{[^}]+\}", "xyz", path)
        r = await client.request(method, concrete, json={}, headers={**reader, "Idempotency-Key": str(uuid.uuid4())})
        assert r.status_code == 403, (method, path, r.status_code, r.text)
        assert r.json()["code"] == "forbidden_for_role" and "read-only" in r.json()["detail"], (method, path)


async def test_a_read_only_key_reads_what_a_full_key_reads_and_its_refusals_change_nothing(
    client: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    customer = await make_customer(client)
    invoice = await make_invoice(client, customer["id"], amount=12_300)
    reader = {"Authorization": f"Bearer {await _read_only_key(container, tenant)}"}
    for path in ("/v1/customers", f"/v1/invoices/{invoice['id']}", "/v1/payments", "/v1/settings/payments"):
        mine, theirs = await client.get(path), await client.get(path, headers=reader)
        assert theirs.status_code == 200 and theirs.json() == mine.json(), path
    refused = await client.post(
        f"/v1/invoices/{invoice['id']}/void", headers={**reader, "Idempotency-Key": str(uuid.uuid4())}
    )
    assert refused.status_code == 403
    assert (await client.get(f"/v1/invoices/{invoice['id']}")).json()["status"] == "open"
