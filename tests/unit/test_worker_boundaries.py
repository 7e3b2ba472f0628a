"""workers/ reach the database only through the unit of work: no tables, no adapter query functions."""

from __future__ import annotations

from pathlib import Path

from tests.unit.test_domain_purity import imported_modules

WORKERS = Path(__file__).resolve().parents[2] / "workers"
# The composition root and its settings, and the unit of work a job opens; every other adapter is behind them.
ALLOWED_ADAPTERS = {"adapters.bootstrap", "adapters.settings", "adapters.db.unit_of_work"}


def test_workers_import_no_adapter_but_the_composition_root_and_the_unit_of_work() -> None:
    files = sorted(WORKERS.rglob("*.py"))
    assert len(files) > 5, f"expected the workers package at {WORKERS}"
    problems = [
        f"{path.relative_to(WORKERS.parent)}:{lineno} imports {module!r}"
        for path in files
        for lineno, module in imported_modules(path.read_text(), path, WORKERS)
        if module.split(".")[0] == "adapters" and module not in ALLOWED_ADAPTERS
    ]
    assert problems == [], "workers/ must go through the unit of work:\n" + "\n".join(problems)
