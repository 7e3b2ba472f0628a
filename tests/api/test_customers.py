from __future__ import annotations

import httpx

from tests.factories import make_customer


async def test_create_retrieve_update_archive(client: httpx.AsyncClient) -> None:
    created = await make_customer(
        client,
        contacts=[{"email": "dana@acme.example", "name": "Dana"}],
        tags=["vip", "VIP", "dental"],
        billing_terms="net_15",
        external_ids={"connectwise": "10442"},
        metadata={"region": "west"},
    )
    assert created["id"].startswith("cus_")
    assert created["tags"] == ["vip", "dental"]  # de-duplicated case-insensitively
    assert created["billing_terms"] == "net_15"

    got = await client.get(f"/v1/customers/{created['id']}")
    assert got.status_code == 200
    assert got.json() == created

    patched = await client.patch(f"/v1/customers/{created['id']}", json={"name": "Acme Dental Group", "email": None})
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert body["name"] == "Acme Dental Group"
    assert body["email"] is None
    assert body["tags"] == ["vip", "dental"]  # untouched

    archived = await client.post(f"/v1/customers/{created['id']}/archive")
    assert archived.status_code == 200
    assert archived.json()["archived"] is True
    again = await client.post(f"/v1/customers/{created['id']}/archive")
    assert again.status_code == 200

    listed = (await client.get("/v1/customers")).json()["data"]
    assert created["id"] not in [c["id"] for c in listed]
    listed_archived = (await client.get("/v1/customers", params={"archived": "true"})).json()["data"]
    assert [c["id"] for c in listed_archived] == [created["id"]]


async def test_archived_customer_takes_no_new_invoice(client: httpx.AsyncClient) -> None:
    customer = await make_customer(client)
    await client.post(f"/v1/customers/{customer['id']}/archive")
    r = await client.post(
        "/v1/invoices",
        json={
            "customer_id": customer["id"],
            "currency": "USD",
            "lines": [{"description": "x", "quantity": 1, "unit_amount": 100}],
        },
    )
    assert r.status_code == 409
    assert r.json()["code"] == "customer_archived"


async def test_list_pages_with_cursor_and_filters(client: httpx.AsyncClient) -> None:
    ids = [(await make_customer(client, name=f"C{i}", tags=["even" if i % 2 == 0 else "odd"]))["id"] for i in range(7)]
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, str | int] = {"limit": 3}
        if cursor:
            params["cursor"] = cursor
        page = (await client.get("/v1/customers", params=params)).json()
        seen += [c["id"] for c in page["data"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(ids))  # newest first, each exactly once

    odd = (await client.get("/v1/customers", params={"tag": "ODD"})).json()["data"]
    assert sorted(c["id"] for c in odd) == sorted(ids[1::2])


async def test_bad_cursor_is_a_clear_400(client: httpx.AsyncClient) -> None:
    r = await client.get("/v1/customers", params={"cursor": "not-a-cursor"})
    assert r.status_code == 400
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["code"] == "invalid_cursor"


async def test_customers_are_searched_by_name_word_or_email_prefix(client: httpx.AsyncClient) -> None:
    for name, email in (("Acme Dental", "ap@acme.example"), ("North Acme", None), ("Zeta", "zeta@acme.example")):
        assert (await client.post("/v1/customers", json={"name": name, "email": email})).status_code == 201
    found = await client.get("/v1/customers", params={"q": " ACME "})
    assert found.status_code == 200 and {c["name"] for c in found.json()["data"]} == {"Acme Dental", "North Acme"}
    assert [c["name"] for c in (await client.get("/v1/customers", params={"q": "zeta@"})).json()["data"]] == ["Zeta"]
    assert (await client.get("/v1/customers", params={"q": "%"})).json()["data"] == []
    blank = await client.get("/v1/customers", params={"q": "  "})
    assert blank.status_code == 400 and blank.json()["code"] == "invalid_request"
    assert (await client.get("/v1/customers", params={"q": "x" * 101})).status_code == 422
