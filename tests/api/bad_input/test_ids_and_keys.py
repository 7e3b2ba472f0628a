"""Ids and keys: unknown, foreign or malformed ids in paths, bad Idempotency-Keys, and every way an API key can be
wrong, missing or revoked. Each answers 4xx problem+json with a stable code and writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from adapters.bootstrap import Container
from domain.api_keys.model import make_secret
from domain.ids import new_id
from domain.partners.use_cases import CreateApiKey, RevokeApiKey, create_api_key, revoke_api_key
from tests.api.bad_input.bodies import alloc
from tests.api.bad_input.harness import NO_BODY, SHARED, Shared, World, assert_problem, send, writes_nothing
from tests.conftest import Tenant

ID_ROUTES = [
    ("GET", "/v1/customers/{}", "cus"),
    ("PATCH", "/v1/customers/{}", "cus"),
    ("POST", "/v1/customers/{}/archive", "cus"),
    ("GET", "/v1/invoices/{}", "inv"),
    ("POST", "/v1/invoices/{}/finalize", "inv"),
    ("POST", "/v1/invoices/{}/void", "inv"),
    ("POST", "/v1/invoices/{}/archive", "inv"),
    ("GET", "/v1/payments/{}", "pay"),
    ("POST", "/v1/payments/{}/cancel", "pay"),
]


@SHARED
@pytest.mark.parametrize(("method", "template", "prefix"), ID_ROUTES, ids=[f"{m} {t}" for m, t, _ in ID_ROUTES])
async def test_unknown_path_ids(shared: Shared, method: str, template: str, prefix: str) -> None:
    body = {"name": "x"} if method == "PATCH" else NO_BODY
    w = shared.world
    wrong_kind = w["invoice_id"] if prefix != "inv" else w["customer_id"]
    for ident in (new_id(prefix), "nope", wrong_kind, "x" * 300, "a%ED%A0%80b", "%E2%80%AE", "%20"):
        await shared.rejected(method, template.format(ident), body, 404, "resource_missing", None)
    for ident in ("a%00b", "%00"):
        await shared.rejected(method, template.format(ident), body, 400, "invalid_characters", None)


@SHARED
async def test_invalid_idempotency_keys(shared: Shared) -> None:
    for bad in ("k" * 256, "a\tb", " leading-space", "trailing-space "):
        key = {"Idempotency-Key": bad}
        await shared.rejected(
            "POST", "/v1/customers", {"name": "x"}, 422, "validation_error", "Idempotency-Key", headers=key
        )


def _bad_checksum(key: str) -> str:
    last = key[-1]
    return key[:-1] + ("A" if last != "A" else "B")


AUTH_CASES: list[Any] = [
    pytest.param(lambda t: None, "authentication_required", id="missing"),
    pytest.param(lambda t: "", "authentication_required", id="empty"),
    pytest.param(lambda t: "Bearer", "authentication_required", id="bearer-without-key"),
    pytest.param(lambda t: f"Basic {t.api_key}", "authentication_required", id="basic-scheme"),
    pytest.param(lambda t: t.api_key, "authentication_required", id="no-scheme"),
    pytest.param(lambda t: "Bearer hello", "invalid_api_key", id="random-string"),
    pytest.param(lambda t: "Bearer " + "x" * 5000, "invalid_api_key", id="long-random-string"),
    pytest.param(lambda t: f"Bearer {_bad_checksum(t.api_key)}", "invalid_api_key", id="wrong-checksum"),
    pytest.param(lambda t: f"Bearer {t.api_key[:-1]}", "invalid_api_key", id="truncated-key"),
    pytest.param(
        lambda t: f"Bearer {t.api_key.replace('rk_test_', 'rk_live_')}", "invalid_api_key", id="test-key-as-live"
    ),
    pytest.param(lambda t: f"Bearer {make_secret(livemode=False)}", "invalid_api_key", id="valid-shape-unknown"),
    pytest.param(lambda t: f"Bearer {make_secret(livemode=True)}", "invalid_api_key", id="valid-shape-unknown-live"),
]


@SHARED
@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        pytest.param("GET", "/v1/customers", NO_BODY, id="list"),
        pytest.param("POST", "/v1/payments", None, id="pay"),
    ],
)
@pytest.mark.parametrize(("make_header", "code"), AUTH_CASES)
async def test_bad_credentials_are_401(
    shared: Shared, method: str, path: str, body: Any, make_header: Callable[[Tenant], str | None], code: str
) -> None:
    header = make_header(shared.tenant)
    if body is None:
        body = alloc(amount=100)(shared.world)
    problem_headers = {} if header is None else {"Authorization": header}
    async with shared.writes_nothing():
        r = await send(shared.anon, method, path, body, headers=problem_headers)
        assert_problem(r, 401, code)
        assert r.headers["www-authenticate"].lower().startswith("bearer")


async def test_revoked_key_is_refused_at_once(
    app_client: httpx.AsyncClient, container: Container, tenant: Tenant, world: World
) -> None:
    async with container.uow() as uow:
        _, spare = await create_api_key(CreateApiKey(tenant.slug), uow, clock=container.clock)
        await uow.commit()
    old = {"Authorization": f"Bearer {tenant.api_key}"}
    app_client.headers["Authorization"] = f"Bearer {spare}"  # `client` set it to the key being revoked
    assert (await app_client.get("/v1/customers", headers=old)).status_code == 200

    async with container.uow() as uow:
        await revoke_api_key(RevokeApiKey(tenant.api_key_id), uow, clock=container.clock)
        await uow.commit()

    async with writes_nothing(container, tenant.partner_id):
        for method, path, body in [
            ("GET", "/v1/customers", NO_BODY),
            ("GET", f"/v1/invoices/{world['invoice_id']}", NO_BODY),
            ("POST", "/v1/customers", {"name": "After revocation"}),
            ("POST", "/v1/payments", alloc(amount=100)(world)),
            ("POST", f"/v1/invoices/{world['invoice_id']}/void", NO_BODY),
        ]:
            r = await send(app_client, method, path, body, headers=old)
            assert_problem(r, 401, "api_key_revoked")
            assert r.headers["www-authenticate"].lower().startswith("bearer")
    assert (await app_client.get("/v1/customers")).status_code == 200  # the other key still works
