"""No route or job queries tables itself: api/ and workers/ never import adapters.db.tables (the repositories do)."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.unit.test_domain_purity import imported_modules

ROOT = Path(__file__).resolve().parents[2]
TABLES = "adapters.db.tables"


def table_imports(path: Path, root: Path) -> list[str]:
    """Where a file imports the table module: `import adapters.db.tables`, `from adapters.db.tables import X` or
    `from adapters.db import tables`."""
    source = path.read_text()
    found = [(n, m) for n, m in imported_modules(source, path, root) if m == TABLES or m.startswith(TABLES + ".")]
    found += [
        (node.lineno, TABLES)
        for node in ast.walk(ast.parse(source, filename=str(path)))
        if isinstance(node, ast.ImportFrom)
        and node.level == 0
        and node.module == "adapters.db"
        and any(alias.name == "tables" for alias in node.names)
    ]
    return [f"{path.relative_to(root.parent)}:{lineno} imports {module!r}" for lineno, module in sorted(found)]


def test_no_module_under_api_or_workers_imports_the_tables() -> None:
    problems = []
    for layer in ("api", "workers"):
        files = sorted((ROOT / layer).rglob("*.py"))
        assert len(files) > 5, f"expected the {layer} package under {ROOT}"
        problems += [p for f in files for p in table_imports(f, ROOT / layer)]
    assert problems == [], "queries belong in repositories (adapters/db/):\n" + "\n".join(problems)


def test_the_checker_catches_each_form_of_import(tmp_path: Path) -> None:
    root = tmp_path / "api"
    root.mkdir()
    bad = root / "bad.py"
    bad.write_text(
        "import adapters.db.tables\n"
        "from adapters.db.tables import InvoiceRow\n"
        "from adapters.db import tables, unit_of_work\n"
        "from adapters.db import unit_of_work as fine\n"
        "def f():\n"
        "    from adapters.db.tables import core\n"
    )
    assert [p.split(":")[1].split(" ")[0] for p in table_imports(bad, root)] == ["1", "2", "3", "6"]
