"""Benchmark of the Remit payments engine (saved methods, sandbox processor) against its database limit and its
framework floor, side by side.

On a fresh PostgreSQL database loaded with `--customers` customers and `--invoices` open invoices (bulk_load.py),
every customer saves a sandbox card (4242…) and a US bank account (000123456789, with its debit mandate)
through POST /v1/customers/{id}/payment-methods. Then:

* settlement  `--settle` pending bank debits (COPY, the rows the app writes; bulk_payments.py) are settled by
              the sandbox clock: SandboxProcessor.advance(partner, 3) and, one unit of work per event as
              api/v1/sandbox_clock.py, inbound.receive_event; beside it the same writes as raw SQL on as many
              other debits (raw_payments.py). Events/s for each half and in total.
* api card    POST /v1/payments with the saved card, 1 cent on a random invoice of the customer, unique
              Idempotency-Key; 201 `succeeded` expected (three transactions: reserve, the sandbox's charge, apply);
* api bank    the same with the bank account; 201 `pending` expected;
* sql card / sql bank   the same writes as raw SQL through an asyncpg pool (raw_payments.py, the database limit);
* floor       GET /noop on a no-op FastAPI app served the same way.

Each HTTP figure runs `--duration` seconds after a warm-up at each concurrency in `--clients`, like
bench_api.py (whose helpers this reuses), and prints req/s, p50/p95/p99, errors and CPU ms per request split
client/server/database, with the ratios API/raw SQL and API/floor. Results go to bench/results/ as JSON; the
ledger is verified at the end and the database dropped unless `--keep-db`. Not a test: run it as
`.venv/bin/python bench/bench_payments.py`.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sys
import time
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import asyncpg
from rich.table import Table

from adapters.bootstrap import build
from adapters.processors.sandbox import signing
from adapters.settings import Settings, derived_secret
from domain.payments.inbound import receive_event

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import bench_api  # noqa: E402  (sibling modules of this script)
import bulk_load  # noqa: E402
import bulk_payments  # noqa: E402
import raw_payments  # noqa: E402
from bench_api import REPO, Op, Sample, Server, Tenant, console, run  # noqa: E402
from cpu_meter import CpuMeter, cpu_ms_per_request  # noqa: E402
from http_clients import HttpPool, make_pool  # noqa: E402

CARD = {
    "type": "card",
    "number": "4242424242424242",
    "exp_month": 12,
    "exp_year": datetime.now(UTC).year + 3,
    "cvc": "123",
}
BANK_ACCOUNT = {
    "type": "us_bank_account",
    "routing_number": "110000000",
    "account_number": "000123456789",
    "account_holder_name": "Accounts Payable",
}
MANDATE = {"ip_address": "203.0.113.7"}
SETTLE_DAYS = 3  # ACH settles two banking days after submission; three calendar days cover a weekday
WORKLOAD_ORDER = {"card": 0, "bank": 1, "noop": 2}
EXPECTED_STATUS = {"card": "succeeded", "bank": "pending"}
PAYMENT_RATIO_TARGET = bench_api.PAYMENT_RATIO_TARGET
# Jobs are left to the arq worker, as in production (bench_api.JOBS_IN_WORKER): otherwise the cron's 5-minute
# in-flight sweep would refresh every pending debit inside the server being measured.
SERVER_ENV = bench_api.JOBS_IN_WORKER
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

# ---------------------------------------------------------------------------------------------------- options


@dataclass(frozen=True)
class Options(bench_api.Options):
    settle: int
    attach_clients: int


def parse_args(argv: list[str] | None = None) -> Options:
    p = bench_api.build_parser(__doc__.split("\n\n")[0] if __doc__ else None)
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
    return Options(**bench_api.common_options(a), settle=a.settle, attach_clients=a.attach_clients)


# ------------------------------------------------------------------------------------------- saved methods


@dataclass
class SavedMethods:
    card: dict[str, str]  # customer id -> payment method id
    bank: dict[str, bulk_payments.BankMethod]

    def ids(self, workload: str) -> dict[str, str]:
        return self.card if workload == "card" else {c: m.id for c, m in self.bank.items()}


async def _attach_all(url: str, opts: Options, tenant: Tenant, customer_ids: list[str], server: Server) -> SavedMethods:
    container = build(Settings(database_url=url, env="test"))
    http = make_pool(
        opts.http_client, server.base_url, opts.attach_clients, {"Authorization": f"Bearer {tenant.secret}"}
    )
    card: dict[str, str] = {}
    bank: dict[str, str] = {}
    todo = list(reversed(customer_ids))

    async def attach(customer_id: str, details: dict[str, Any], extra: dict[str, Any]) -> str:
        token = await container.sandbox.tokenize(details)  # the browser's tokenizer; the full number stops there
        body = json.dumps({"token": token["id"], **extra}).encode()
        path = f"/v1/customers/{customer_id}/payment-methods"
        status, payload = await http.request("POST", path, body=body, headers={"Idempotency-Key": uuid.uuid4().hex})
        if status != 201:
            raise RuntimeError(f"attaching a {details['type']} to {customer_id}: HTTP {status} {payload[:300]!r}")
        return str(json.loads(payload)["id"])

    async def worker(bar: Any, task: Any) -> None:
        while todo:
            customer_id = todo.pop()
            card[customer_id] = await attach(customer_id, CARD, {})  # the first saved becomes the default
            bank[customer_id] = await attach(customer_id, BANK_ACCOUNT, {"mandate": MANDATE})
            bar.advance(task)

    try:
        with bulk_load._progress() as bar:
            task = bar.add_task("Save a card and a bank account", total=len(customer_ids), rate="")
            await asyncio.gather(*(worker(bar, task) for _ in range(opts.attach_clients)))
    finally:
        await http.aclose()
        await container.close()
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch("SELECT id, processor_method_id FROM payment_methods WHERE type = 'us_bank_account'")
    finally:
        await conn.close()
    processor_ids = {r["id"]: r["processor_method_id"] for r in rows}
    return SavedMethods(card, {c: bulk_payments.BankMethod(m, processor_ids[m]) for c, m in bank.items()})


async def _check_raw_payments(
    url: str, opts: Options, tenant: Tenant, data: bulk_load.Dataset, methods: SavedMethods, server: Server
) -> list[str]:
    """A card payment and a bank debit through the API and the same through raw_payments, each pair on two
    untouched invoices of one customer: the rows they write must match, ids and times aside. Returns the ids of
    the two bank debits, pending until the settlement."""
    index = max(range(len(data.customer_ids)), key=lambda i: len(data.invoices_by_customer[i]))
    customer_id, invoices = data.customer_ids[index], data.invoices_by_customer[index]
    if len(invoices) < 6:
        raise RuntimeError("the check needs a customer with 6 invoices; load more invoices per customer")
    http = make_pool(opts.http_client, server.base_url, 1, {"Authorization": f"Bearer {tenant.secret}"})
    pool = await asyncpg.create_pool(url, min_size=1, max_size=1)
    pending = []
    try:
        for n, workload in enumerate(("card", "bank")):
            api_invoice, sql_invoice = invoices[2 + 2 * n : 4 + 2 * n]  # the first two are the debits' check
            method_id = methods.ids(workload)[customer_id]
            allocations = [{"invoice_id": api_invoice, "amount": 1}]
            payload = {"customer_id": customer_id, "payment_method_id": method_id, "allocations": allocations}
            status, body = await http.request(
                "POST", "/v1/payments", body=json.dumps(payload).encode(), headers={"Idempotency-Key": uuid.uuid4().hex}
            )
            if status != 201:
                raise RuntimeError(f"API {workload} payment: HTTP {status} {body[:300]!r}")
            req = raw_payments.SavedMethodPayment(customer_id, method_id, sql_invoice, 1, uuid.uuid4().hex)
            sql_id, _ = await raw_payments.pay_with_saved_method(pool, tenant.secret_hash, req)
            api_id = json.loads(body)["id"]
            async with pool.acquire() as conn:
                bulk_payments.same_rows(
                    f"Raw-SQL {workload} payments",
                    await bulk_payments.rows_written(conn, api_id, api_invoice),
                    await bulk_payments.rows_written(conn, sql_id, sql_invoice),
                )
            if workload == "bank":
                pending += [api_id, sql_id]
    finally:
        await pool.close()
        await http.aclose()
    return pending


def attach_phase(
    url: str, opts: Options, tenant: Tenant, data: bulk_load.Dataset
) -> tuple[SavedMethods, float, list[str]]:
    """Save the methods through the API (and check the raw-SQL payments against it while it is up); the
    methods, the seconds taken and the bank debits the check left pending."""
    env = {"REMIT_DATABASE_URL": url, "REMIT_ENV": "test", **bench_api.UNLIMITED, **SERVER_ENV}
    with bench_api.serve("api-setup", "api.main:app", workers=1, env=env, app_dir=REPO) as server:
        started = time.perf_counter()
        methods = run(_attach_all(url, opts, tenant, data.customer_ids, server))
        seconds = time.perf_counter() - started
        console.print(
            f"Saved {2 * len(methods.card):,} methods through the API in {seconds:.1f}s "
            f"({2 * len(methods.card) / seconds:,.0f}/s, tokenizing included)"
        )
        pending = run(_check_raw_payments(url, opts, tenant, data, methods, server))
        console.print("Raw-SQL card payments and bank debits write the same rows as the API's (one of each checked)")
    return methods, seconds, pending


# ------------------------------------------------------------------------------------------------ settlement


@dataclass
class Phase:
    name: str  # sandbox advance | apply events | total
    kind: str  # app | sql
    events: int
    seconds: float
    cpu_ms: dict[str, float] = field(default_factory=dict)  # per event: client (this process), database
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds else float("nan")

    def fail(self, error: str) -> None:
        self.errors += 1
        if len(self.error_samples) < 5:
            self.error_samples.append(error[:300])


def _cpu(a: Any, b: Any, n: int) -> dict[str, float]:
    cpu = cpu_ms_per_request(a, b, n)
    cpu.pop("server", None)  # no server: the sandbox and our side both run in this process
    return cpu


async def _settle(
    url: str,
    kind: str,
    advance: Callable[[], Coroutine[Any, Any, list[tuple[bytes, dict[str, str]]]]],
    apply: Callable[[bytes, dict[str, str]], Coroutine[Any, Any, str]],
) -> list[Phase]:
    """Time the sandbox's advance, then the events applied one by one; each outcome must be a settlement."""
    meter = CpuMeter(url, None)
    before = await meter.snapshot()
    started = time.perf_counter()
    events = await advance()
    advanced = time.perf_counter()
    middle = await meter.snapshot()
    applying = Phase("apply events", kind, len(events), 0.0)
    applied_at = time.perf_counter()
    with bulk_load._progress() as bar:
        task = bar.add_task(f"Apply events ({'app' if kind == 'app' else 'raw SQL'})", total=len(events), rate="")
        for n, (body, headers) in enumerate(events, 1):
            try:
                outcome = await apply(body, headers)
                if not (outcome.startswith("applied: ") and outcome.endswith(" settled")):
                    applying.fail(f"outcome {outcome!r}")
            except Exception as exc:
                applying.fail(f"{type(exc).__name__}: {exc}")
            if n % 200 == 0 or n == len(events):
                bar.update(task, completed=n, rate=f"{n / (time.perf_counter() - applied_at):,.0f} events/s")
    done = time.perf_counter()
    after = await meter.snapshot()
    applying.seconds = done - applied_at
    applying.cpu_ms = _cpu(middle, after, len(events))
    advancing = Phase("sandbox advance", kind, len(events), advanced - started, _cpu(before, middle, len(events)))
    total = Phase("total", kind, len(events), done - started, _cpu(before, after, len(events)), applying.errors)
    return [advancing, applying, total]


