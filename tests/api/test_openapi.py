"""The committed OpenAPI document is the app's, and documents every operation properly."""

from __future__ import annotations

import json
from pathlib import Path

from api.app import create_app

COMMITTED = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"


def _generated() -> dict[str, object]:
    return json.loads(json.dumps(create_app().openapi(), sort_keys=True))  # type: ignore[no-any-return]


def test_committed_document_matches_the_app() -> None:
    committed = json.loads(COMMITTED.read_text())
    assert committed == _generated(), "openapi/openapi.json is stale: run `make openapi` and commit it"


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
            if path.startswith("/v1/"):
                assert "401" in op["responses"], f"{method} {path} does not declare 401"
                assert op["responses"]["401"]["content"]["application/problem+json"]
                if method == "post" and not path.endswith("/quote"):  # a quote changes nothing
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
