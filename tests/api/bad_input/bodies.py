"""Valid /v1 bodies for the bad-input cases, and how a case spoils one: `inv(currency=840)`, `line(quantity=0)`,
`pay(method="wire")` and `alloc(amount=-1)` each give a function of the world (the shared customer and invoice)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.api.bad_input.harness import Body, World

DROP = object()  # in a case table: remove this key from the valid body


def with_changes(base: Body, changes: dict[str, Any]) -> Body:
    out = dict(base)
    for key, value in changes.items():
        if value is DROP:
            out.pop(key, None)
        else:
            out[key] = value
    return out


BASE_LINE: Body = {"description": "Managed services", "quantity": 1, "unit_amount": 10_000}


def base_invoice(w: World) -> Body:
    return {
        "customer_id": w["customer_id"],
        "currency": "USD",
        "issue_date": "2026-11-01",
        "due_date": "2026-12-01",
        "lines": [dict(BASE_LINE)],
    }


def inv(**changes: Any) -> Callable[[World], Body]:
    return lambda w: with_changes(base_invoice(w), changes)


def line(**changes: Any) -> Callable[[World], Body]:
    return lambda w: {**base_invoice(w), "lines": [with_changes(BASE_LINE, changes)]}


BAD_NUMBERS = [  # never a valid integer amount or quantity
    pytest.param(2**63, id="2**63"),
    pytest.param(10**13, id="10**13"),
    pytest.param(0.01, id="0.01-float"),
    pytest.param(10.0, id="10.0-float"),
    pytest.param(1e3, id="1e3-float"),
    pytest.param("10.00", id="string-10.00"),
    pytest.param("100", id="string-100"),
    pytest.param(True, id="true"),
    pytest.param(False, id="false"),
    pytest.param(None, id="null"),
    pytest.param([100], id="array"),
    pytest.param({"amount": 100}, id="object"),
]


def base_payment(w: World) -> Body:
    return {
        "customer_id": w["customer_id"],
        "method": "check",
        "reference": "Check #1",
        "allocations": [{"invoice_id": w["invoice_id"], "amount": 1_000}],
    }


def pay(**changes: Any) -> Callable[[World], Body]:
    return lambda w: with_changes(base_payment(w), changes)


def alloc(**changes: Any) -> Callable[[World], Body]:
    def build(w: World) -> Body:
        return {**base_payment(w), "allocations": [with_changes(base_payment(w)["allocations"][0], changes)]}

    return build
