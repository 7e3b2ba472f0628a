"""Bodies that are not a JSON object, cannot be parsed or are over 1 MB; and, over every route, booleans and dates
that only take `true`/`false` and `YYYY-MM-DD`. Each refusal answers 4xx problem+json and writes nothing."""

from __future__ import annotations

import types
import typing
from collections.abc import AsyncIterator, Iterator
from datetime import date
from typing import Annotated, Any

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from api.app import create_app
from tests.api.bad_input.harness import JSON_HEADERS, SHARED, Shared, assert_problem
from tests.api.test_tenant_isolation import api_routes

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
    async with shared.writes_nothing():
        r = await shared.client.post(path, content=raw, headers=headers)
        assert_problem(r, status, code, field)


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
    async with shared.writes_nothing():
        r = await shared.client.post("/v1/customers", content=raw, headers=JSON_HEADERS)
        assert_problem(r, 400, "malformed_json")


def _padded_customer(size: int) -> bytes:
    head = b'{"name": "Big Body Inc"'
    return head + b" " * (size - len(head) - 1) + b"}"


@SHARED
async def test_body_over_one_megabyte_is_413(shared: Shared) -> None:
    async with shared.writes_nothing():
        r = await shared.client.post("/v1/customers", content=_padded_customer(1_000_001), headers=JSON_HEADERS)
        assert_problem(r, 413, "payload_too_large")
        r = await shared.client.post("/v1/invoices", content=b"[" + b"1," * 600_000 + b"1]", headers=JSON_HEADERS)
        assert_problem(r, 413, "payload_too_large")
        r = await shared.anon.post("/v1/customers", content=_padded_customer(5_000_000), headers=JSON_HEADERS)
        assert_problem(r, 413, "payload_too_large")  # before authentication, too
    ok = await shared.client.post("/v1/customers", content=_padded_customer(999_000), headers=JSON_HEADERS)
    assert ok.status_code == 201, ok.text  # the limit is 1 MB, not less


@SHARED
async def test_chunked_body_over_one_megabyte_is_413(shared: Shared) -> None:
    """Without a Content-Length header (chunked transfer encoding) the limit must still hold."""
    payload = _padded_customer(2_000_000)

    async def chunks() -> AsyncIterator[bytes]:
        for i in range(0, len(payload), 64_000):
            yield payload[i : i + 64_000]

    async with shared.writes_nothing():
        r = await shared.client.post("/v1/customers", content=chunks(), headers=JSON_HEADERS)
        assert "content-length" not in r.request.headers
        assert_problem(r, 413, "payload_too_large")


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
