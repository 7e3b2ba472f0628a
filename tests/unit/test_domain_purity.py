"""domain/ imports only the standard library and itself: checked by walking every import with `ast`."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[2] / "domain"
ALLOWED_ROOTS = set(sys.stdlib_module_names) | {"domain"}


def _package_of(path: Path, root: Path) -> list[str]:
    """The package a file's relative imports start from: domain/ledger/model.py and
    domain/ledger/__init__.py both give ["domain", "ledger"]."""
    return list(path.relative_to(root.parent).parts[:-1])


def imported_modules(source: str, path: Path, root: Path = DOMAIN) -> list[tuple[int, str]]:
    """Every module a file imports, relative imports resolved to absolute names."""
    out: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source, filename=str(path))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                out.append((node.lineno, node.module or ""))
                continue
            package = _package_of(path, root)
            if node.level - 1 >= len(package):  # climbs out of domain/ entirely
                out.append((node.lineno, "." * node.level + (node.module or "")))
                continue
            base = package[: len(package) - (node.level - 1)]
            out.append((node.lineno, ".".join([*base, *([node.module] if node.module else [])])))
    return out


def violations(path: Path, root: Path = DOMAIN) -> list[str]:
    found = []
    for lineno, module in imported_modules(path.read_text(), path, root):
        if module.split(".")[0] not in ALLOWED_ROOTS:
            found.append(f"{path.relative_to(root.parent)}:{lineno} imports {module!r}")
    return found


def test_domain_imports_only_the_standard_library_and_itself() -> None:
    files = sorted(DOMAIN.rglob("*.py"))
    assert len(files) > 10, f"expected the domain package at {DOMAIN}"
    problems = [v for f in files for v in violations(f)]
    assert problems == [], "domain/ must stay pure:\n" + "\n".join(problems)


def test_the_checker_catches_each_kind_of_import(tmp_path: Path) -> None:
    root = tmp_path / "domain"
    (root / "sub").mkdir(parents=True)
    bad = root / "sub" / "bad.py"
    bad.write_text(
        "import os, sqlalchemy.orm\n"
        "from typing import TYPE_CHECKING\n"
        "from pydantic import BaseModel\n"
        "from . import sibling\n"
        "from ..money import Money\n"
        "from ... import escapes\n"
        "if TYPE_CHECKING:\n"
        "    import fastapi\n"
        "def f():\n"
        "    import httpx\n"
    )
    found = violations(bad, root)
    offenders = [v.split(" imports ")[1] for v in found]
    assert offenders == ["'sqlalchemy.orm'", "'pydantic'", "'...'", "'fastapi'", "'httpx'"]
    assert all(v.startswith(str(Path("domain/sub/bad.py"))) for v in found)
    modules = [m for _, m in imported_modules(bad.read_text(), bad, root)]
    assert "domain.sub" in modules and "domain.money" in modules
