from __future__ import annotations

import httpx


async def test_health_and_ready(app_client: httpx.AsyncClient) -> None:
    live = await app_client.get("/health")
    assert live.status_code == 200 and live.json() == {"status": "ok"}
    ready = await app_client.get("/ready")
    assert ready.status_code == 200 and ready.json() == {"status": "ok"}


async def test_unknown_route_is_a_problem(app_client: httpx.AsyncClient) -> None:
    r = await app_client.get("/v1/nothing-here")
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["code"] == "route_not_found"


async def test_key_use_is_recorded(client: httpx.AsyncClient, container: object, tenant: object) -> None:
    from adapters.bootstrap import Container

    assert isinstance(container, Container)
    assert (await client.get("/v1/customers")).status_code == 200
    async with container.uow() as uow:
        key = await uow.api_keys.get(tenant.api_key_id)  # type: ignore[attr-defined]
    assert key.last_used_at is not None
