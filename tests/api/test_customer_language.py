"""`language` on /v1/customers and on each contact: the language emails are written in before anyone signs in."""

from __future__ import annotations

import httpx
import pytest

from tests.factories import make_customer


async def test_language_defaults_to_english_and_contacts_to_the_customers(client: httpx.AsyncClient) -> None:
    created = await make_customer(client, contacts=[{"email": "dana@acme.example"}])
    assert created["language"] == "en"
    assert created["contacts"][0]["language"] is None  # the customer's


async def test_language_is_created_updated_and_retrieved_with_contacts(client: httpx.AsyncClient) -> None:
    created = await make_customer(
        client,
        language="fr",
        contacts=[{"email": "dana@acme.example", "language": "en"}, {"email": "luc@acme.example"}],
    )
    assert created["language"] == "fr"
    assert [c["language"] for c in created["contacts"]] == ["en", None]

    got = (await client.get(f"/v1/customers/{created['id']}")).json()
    assert got == created

    patched = await client.patch(f"/v1/customers/{created['id']}", json={"language": "en"})
    assert patched.status_code == 200, patched.text
    assert patched.json()["language"] == "en"
    assert [c["language"] for c in patched.json()["contacts"]] == ["en", None]  # untouched

    patched = await client.patch(
        f"/v1/customers/{created['id']}", json={"contacts": [{"email": "luc@acme.example", "language": "fr"}]}
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["contacts"] == [{"email": "luc@acme.example", "name": None, "phone": None, "language": "fr"}]
    again = (await client.get(f"/v1/customers/{created['id']}")).json()
    assert again["language"] == "en"
    assert again["contacts"][0]["language"] == "fr"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x", "language": "de"}, "language"),
        ({"name": "x", "language": "FR"}, "language"),
        ({"name": "x", "language": 1}, "language"),
        ({"name": "x", "language": None}, "language"),
        ({"name": "x", "contacts": [{"email": "a@b.co", "language": "es"}]}, "contacts[0].language"),
    ],
)
async def test_unknown_language_is_a_problem_naming_the_field(
    client: httpx.AsyncClient, body: dict[str, object], field: str
) -> None:
    r = await client.post("/v1/customers", json=body)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == "validation_error"
    assert [e["field"] for e in r.json()["errors"]] == [field]


async def test_patching_an_unknown_language_changes_nothing(client: httpx.AsyncClient) -> None:
    created = await make_customer(client, language="fr")
    r = await client.patch(f"/v1/customers/{created['id']}", json={"language": "xx"})
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "language"
    assert (await client.get(f"/v1/customers/{created['id']}")).json()["language"] == "fr"
