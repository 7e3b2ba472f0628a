"""PATCH /v1/settings/payments and /v1/settings/portal with sloppy booleans: a 422 naming the field, and the
settings unchanged."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.bad_input.harness import NOT_FLAGS, SHARED, Shared, params


@SHARED
@pytest.mark.parametrize("value", params(NOT_FLAGS))
@pytest.mark.parametrize(
    ("path", "field"),
    [
        pytest.param("/v1/settings/payments", "partial_payments", id="partial_payments"),
        pytest.param("/v1/settings/payments", "card_fee_pass_through", id="card_fee_pass_through"),
        pytest.param("/v1/settings/portal", "guest_checkout", id="guest_checkout"),
        pytest.param("/v1/settings/portal", "team_invites", id="team_invites"),
        pytest.param("/v1/settings/portal", "self_enrolled_autopay", id="self_enrolled_autopay"),
    ],
)
async def test_switches_are_json_true_or_false(shared: Shared, path: str, field: str, value: Any) -> None:
    await shared.rejected("PATCH", path, {field: value}, 422, "validation_error", field)