async def settle_with_app(url: str, partner_id: str) -> list[Phase]:
    container = build(Settings(database_url=url, env="test"))

    async def apply(body: bytes, _signed: dict[str, str]) -> str:
        # One unit of work per event, each signed as it is delivered, as api/v1/sandbox_clock.py does.
        headers = container.sandbox.sign(body, at=container.clock.now())
        async with container.uow() as uow:
            received = await receive_event(
                "sandbox", body, headers, uow, processors=container.processors, clock=container.clock
            )
            await uow.commit()
        return received.outcome

    try:
        return await _settle(url, "app", partial(container.sandbox.advance, partner_id, SETTLE_DAYS), apply)
    finally:
        await container.close()


async def settle_with_sql(url: str, partner_id: str) -> list[Phase]:
    secret = derived_secret(Settings(database_url=url, env="test"), "sandbox-webhooks")
    conn = await asyncpg.connect(url)
    try:
        return await _settle(
            url,
            "sql",
            partial(raw_payments.advance_sandbox, conn, partner_id, SETTLE_DAYS, secret),
            # Signed as delivered, like the app's side.
            lambda body, _signed: raw_payments.apply_settlement(
                conn, body, signing.sign(body, secret=secret, at=datetime.now(UTC)), secret
            ),
        )
    finally:
        await conn.close()


