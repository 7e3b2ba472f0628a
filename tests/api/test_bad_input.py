"""Hostile and sloppy input: every case answers 4xx problem+json with a stable code and writes nothing.

Each case reads the partner's state before and after the bad request: every row it owns in the database
(customers, invoices and lines, payments and allocations, ledger entries and lines, idempotency keys, outbox
events, its invoice-number sequence) and the invoice figures the API derives from the ledger. The tables of
cases share one partner per database (module-scoped, see `shared`) so that hundreds of cases stay fast.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

import httpx
import pytest
import pytest_asyncio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo
from sqlalchemy import text

from adapters.bootstrap import Container, build
from adapters.settings import Settings
from api.app import create_app
from api.pagination import encode_cursor
from domain.api_keys.model import make_secret
from domain.ids import new_id
from domain.partners.use_cases import create_api_key, revoke_api_key
from tests.api.test_tenant_isolation import api_routes
from tests.conftest import Tenant, make_tenant
from tests.factories import make_customer, make_invoice

PROBLEM = "application/problem+json"
JSON_HEADERS = {"content-type": "application/json"}
NO_BODY = object()
DROP = object()  # in a case table: remove this key from the valid body

Body = dict[str, Any]
World = dict[str, Any]


# --------------------------------------------------------------------------------------------------------------
# fixtures and helpers
# --------------------------------------------------------------------------------------------------------------


def _text(column: str) -> str:
    return f"COALESCE(CAST({column} AS VARCHAR), '~')"


def _row(*columns: str) -> str:
    return " || '|' || ".join(_text(c) for c in columns) if columns else "''"


# Every row a partner owns, with the columns that can change, plus its idempotency keys, the events it would
# publish, its settings and its invoice-number sequence (api_keys.last_used_at may legitimately move on any request).
_STATE_PARTS = {
    "customers": (
        "id",
        _row(
            "name",
            "email",
            "contacts",
            "tags",
            "billing_terms",
            "external_ids",
            "metadata",
            "archived",
            "card_fee_exempt",
            "updated_at",
        ),
    ),
    "invoices": (
        "id",
        _row("status", "total", "number", "memo", "metadata", "finalized_at", "voided_at", "archived_at"),
    ),
    "invoice_lines": ("id", _row("invoice_id", "amount")),
    "payments": ("id", _row("status", "amount", "canceled_at")),
    "allocations": ("id", _row("payment_id", "invoice_id", "amount")),
    "journal_entries": ("id", _row("reason", "invoice_id", "payment_id")),
    "journal_lines": ("id", _row("entry_id", "account", "invoice_id", "amount")),
    "idempotency_keys": (_text("id"), _row("key", "response_status")),
    "outbox_events": ("id", _row("type")),
    "payment_methods": ("id", _row("customer_id", "type")),
    "payment_settings": (_text("partner_id"), _row("partial_payments", "card_fee_pass_through", "updated_at")),
    "portal_settings": (
        _text("partner_id"),
        _row("guest_checkout", "team_invites", "self_enrolled_autopay", "updated_at"),
    ),
}
STATE_SQL = text(
    " UNION ALL ".join(
        f"SELECT '{table}' AS t, {ident} AS id, {value} AS v FROM {table} WHERE partner_id = :p"
        for table, (ident, value) in _STATE_PARTS.items()
    )
    + " UNION ALL SELECT 'partners', id, "
    + _text("invoice_sequence")
    + " FROM partners WHERE id = :p"
)


async def state_of(container: Container, partner_id: str) -> list[tuple[str, str, str]]:
    """The partner's rows, read straight from the database in one round trip (cheap enough for every case)."""
    async with container.engine.connect() as conn:
        rows = await conn.execute(STATE_SQL, {"p": partner_id})
        return sorted((str(t), str(i), str(v)) for t, i, v in rows)


async def invoice_figures(client: httpx.AsyncClient) -> list[tuple[Any, ...]]:
    """What the API derives from the ledger for every invoice: status, total, paid, pending, due."""
    r = await client.get("/v1/invoices", params={"limit": 100})
    assert r.status_code == 200, r.text
    return [
        (i["id"], i["status"], i["total"], i["amount_paid"], i["amount_pending"], i["amount_due"])
        for i in r.json()["data"]
    ]


