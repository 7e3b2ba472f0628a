"""One catalogue of error codes (domain/errors.py ErrorCode): no code is spelled anywhere else, and the OpenAPI
document publishes them all."""

from __future__ import annotations

import ast
from pathlib import Path

from api.app import create_app
from domain.errors import ErrorCode

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("domain", "api", "adapters", "workers")


def _literal_codes(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg == "code" and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                    found.append((node.lineno, kw.value.value))
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            if name in {"problem", "respond_problem"} and len(node.args) >= 2:
                second = node.args[1]
                if isinstance(second, ast.Constant) and isinstance(second.value, str):
                    found.append((node.lineno, second.value))
        if isinstance(node, ast.ClassDef):
            for stmt in node.body:
                targets = stmt.targets if isinstance(stmt, ast.Assign) else []
                if any(isinstance(t, ast.Name) and t.id == "code" for t in targets):
                    value = stmt.value  # type: ignore[union-attr]
                    if isinstance(value, ast.Constant) and isinstance(value.value, str):
                        found.append((stmt.lineno, value.value))
    return found


def test_no_error_code_is_spelled_outside_the_catalogue() -> None:
    spelled = [
        f"{path.relative_to(ROOT)}:{line} {code!r}"
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        for line, code in _literal_codes(ast.parse(path.read_text()))
    ]
    assert not spelled, "use ErrorCode members:\n" + "\n".join(spelled)


def test_codes_are_snake_case_and_named_after_themselves() -> None:
    assert all(code.value == code.name.lower() and code.value.isidentifier() for code in ErrorCode)


def test_the_openapi_document_publishes_the_catalogue() -> None:
    doc = create_app().openapi()
    schemas = doc["components"]["schemas"]
    problem_code = schemas["Problem"]["properties"]["code"]
    enum = problem_code.get("enum") or schemas[problem_code["$ref"].rsplit("/", 1)[1]]["enum"]
    assert set(enum) == {code.value for code in ErrorCode}