async def _count_settled(url: str, payment_ids: list[str]) -> int:
    conn = await asyncpg.connect(url)
    try:
        return int(
            await conn.fetchval("SELECT count(*) FROM payments WHERE id = ANY($1) AND status = 'settled'", payment_ids)
        )
    finally:
        await conn.close()


async def _debits(url: str, partner_id: str, methods: SavedMethods) -> bulk_payments.DebitGenerator:
    conn = await asyncpg.connect(url)
    try:
        today = await bulk_payments.sandbox_today(conn, partner_id)
    finally:
        await conn.close()
    return bulk_payments.DebitGenerator(partner_id, methods.bank, today)


async def _reference_debits(url: str, gen: bulk_payments.DebitGenerator, data: bulk_load.Dataset) -> list[str]:
    index = max(range(len(data.customer_ids)), key=lambda i: len(data.invoices_by_customer[i]))
    first, second = data.invoices_by_customer[index][:2]
    container = build(Settings(database_url=url, env="test"))
    try:
        return await bulk_payments.check_matches_app(container, url, gen, data.customer_ids[index], (first, second))
    finally:
        await container.close()


def settlement_phase(
    url: str, opts: Options, tenant: Tenant, data: bulk_load.Dataset, methods: SavedMethods, pending: list[str]
) -> dict[str, Any]:
    """K debits settled by the app, then K others by raw SQL; each batch is loaded just before it settles. The
    app's K include the debits already `pending` (from the checks), so both settle exactly K."""
    rng = random.Random(opts.seed + 1)
    out: dict[str, Any] = {"debits": opts.settle, "phases": [], "load_seconds": [], "settled": {}}
    for kind in ("app", "sql"):
        gen = run(_debits(url, tenant.partner_id, methods))
        ids: list[str] = []
        if kind == "app":  # one debit made by the use case, one by COPY: their rows must match
            ids = pending + run(_reference_debits(url, gen, data))
            console.print("Bulk debits write the same rows as the app's own (checked on one debit each way)")
        picks = [data.random_invoice(rng) for _ in range(opts.settle - len(ids))]
        with console.status(f"COPY {len(picks):,} pending bank debits"):
            loaded, seconds = run(bulk_payments.load_debits(url, gen, picks, opts.batch_size))
        ids += loaded
        console.print(f"{len(ids):,} pending bank debits in {seconds:.1f}s; settling them ({kind})")
        settle = settle_with_app if kind == "app" else settle_with_sql
        phases = run(settle(url, tenant.partner_id))
        settled = run(_count_settled(url, ids))
        if settled != len(ids):
            phases[-1].fail(f"{settled:,} of {len(ids):,} debits settled")
        out["phases"] += phases
        out["load_seconds"].append(round(seconds, 2))
        out["settled"][kind] = settled
        for p in phases:
            console.print(f"  {p.name:<16} {kind:>3}: {p.events:,} events in {p.seconds:.1f}s = {p.rate:,.0f}/s")
    return out