@dataclass(repr=False)
class Shared:
    """One partner, its API clients and a small world, reused by every table-driven case of one database."""

    container: Container
    tenant: Tenant
    client: httpx.AsyncClient  # authenticated as `tenant`
    anon: httpx.AsyncClient  # the same app without credentials
    world: World

    def __repr__(self) -> str:
        return f"Shared({self.container.engine.dialect.name}, partner={self.tenant.partner_id})"

    async def state(self) -> list[tuple[str, str, str]]:
        return await state_of(self.container, self.tenant.partner_id)

    async def rejected(
        self,
        method: str,
        path: str,
        body: Any,
        status: int,
        code: str,
        field: str | None,
        *,
        headers: dict[str, str] | None = None,
        params: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Send a bad request; assert the problem document and that nothing was written.

        Writes carry a fresh Idempotency-Key unless the case sets headers: the claim must roll back too.
        """
        if headers is None and method != "GET":
            headers = {"Idempotency-Key": f"bad-input-{uuid.uuid4()}"}
        figures = path.startswith("/v1/payments") and method == "POST"  # what a payment would move
        before = await self.state(), (await invoice_figures(self.client) if figures else None)
        r = await send(self.client, method, path, body, headers=headers, params=params)
        problem = assert_problem(r, status, code, field)
        after = await self.state(), (await invoice_figures(self.client) if figures else None)
        assert after == before, "a rejected request changed data"
        return problem

    async def fresh_world(self, amount: int = 10_000) -> World:
        customer = await make_customer(self.client, name="Scenario Co")
        invoice = await make_invoice(self.client, customer["id"], amount=amount)
        return {"customer_id": customer["id"], "invoice_id": invoice["id"]}


BASE_URL = "http://remit.test"
UNLIMITED: dict[str, Any] = {
    "rate_limit_per_second": 100_000,
    "rate_limit_burst": 1_000_000,
    "auth_failures_per_minute": 100_000,
}
SHARED = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def shared_db_url(request: pytest.FixtureRequest) -> str:
    """Like conftest's `db_url`, module-scoped (and synchronous: the session fixtures run their own loop)."""
    return str(request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url"))


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def shared(shared_db_url: str) -> AsyncIterator[Shared]:
    """Module-scoped on both databases: the tables below hold hundreds of cases, each one request."""
    # Hundreds of requests in a few seconds, many with bad keys: lift the rate limits (tests/api/test_rate_limits.py
    # covers them) so every case sees the answer to its own input rather than a 429.
    settings = Settings(database_url=shared_db_url, env="test", db_pool_size=5, **UNLIMITED)
    container = build(settings)
    try:
        tenant = await make_tenant(container)
        transport = httpx.ASGITransport(app=create_app(container), raise_app_exceptions=False)
        auth = {"Authorization": f"Bearer {tenant.api_key}"}
        async with (
            httpx.AsyncClient(transport=transport, base_url=BASE_URL, headers=auth) as client,
            httpx.AsyncClient(transport=transport, base_url=BASE_URL) as anon,
        ):
            customer = await make_customer(client)
            invoice = await make_invoice(client, customer["id"], amount=10_000)
            assert invoice["status"] == "open"
            world = {"customer_id": customer["id"], "invoice_id": invoice["id"]}
            yield Shared(container, tenant, client, anon, world)
    finally:
        await container.close()


@pytest.fixture
async def app_client(container: Container) -> AsyncIterator[httpx.AsyncClient]:
    """Like conftest's, but an unhandled error comes back as the app's 500 answer instead of raising here,
    and the rate limits are lifted (hypothesis sends many requests in a burst)."""
    settings = container.settings.model_copy(update=UNLIMITED)
    transport = httpx.ASGITransport(
        app=create_app(dataclasses.replace(container, settings=settings)), raise_app_exceptions=False
    )
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as c:
        yield c


@pytest.fixture
async def world(client: httpx.AsyncClient) -> World:
    """One customer with one open USD invoice of 100.00 (10_000 minor units)."""
    customer = await make_customer(client)
    invoice = await make_invoice(client, customer["id"], amount=10_000)
    assert invoice["status"] == "open"
    return {"customer_id": customer["id"], "invoice_id": invoice["id"]}


async def send(
    client: httpx.AsyncClient,
    method: str,
    path: str,
    body: Any = NO_BODY,
    *,
    headers: dict[str, str] | None = None,
    params: dict[str, Any] | None = None,
) -> httpx.Response:
    """Serialise with the standard library (ASCII-escaped), so floats, 2**63 and lone surrogates go as written."""
    kwargs: dict[str, Any] = {"params": params, "headers": dict(headers or {})}
    if body is not NO_BODY:
        kwargs["content"] = json.dumps(body).encode()
        kwargs["headers"] = {**JSON_HEADERS, **kwargs["headers"]}
    return await client.request(method, path, **kwargs)


def field_matches(actual: str, expected: str) -> bool:
    return actual == expected or actual.startswith(expected + ".") or actual.startswith(expected + "[")


def assert_problem(r: httpx.Response, status: int, code: str, field: str | None = None) -> dict[str, Any]:
    assert r.status_code < 500, f"server error for bad input: {r.status_code} {r.text}"
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == PROBLEM, r.headers
    body = r.json()
    assert body["status"] == status
    assert body["code"] == code, body
    assert body["type"] == f"urn:remit:problem:{code}"
    assert body["title"] and body["detail"]
    if field is not None:
        fields = [e["field"] for e in body.get("errors") or []]
        assert fields, f"no `errors` in {body}"
        assert any(field_matches(f, field) for f in fields), f"`errors` should name {field!r}: {body['errors']}"
        for e in body["errors"]:
            assert set(e) == {"field", "message", "code"} and all(isinstance(v, str) and v for v in e.values())
    return dict(body)


def with_changes(base: Body, changes: dict[str, Any]) -> Body:
    out = dict(base)
    for key, value in changes.items():
        if value is DROP:
            out.pop(key, None)
        else:
            out[key] = value
    return out


# --------------------------------------------------------------------------------------------------------------
# POST /v1/invoices
# --------------------------------------------------------------------------------------------------------------

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


# --------------------------------------------------------------------------------------------------------------
# POST /v1/payments
# --------------------------------------------------------------------------------------------------------------


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


PAYMENT_CASES = [
    # wrong JSON types
    pytest.param(pay(customer_id=1), 422, "validation_error", "customer_id", id="customer_id-int"),
    pytest.param(pay(method=1), 422, "validation_error", "method", id="method-int"),
    pytest.param(pay(method="wire"), 422, "validation_error", "method", id="method-unknown"),
    pytest.param(pay(method="CHECK"), 422, "validation_error", "method", id="method-upper-case"),
    pytest.param(pay(allocations="inv"), 422, "validation_error", "allocations", id="allocations-string"),
    pytest.param(pay(allocations={}), 422, "validation_error", "allocations", id="allocations-object"),
    pytest.param(pay(allocations=[1]), 422, "validation_error", "allocations[0]", id="allocation-int"),
    pytest.param(pay(reference=7), 422, "validation_error", "reference", id="reference-int"),
    pytest.param(pay(received_on=20261101), 422, "validation_error", "received_on", id="received_on-int"),
    pytest.param(pay(received_on="2026-02-30"), 422, "validation_error", "received_on", id="received_on-feb30"),
    pytest.param(alloc(invoice_id=5), 422, "validation_error", "allocations[0].invoice_id", id="invoice_id-int"),
    # missing and empty
    pytest.param(pay(customer_id=DROP), 422, "validation_error", "customer_id", id="customer_id-missing"),
    pytest.param(pay(method=DROP), 422, "validation_error", "method", id="method-missing"),
    pytest.param(pay(allocations=DROP), 422, "validation_error", "allocations", id="allocations-missing"),
    pytest.param(pay(allocations=[]), 422, "validation_error", "allocations", id="allocations-empty"),
    pytest.param(alloc(amount=DROP), 422, "validation_error", "allocations[0].amount", id="amount-missing"),
    pytest.param(alloc(invoice_id=""), 422, "validation_error", "allocations[0].invoice_id", id="invoice_id-empty"),
    # amounts
    pytest.param(alloc(amount=0), 422, "validation_error", "allocations[0].amount", id="amount-0"),
    pytest.param(alloc(amount=-1), 422, "validation_error", "allocations[0].amount", id="amount-minus-1"),
    pytest.param(alloc(amount=10_001), 409, "amount_exceeds_due", None, id="amount-over-due-by-1"),
    pytest.param(alloc(amount=10**12), 409, "amount_exceeds_due", None, id="amount-max-over-due"),
    # currencies
    pytest.param(pay(currency="XXX"), 400, "unknown_currency", "currency", id="currency-XXX"),
    pytest.param(pay(currency="usd "), 422, "validation_error", "currency", id="currency-trailing-space"),
    pytest.param(pay(currency="US"), 422, "validation_error", "currency", id="currency-US"),
    pytest.param(pay(currency=840), 422, "validation_error", "currency", id="currency-int"),
    pytest.param(pay(currency="EUR"), 400, "currency_mismatch", None, id="currency-differs-from-invoice"),
    pytest.param(pay(currency="eur"), 400, "currency_mismatch", None, id="currency-differs-lower-case"),
    # ids
    pytest.param(pay(customer_id=new_id("cus")), 404, "resource_missing", None, id="customer-unknown"),
    pytest.param(alloc(invoice_id=new_id("inv")), 404, "resource_missing", None, id="invoice-unknown"),
    pytest.param(alloc(invoice_id="nope"), 404, "resource_missing", None, id="invoice-garbage"),
    pytest.param(alloc(invoice_id="i" * 65), 422, "validation_error", "allocations[0].invoice_id", id="invoice_id-65"),
    pytest.param(pay(customer_id="c" * 65), 422, "validation_error", "customer_id", id="customer_id-65"),
    pytest.param(
        lambda w: {**base_payment(w), "allocations": [{"invoice_id": w["invoice_id"], "amount": 100}] * 2},
        400,
        "duplicate_allocation",
        "allocations",
        id="duplicate-invoice",
    ),
    pytest.param(
        lambda w: {**base_payment(w), "allocations": [{"invoice_id": w["invoice_id"], "amount": 1}] * 101},
        422,
        "validation_error",
        "allocations",
        id="allocations-101",
    ),
    # lengths and text
    pytest.param(pay(reference="r" * 201), 422, "validation_error", "reference", id="reference-201"),
    pytest.param(pay(reference="Check\u0000#1"), 422, "validation_error", "reference", id="reference-NUL"),
    pytest.param(pay(reference="\ud800"), 422, "validation_error", "reference", id="reference-lone-surrogate"),
    pytest.param(
        alloc(invoice_id="inv_\u0000"), 422, "validation_error", "allocations[0].invoice_id", id="invoice_id-NUL"
    ),
    # unknown fields
    pytest.param(pay(amount=1_000), 400, "invalid_request", "amount", id="offline-payment-with-amount"),
    pytest.param(pay(invoice_id="x"), 422, "validation_error", "invoice_id", id="unknown-field-invoice_id"),
    pytest.param(
        alloc(currency="USD"), 422, "validation_error", "allocations[0].currency", id="unknown-allocation-field"
    ),
]


@SHARED
@pytest.mark.parametrize(("make_body", "status", "code", "field"), PAYMENT_CASES)
async def test_payment_create_rejects(
    shared: Shared, make_body: Callable[[World], Body], status: int, code: str, field: str | None
) -> None:
    await shared.rejected("POST", "/v1/payments", make_body(shared.world), status, code, field)


@SHARED
@pytest.mark.parametrize("value", [pytest.param(0, id="0"), pytest.param(-1, id="minus-1"), *BAD_NUMBERS])
async def test_allocation_amount_must_be_a_positive_integer(shared: Shared, value: Any) -> None:
    body = alloc(amount=value)(shared.world)
    await shared.rejected("POST", "/v1/payments", body, 422, "validation_error", "allocations[0].amount")


@SHARED
async def test_invoices_in_different_currencies_in_one_payment(shared: Shared) -> None:
    w = await shared.fresh_world()
    eur = await make_invoice(shared.client, w["customer_id"], amount=5_000, currency="EUR")
    body = {
        **base_payment(w),
        "allocations": [{"invoice_id": w["invoice_id"], "amount": 100}, {"invoice_id": eur["id"], "amount": 100}],
    }
    await shared.rejected("POST", "/v1/payments", body, 400, "currency_mismatch", None)
    await shared.rejected("POST", "/v1/payments", {**body, "currency": "USD"}, 400, "currency_mismatch", None)
    await shared.rejected("POST", "/v1/payments", {**body, "currency": "EUR"}, 400, "currency_mismatch", None)


async def _figures(client: httpx.AsyncClient, invoice_id: str) -> tuple[str, int, int]:
    got = (await client.get(f"/v1/invoices/{invoice_id}")).json()
    return got["status"], got["amount_paid"], got["amount_due"]


@SHARED
async def test_over_allocation_on_one_of_two_invoices_writes_nothing(shared: Shared) -> None:
    w = await shared.fresh_world()
    second = await make_invoice(shared.client, w["customer_id"], amount=3_000)
    body = {
        **base_payment(w),
        "allocations": [
            {"invoice_id": w["invoice_id"], "amount": 10_000},
            {"invoice_id": second["id"], "amount": 3_001},
        ],
    }
    problem = await shared.rejected("POST", "/v1/payments", body, 409, "amount_exceeds_due", None)
    assert problem["context"]["invoice_id"] == second["id"]
    assert problem["context"]["amount_due"] == 3_000
    assert await _figures(shared.client, w["invoice_id"]) == ("open", 0, 10_000)
    assert await _figures(shared.client, second["id"]) == ("open", 0, 3_000)


@SHARED
async def test_over_allocation_after_a_partial_payment(shared: Shared) -> None:
    w = await shared.fresh_world()
    first = await send(shared.client, "POST", "/v1/payments", alloc(amount=6_000)(w))
    assert first.status_code == 201, first.text
    key = {"Idempotency-Key": f"over-{uuid.uuid4()}"}
    await shared.rejected("POST", "/v1/payments", alloc(amount=4_001)(w), 409, "amount_exceeds_due", None, headers=key)
    assert await _figures(shared.client, w["invoice_id"]) == ("partially_paid", 6_000, 4_000)
    # The refusal stored nothing under its key, so the corrected retry with the same key goes through.
    fixed = await send(shared.client, "POST", "/v1/payments", alloc(amount=4_000)(w), headers=key)
    assert fixed.status_code == 201, fixed.text
    assert "idempotent-replayed" not in fixed.headers
    assert await _figures(shared.client, w["invoice_id"]) == ("paid", 10_000, 0)


@SHARED
async def test_payment_total_over_the_maximum(shared: Shared) -> None:
    w = await shared.fresh_world()
    big = [await make_invoice(shared.client, w["customer_id"], amount=10**12) for _ in range(2)]
    body = {**base_payment(w), "allocations": [{"invoice_id": i["id"], "amount": 10**12} for i in big]}
    await shared.rejected("POST", "/v1/payments", body, 400, "amount_too_large", "allocations")


@SHARED
@pytest.mark.parametrize("status", ["draft", "void", "paid", "archived"])
async def test_paying_an_invoice_that_is_not_payable(shared: Shared, status: str) -> None:
    w = await shared.fresh_world()
    invoice = await make_invoice(shared.client, w["customer_id"], amount=2_000, draft=status in ("draft", "archived"))
    if status == "void":
        assert (await shared.client.post(f"/v1/invoices/{invoice['id']}/void")).status_code == 200
    elif status == "archived":
        assert (await shared.client.post(f"/v1/invoices/{invoice['id']}/archive")).status_code == 200
    elif status == "paid":
        paid = await send(
            shared.client,
            "POST",
            "/v1/payments",
            {**base_payment(w), "allocations": [{"invoice_id": invoice["id"], "amount": 2_000}]},
        )
        assert paid.status_code == 201, paid.text
    assert (await shared.client.get(f"/v1/invoices/{invoice['id']}")).json()["status"] == status
    body = {**base_payment(w), "allocations": [{"invoice_id": invoice["id"], "amount": 1}]}
    await shared.rejected("POST", "/v1/payments", body, 409, "invoice_not_payable", None)
    # ...also beside a payable invoice: the whole payment is refused
    body["allocations"].append({"invoice_id": w["invoice_id"], "amount": 1})
    await shared.rejected("POST", "/v1/payments", body, 409, "invoice_not_payable", None)


@SHARED
async def test_paying_another_customers_invoice(shared: Shared) -> None:
    w = await shared.fresh_world()
    other = await shared.fresh_world(amount=2_000)
    body = {**base_payment(w), "allocations": [{"invoice_id": other["invoice_id"], "amount": 100}]}
    await shared.rejected("POST", "/v1/payments", body, 400, "invoice_customer_mismatch", "allocations")
    # ...and mixed with one of the customer's own invoices
    body["allocations"].append({"invoice_id": w["invoice_id"], "amount": 100})
    await shared.rejected("POST", "/v1/payments", body, 400, "invoice_customer_mismatch", "allocations")


# --------------------------------------------------------------------------------------------------------------
# POST /v1/customers and PATCH /v1/customers/{id}
# --------------------------------------------------------------------------------------------------------------

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


# --------------------------------------------------------------------------------------------------------------
# booleans are JSON true/false and dates are YYYY-MM-DD, in every body
# --------------------------------------------------------------------------------------------------------------

NOT_FLAGS = [  # what pydantic's lax mode would take as a boolean
    pytest.param(0, id="0"),
    pytest.param(1, id="1"),
    pytest.param(1.0, id="1.0"),
    pytest.param("yes", id="string-yes"),
    pytest.param("off", id="string-off"),
    pytest.param("true", id="string-true"),
]

FLAG_FIELDS = [  # method, path (formatted with the world), body with the value, the field named
    pytest.param(
        "POST", "/v1/customers", lambda w, v: {"name": "x", "card_fee_exempt": v}, "card_fee_exempt", id="customer"
    ),
    pytest.param(
        "PATCH",
        "/v1/customers/{customer_id}",
        lambda w, v: {"card_fee_exempt": v},
        "card_fee_exempt",
        id="customer-update",
    ),
    pytest.param("POST", "/v1/invoices", lambda w, v: inv(draft=v)(w), "draft", id="invoice-draft"),
    pytest.param(
        "POST",
        "/v1/customers/{customer_id}/payment-methods",
        lambda w, v: {"token": "tok_sbx_unused", "make_default": v},
        "make_default",
        id="payment-method-make_default",
    ),
    pytest.param(
        "PATCH",
        "/v1/settings/payments",
        lambda w, v: {"partial_payments": v},
        "partial_payments",
        id="partial_payments",
    ),
    pytest.param(
        "PATCH",
        "/v1/settings/payments",
        lambda w, v: {"card_fee_pass_through": v},
        "card_fee_pass_through",
        id="card_fee_pass_through",
    ),
    pytest.param(
        "PATCH", "/v1/settings/portal", lambda w, v: {"guest_checkout": v}, "guest_checkout", id="guest_checkout"
    ),
    pytest.param("PATCH", "/v1/settings/portal", lambda w, v: {"team_invites": v}, "team_invites", id="team_invites"),
    pytest.param(
        "PATCH",
        "/v1/settings/portal",
        lambda w, v: {"self_enrolled_autopay": v},
        "self_enrolled_autopay",
        id="self_enrolled_autopay",
    ),
    pytest.param(
        "POST",
        "/v1/access-requests/areq_unknown/approve",
        lambda w, v: {"new_customer": {"name": "x", "card_fee_exempt": v}},
        "new_customer.card_fee_exempt",
        id="approve-new_customer",
    ),
]


@SHARED
@pytest.mark.parametrize("value", NOT_FLAGS)
@pytest.mark.parametrize(("method", "template", "make_body", "field"), FLAG_FIELDS)
async def test_booleans_in_bodies_are_json_true_or_false(
    shared: Shared, method: str, template: str, make_body: Callable[[World, Any], Body], field: str, value: Any
) -> None:
    w = shared.world
    await shared.rejected(method, template.format(**w), make_body(w, value), 422, "validation_error", field)


NOT_DAYS = [  # numbers that pydantic's lax mode reads as Unix times, and text that is not YYYY-MM-DD
    pytest.param(0, id="0"),
    pytest.param(1_700_000_000, id="unix-time"),
    pytest.param(20261101, id="20261101-int"),
    pytest.param(True, id="true"),
    pytest.param("0", id="string-0"),
    pytest.param("20261101", id="string-20261101"),
    pytest.param("2026-11-01T00:00:00", id="timestamp"),
    pytest.param("2026-W44-1", id="iso-week"),
    pytest.param("2026-11-1", id="one-digit-day"),
]

DAY_FIELDS = [
    pytest.param("/v1/invoices", lambda w, v: inv(issue_date=v)(w), "issue_date", id="issue_date"),
    pytest.param("/v1/invoices", lambda w, v: inv(issue_date=DROP, due_date=v)(w), "due_date", id="due_date"),
    pytest.param("/v1/payments", lambda w, v: pay(received_on=v)(w), "received_on", id="received_on"),
]


@SHARED
@pytest.mark.parametrize("value", NOT_DAYS)
@pytest.mark.parametrize(("path", "make_body", "field"), DAY_FIELDS)
async def test_dates_in_bodies_are_yyyy_mm_dd(
    shared: Shared, path: str, make_body: Callable[[World, Any], Body], field: str, value: Any
) -> None:
    await shared.rejected("POST", path, make_body(shared.world, value), 422, "validation_error", field)


def _scalar(annotation: Any) -> type | None:
    """`bool` or `date` when the annotation is one of them (annotated, or optional), else None."""
    if typing.get_origin(annotation) is Annotated:
        return _scalar(typing.get_args(annotation)[0])
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        found = {_scalar(a) for a in typing.get_args(annotation) if a is not type(None)}
        return found.pop() if len(found) == 1 else None
    return annotation if annotation in (bool, date) else None


def _models(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in typing.get_args(annotation):
        yield from _models(arg)


def _body_fields(model: type[BaseModel], prefix: str, seen: set[type]) -> Iterator[tuple[str, FieldInfo]]:
    if model in seen:
        return
    seen.add(model)
    for name, info in model.model_fields.items():
        yield prefix + name, info
        for inner in _models(info.annotation):
            yield from _body_fields(inner, f"{prefix}{name}.", seen)


def typed_inputs() -> Iterator[tuple[str, str, type, TypeAdapter[Any]]]:
    """(where, name, bool or date, validator) for every boolean and date in a query or body of /v1 and /portal/v1,
    validated as the app validates it (FastAPI hands pydantic the parsed JSON, or the query string's text)."""
    for method, path, route in api_routes(create_app()):
        if not path.startswith(("/v1/", "/portal/v1/")):
            continue
        stack = [route.dependant]
        while stack:
            dependant = stack.pop()
            stack.extend(dependant.dependencies)
            fields = [("query", q.name, q.field_info) for q in dependant.query_params]
            for body in dependant.body_params:
                for model in _models(body.field_info.annotation):
                    fields += [("body", name, info) for name, info in _body_fields(model, "", set())]
            for where, name, info in fields:
                kind = _scalar(info.annotation)
                if kind is not None:
                    typed: Any = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
                    yield f"{method} {path} {where}", name, kind, TypeAdapter(typed)


REFUSED: dict[tuple[str, type], list[Any]] = {
    ("body", bool): [0, 1, 1.0, 0.0, "yes", "off", "true", "1"],
    ("query", bool): ["0", "1", "1.0", "yes", "off", "on", "True", "FALSE", ""],
    ("body", date): [0, 1_700_000_000, 20261101, 1.5, True, "0", "20261101", "2026-11-01T00:00:00", "2026-W44-1"],
    ("query", date): ["0", "1700000000", "20261101", "2026-11-01T00:00:00", "2026-W44-1", "2026-11-1"],
}
TAKEN: dict[tuple[str, type], list[tuple[Any, Any]]] = {
    ("body", bool): [(True, True), (False, False)],
    ("query", bool): [("true", True), ("false", False)],
    ("body", date): [("2026-11-01", date(2026, 11, 1))],
    ("query", date): [("2026-11-01", date(2026, 11, 1))],
}


def test_every_boolean_and_date_input_is_strict() -> None:
    """A future route cannot bring lax booleans or dates back: every one, in every query and body, takes only
    `true`/`false` (JSON in a body, text in a query) and `YYYY-MM-DD`."""
    seen = set()
    for where, name, kind, adapter in typed_inputs():
        seen.add(f"{where} {name}")
        source = where.rsplit(" ", 1)[1]
        for value in REFUSED[source, kind]:
            with pytest.raises(ValidationError):
                adapter.validate_python(value)
                pytest.fail(f"{where} `{name}` takes {value!r}")
        for value, expected in TAKEN[source, kind]:
            assert adapter.validate_python(value) == expected, f"{where} `{name}` refuses {value!r}"
    assert {  # the walk finds them (a sample from each kind of place)
        "GET /v1/invoices query overdue",
        "GET /v1/invoices query due_before",
        "GET /v1/customers query archived",
        "POST /v1/invoices body draft",
        "POST /v1/payments body received_on",
        "PATCH /v1/settings/portal body guest_checkout",
        "POST /v1/access-requests/{request_id}/approve body new_customer.card_fee_exempt",
        "POST /portal/v1/payments body save_method",
        "POST /portal/v1/scheduled-payments body scheduled_for",
        "POST /portal/v1/sign-in/mfa body recovery",
    } <= seen, sorted(seen)


# --------------------------------------------------------------------------------------------------------------
# bodies that are not a JSON object
# --------------------------------------------------------------------------------------------------------------

WRITE_PATHS = ["/v1/customers", "/v1/invoices", "/v1/payments"]

RAW_BODIES = [
    pytest.param(b"{", JSON_HEADERS, 400, "malformed_json", None, id="truncated"),
    pytest.param(b'{"name": "x",}', JSON_HEADERS, 400, "malformed_json", None, id="trailing-comma"),
    pytest.param(b'{"name": "x"} {}', JSON_HEADERS, 400, "malformed_json", None, id="two-documents"),
    pytest.param(b"{'name': 'x'}", JSON_HEADERS, 400, "malformed_json", None, id="single-quotes"),
    pytest.param(b'"a string"', JSON_HEADERS, 400, "malformed_json", None, id="json-string"),
    pytest.param(b"[]", JSON_HEADERS, 422, "validation_error", "body", id="json-array"),
    pytest.param(b'[{"name": "x"}]', JSON_HEADERS, 422, "validation_error", "body", id="json-array-of-object"),
    pytest.param(b"42", JSON_HEADERS, 422, "validation_error", "body", id="json-number"),
    pytest.param(b"null", JSON_HEADERS, 422, "validation_error", "body", id="json-null"),
    pytest.param(b"", JSON_HEADERS, 422, "validation_error", "body", id="empty-json"),
    pytest.param(b"", {}, 422, "validation_error", "body", id="empty-no-content-type"),
    pytest.param(b'{"name": "x"}', {"content-type": "text/plain"}, 400, "malformed_json", None, id="text-plain"),
    pytest.param(
        b"name=x", {"content-type": "application/x-www-form-urlencoded"}, 400, "malformed_json", None, id="form-encoded"
    ),
]


@SHARED
@pytest.mark.parametrize("path", WRITE_PATHS)
@pytest.mark.parametrize(("raw", "headers", "status", "code", "field"), RAW_BODIES)
async def test_body_that_is_not_a_json_object(
    shared: Shared, path: str, raw: bytes, headers: dict[str, str], status: int, code: str, field: str | None
) -> None:
    before = await shared.state()
    r = await shared.client.post(path, content=raw, headers=headers)
    assert_problem(r, status, code, field)
    assert await shared.state() == before


@SHARED
@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b'{"name": "\xff\xfe"}', id="invalid-utf8"),
        pytest.param(
            b'{"name": "x", "metadata": {"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}", id="nested-100k-deep"
        ),
        pytest.param(b'{"name": "x", "tags": [1' + b"0" * 5_000 + b"]}", id="5000-digit-number"),
    ],
)
async def test_unparseable_body_is_malformed_json(shared: Shared, raw: bytes) -> None:
    """Bodies the JSON parser cannot even read deserve the documented `malformed_json`, not a generic code."""
    before = await shared.state()
    r = await shared.client.post("/v1/customers", content=raw, headers=JSON_HEADERS)
    assert_problem(r, 400, "malformed_json")
    assert await shared.state() == before


