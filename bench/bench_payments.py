"""Benchmark of the Remit payments engine (saved methods, sandbox processor) against its database limit and its
framework floor, side by side.

On a fresh PostgreSQL database loaded with `--customers` customers and `--invoices` open invoices (bulk_load.py),
every customer saves a sandbox card (4242…) and a US bank account (000123456789, with its debit mandate)
through POST /v1/customers/{id}/payment-methods. Then:

* settlement  `--settle` pending bank debits (COPY, the rows the app writes; bulk_payments.py) are settled by
              the sandbox clock: SandboxProcessor.advance(partner, 4) and, one unit of work per event as
              api/v1/sandbox_clock.py, inbound.receive_event; beside it the same writes as raw SQL on as many
              other debits (raw_payments.py). Events/s for each half and in total.
* api card    POST /v1/payments with the saved card, 1 cent on a random invoice of the customer, unique
              Idempotency-Key; 201 `succeeded` expected (three transactions: reserve, the sandbox's charge, apply);
* api bank    the same with the bank account; 201 `pending` expected;
* sql card / sql bank   the same writes as raw SQL through an asyncpg pool (raw_payments.py, the database limit);
* floor       GET /noop on a no-op FastAPI app served the same way.

Each HTTP figure runs `--duration` seconds after a warm-up at each concurrency in `--clients`, like
bench_api.py (both run on bench/harness/), and prints req/s, p50/p95/p99, errors and CPU ms per request split
client/server/database, with the ratios API/raw SQL and API/floor. Results go to bench/results/ as JSON; the
ledger is verified at the end and the database dropped unless `--keep-db`. Not a test: run it as
`.venv/bin/python bench/bench_payments.py`.
"""

from __future__ import annotations

import json
import random
import sys
import uuid
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import bulk_load
import raw_payments
import settlement
from harness import report
from harness.database import load_phase
from harness.load import FLOOR, Context, Op, Workloads, http_error, run_suite
from harness.options import Options, build_parser, options_from
from http_clients import HttpPool
from saved_methods import SavedMethods, attach_phase

EXPECTED_STATUS = {"card": "succeeded", "bank": "pending"}
COUNTED_TABLES = (
    "customers",
    "invoices",
    "payment_methods",
    "payments",
    "journal_entries",
    "journal_lines",
    "idempotency_keys",
    "outbox_events",
    "sandbox_charges",
    "sandbox_events",
    "processor_events",
)
SPEC = report.ReportSpec(
    title="Remit payments benchmark",
    names={"card": "card", "bank": "bank"},
    rate_targets={"card": "card payments", "bank": "bank payments"},
)


@dataclass(frozen=True)
class PaymentOptions(Options):
    settle: int
    attach_clients: int


def parse_args(argv: list[str] | None = None) -> PaymentOptions:
    p = build_parser(__doc__)
    p.add_argument(
        "--settle",
        type=int,
        default=20_000,
        help="pending bank debits settled by the app (and as many by raw SQL); 0 skips the settlement",
    )
    p.add_argument("--attach-clients", type=int, default=16, help="concurrent requests saving the methods")
    a = p.parse_args(argv)
    if 0 < a.settle < 4:
        p.error("--settle: 0, or at least 4 (the checks leave 4 debits pending that the app's batch includes)")
    return options_from(PaymentOptions, a)


# ----------------------------------------------------------------------------------------------------- workloads


def api_charge_op(http: HttpPool, data: bulk_load.Dataset, methods: dict[str, str], expect: str, rng: Any) -> Op:
    async def op() -> str | None:
        customer_id, invoice_id = data.random_invoice(rng)
        payload = {
            "customer_id": customer_id,
            "payment_method_id": methods[customer_id],
            "allocations": [{"invoice_id": invoice_id, "amount": 1}],
        }
        headers = {"Idempotency-Key": uuid.uuid4().hex}
        status, body = await http.request("POST", "/v1/payments", body=json.dumps(payload).encode(), headers=headers)
        error = http_error(status, body, 201)
        if error is None and f'"status":"{expect}"'.encode() not in body:
            return f"not {expect}: {body[:200].decode(errors='replace')}"
        return error

    return op


def sql_charge_op(
    pool: asyncpg.Pool, secret_hash: str, data: bulk_load.Dataset, methods: dict[str, str], expect: str, rng: Any
) -> Op:
    async def op() -> str | None:
        customer_id, invoice_id = data.random_invoice(rng)
        req = raw_payments.SavedMethodPayment(customer_id, methods[customer_id], invoice_id, 1, uuid.uuid4().hex)
        _, status = await raw_payments.pay_with_saved_method(pool, secret_hash, req)
        return None if status == expect else f"status {status}, not {expect}"

    return op


@dataclass
class PaymentContext(Context):
    methods: SavedMethods = field(default_factory=lambda: SavedMethods({}, {}))


WORKLOADS: Workloads[PaymentContext] = Workloads(
    order=("card", FLOOR, "bank"),
    api_op=lambda ctx, http, w: api_charge_op(http, ctx.data, ctx.methods.ids(w), EXPECTED_STATUS[w], ctx.rng),
    sql_op=lambda ctx, pool, w: sql_charge_op(
        pool, ctx.tenant.secret_hash, ctx.data, ctx.methods.ids(w), EXPECTED_STATUS[w], ctx.rng
    ),
)

# -------------------------------------------------------------------------------------------------------- main


def bench(opts: PaymentOptions, name: str, url: str) -> dict[str, Any]:
    revision = report.code_revision()
    tenant, loaded, load_seconds = load_phase(opts, url, name.replace("_", "-"))
    data = loaded.dataset
    methods, attach_seconds, pending = attach_phase(
        url, tenant, data, http_client=opts.http_client, clients=opts.attach_clients
    )
    settled: dict[str, Any] = {}
    if opts.settle > 0:
        settled = settlement.settlement_phase(
            url, tenant, data, methods.bank, pending, debits=opts.settle, batch_size=opts.batch_size, seed=opts.seed
        )
    ctx = PaymentContext(opts, url, tenant, data, random.Random(opts.seed), methods)
    measured = run_suite(ctx, WORKLOADS)
    load = report.load_summary(
        load_seconds, loaded, attach_seconds=round(attach_seconds, 1), methods=2 * len(methods.card)
    )
    results = report.finish(ctx, name, revision, SPEC, measured, tables=COUNTED_TABLES, load=load, settlement=settled)
    report.print_measurements(measured[0], results, SPEC)
    if settled:
        settlement.print_settlement(settled)
    report.print_footer(results)
    return results


def main(argv: list[str] | None = None) -> int:
    opts = parse_args(argv)
    results = report.run_and_save(opts, "bench_payments", lambda name, url: bench(opts, name, url))
    return 1 if report.failed(results) or settlement.errors(results["settlement"]) > 0 else 0


if __name__ == "__main__":
    sys.exit(main())
