"""Benchmark of the Remit API against its database limit and its framework floor, side by side.

What it measures, on a fresh PostgreSQL database loaded with `--customers` customers and `--invoices` open
invoices (each with one line and its `invoice_issued` journal entry, loaded with COPY):

* api list     GET /v1/invoices?customer_id=<random>&limit=20 (first page) on the real app under uvicorn;
* api payment  POST /v1/payments, 1 cent by check on a random invoice of the customer, unique Idempotency-Key;
* sql list / sql payment   the same reads / writes as raw SQL through an asyncpg pool (the database limit);
* floor        GET /noop on a no-op FastAPI app served the same way (the framework + client floor).

Each runs for `--duration` seconds (after a short warm-up) at each concurrency in `--clients`: N loops
sharing one HTTP client (or one asyncpg pool) of N connections. The HTTP client is a lean keep-alive pool
(bench/http_clients.py) by default, `--http-client httpx` for httpx.AsyncClient, which on 2 cores costs more
CPU per request than the no-op server and so hides the floor. It prints requests, req/s, p50/p95/p99
latency and errors, the ratios API/raw SQL and API/floor, and whether the targets of QUALITY.md hold; the
figures go to bench/results/ as JSON. The ledger is verified at the end and the database dropped unless
`--keep-db`. Not a test: run it as `.venv/bin/python bench/bench_api.py`.
"""

from __future__ import annotations

import json
import random
import sys
import uuid
from typing import Any

import asyncpg
import bulk_load
import raw_sql
from harness import report
from harness.database import load_phase
from harness.load import FLOOR, Context, Op, Workloads, http_error, run_suite
from harness.options import Options, build_parser, options_from
from http_clients import HttpPool

COUNTED_TABLES = ("customers", "invoices", "invoice_lines", "journal_entries", "journal_lines", "payments")
LIST_P99_TARGET_MS = 30.0
SPEC = report.ReportSpec(
    title="Remit API benchmark",
    names={"list": "list", "payment": "payments"},
    rate_targets={"payment": "payments"},
    p99_targets={"list": LIST_P99_TARGET_MS},
)


def parse_args(argv: list[str] | None = None) -> Options:
    return options_from(Options, build_parser(__doc__).parse_args(argv))


# ----------------------------------------------------------------------------------------------------- workloads


def api_list_op(http: HttpPool, data: bulk_load.Dataset, rng: random.Random) -> Op:
    async def op() -> str | None:
        params: dict[str, str | int] = {"customer_id": data.random_customer(rng), "limit": 20}
        status, body = await http.request("GET", "/v1/invoices", params=params)
        return http_error(status, body, 200)

    return op


def api_payment_op(http: HttpPool, data: bulk_load.Dataset, rng: random.Random) -> Op:
    async def op() -> str | None:
        customer_id, invoice_id = data.random_invoice(rng)
        payload = {
            "customer_id": customer_id,
            "method": "check",
            "allocations": [{"invoice_id": invoice_id, "amount": 1}],
        }
        headers = {"Idempotency-Key": uuid.uuid4().hex}
        status, body = await http.request("POST", "/v1/payments", body=json.dumps(payload).encode(), headers=headers)
        return http_error(status, body, 201)

    return op


def sql_list_op(pool: asyncpg.Pool, secret_hash: str, data: bulk_load.Dataset, rng: random.Random) -> Op:
    async def op() -> str | None:
        await raw_sql.list_invoices(pool, secret_hash, data.random_customer(rng))
        return None

    return op


def sql_payment_op(pool: asyncpg.Pool, secret_hash: str, data: bulk_load.Dataset, rng: random.Random) -> Op:
    async def op() -> str | None:
        customer_id, invoice_id = data.random_invoice(rng)
        req = raw_sql.PaymentRequest(customer_id, invoice_id, 1, uuid.uuid4().hex)
        await raw_sql.record_payment(pool, secret_hash, req)
        return None

    return op


WORKLOADS: Workloads[Context] = Workloads(
    order=("list", FLOOR, "payment"),
    api_op=lambda ctx, http, w: (api_list_op if w == "list" else api_payment_op)(http, ctx.data, ctx.rng),
    sql_op=lambda ctx, pool, w: (sql_list_op if w == "list" else sql_payment_op)(
        pool, ctx.tenant.secret_hash, ctx.data, ctx.rng
    ),
)

# -------------------------------------------------------------------------------------------------------- main


def bench(opts: Options, name: str, url: str) -> dict[str, Any]:
    revision = report.code_revision()
    tenant, loaded, load_seconds = load_phase(opts, url, name.replace("_", "-"))
    ctx = Context(opts, url, tenant, loaded.dataset, random.Random(opts.seed))
    measured = run_suite(ctx, WORKLOADS)
    results = report.finish(
        ctx, name, revision, SPEC, measured, tables=COUNTED_TABLES, load=report.load_summary(load_seconds, loaded)
    )
    report.print_measurements(measured[0], results, SPEC)
    report.print_footer(results)
    return results


def main(argv: list[str] | None = None) -> int:
    opts = parse_args(argv)
    results = report.run_and_save(opts, "bench_api", lambda name, url: bench(opts, name, url))
    return 1 if report.failed(results) else 0


if __name__ == "__main__":
    sys.exit(main())
