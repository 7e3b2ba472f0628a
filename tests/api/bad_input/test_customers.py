"""POST /v1/customers and PATCH /v1/customers/{id} with hostile and sloppy bodies (and a new customer made by
approving an access request): each answers 4xx problem+json with a stable code and writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from domain.ids import new_id
from tests.api.bad_input.harness import NOT_FLAGS, SHARED, Body, Shared, params

CUSTOMER_CASES = [
    pytest.param({"name": 123}, 422, "validation_error", "name", id="name-int"),
    pytest.param({"name": None}, 422, "validation_error", "name", id="name-null"),
    pytest.param({}, 422, "validation_error", "name", id="name-missing"),
    pytest.param({"name": ""}, 422, "validation_error", "name", id="name-empty"),
    pytest.param({"name": "   "}, 422, "validation_error", "name", id="name-blank"),
    pytest.param({"name": "n" * 201}, 422, "validation_error", "name", id="name-201"),
    pytest.param({"name": "a\u0000b"}, 422, "validation_error", "name", id="name-NUL"),
    pytest.param({"name": "a\ud800b"}, 422, "validation_error", "name", id="name-lone-surrogate"),
    pytest.param({"name": "x", "email": "not-an-email"}, 422, "validation_error", "email", id="email-invalid"),
    pytest.param({"name": "x", "email": "a@b.co\u0000"}, 422, "validation_error", "email", id="email-NUL"),
    pytest.param({"name": "x", "tags": ["t" * 51]}, 422, "validation_error", "tags", id="tag-51"),
    pytest.param({"name": "x", "tags": "vip"}, 422, "validation_error", "tags", id="tags-string"),
    pytest.param({"name": "x", "tags": ["t"] * 21}, 422, "validation_error", "tags", id="tags-21"),
    pytest.param(
        {"name": "x", "billing_terms": "net_31"}, 422, "validation_error", "billing_terms", id="billing_terms-unknown"
    ),
    pytest.param(
        {"name": "x", "contacts": [{"name": "no email"}]},
        422,
        "validation_error",
        "contacts[0].email",
        id="contact-without-email",
    ),
    pytest.param(
        {"name": "x", "contacts": [{"email": "a@b.co", "name": "a\u0000"}]},
        422,
        "validation_error",
        "contacts[0].name",
        id="contact-name-NUL",
    ),
    pytest.param(
        {"name": "x", "external_ids": {"crm": "i" * 201}}, 422, "validation_error", "external_ids", id="external_id-201"
    ),
    pytest.param({"name": "x", "metadata": {"k" * 41: "v"}}, 422, "validation_error", "metadata", id="metadata-key-41"),
    pytest.param(
        {"name": "x", "metadata": {"k": "v" * 501}}, 422, "validation_error", "metadata", id="metadata-value-501"
    ),
    pytest.param(
        {"name": "x", "metadata": {"\u0000": "v"}}, 422, "validation_error", "metadata", id="metadata-key-NUL"
    ),
    pytest.param({"name": "x", "id": new_id("cus")}, 422, "validation_error", "id", id="unknown-field-id"),
    pytest.param({"name": "x", "archived": True}, 422, "validation_error", "archived", id="unknown-field-archived"),
]


@SHARED
@pytest.mark.parametrize(("body", "status", "code", "field"), CUSTOMER_CASES)
async def test_customer_create_rejects(shared: Shared, body: Body, status: int, code: str, field: str) -> None:
    await shared.rejected("POST", "/v1/customers", body, status, code, field)


@SHARED
@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [c for c in CUSTOMER_CASES if c.id not in ("name-null", "name-missing")],  # null/absent mean "unchanged"
)
async def test_customer_update_rejects(shared: Shared, body: Body, status: int, code: str, field: str) -> None:
    await shared.rejected("PATCH", f"/v1/customers/{shared.world['customer_id']}", body, status, code, field)


@SHARED
@pytest.mark.parametrize("value", params(NOT_FLAGS))
@pytest.mark.parametrize(
    ("method", "path", "wrap", "field"),
    [
        pytest.param("POST", "/v1/customers", lambda b: {"name": "x", **b}, "card_fee_exempt", id="customer"),
        pytest.param("PATCH", "/v1/customers/{customer_id}", lambda b: b, "card_fee_exempt", id="customer-update"),
        pytest.param(
            "POST",
            "/v1/access-requests/areq_unknown/approve",
            lambda b: {"new_customer": {"name": "x", **b}},
            "new_customer.card_fee_exempt",
            id="approve-new_customer",
        ),
    ],
)
async def test_card_fee_exempt_is_json_true_or_false(
    shared: Shared, method: str, path: str, wrap: Callable[[Body], Body], field: str, value: Any
) -> None:
    body = wrap({"card_fee_exempt": value})
    await shared.rejected(method, path.format(**shared.world), body, 422, "validation_error", field)
