"""POST /sandbox/v1/tokens: public, test numbers only, problem+json errors, rate limited per address."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from adapters.bootstrap import Container
from adapters.processors.sandbox import SandboxProcessor
from api import sandbox
from api.app import create_app
from api.rate_limit import TokenBuckets

URL = "/sandbox/v1/tokens"
CARD = {"type": "card", "number": "4242 4242 4242 4242", "exp_month": 12, "exp_year": 2040, "cvc": "123"}


def _app(container: Container, *, with_sandbox: bool = True) -> FastAPI:
    processors = {"sandbox": SandboxProcessor(container.sessions, clock=container.clock, webhook_secret="whsec_t")}
    container.processors = processors if with_sandbox else {}
    return create_app(container)  # which mounts api.sandbox.router


@pytest.fixture
async def public(container: Container) -> AsyncIterator[httpx.AsyncClient]:
    """No API key: the tokenizer is public."""
    transport = httpx.ASGITransport(app=_app(container))
    async with httpx.AsyncClient(transport=transport, base_url="http://remit.test") as c:
        yield c


async def test_a_card_becomes_a_token(public: httpx.AsyncClient) -> None:
    r = await public.post(URL, json=CARD)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["id"].startswith("tok_") and isinstance(body["created"], int)
    assert {k: v for k, v in body.items() if k not in ("id", "created")} == {
        "object": "token",
        "type": "card",
        "card": {
            "brand": "visa",
            "last4": "4242",
            "exp_month": 12,
            "exp_year": 2040,
            "funding": "credit",
            "country": "US",
        },
    }
    assert "4242424242424242" not in r.text


@pytest.mark.parametrize(
    ("payload", "kind", "expected"),
    [
        (
            {"type": "us_bank_account", "routing_number": "110000000", "account_number": "000123456789"},
            "us_bank_account",
            {
                "bank_name": "Sandbox Bank (US)",
                "last4": "6789",
                "routing_number": "110000000",
                "account_type": "checking",
            },
        ),
        (
            {
                "type": "us_bank_account",
                "routing_number": "110000000",
                "account_number": "000123456789",
                "account_type": "savings",
            },
            "us_bank_account",
            {
                "bank_name": "Sandbox Bank (US)",
                "last4": "6789",
                "routing_number": "110000000",
                "account_type": "savings",
            },
        ),
        (
            {
                "type": "ca_bank_account",
                "institution_number": "000",
                "transit_number": "11000",
                "account_number": "000111111113",
            },
            "ca_bank_account",
            {
                "bank_name": "Sandbox Bank (Canada)",
                "last4": "1113",
                "institution_number": "000",
                "transit_number": "11000",
            },
        ),
    ],
)
async def test_bank_accounts_become_tokens(
    public: httpx.AsyncClient, payload: dict[str, Any], kind: str, expected: dict[str, str]
) -> None:
    r = await public.post(URL, json={**payload, "account_holder_name": "Jenny Rosen"})
    assert r.status_code == 201, r.text
    assert (r.json()["type"], r.json()[kind]) == (kind, expected)


async def test_an_unknown_account_type_is_a_problem(public: httpx.AsyncClient) -> None:
    body = {
        "type": "us_bank_account",
        "routing_number": "110000000",
        "account_number": "000123456789",
        "account_holder_name": "Jenny Rosen",
        "account_type": "brokerage",
    }
    r = await public.post(URL, json=body)
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json", r.text
    assert [e["field"].rsplit(".", 1)[-1] for e in r.json()["errors"]] == ["account_type"]


async def test_other_numbers_are_refused_as_problems(public: httpx.AsyncClient) -> None:
    r = await public.post(URL, json={**CARD, "number": "4111111111111111"})
    assert r.status_code == 400
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["code"] == "not_a_test_number"
    assert "4242424242424242" in r.json()["detail"]
    assert "4111111111111111" not in r.text


async def test_business_rules_answer_400_with_the_field(public: httpx.AsyncClient) -> None:
    r = await public.post(URL, json={**CARD, "exp_month": 13})
    assert r.status_code == 400
    assert r.json()["code"] == "invalid_expiry_month"
    assert r.json()["errors"] == [
        {"field": "exp_month", "message": "exp_month must be between 1 and 12.", "code": "invalid_expiry_month"}
    ]


@pytest.mark.parametrize(
    "payload",
    [
        {"type": "card"},
        {**CARD, "type": "paypal"},
        {**CARD, "exp_month": "12"},
        {**CARD, "number": "4" * 40},
        {**CARD, "unexpected": True},
        {"type": "us_bank_account", "routing_number": "110000000", "account_number": "000123456789"},
        [CARD],
    ],
)
async def test_malformed_bodies_answer_422(public: httpx.AsyncClient, payload: Any) -> None:
    r = await public.post(URL, json=payload)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["code"] == "validation_error"


async def test_without_the_sandbox_the_route_answers_404(container: Container) -> None:
    transport = httpx.ASGITransport(app=_app(container, with_sandbox=False))
    async with httpx.AsyncClient(transport=transport, base_url="http://remit.test") as c:
        r = await c.post(URL, json=CARD)
    assert r.status_code == 404
    assert r.json()["code"] == "sandbox_not_enabled"


async def test_each_address_is_rate_limited(container: Container) -> None:
    app = _app(container)
    setattr(app.state, sandbox.BUCKETS_ATTRIBUTE, TokenBuckets(0.001, 2))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://remit.test") as c:
        statuses = [(await c.post(URL, json=CARD)).status_code for _ in range(3)]
        limited = await c.post(URL, json=CARD)
    assert statuses == [201, 201, 429]
    assert limited.headers["content-type"] == "application/problem+json"
    assert limited.json()["code"] == "rate_limited"
    assert int(limited.headers["retry-after"]) >= 1


def test_the_route_is_documented(container: Container) -> None:
    doc = _app(container).openapi()
    op = doc["paths"][URL]["post"]
    assert (op["operationId"], op["tags"], op.get("security")) == ("sandbox_tokens_create", ["sandbox"], None)
    assert {"201", "400", "404", "422", "429"} <= set(op["responses"])
    schemas = doc["components"]["schemas"]
    for kind in ("Card", "UsBankAccount", "CaBankAccount"):
        for name in (f"Sandbox{kind}In", f"Sandbox{kind}Token"):
            assert schemas[name].get("examples"), name
