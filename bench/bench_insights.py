"""Benchmark of the insights endpoints (/v1/insights/summary, aging, collected, dso) on a bulk-loaded database.

It loads `--customers` customers and `--invoices` open invoices as `bench_api.py` does (bulk_load.py: issued over
the last 180 days, each with its `invoice_issued` entry), then pays about 40 % of the invoices issued more than 5
days ago in full, offline (check, cash or bank transfer), 5 to 44 days after issue and never in the future: one
payment, its allocation, its `payment_applied` entry and 2 lines each, written by INSERT … SELECT in one
transaction (the ledger's balance triggers check them at commit), and the invoices marked paid. Both loads COPY and
INSERT journal lines past the repository that keeps the insights rollup, so the script then fills the rollup from
the journal with the migration's own backfill (adapters/db/insights_rollup.backfill). Then it serves the app under
uvicorn and measures each endpoint, one at a time, at each concurrency in `--clients` (default 1):

* summary     GET /v1/insights/summary?currency=USD (today);
* summary_past  the same as of 60 days ago (the as-of cut in every sum);
* aging       GET /v1/insights/aging?currency=USD&limit=20 (first page);
* collected   GET /v1/insights/collected?currency=USD&from=<12 months ago>;
* dso         GET /v1/insights/dso?currency=USD&from=<12 months ago>.

How they are fast: they never read journal lines. Every journal write also adds its per-invoice lines to a rollup
by day of creation (UTC) in the same transaction: sums per (day, due date, payment method), per (invoice, day),
and the changes of each invoice's "fully paid" state. As every insight cuts at a midnight, a figure as of any past
day is the sum of the rollup's days up to it: aging and pending read about one row per day and due date, the
series one per day and method, days to pay one per (paid day, issue date) of the last 90 days, and an aging page
walks its customers' invoices (ix_invoices_partner_id_customer_id_id) and their days. A few thousand rows, however
large the journal.

It prints req/s and p50/p95/p99 latency for each, the target (p50 < 300 ms at 1 client), and EXPLAIN (ANALYZE,
BUFFERS) of the statements behind the summary and an aging page, captured through the app's own repository. Not a
test: run it as
`.venv/bin/python bench/bench_insights.py --invoices 100000 --customers 1000 --duration 10`.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg
from bulk_load import roll_up
from cpu_meter import CpuMeter
from harness import report
from harness.database import in_fresh_database, load_phase
from harness.load import Op, Sample, announce, http_error, measure
from harness.options import Options, build_parser, options_from
from harness.runtime import console, run
from harness.servers import Server, serve_api
from http_clients import HttpPool, make_pool

P50_TARGET_MS = 300.0

# Deterministic choices per invoice, from its id: whether it is paid, when, and how.
PAY_SQL = """
CREATE TEMP TABLE bench_paid ON COMMIT DROP AS
SELECT i.id AS invoice_id, i.customer_id, i.total, i.created_at AS issued_at,
       LEAST(i.created_at + ((h % 40) + 5) * interval '1 day', now() - interval '1 minute') AS paid_at,
       (ARRAY['check', 'cash', 'bank_transfer'])[(h / 40) % 3 + 1] AS method,
       substr(i.id, 5) AS tail