# --------------------------------------------------------------------------------------------------------------
# path ids and query parameters
# --------------------------------------------------------------------------------------------------------------

ID_ROUTES = [
    ("GET", "/v1/customers/{}", "cus"),
    ("PATCH", "/v1/customers/{}", "cus"),
    ("POST", "/v1/customers/{}/archive", "cus"),
    ("GET", "/v1/invoices/{}", "inv"),
    ("POST", "/v1/invoices/{}/finalize", "inv"),
    ("POST", "/v1/invoices/{}/void", "inv"),
    ("POST", "/v1/invoices/{}/archive", "inv"),
    ("GET", "/v1/payments/{}", "pay"),
    ("POST", "/v1/payments/{}/cancel", "pay"),
]


@SHARED
@pytest.mark.parametrize(("method", "template", "prefix"), ID_ROUTES, ids=[f"{m} {t}" for m, t, _ in ID_ROUTES])
async def test_unknown_path_ids(shared: Shared, method: str, template: str, prefix: str) -> None:
    body = {"name": "x"} if method == "PATCH" else NO_BODY
    w = shared.world
    wrong_kind = w["invoice_id"] if prefix != "inv" else w["customer_id"]
    for ident in (new_id(prefix), "nope", wrong_kind, "x" * 300, "a%ED%A0%80b", "%E2%80%AE", "%20"):
        await shared.rejected(method, template.format(ident), body, 404, "resource_missing", None)
    for ident in ("a%00b", "%00"):
        await shared.rejected(method, template.format(ident), body, 400, "invalid_characters", None)


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