# ------------------------------------------------------------------------------------------------ payments


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
        error = bench_api._http_error(status, body, 201)
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
class Context(bench_api.Context):
    methods: SavedMethods = field(default_factory=lambda: SavedMethods({}, {}))


async def measure_api(ctx: Context, server: Server, workload: str, clients: int, workers: int) -> Sample:
    if workload == "noop":
        make: Callable[[HttpPool], Op] = bench_api.floor_op
    else:
        ids, expect = ctx.methods.ids(workload), EXPECTED_STATUS[workload]
        make = partial(api_charge_op, data=ctx.data, methods=ids, expect=expect, rng=ctx.rng)
    kind = "floor" if workload == "noop" else "api"
    return await bench_api.measure_http_op(
        ctx.url, ctx.opts, ctx.tenant.secret, server, workload, kind, clients, workers, make
    )


async def measure_sql(ctx: Context, workload: str, clients: int) -> Sample:
    ids, expect = ctx.methods.ids(workload), EXPECTED_STATUS[workload]
    make = partial(
        sql_charge_op, secret_hash=ctx.tenant.secret_hash, data=ctx.data, methods=ids, expect=expect, rng=ctx.rng
    )
    return await bench_api.measure_sql_op(ctx.url, ctx.opts, workload, clients, make)


