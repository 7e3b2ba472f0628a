from __future__ import annotations

import dataclasses

import httpx

from adapters.bootstrap import Container
from api.app import create_app
from tests.conftest import Tenant


async def _client(container: Container, **limits: float) -> httpx.AsyncClient:
    limited = dataclasses.replace(container, settings=container.settings.model_copy(update=limits))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(limited)), base_url="http://remit.test")


async def test_requests_beyond_the_key_budget_get_429(container: Container, tenant: Tenant) -> None:
    async with await _client(container, rate_limit_per_second=0.01, rate_limit_burst=3) as client:
        headers = {"Authorization": f"Bearer {tenant.api_key}"}
        statuses = [(await client.get("/v1/customers", headers=headers)).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        limited = await client.get("/v1/customers", headers=headers)
        assert limited.headers["content-type"] == "application/problem+json"
        assert limited.json()["code"] == "rate_limited"
        assert int(limited.headers["retry-after"]) >= 1


async def test_repeated_bad_keys_are_throttled(container: Container) -> None:
    async with await _client(container, auth_failures_per_minute=2) as client:
        bad = {"Authorization": "Bearer rk_test_guessing"}
        statuses = [(await client.get("/v1/customers", headers=bad)).status_code for _ in range(3)]
        assert statuses == [401, 401, 429]