@SHARED
async def test_invalid_idempotency_keys(shared: Shared) -> None:
    await shared.rejected(
        "POST",
        "/v1/customers",
        {"name": "x"},
        422,
        "validation_error",
        "Idempotency-Key",
        headers={"Idempotency-Key": "k" * 256},
    )
    for bad in ("a\tb", " leading-space", "trailing-space "):
        await shared.rejected(
            "POST",
            "/v1/customers",
            {"name": "x"},
            422,
            "validation_error",
            "Idempotency-Key",
            headers={"Idempotency-Key": bad},
        )


# --------------------------------------------------------------------------------------------------------------
# authentication
# --------------------------------------------------------------------------------------------------------------


def _bad_checksum(key: str) -> str:
    last = key[-1]
    return key[:-1] + ("A" if last != "A" else "B")


AUTH_CASES: list[Any] = [
    pytest.param(lambda t: None, "authentication_required", id="missing"),
    pytest.param(lambda t: "", "authentication_required", id="empty"),
    pytest.param(lambda t: "Bearer", "authentication_required", id="bearer-without-key"),
    pytest.param(lambda t: f"Basic {t.api_key}", "authentication_required", id="basic-scheme"),
    pytest.param(lambda t: t.api_key, "authentication_required", id="no-scheme"),
    pytest.param(lambda t: "Bearer hello", "invalid_api_key", id="random-string"),
    pytest.param(lambda t: "Bearer " + "x" * 5000, "invalid_api_key", id="long-random-string"),
    pytest.param(lambda t: f"Bearer {_bad_checksum(t.api_key)}", "invalid_api_key", id="wrong-checksum"),
    pytest.param(lambda t: f"Bearer {t.api_key[:-1]}", "invalid_api_key", id="truncated-key"),
    pytest.param(
        lambda t: f"Bearer {t.api_key.replace('rk_test_', 'rk_live_')}", "invalid_api_key", id="test-key-as-live"
    ),
    pytest.param(lambda t: f"Bearer {make_secret(livemode=False)}", "invalid_api_key", id="valid-shape-unknown"),
    pytest.param(lambda t: f"Bearer {make_secret(livemode=True)}", "invalid_api_key", id="valid-shape-unknown-live"),
]


