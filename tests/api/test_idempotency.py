from __future__ import annotations

import httpx

from tests.factories import make_customer, make_invoice


async def test_same_key_same_body_replays_without_redoing(client: httpx.AsyncClient) -> None:
    body = {"name": "Replay Co"}
    first = await client.post("/v1/customers", json=body, headers={"Idempotency-Key": "k-1"})
    second = await client.post("/v1/customers", json=body, headers={"Idempotency-Key": "k-1"})
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers.get("idempotent-replayed") == "true"
    assert "idempotent-replayed" not in first.headers
    listed = (await client.get("/v1/customers")).json()["data"]
    assert [c["id"] for c in listed] == [first.json()["id"]]


async def test_same_key_other_body_is_refused(client: httpx.AsyncClient) -> None:
    await client.post("/v1/customers", json={"name": "A"}, headers={"Idempotency-Key": "k-2"})
    r = await client.post("/v1/customers", json={"name": "B"}, headers={"Idempotency-Key": "k-2"})
    assert r.status_code == 409
    assert r.json()["code"] == "idempotency_key_reused"
    other_path = await client.post("/v1/invoices", json={"name": "A"}, headers={"Idempotency-Key": "k-2"})
    assert other_path.status_code in (409, 422)
    assert len((await client.get("/v1/customers")).json()["data"]) == 1


async def test_failed_request_stores_nothing_so_a_corrected_retry_works(client: httpx.AsyncClient) -> None:
    customer = await make_customer(client)
    invoice = await make_invoice(client, customer["id"], amount=500)
    bad = {
        "customer_id": customer["id"],
        "method": "check",
        "allocations": [{"invoice_id": invoice["id"], "amount": 501}],
    }
    refused = await client.post("/v1/payments", json=bad, headers={"Idempotency-Key": "pay-1"})
    assert refused.status_code == 409
    invalid = await client.post("/v1/payments", json={**bad, "method": "bitcoin"}, headers={"Idempotency-Key": "pay-1"})
    assert invalid.status_code == 422
    good = {**bad, "allocations": [{"invoice_id": invoice["id"], "amount": 500}]}
    ok = await client.post("/v1/payments", json=good, headers={"Idempotency-Key": "pay-1"})
    assert ok.status_code == 201
    replay = await client.post("/v1/payments", json=good, headers={"Idempotency-Key": "pay-1"})
    assert replay.json()["id"] == ok.json()["id"]
    assert len((await client.get("/v1/payments")).json()["data"]) == 1


async def test_keys_are_scoped_per_api_key(client: httpx.AsyncClient, container: object, tenant: object) -> None:
    from adapters.bootstrap import Container
    from domain.partners.use_cases import CreateApiKey, create_api_key

    assert isinstance(container, Container)
    async with container.uow() as uow:
        _key, secret = await create_api_key(CreateApiKey(tenant.slug), uow, clock=container.clock)  # type: ignore[attr-defined]
        await uow.commit()
    body = {"name": "Scoped"}
    a = await client.post("/v1/customers", json=body, headers={"Idempotency-Key": "same"})
    b = await client.post(
        "/v1/customers", json=body, headers={"Idempotency-Key": "same", "Authorization": f"Bearer {secret}"}
    )
    assert a.status_code == b.status_code == 201
    assert a.json()["id"] != b.json()["id"]


async def test_invalid_key_header(client: httpx.AsyncClient) -> None:
    r = await client.post("/v1/customers", json={"name": "A"}, headers={"Idempotency-Key": "x" * 256})
    assert r.status_code == 422
    assert (await client.get("/v1/customers")).json()["data"] == []