def measure_round(ctx: Context, api: Server, floor: Server, workers: int, clients: int, with_sql: bool) -> list[Sample]:
    """One concurrency: raw-SQL card, API card, floor, raw-SQL bank, API bank (raw SQL only once)."""
    steps: list[Callable[[], Coroutine[Any, Any, Sample]]] = []
    for workload in ("card", "noop", "bank"):
        if with_sql and workload != "noop":
            steps.append(partial(measure_sql, ctx, workload, clients))
        steps.append(partial(measure_api, ctx, floor if workload == "noop" else api, workload, clients, workers))
    samples = []
    for step in steps:
        samples.append(run(step()))
        bench_api._announce(samples[-1])
    return samples


# ------------------------------------------------------------------------------------------------------ report


def ratios(samples: list[Sample], opts: Options) -> list[dict[str, Any]]:
    find, ratio = bench_api._find, bench_api._ratio
    out = []
    for workers in opts.workers:
        for clients in opts.clients:
            floor = find(samples, "noop", "floor", clients, workers)
            row: dict[str, Any] = {"workers": workers, "clients": clients}
            for w in ("card", "bank"):
                api = find(samples, w, "api", clients, workers)
                row[f"api_{w}_vs_sql_{w}"] = ratio(api, find(samples, w, "sql", clients, None))
                row[f"api_{w}_vs_floor"] = ratio(api, floor)
            out.append(row)
    return out


def targets(samples: list[Sample], opts: Options) -> list[dict[str, Any]]:
    out = []
    for workers in opts.workers:
        for clients in opts.clients:
            for w in ("card", "bank"):
                api = bench_api._find(samples, w, "api", clients, workers)
                value = bench_api._ratio(api, bench_api._find(samples, w, "sql", clients, None))
                if api and value is not None:
                    out.append(
                        {
                            "target": f"{w} payments >= 50% of raw SQL at {clients} clients ({workers}w)",
                            "value": round(value, 3),
                            "holds": value >= PAYMENT_RATIO_TARGET and api.errors == 0,
                        }
                    )
    return out


def settlement_table(phases: list[Phase]) -> Table:
    table = Table(title="Settlement: charge.succeeded for pending bank debits", show_lines=False)
    for col in ("phase", "events", "seconds", "events/s", "CPU ms/event cli/db", "errors"):
        table.add_column(col, justify="left" if col == "phase" else "right")
    for p in phases:
        table.add_row(
            f"{p.name} / {'app' if p.kind == 'app' else 'raw SQL'}",
            f"{p.events:,}",
            f"{p.seconds:.1f}",
            f"{p.rate:,.0f}",
            f"{p.cpu_ms.get('client', 0):.2f}/{p.cpu_ms.get('database', 0):.2f}",
            f"[red]{p.errors}[/red]" if p.errors else "0",
        )
    return table


def settlement_ratios(phases: list[Phase]) -> dict[str, float | None]:
    by = {(p.kind, p.name): p for p in phases}
    out: dict[str, float | None] = {}
    for name in ("sandbox advance", "apply events", "total"):
        app, sql = by.get(("app", name)), by.get(("sql", name))
        out[name] = app.rate / sql.rate if app and sql and sql.rate else None
    return out


