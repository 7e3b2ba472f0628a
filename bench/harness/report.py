"""The report: the table of figures, the ratios to raw SQL and to the floor, the targets, which code was measured
and whether the ledger held; saved as JSON in bench/results/."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import bulk_load
from rich.table import Table

from harness.database import check_ledger, in_fresh_database, table_counts
from harness.load import FLOOR, Context, Sample
from harness.options import Options
from harness.runtime import REPO, RESULTS, console, run
from harness.servers import SERVER_ENV

RATE_TARGET = 0.5  # the API at this share of the raw-SQL rate, or better


@dataclass(frozen=True)
class ReportSpec:
    title: str  # of the results table
    names: dict[str, str]  # each workload but the floor, in table order -> its name in the ratio lines
    rate_targets: dict[str, str]  # workload -> its name in the target "<name> >= 50% of raw SQL"
    p99_targets: dict[str, float] = field(default_factory=dict)  # workload -> p99 limit in ms at 32 clients

    @property
    def order(self) -> dict[str, int]:
        return {w: n for n, w in enumerate([*self.names, FLOOR])}


def find(samples: list[Sample], workload: str, kind: str, clients: int, workers: int | None) -> Sample | None:
    for s in samples:
        if (s.workload, s.kind, s.clients) == (workload, kind, clients) and (kind == "sql" or s.workers == workers):
            return s
    return None


def _cpu_cell(s: Sample) -> str:
    c = s.cpu_ms
    return f"{c.get('client', 0):.2f}/{c.get('server', 0):.2f}/{c.get('database', 0):.2f}"


def results_table(samples: list[Sample], spec: ReportSpec) -> Table:
    """Rows by concurrency, then workload (in the spec's order), raw SQL first, then by worker count."""
    order = spec.order
    table = Table(title=spec.title, show_lines=False)
    for col in (
        "workload",
        "clients",
        "requests",
        "req/s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "max ms",
        "errors",
        "CPU ms/req cli/srv/db",
        "load avg",
    ):
        table.add_column(col, justify="left" if col == "workload" else "right")
    for s in sorted(
        samples, key=lambda s: (s.clients, order.get(s.workload, len(order)), s.kind != "sql", s.workers or 0)
    ):
        table.add_row(
            s.label,
            str(s.clients),
            f"{s.requests:,}",
            f"{s.rps:,.1f}",
            f"{s.p50_ms:.2f}",
            f"{s.p95_ms:.2f}",
            f"{s.p99_ms:.2f}",
            f"{s.max_ms:.1f}",
            f"[red]{s.errors}[/red]" if s.errors else "0",
            _cpu_cell(s),
            f"{s.load_avg[0]:.1f}->{s.load_avg[1]:.1f}",
        )
    return table


def ratio(a: Sample | None, b: Sample | None) -> float | None:
    """a's requests per second over b's; None when either is missing or b did none."""
    return a.rps / b.rps if a and b and b.rps else None


def pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def ratios(samples: list[Sample], opts: Options, spec: ReportSpec) -> list[dict[str, Any]]:
    """Per worker count and concurrency: each workload through the API over raw SQL, then over the floor."""
    out = []
    for workers in opts.workers:
        for clients in opts.clients:
            floor = find(samples, FLOOR, "floor", clients, workers)
            api = {w: find(samples, w, "api", clients, workers) for w in spec.names}
            row: dict[str, Any] = {"workers": workers, "clients": clients}
            for w in spec.names:
                row[f"api_{w}_vs_sql_{w}"] = ratio(api[w], find(samples, w, "sql", clients, None))
            for w in spec.names:
                row[f"api_{w}_vs_floor"] = ratio(api[w], floor)
            out.append(row)
    return out


def targets(samples: list[Sample], opts: Options, spec: ReportSpec) -> list[dict[str, Any]]:
    out = []
    for workers in opts.workers:
        for w, limit in spec.p99_targets.items():
            at32 = find(samples, w, "api", 32, workers)
            if at32:
                out.append(
                    {
                        "target": f"{w} p99 < {limit:.0f} ms at 32 clients ({workers}w)",
                        "value": round(at32.p99_ms, 2),
                        "holds": at32.p99_ms < limit and at32.errors == 0,
                    }
                )
        for clients in opts.clients:
            for w, name in spec.rate_targets.items():
                api = find(samples, w, "api", clients, workers)
                value = ratio(api, find(samples, w, "sql", clients, None))
                if api and value is not None:
                    out.append(
                        {
                            "target": f"{name} >= {RATE_TARGET:.0%} of raw SQL at {clients} clients ({workers}w)",
                            "value": round(value, 3),
                            "holds": value >= RATE_TARGET and api.errors == 0,
                        }
                    )
    return out


def code_revision() -> str:
    """HEAD, plus "+dirty" when the app's sources differ from it (others may be editing the tree)."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=False)
        return done.stdout.strip()

    dirty = git("status", "--porcelain", "--", "api", "adapters", "domain", "workers", "migrations")
    return (git("rev-parse", "--short", "HEAD") or "unknown") + ("+dirty" if dirty else "")


def load_summary(seconds: float, loaded: bulk_load.LoadResult, **more: Any) -> dict[str, Any]:
    return {
        "seconds": round(seconds, 1),
        "copy_seconds": round(loaded.copy_seconds, 1),
        "analyze_seconds": round(loaded.analyze_seconds, 1),
        **more,
    }


def finish(
    ctx: Context,
    name: str,
    revision: str,
    spec: ReportSpec,
    measured: tuple[list[Sample], dict[str, float]],
    *,
    tables: tuple[str, ...],
    load: dict[str, Any],
    **extra: Any,
) -> dict[str, Any]:
    """After the measurements (`run_suite`'s samples and RSS): count the rows, verify the ledger, and put the
    report together (`extra` goes after the row counts)."""
    samples, rss = measured
    counts = run(table_counts(ctx.url, tables))
    ledger = run(check_ledger(ctx.url))
    return {
        "when": datetime.now(UTC).isoformat(),
        "database": name,
        "options": asdict(ctx.opts),
        "cpus": os.cpu_count(),
        "code_revision": {"start": revision, "end": code_revision()},
        "server_env": SERVER_ENV,
        "load": load,
        "rows": counts,
        **extra,
        "samples": [asdict(s) for s in samples],
        "ratios": ratios(samples, ctx.opts, spec),
        "targets": targets(samples, ctx.opts, spec),
        "server_rss_mb": rss,
        "ledger": ledger,
    }


def print_measurements(samples: list[Sample], report: dict[str, Any], spec: ReportSpec) -> None:
    """The table, the ratios, the targets and the first errors of each figure."""
    console.print(results_table(samples, spec))
    for r in report["ratios"]:
        parts = [f"API {n} / raw-SQL {n} {pct(r[f'api_{w}_vs_sql_{w}'])}" for w, n in spec.names.items()]
        parts += [f"API {n} / floor {pct(r[f'api_{w}_vs_floor'])}" for w, n in spec.names.items()]
        console.print(f"Ratios at {r['clients']:>2} clients, {r['workers']} worker(s): " + "; ".join(parts))
    for t in report["targets"]:
        mark = "[green]MET[/green]" if t["holds"] else "[red]MISSED[/red]"
        console.print(f"Target {t['target']}: {t['value']} -> {mark}")
    for s in samples:
        for e in s.error_samples:
            console.print(f"[red]error[/red] {s.label} at {s.clients} clients: {e}")


def print_footer(report: dict[str, Any]) -> None:
    """The servers' memory, which code was measured, and whether the ledger still holds after the run."""
    console.print(f"Server RSS after the run (MB): {report['server_rss_mb']}")
    revision, revision_after = report["code_revision"]["start"], report["code_revision"]["end"]
    if revision_after != revision:
        console.print(f"[yellow]The code changed during the run: {revision} -> {revision_after}[/yellow]")
    else:
        console.print(f"Code revision: {revision}")
    ledger = report["ledger"]
    verdict = "[green]holds[/green]" if ledger["holds"] else f"[red]FAILED ({ledger['violations']})[/red]"
    console.print(
        f"Ledger verification over {ledger['subjects']:,} invoices and payments: {verdict} "
        f"in {ledger['seconds']}s {ledger['first_violations'] or ''}"
    )


def save(report: dict[str, Any], script: str) -> Path:
    out = RESULTS / f"{script}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2, default=str) + "\n")
    return out


def run_and_save(opts: Options, script: str, bench: Callable[[str, str], dict[str, Any]]) -> dict[str, Any]:
    """`bench(name, url)` in a fresh database, its report saved as bench/results/<script>-<time>.json."""

    def body(name: str, url: str) -> dict[str, Any]:
        report = bench(name, url)
        console.print(f"Saved {save(report, script).relative_to(REPO)}")
        return report

    return in_fresh_database(opts, body)


def failed(report: dict[str, Any]) -> bool:
    """The ledger broke, or a request errored."""
    return not report["ledger"]["holds"] or any(s["errors"] for s in report["samples"])
