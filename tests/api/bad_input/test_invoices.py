"""POST /v1/invoices with hostile and sloppy bodies: each answers 4xx problem+json with a stable code and
writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from domain.ids import new_id
from tests.api.bad_input.bodies import BAD_NUMBERS, BASE_LINE, DROP, inv, line
from tests.api.bad_input.harness import NOT_DAYS, NOT_FLAGS, SHARED, Body, Shared, World, params

INVOICE_CASES = [
    # wrong JSON types
    pytest.param(inv(customer_id=123), 422, "validation_error", "customer_id", id="customer_id-int"),
    pytest.param(inv(customer_id=None), 422, "validation_error", "customer_id", id="customer_id-null"),
    pytest.param(inv(currency=840), 422, "validation_error", "currency", id="currency-int"),
    pytest.param(inv(lines="Managed services"), 422, "validation_error", "lines", id="lines-string"),
    pytest.param(inv(lines={"0": BASE_LINE}), 422, "validation_error", "lines", id="lines-object"),
    pytest.param(inv(lines=["x"]), 422, "validation_error", "lines[0]", id="line-string"),
    pytest.param(inv(issue_date=20261101), 422, "validation_error", "issue_date", id="issue_date-int"),
    pytest.param(inv(issue_date="2026-02-30"), 422, "validation_error", "issue_date", id="issue_date-feb30"),
    pytest.param(inv(due_date="next week"), 422, "validation_error", "due_date", id="due_date-words"),
    pytest.param(inv(draft=[]), 422, "validation_error", "draft", id="draft-array"),
    pytest.param(inv(memo=5), 422, "validation_error", "memo", id="memo-int"),
    pytest.param(inv(number=42), 422, "validation_error", "number", id="number-int"),
    pytest.param(inv(metadata=["a"]), 422, "validation_error", "metadata", id="metadata-array"),
    pytest.param(inv(metadata={"a": 1}), 422, "validation_error", "metadata", id="metadata-value-int"),
    # missing and empty
    pytest.param(inv(customer_id=DROP), 422, "validation_error", "customer_id", id="customer_id-missing"),
    pytest.param(inv(currency=DROP), 422, "validation_error", "currency", id="currency-missing"),
    pytest.param(inv(lines=DROP), 422, "validation_error", "lines", id="lines-missing"),
    pytest.param(inv(lines=[]), 422, "validation_error", "lines", id="lines-empty"),
    pytest.param(line(description=DROP), 422, "validation_error", "lines[0].description", id="description-missing"),
    pytest.param(line(unit_amount=DROP), 422, "validation_error", "lines[0].unit_amount", id="unit_amount-missing"),
    # amounts the model accepts but the rules refuse
    pytest.param(line(unit_amount=0), 400, "invalid_total", "lines", id="unit_amount-0"),
    pytest.param(line(unit_amount=-1), 400, "invalid_total", "lines", id="unit_amount-minus-1"),
    pytest.param(
        inv(lines=[BASE_LINE, {**BASE_LINE, "unit_amount": -20_000}]),
        400,
        "invalid_total",
        "lines",
        id="lines-sum-negative",
    ),
    pytest.param(
        line(quantity=1_000_000, unit_amount=10**12), 400, "amount_too_large", "lines", id="line-amount-too-large"
    ),
    pytest.param(
        inv(lines=[{**BASE_LINE, "unit_amount": 10**12}] * 2),
        400,
        "amount_too_large",
        "lines",
        id="total-too-large",
    ),
    pytest.param(line(quantity=0), 422, "validation_error", "lines[0].quantity", id="quantity-0"),
    pytest.param(line(quantity=-1), 422, "validation_error", "lines[0].quantity", id="quantity-minus-1"),
    pytest.param(line(quantity=1_000_001), 422, "validation_error", "lines[0].quantity", id="quantity-over-max"),
    # currencies
    pytest.param(inv(currency="XXX"), 400, "unknown_currency", "currency", id="currency-XXX"),
    pytest.param(inv(currency="usd "), 422, "validation_error", "currency", id="currency-trailing-space"),
    pytest.param(inv(currency="US"), 422, "validation_error", "currency", id="currency-US"),
    pytest.param(inv(currency=""), 422, "validation_error", "currency", id="currency-empty"),
    pytest.param(inv(currency="USDX"), 422, "validation_error", "currency", id="currency-4-letters"),
    pytest.param(inv(currency="U$D"), 422, "validation_error", "currency", id="currency-symbol"),
    # dates
    pytest.param(
        inv(issue_date="2026-12-02", due_date="2026-12-01"),
        400,
        "due_before_issue",
        "due_date",
        id="due-before-issue",
    ),
    pytest.param(
        inv(issue_date=DROP, due_date="2000-01-01"), 400, "due_before_issue", "due_date", id="due-before-today"
    ),
    # ids
    pytest.param(inv(customer_id=new_id("cus")), 404, "resource_missing", None, id="customer-unknown"),
    pytest.param(inv(customer_id="nope"), 404, "resource_missing", None, id="customer-garbage"),
    pytest.param(inv(customer_id=new_id("inv")), 404, "resource_missing", None, id="customer-wrong-prefix"),
    pytest.param(inv(customer_id=""), 422, "validation_error", "customer_id", id="customer_id-empty"),
    pytest.param(inv(customer_id="c" * 65), 422, "validation_error", "customer_id", id="customer_id-65"),
    # lengths
    pytest.param(inv(number="N" * 65), 422, "validation_error", "number", id="number-65"),
    pytest.param(inv(number=""), 422, "validation_error", "number", id="number-empty"),
    pytest.param(inv(number="   "), 400, "invalid_number", "number", id="number-blank"),
    pytest.param(inv(memo="m" * 5001), 422, "validation_error", "memo", id="memo-5001"),
    pytest.param(line(description="d" * 501), 422, "validation_error", "lines[0].description", id="description-501"),
    pytest.param(line(description=""), 422, "validation_error", "lines[0].description", id="description-empty"),
    pytest.param(line(description="   "), 400, "invalid_line", "lines", id="description-blank"),
    pytest.param(inv(lines=[BASE_LINE] * 251), 422, "validation_error", "lines", id="lines-251"),
    pytest.param(inv(metadata={"k" * 41: "v"}), 422, "validation_error", "metadata", id="metadata-key-41"),
    pytest.param(inv(metadata={"": "v"}), 422, "validation_error", "metadata", id="metadata-key-empty"),
    pytest.param(inv(metadata={"k": "v" * 501}), 422, "validation_error", "metadata", id="metadata-value-501"),
    pytest.param(
        inv(metadata={f"k{i}": "v" for i in range(51)}), 422, "validation_error", "metadata", id="metadata-51-keys"
    ),
    # text a database cannot store
    pytest.param(inv(memo="a\u0000b"), 422, "validation_error", "memo", id="memo-NUL"),
    pytest.param(inv(number="INV\u00001"), 422, "validation_error", "number", id="number-NUL"),
    pytest.param(line(description="a\u0000b"), 422, "validation_error", "lines[0].description", id="description-NUL"),
    pytest.param(inv(metadata={"a\u0000b": "v"}), 422, "validation_error", "metadata", id="metadata-key-NUL"),
    pytest.param(inv(metadata={"k": "a\u0000b"}), 422, "validation_error", "metadata", id="metadata-value-NUL"),
    pytest.param(inv(memo="a\ud800b"), 422, "validation_error", "memo", id="memo-lone-surrogate"),
    pytest.param(
        line(description="\udfff"), 422, "validation_error", "lines[0].description", id="description-lone-surrogate"
    ),
    pytest.param(inv(metadata={"k": "\ud83d"}), 422, "validation_error", "metadata", id="metadata-lone-surrogate"),
    # unknown fields
    pytest.param(inv(amount=10_000), 422, "validation_error", "amount", id="unknown-field-amount"),
    pytest.param(inv(status="paid"), 422, "validation_error", "status", id="unknown-field-status"),
    pytest.param(line(descripton="typo"), 422, "validation_error", "lines[0].descripton", id="unknown-line-field"),
]


@SHARED
@pytest.mark.parametrize(("make_body", "status", "code", "field"), INVOICE_CASES)
async def test_invoice_create_rejects(
    shared: Shared, make_body: Callable[[World], Body], status: int, code: str, field: str | None
) -> None:
    await shared.rejected("POST", "/v1/invoices", make_body(shared.world), status, code, field)


@SHARED
@pytest.mark.parametrize("value", BAD_NUMBERS)
@pytest.mark.parametrize("name", ["unit_amount", "quantity"])
async def test_invoice_line_numbers_must_be_integers_in_range(shared: Shared, name: str, value: Any) -> None:
    body = line(**{name: value})(shared.world)
    await shared.rejected("POST", "/v1/invoices", body, 422, "validation_error", f"lines[0].{name}")


@SHARED
@pytest.mark.parametrize("value", params(NOT_FLAGS))
async def test_draft_is_json_true_or_false(shared: Shared, value: Any) -> None:
    body = inv(draft=value)(shared.world)
    await shared.rejected("POST", "/v1/invoices", body, 422, "validation_error", "draft")


@SHARED
@pytest.mark.parametrize("value", params(NOT_DAYS))
@pytest.mark.parametrize(
    ("make_body", "field"),
    [
        pytest.param(lambda v: inv(issue_date=v), "issue_date", id="issue_date"),
        pytest.param(lambda v: inv(issue_date=DROP, due_date=v), "due_date", id="due_date"),
    ],
)
async def test_dates_are_yyyy_mm_dd(
    shared: Shared, make_body: Callable[[Any], Callable[[World], Body]], field: str, value: Any
) -> None:
    await shared.rejected("POST", "/v1/invoices", make_body(value)(shared.world), 422, "validation_error", field)