@SHARED
@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        pytest.param("GET", "/v1/customers", NO_BODY, id="list"),
        pytest.param("POST", "/v1/payments", None, id="pay"),
    ],
)
@pytest.mark.parametrize(("make_header", "code"), AUTH_CASES)
async def test_bad_credentials_are_401(
    shared: Shared, method: str, path: str, body: Any, make_header: Callable[[Tenant], str | None], code: str
) -> None:
    header = make_header(shared.tenant)
    if body is None:
        body = alloc(amount=100)(shared.world)
    problem_headers = {} if header is None else {"Authorization": header}
    before = await shared.state()
    r = await send(shared.anon, method, path, body, headers=problem_headers)
    assert_problem(r, 401, code)
    assert r.headers["www-authenticate"].lower().startswith("bearer")
    assert await shared.state() == before


async def test_revoked_key_is_refused_at_once(
    app_client: httpx.AsyncClient, container: Container, tenant: Tenant, world: World
) -> None:
    async with container.uow() as uow:
        _, spare = await create_api_key(tenant.slug, uow, clock=container.clock)
        await uow.commit()
    old = {"Authorization": f"Bearer {tenant.api_key}"}
    app_client.headers["Authorization"] = f"Bearer {spare}"  # `client` set it to the key being revoked
    assert (await app_client.get("/v1/customers", headers=old)).status_code == 200

    async with container.uow() as uow:
        await revoke_api_key(tenant.api_key_id, uow, clock=container.clock)
        await uow.commit()

    before = await state_of(container, tenant.partner_id)
    for method, path, body in [
        ("GET", "/v1/customers", NO_BODY),
        ("GET", f"/v1/invoices/{world['invoice_id']}", NO_BODY),
        ("POST", "/v1/customers", {"name": "After revocation"}),
        ("POST", "/v1/payments", alloc(amount=100)(world)),
        ("POST", f"/v1/invoices/{world['invoice_id']}/void", NO_BODY),
    ]:
        r = await send(app_client, method, path, body, headers=old)
        assert_problem(r, 401, "api_key_revoked")
        assert r.headers["www-authenticate"].lower().startswith("bearer")
    assert await state_of(container, tenant.partner_id) == before
    assert (await app_client.get("/v1/customers")).status_code == 200  # the other key still works


