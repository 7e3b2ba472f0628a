"""Property: arbitrary JSON where numbers and strings belong never causes a server error, and a refusal writes
nothing."""

from __future__ import annotations

from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.bootstrap import Container
from tests.api.bad_input.bodies import alloc, line
from tests.api.bad_input.harness import PROBLEM, World, invoice_figures, send, state_of
from tests.conftest import Tenant

JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.text(st.characters(codec=None, exclude_categories=()), max_size=12)
    | st.sampled_from(["10.00", "1e3", "", " ", "\u0000", "\ud800", "0x10", "NaN", "-0"])
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=4), kids, max_size=3),
    max_leaves=5,
)
TARGETS = ["allocation.amount", "allocation.invoice_id", "line.unit_amount", "line.quantity", "line.description"]


@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(target=st.sampled_from(TARGETS), value=JSON_VALUES)
async def test_arbitrary_json_values_never_cause_a_server_error(
    client: httpx.AsyncClient, container: Container, tenant: Tenant, world: World, target: str, value: Any
) -> None:
    where, name = target.split(".")
    if where == "allocation":
        path, body = "/v1/payments", alloc(**{name: value})(world)
    else:
        path, body = "/v1/invoices", line(**{name: value})(world)
    before = await state_of(container, tenant.partner_id), await invoice_figures(client)
    r = await send(client, "POST", path, body)
    assert r.status_code < 500, f"{target}={value!r}: {r.status_code} {r.text}"
    if r.status_code >= 300:
        assert 400 <= r.status_code < 500
        assert r.headers["content-type"] == PROBLEM
        assert isinstance(r.json()["code"], str)
        after = await state_of(container, tenant.partner_id), await invoice_figures(client)
        assert after == before, f"{target}={value!r} was refused but wrote data"
