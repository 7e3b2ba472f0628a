"""The "nothing changed" machinery of the bad-input tests: a partner's state read in one statement, the partner
and clients the table-driven cases share, how a bad request is sent, and what its problem document must say.

A case reads the partner's state before and after the bad request: every row it owns in the database (customers,
invoices and lines, payments and allocations, ledger entries and lines, idempotency keys, outbox events, payment
methods, settings, scheduled payments, invoice questions, emails, its invoice-number sequence) and, for payments,
the invoice figures the API derives from the ledger.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from adapters.bootstrap import Container
from tests.conftest import Tenant
from tests.factories import make_customer, make_invoice

PROBLEM = "application/problem+json"
JSON_HEADERS = {"content-type": "application/json"}
NO_BODY = object()
BASE_URL = "http://remit.test"
# The table-driven cases share one partner per database and module (the `shared` fixture) so that hundreds of
# cases stay fast; such a test runs on the module's event loop, the one its fixture was made on.
SHARED = pytest.mark.asyncio(loop_scope="module")

Body = dict[str, Any]
World = dict[str, Any]
State = list[tuple[str, str, str]]

# What pydantic's lax mode would take as a boolean, and as a date (numbers read as Unix times, text that is not
# YYYY-MM-DD): every body must refuse them. Keyed by test id.
NOT_FLAGS: dict[str, Any] = {
    "0": 0,
    "1": 1,
    "1.0": 1.0,
    "string-yes": "yes",
    "string-off": "off",
    "string-true": "true",
}
NOT_DAYS: dict[str, Any] = {
    "0": 0,
    "unix-time": 1_700_000_000,
    "20261101-int": 20261101,
    "true": True,
    "string-0": "0",
    "string-20261101": "20261101",
    "timestamp": "2026-11-01T00:00:00",
    "iso-week": "2026-W44-1",
    "one-digit-day": "2026-11-1",
}


def params(values: dict[str, Any]) -> list[Any]:
    """`NOT_FLAGS` or `NOT_DAYS` as pytest parameters, with their ids."""
    return [pytest.param(value, id=name) for name, value in values.items()]


def _text(column: str) -> str:
    return f"COALESCE(CAST({column} AS VARCHAR), '~')"


def _row(*columns: str) -> str:
    return " || '|' || ".join(_text(c) for c in columns) if columns else "''"


# Every row a partner owns, with the columns that can change, plus its idempotency keys, the events it would
# publish, its settings and its invoice-number sequence (api_keys.last_used_at may legitimately move on any request).
STATE_PARTS = {
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
    "scheduled_payments": ("id", _row("status", "amount", "scheduled_for", "payment_id", "canceled_at")),
    "invoice_questions": ("id", _row("invoice_id", "status", "resolved_at")),
    "emails": ("id", _row("template", "to_address")),
}
STATE_SQL = text(
    " UNION ALL ".join(
        f"SELECT '{table}' AS t, {ident} AS id, {value} AS v FROM {table} WHERE partner_id = :p"
        for table, (ident, value) in STATE_PARTS.items()
    )
    + " UNION ALL SELECT 'partners', id, "
    + _text("invoice_sequence")
    + " FROM partners WHERE id = :p"
)


async def state_of(container: Container, partner_id: str) -> State:
    """The partner's rows, read straight from the database in one round trip (cheap enough for every case)."""
    async with container.engine.connect() as conn:
        rows = await conn.execute(STATE_SQL, {"p": partner_id})
        return sorted((str(t), str(i), str(v)) for t, i, v in rows)


@asynccontextmanager
async def writes_nothing(container: Container, partner_id: str) -> AsyncIterator[None]:
    """Fails if the partner's state differs after the block from before it."""
    before = await state_of(container, partner_id)
    yield
    assert await state_of(container, partner_id) == before, "a rejected request changed data"


async def invoice_figures(client: httpx.AsyncClient) -> list[tuple[Any, ...]]:
    """What the API derives from the ledger for every invoice: status, total, paid, pending, due."""
    r = await client.get("/v1/invoices", params={"limit": 100})
    assert r.status_code == 200, r.text
    return [
        (i["id"], i["status"], i["total"], i["amount_paid"], i["amount_pending"], i["amount_due"])
        for i in r.json()["data"]
    ]


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

    async def state(self) -> State:
        return await state_of(self.container, self.tenant.partner_id)

    def writes_nothing(self) -> AbstractAsyncContextManager[None]:
        return writes_nothing(self.container, self.tenant.partner_id)

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
