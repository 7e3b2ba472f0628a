"""POST /v1/customers/{id}/payment-methods with sloppy booleans: a 422 naming the field, and nothing written."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.bad_input.harness import NOT_FLAGS, SHARED, Shared, params


@SHARED
@pytest.mark.parametrize("value", params(NOT_FLAGS))
async def test_make_default_is_json_true_or_false(shared: Shared, value: Any) -> None:
    path = f"/v1/customers/{shared.world['customer_id']}/payment-methods"
    body = {"token": "tok_sbx_unused", "make_default": value}
    await shared.rejected("POST", path, body, 422, "validation_error", "make_default")
