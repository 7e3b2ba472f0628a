"""The committed OpenAPI document is the app's, and documents every operation properly."""

from __future__ import annotations

import ast
import inspect
import json
import re
import textwrap
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fastapi.routing import APIRoute

from api.app import create_app
from api.idempotency import IDEMPOTENCY_KEY_PATTERN
from domain.errors import Conflict, ErrorCode
from tests.api.test_tenant_isolation import api_routes

COMMITTED = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"


def _generated() -> dict[str, object]:
    return json.loads(json.dumps(create_app().openapi(), sort_keys=True))  # type: ignore[no-any-return]


def test_committed_document_matches_the_app() -> None:
    committed = json.loads(COMMITTED.read_text())
    assert committed == _generated(), "openapi/openapi.json is stale: run `make openapi` and commit it"


PUBLIC_V1 = {"/v1/auth/config"}  # answers anyone: no credential, so no 401


def test_every_operation_is_documented() -> None:
    doc = _generated()
    ids = []
    for path, methods in doc["paths"].items():  # type: ignore[attr-defined]
        for method, op in methods.items():
            ids.append(op["operationId"])
            assert op.get("summary"), f"{method} {path} has no summary"
            assert op.get("tags"), f"{method} {path} has no tag"
            assert "-" not in op["operationId"]
            assert op["operationId"].startswith(f"{op['tags'][0]}_") or op["operationId"].startswith("ledger_")
            if path.startswith("/v1/") and path not in PUBLIC_V1:
                assert "401" in op["responses"], f"{method} {path} does not declare 401"
                assert op["responses"]["401"]["content"]["application/problem+json"]
                if method == "post" and not path.endswith("/quote") and not path.startswith(("/v1/auth/", "/v1/me")):
                    # a quote changes nothing; signing in and a person's own session are not retried by key
                    params = {p["name"] for p in op.get("parameters", [])}
                    assert "Idempotency-Key" in params, f"{method} {path} takes no Idempotency-Key"
    assert len(ids) == len(set(ids))
    schemas = doc["components"]["schemas"]  # type: ignore[index]
    for name in (
        "CustomerCreate",
        "InvoiceCreate",
        "PaymentCreate",
        "CustomerOut",
        "InvoiceOut",
        "PaymentOut",
        "PaymentMethodOut",
        "RefundOut",
        "DisputeOut",
        "PaymentQuoteOut",
        "PaymentSettingsOut",
    ):
        assert schemas[name].get("examples"), f"{name} has no example"
    assert "Problem" in schemas


# --------------------------------------------------------------------------------------------------------------
# what is enforced is documented, for every operation (a future route cannot regress)
# --------------------------------------------------------------------------------------------------------------

PROJECT = ("api", "domain", "adapters")
LOCKING = {"lock", "lock_many", "with_for_update"}  # repository locks and SELECT … FOR UPDATE


def _resolve(node: ast.AST, env: dict[str, Any]) -> Any:
    if isinstance(node, ast.Name):
        return env.get(node.id)
    if isinstance(node, ast.Attribute):
        base = _resolve(node.value, env)
        if isinstance(base, types.ModuleType | type):
            return getattr(base, node.attr, None)
    return None


def reached(route: APIRoute) -> Iterator[tuple[ast.AST, Any]]:
    """(node, what it names) through the syntax of the route's handler, its dependencies and every project function
    they name, transitively: a static over-approximation of what can run, short of methods called on objects a
    function is handed (an entity's transition, a repository's query), which are known only by name."""
    todo: list[Any] = []
    stack = [route.dependant]
    while stack:
        dependant = stack.pop()
        stack.extend(dependant.dependencies)
        todo.append(dependant.call)
    seen: set[Any] = set()
    while todo:
        fn = inspect.unwrap(todo.pop())
        if fn in seen or not isinstance(fn, types.FunctionType) or fn.__module__.split(".")[0] not in PROJECT:
            continue
        seen.add(fn)
        env = dict(fn.__globals__)
        env.update(zip(fn.__code__.co_freevars, (c.cell_contents for c in fn.__closure__ or ()), strict=True))
        for node in ast.walk(ast.parse(textwrap.dedent(inspect.getsource(fn)))):
            named = _resolve(node, env)
            yield node, named
            if isinstance(named, types.FunctionType):
                todo.append(named)