FROM (SELECT *, abs(hashtext(id)) AS h FROM invoices WHERE partner_id = $1) i
WHERE i.h % 10 < 4 AND i.created_at < now() - interval '5 days';
"""
SHIFT = "translate(tail, '0123456789ABCDEFGHJKMNPQRSTVWXYZ', '{}')"
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def _shifted(n: int) -> str:
    return SHIFT.format(ALPHABET[n:] + ALPHABET[:n])


INSERTS = [
    """INSERT INTO payments (id, partner_id, customer_id, method, status, amount, fee, currency, reference,
        received_on, transaction_id, attempt, created_at, updated_at, settled_at)
    SELECT 'pay_' || tail, $1, customer_id, method, 'succeeded', total, 0, 'USD', 'Bench',
        (paid_at AT TIME ZONE 'UTC')::date, 'BN-' || substr(tail, 11, 16), 1, paid_at, paid_at, paid_at
    FROM bench_paid""",
    f"""INSERT INTO allocations (id, partner_id, payment_id, invoice_id, position, amount)
    SELECT 'alc_' || {_shifted(1)}, $1, 'pay_' || tail, invoice_id, 0, total FROM bench_paid""",
    f"""INSERT INTO journal_entries (id, partner_id, reason, payment_id, created_at)
    SELECT 'je_' || {_shifted(2)}, $1, 'payment_applied', 'pay_' || tail, paid_at FROM bench_paid""",
    f"""INSERT INTO journal_lines (id, partner_id, entry_id, position, account, invoice_id, currency, amount)
    SELECT 'jl_' || {_shifted(3)}, $1, 'je_' || {_shifted(2)}, 0, 'cash', NULL, 'USD', total FROM bench_paid
    UNION ALL
    SELECT 'jl_' || {_shifted(4)}, $1, 'je_' || {_shifted(2)}, 1, 'receivable', invoice_id, 'USD', -total
    FROM bench_paid""",
    "UPDATE invoices SET status = 'paid' FROM bench_paid WHERE invoices.id = bench_paid.invoice_id",
]


async def pay_some(url: str, partner_id: str) -> int:
    conn = await asyncpg.connect(url)
    try:
        async with conn.transaction():
            await conn.execute("SET LOCAL synchronous_commit = off")
            await conn.execute(PAY_SQL.replace("$1", "'" + partner_id.replace("'", "") + "'"))
            count = int(await conn.fetchval("SELECT count(*) FROM bench_paid"))
            for sql in INSERTS:
                if "$1" in sql:
                    await conn.execute(sql, partner_id)
                else:
                    await conn.execute(sql)
        for table in ("payments", "allocations", "journal_entries", "journal_lines", "invoices"):
            await conn.execute(f"ANALYZE {table}")
        return count
    finally:
        await conn.close()


def workloads(today: date) -> dict[str, Callable[[HttpPool], Op]]:
    year_ago = str(date(today.year - 1, today.month, 1))

    def get(path: str, params: dict[str, str | int]) -> Callable[[HttpPool], Op]:
        def make(http: HttpPool) -> Op:
            async def op() -> str | None:
                status, body = await http.request("GET", path, params=params)
                return http_error(status, body, 200)

            return op

        return make

    usd: dict[str, str | int] = {"currency": "USD"}
    return {
        "summary": get("/v1/insights/summary", usd),
        "summary_past": get("/v1/insights/summary", {**usd, "as_of": str(today - timedelta(days=60))}),
        "aging": get("/v1/insights/aging", {**usd, "limit": 20}),
        "collected": get("/v1/insights/collected", {**usd, "from": year_ago}),
        "dso": get("/v1/insights/dso", {**usd, "from": year_ago}),
    }


async def explain_summary(url: str, partner_id: str) -> list[str]:
    """EXPLAIN ANALYZE of each statement the summary and the aging page run, captured from the repository."""
    from sqlalchemy import event
    from sqlalchemy.ext.asyncio import create_async_engine

    from adapters.db.insights import SqlInsights
    from domain.insights.model import cutoff

    engine = create_async_engine(url.replace("postgresql://", "postgresql+asyncpg://"))
    plans: list[str] = []
    statements: list[tuple[str, Any]] = []

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _grab(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            statements.append((statement, parameters))

    from sqlalchemy.ext.asyncio import AsyncSession

    async with AsyncSession(engine) as session:
        today = datetime.now(UTC).date()
        end = cutoff(today)
        insights = SqlInsights(session, partner_id)
        await insights.position("USD", today)
        await insights.flows("USD", [end - timedelta(days=30), end], since=end - timedelta(days=90))
        await insights.paid_spans("USD", end - timedelta(days=90), end)
        await insights.aging_by_customer("USD", today, before_customer=None, limit=20)
        raw = await (await session.connection()).get_raw_connection()
        driver = raw.driver_connection
        for statement, parameters in statements:
            rows = await driver.fetch("EXPLAIN (ANALYZE, BUFFERS) " + statement, *parameters)
            plans.append("\n".join(r[0] for r in rows))
    await engine.dispose()
    return plans


async def one_figure(
    opts: Options, url: str, server: Server, secret: str, workload: str, make: Callable[[HttpPool], Op], clients: int
) -> Sample:
    http = make_pool(opts.http_client, server.base_url, clients, {"Authorization": f"Bearer {secret}"})
    try:
        return await measure(workload, "api", make(http), clients, 1, opts, CpuMeter(url, server.process.pid))
    finally:
        await http.aclose()


def bench(opts: Options, name: str, url: str) -> dict[str, Any]:
    tenant, _loaded, load_seconds = load_phase(opts, url, name.replace("_", "-"))
    started = time.perf_counter()
    paid = run(pay_some(url, tenant.partner_id))
    console.print(f"Paid {paid:,} invoices in {time.perf_counter() - started:.1f}s")
    rollup_seconds = run(roll_up(url))
    console.print(f"Rolled the journal up for insights in {rollup_seconds:.1f}s")
    samples: list[Sample] = []
    today = datetime.now(UTC).date()
    with serve_api(url, name="api-1w", workers=1) as server:
        for clients in opts.clients:
            for workload, make in workloads(today).items():
                sample = run(one_figure(opts, url, server, tenant.secret, workload, make, clients))
                announce(sample)
                samples.append(sample)
    plans = run(explain_summary(url, tenant.partner_id))
    for plan in plans:
        console.print(plan, highlight=False, markup=False)
        console.print()
    one = [s for s in samples if s.clients == 1]
    results: dict[str, Any] = {
        "name": name,
        "revision": report.code_revision(),
        "invoices": opts.invoices,
        "customers": opts.customers,
        "paid": paid,
        "load_seconds": round(load_seconds, 1),
        "rollup_seconds": round(rollup_seconds, 1),
        "samples": [s.__dict__ for s in samples],
        "plans": plans,
        "target_p50_ms": P50_TARGET_MS,
        "target_met": bool(one) and all(s.p50_ms < P50_TARGET_MS and not s.errors for s in one),
    }
    for s in one:
        mark = "met" if s.p50_ms < P50_TARGET_MS else "MISSED"
        console.print(
            f"{s.workload:<13} p50 {s.p50_ms:8.1f} ms  p95 {s.p95_ms:8.1f} ms  (< {P50_TARGET_MS:.0f}: {mark})"
        )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = build_parser(__doc__)
    parser.set_defaults(clients=[1])
    opts = options_from(Options, parser.parse_args(argv))
    results = in_fresh_database(opts, lambda name, url: bench(opts, name, url))
    path = report.save(results, "bench_insights")
    console.print(f"Saved {path}")
    return 0 if results["target_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
