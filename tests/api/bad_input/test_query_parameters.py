"""Query parameters of the /v1 lists: limits, cursors, filters, booleans and dates that are not what they claim,
ids of nothing, NUL characters and invalid UTF-8. Each answers 4xx problem+json with a stable code."""

from __future__ import annotations

from typing import Any

import pytest

from api.pagination import encode_cursor
from domain.ids import new_id
from tests.api.bad_input.harness import NO_BODY, SHARED, Shared

QUERY_CASES = [
    pytest.param("/v1/customers", {"limit": 0}, 422, "validation_error", "limit", id="limit-0"),
    pytest.param("/v1/customers", {"limit": 101}, 422, "validation_error", "limit", id="limit-101"),
    pytest.param("/v1/customers", {"limit": "abc"}, 422, "validation_error", "limit", id="limit-abc"),
    pytest.param("/v1/invoices", {"limit": -1}, 422, "validation_error", "limit", id="limit-minus-1"),
    pytest.param("/v1/payments", {"limit": "1.5"}, 422, "validation_error", "limit", id="limit-1.5"),
    pytest.param("/v1/ledger/entries", {"limit": str(2**64)}, 422, "validation_error", "limit", id="limit-2**64"),
    pytest.param("/v1/customers", {"cursor": "not-a-cursor"}, 400, "invalid_cursor", "cursor", id="cursor-garbage"),
    pytest.param("/v1/invoices", {"cursor": "djE6"}, 400, "invalid_cursor", "cursor", id="cursor-empty-id"),
    pytest.param("/v1/invoices", {"cursor": "c" * 201}, 422, "validation_error", "cursor", id="cursor-201"),
    pytest.param(
        "/v1/customers", {"cursor": encode_cursor("a\u0000b")}, 400, "invalid_cursor", "cursor", id="cursor-hiding-NUL"
    ),
    pytest.param(
        "/v1/invoices",
        {"cursor": encode_cursor("inv_\u0000")},
        400,
        "invalid_cursor",
        "cursor",
        id="invoices-cursor-hiding-NUL",
    ),
    pytest.param(
        "/v1/invoices", {"due_before": "2026-13-01"}, 422, "validation_error", "due_before", id="due_before-month-13"
    ),
    pytest.param(
        "/v1/invoices", {"due_after": "yesterday"}, 422, "validation_error", "due_after", id="due_after-words"
    ),
    pytest.param("/v1/invoices", {"status": "bogus"}, 422, "validation_error", "status", id="status-bogus"),
    pytest.param("/v1/invoices", {"status": "OPEN"}, 422, "validation_error", "status", id="status-upper-case"),
    pytest.param("/v1/invoices", {"overdue": "maybe"}, 422, "validation_error", "overdue", id="overdue-maybe"),
    pytest.param("/v1/customers", {"archived": "perhaps"}, 422, "validation_error", "archived", id="archived-perhaps"),
    # a boolean is `true` or `false`, a date `YYYY-MM-DD`; nothing else that happens to parse
    *[
        pytest.param(path, {name: value}, 422, "validation_error", name, id=f"{name}-{value or 'empty'}")
        for path, name in [("/v1/invoices", "overdue"), ("/v1/customers", "archived")]
        for value in ("0", "1", "1.0", "yes", "off", "on", "True", "FALSE", "")
    ],
    *[
        pytest.param("/v1/invoices", {name: value}, 422, "validation_error", name, id=f"{name}-{value}")
        for name in ("due_before", "due_after")
        for value in ("0", "1700000000", "20261101", "2026-11-01T00:00:00", "2026-W44-1", "2026-11-1")
    ],
    pytest.param("/v1/customers", {"email": "e" * 321}, 422, "validation_error", "email", id="email-321"),
    pytest.param("/v1/customers", {"tag": "t" * 51}, 422, "validation_error", "tag", id="tag-51"),
    pytest.param(
        "/v1/invoices", {"customer_id": "c" * 65}, 422, "validation_error", "customer_id", id="customer_id-65"
    ),
    pytest.param(
        "/v1/invoices", {"customer_id": new_id("cus")}, 404, "resource_missing", None, id="invoices-unknown-customer"
    ),
    pytest.param(
        "/v1/payments", {"customer_id": new_id("cus")}, 404, "resource_missing", None, id="payments-unknown-customer"
    ),
    pytest.param(
        "/v1/payments", {"invoice_id": new_id("inv")}, 404, "resource_missing", None, id="payments-unknown-invoice"
    ),
    pytest.param(
        "/v1/ledger/entries", {"invoice_id": new_id("inv")}, 404, "resource_missing", None, id="ledger-unknown-invoice"
    ),
    pytest.param(
        "/v1/ledger/entries", {"payment_id": new_id("pay")}, 404, "resource_missing", None, id="ledger-unknown-payment"
    ),
    pytest.param(
        "/v1/ledger/entries", {"payment_id": "p" * 65}, 422, "validation_error", "payment_id", id="ledger-payment_id-65"
    ),
    pytest.param(
        "/v1/disputes", {"payment_id": new_id("pay")}, 404, "resource_missing", None, id="disputes-unknown-payment"
    ),
    pytest.param("/v1/disputes", {"payment_id": "nope"}, 404, "resource_missing", None, id="disputes-payment-garbage"),
    pytest.param("/v1/invoices", {"customer_id": "a\u0000b"}, 400, "invalid_characters", None, id="query-NUL"),
    pytest.param("/v1/customers", {"tag": "\u0000"}, 400, "invalid_characters", None, id="tag-NUL"),
    # a lone surrogate, UTF-8-encoded (not valid UTF-8): decoded as replacement characters, never stored
    pytest.param(
        "/v1/invoices?customer_id=a%ED%A0%80b", None, 404, "resource_missing", None, id="query-lone-surrogate"
    ),
    pytest.param(
        "/v1/ledger/entries?payment_id=%ED%B0%80", None, 404, "resource_missing", None, id="ledger-query-lone-surrogate"
    ),
]


@SHARED
@pytest.mark.parametrize(("path", "params", "status", "code", "field"), QUERY_CASES)
async def test_invalid_query_params(
    shared: Shared, path: str, params: dict[str, Any] | None, status: int, code: str, field: str | None
) -> None:
    await shared.rejected("GET", path, NO_BODY, status, code, field, params=params)