def why_409(route: APIRoute, op: dict[str, Any]) -> str | None:
    """Why an operation can answer 409, if it can: a key reused with another body or still in flight, a Conflict
    raised, or a row lock waited on past the lock timeout (`resource_busy`)."""
    if "Idempotency-Key" in {p["name"] for p in op.get("parameters", [])}:
        return "takes an Idempotency-Key"
    for node, named in reached(route):
        if isinstance(named, type) and issubclass(named, Conflict):
            return f"can raise {named.__name__}"
        if isinstance(node, ast.Attribute) and node.attr in LOCKING:
            return f"takes a lock (.{node.attr})"
        if isinstance(node, ast.keyword) and node.arg == "lock" and getattr(node.value, "value", None) is True:
            return "takes a lock (lock=True)"
    return None


def operations() -> Iterator[tuple[str, APIRoute, dict[str, Any]]]:
    app = create_app()
    doc = app.openapi()
    for method, path, route in api_routes(app):
        op = doc["paths"].get(path, {}).get(method.lower())
        if op is not None:
            yield f"{method} {path}", route, op


def test_every_operation_that_can_answer_409_documents_it() -> None:
    undocumented, found = [], 0
    for name, route, op in operations():
        why = why_409(route, op)
        found += why is not None
        if why is not None and "409" not in op["responses"]:
            undocumented.append(f"{name}: {why}")
    assert not undocumented, "409 not in the responses of:\n" + "\n".join(undocumented)
    assert found > 40  # the walk sees the writes


def test_a_required_idempotency_key_is_documented_as_required() -> None:
    """The portal's payments refuse a request without a key (400 idempotency_key_required, answered by the route
    so that the problem stays the same): the document must not call the header optional."""
    required = []
    for name, route, op in operations():
        refuses = any(
            getattr(node, "attr", None) == ErrorCode.IDEMPOTENCY_KEY_REQUIRED.name for node, _ in reached(route)
        )
        if refuses:
            required.append(name)
            [param] = [p for p in op.get("parameters", []) if p["name"] == "Idempotency-Key"]
            assert param["required"] is True, f"{name} calls the Idempotency-Key it requires optional"
            assert param["in"] == "header" and param["schema"]["type"] == "string", param
            assert param["schema"]["pattern"] == IDEMPOTENCY_KEY_PATTERN and param["schema"]["maxLength"] == 255
            assert "400" in op["responses"], name
    assert {"POST /portal/v1/payments", "POST /portal/v1/pay-links/{token}/payments"} <= set(required)


def _properties(schema: Any, where: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(schema name, property, its schema) for every property, nested ones included."""
    if isinstance(schema, dict):
        for prop, sub in (schema.get("properties") or {}).items():
            yield where, prop, sub
        for sub in schema.values():
            yield from _properties(sub, where)
    elif isinstance(schema, list):
        for sub in schema:
            yield from _properties(sub, where)


def _strings(schema: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The string schemas a property can take: itself, the non-null branch of an optional, a list's items."""
    for branch in schema.get("anyOf", [schema]):
        if branch.get("type") == "array":
            yield from _strings(branch["items"])
        elif branch.get("type") == "string":
            yield branch


def all_properties() -> list[tuple[str, str, dict[str, Any]]]:
    doc: dict[str, Any] = _generated()
    found = [p for name, schema in doc["components"]["schemas"].items() for p in _properties(schema, name)]
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            found += _properties(op.get("requestBody", {}), f"{method} {path}")
    return found


# In the partner's read-only view of the portal the session names a label ("partner view (key_…)"), not an address.
NOT_ALWAYS_AN_ADDRESS = {("MeOut", "email"), ("SignInOut", "email")}


def test_every_email_property_has_format_email() -> None:
    checked = []
    for schema, prop, sub in all_properties():
        if not re.search(r"(^|_)emails?$", prop) or (schema, prop) in NOT_ALWAYS_AN_ADDRESS:
            continue
        strings = list(_strings(sub))
        assert strings, f"{schema}.{prop} is not text: {sub}"
        for string in strings:
            assert string.get("format") == "email", f"{schema}.{prop} has no `format: email`: {sub}"
        checked.append(f"{schema}.{prop}")
    assert {"CustomerCreate.email", "CustomerOut.email", "PortalSettingsUpdate.notification_emails"} <= set(checked)
    assert len(checked) > 25, checked


def test_every_colour_property_has_a_pattern() -> None:
    checked = []
    for schema, prop, sub in all_properties():
        if not re.search(r"(^|_)colou?r$", prop):
            continue
        for string in _strings(sub):
            pattern = re.compile(string.get("pattern", ""))
            assert pattern.pattern, f"{schema}.{prop} has no pattern: {sub}"
            assert pattern.search("#1F4FD1") and not pattern.search("red"), f"{schema}.{prop}: {pattern.pattern}"
        checked.append(f"{schema}.{prop}")
    assert {"PortalSettingsUpdate.primary_color", "Branding.primary_text_color"} <= set(checked), checked