def print_report(samples: list[Sample], report: dict[str, Any]) -> None:
    pct = bench_api._pct
    console.print(bench_api.results_table(samples, "Remit payments benchmark", WORKLOAD_ORDER))
    for r in report["ratios"]:
        console.print(
            f"Ratios at {r['clients']:>2} clients, {r['workers']} worker(s): "
            f"API card / raw-SQL card {pct(r['api_card_vs_sql_card'])}; "
            f"API bank / raw-SQL bank {pct(r['api_bank_vs_sql_bank'])}; "
            f"API card / floor {pct(r['api_card_vs_floor'])}; API bank / floor {pct(r['api_bank_vs_floor'])}"
        )
    for t in report["targets"]:
        mark = "[green]MET[/green]" if t["holds"] else "[red]MISSED[/red]"
        console.print(f"Target {t['target']}: {t['value']} -> {mark}")
    for s in samples:
        for e in s.error_samples:
            console.print(f"[red]error[/red] {s.label} at {s.clients} clients: {e}")
    settlement = report["settlement"]
    if settlement:
        phases = [Phase(**p) for p in settlement["phases"]]
        console.print(settlement_table(phases))
        r = settlement["ratios"]
        console.print(
            f"Settlement app / raw SQL: sandbox advance {pct(r['sandbox advance'])}, "
            f"apply {pct(r['apply events'])}, total {pct(r['total'])}"
        )
        for p in phases:
            for e in p.error_samples:
                console.print(f"[red]error[/red] settlement {p.name} ({p.kind}): {e}")
    console.print(f"Server RSS after the run (MB): {report['server_rss_mb']}")


# -------------------------------------------------------------------------------------------------------- main


def bench(opts: Options, name: str, url: str) -> dict[str, Any]:
    revision = bench_api.code_revision()
    tenant, loaded, load_seconds = bench_api.load_phase(opts, url, name.replace("_", "-"))
    methods, attach_seconds, pending = attach_phase(url, opts, tenant, loaded.dataset)
    settlement: dict[str, Any] = {}
    if opts.settle > 0:
        settlement = settlement_phase(url, opts, tenant, loaded.dataset, methods, pending)
        phases: list[Phase] = settlement["phases"]
        settlement["ratios"] = settlement_ratios(phases)
        settlement["phases"] = [asdict(p) for p in phases]
    ctx = Context(opts, url, tenant, loaded.dataset, random.Random(opts.seed), methods)
    samples, rss = bench_api.run_suite(ctx, measure_round, SERVER_ENV)
    counts = run(bench_api.table_counts(url, COUNTED_TABLES))
    ledger = run(bench_api.check_ledger(url))
    revision_after = bench_api.code_revision()
    report = {
        "when": datetime.now(UTC).isoformat(),
        "database": name,
        "options": asdict(opts),
        "cpus": os.cpu_count(),
        "code_revision": {"start": revision, "end": revision_after},
        "server_env": {"REMIT_ENV": "test", **bench_api.UNLIMITED, **SERVER_ENV},
        "load": {
            "seconds": round(load_seconds, 1),
            "copy_seconds": round(loaded.copy_seconds, 1),
            "analyze_seconds": round(loaded.analyze_seconds, 1),
            "attach_seconds": round(attach_seconds, 1),
            "methods": 2 * len(methods.card),
        },
        "rows": counts,
        "settlement": settlement,
        "samples": [asdict(s) for s in samples],
        "ratios": ratios(samples, opts),
        "targets": targets(samples, opts),
        "server_rss_mb": rss,
        "ledger": ledger,
    }
    print_report(samples, report)
    bench_api.print_footer(revision, revision_after, ledger)
    return report


def main(argv: list[str] | None = None) -> int:
    opts = parse_args(argv)

    def body(name: str, url: str) -> dict[str, Any]:
        report = bench(opts, name, url)
        console.print(f"Saved {bench_api.save(report, 'bench_payments').relative_to(REPO)}")
        return report

    report = bench_api.in_fresh_database(opts, body)
    settle_errors = sum(p["errors"] for p in (report["settlement"] or {}).get("phases", []))
    failed = not report["ledger"]["holds"] or any(s["errors"] for s in report["samples"]) or settle_errors > 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