# --------------------------------------------------------------------------------------------------------------
# body size
# --------------------------------------------------------------------------------------------------------------


def _padded_customer(size: int) -> bytes:
    head = b'{"name": "Big Body Inc"'
    return head + b" " * (size - len(head) - 1) + b"}"


@SHARED
async def test_body_over_one_megabyte_is_413(shared: Shared) -> None:
    before = await shared.state()
    r = await shared.client.post("/v1/customers", content=_padded_customer(1_000_001), headers=JSON_HEADERS)
    assert_problem(r, 413, "payload_too_large")
    r = await shared.client.post("/v1/invoices", content=b"[" + b"1," * 600_000 + b"1]", headers=JSON_HEADERS)
    assert_problem(r, 413, "payload_too_large")
    r = await shared.anon.post("/v1/customers", content=_padded_customer(5_000_000), headers=JSON_HEADERS)
    assert_problem(r, 413, "payload_too_large")  # before authentication, too
    assert await shared.state() == before
    ok = await shared.client.post("/v1/customers", content=_padded_customer(999_000), headers=JSON_HEADERS)
    assert ok.status_code == 201, ok.text  # the limit is 1 MB, not less


@SHARED
async def test_chunked_body_over_one_megabyte_is_413(shared: Shared) -> None:
    """Without a Content-Length header (chunked transfer encoding) the limit must still hold."""
    payload = _padded_customer(2_000_000)

    async def chunks() -> AsyncIterator[bytes]:
        for i in range(0, len(payload), 64_000):
            yield payload[i : i + 64_000]

    before = await shared.state()
    r = await shared.client.post("/v1/customers", content=chunks(), headers=JSON_HEADERS)
    assert "content-length" not in r.request.headers
    assert_problem(r, 413, "payload_too_large")
    assert await shared.state() == before


# --------------------------------------------------------------------------------------------------------------
# property: arbitrary JSON where numbers and strings belong
# --------------------------------------------------------------------------------------------------------------

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
