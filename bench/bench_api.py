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

import argparse
import asyncio
import json
import math
import os
import random
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import httpx
from rich.console import Console
from rich.table import Table

from adapters.bootstrap import build
from adapters.db.migrate import upgrade
from adapters.db.verify import count_subjects, verify_ledger
from adapters.settings import Settings
from domain.api_keys.model import hash_secret
from domain.partners.use_cases import create_api_key, create_partner

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))

import bulk_load  # noqa: E402  (sibling modules of this script)
import raw_sql  # noqa: E402
from cpu_meter import CpuMeter, cpu_ms_per_request  # noqa: E402
from http_clients import CLIENTS, HttpPool, make_pool  # noqa: E402

ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
HOST = "127.0.0.1"
# One API key drives all the load, so its rate limit (100 req/s by default) is lifted: this measures capacity.
UNLIMITED = {"REMIT_RATE_LIMIT_PER_SECOND": "100000", "REMIT_RATE_LIMIT_BURST": "1000000"}
# With a Redis URL the API leaves its jobs to the arq worker (none runs here) instead of an in-process cron, as in
# production. Otherwise every API process runs the cron itself, and its first sweeps over the million invoices
# land inside the measurements. Nothing on the measured paths enqueues, so the URL is never connected to.
JOBS_IN_WORKER = {"REMIT_REDIS_URL": "redis://no-redis-needed.invalid:6379/0"}
LIST_P99_TARGET_MS = 30.0
PAYMENT_RATIO_TARGET = 0.5
console = Console(width=None if sys.stdout.isatty() else 160)
T = TypeVar("T")

# ---------------------------------------------------------------------------------------------------- options


@dataclass(frozen=True)
class Options:
    invoices: int
    customers: int
    duration: float
    warmup: float
    clients: list[int]
    workers: list[int]
    keep_db: bool
    batch_size: int
    load_connections: int
    max_requests: int
    http_client: str
    admin_dsn: str
    seed: int


def _int_list(text: str) -> list[int]:
    values = [int(v) for v in text.split(",") if v.strip()]
    if not values or any(v < 1 for v in values):
        raise argparse.ArgumentTypeError("a comma-separated list of positive integers")
    return values


def build_parser(description: str | None) -> argparse.ArgumentParser:
    """The options every benchmark here shares; a benchmark adds its own before parsing."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--invoices", type=int, default=1_000_000)
    p.add_argument("--customers", type=int, default=10_000)
    p.add_argument("--duration", type=float, default=20.0, help="seconds per measurement")
    p.add_argument("--warmup", type=float, default=2.0, help="seconds of unmeasured load before each")
    p.add_argument("--clients", type=_int_list, default=[1, 32], help="concurrencies, e.g. 1,32")
    p.add_argument("--workers", type=_int_list, default=[1], help="uvicorn worker processes, e.g. 1,2")
    p.add_argument("--keep-db", action="store_true", help="keep the bench database afterwards")
    p.add_argument("--batch-size", type=int, default=5_000, help="invoices per COPY transaction")
    p.add_argument("--load-connections", type=int, default=2, help="parallel COPY connections")
    p.add_argument("--max-requests", type=int, default=2_000_000, help="cap per measurement")
    p.add_argument(
        "--http-client",
        choices=sorted(CLIENTS),
        default="lean",
        help="lean: keep-alive HTTP/1.1 pool (default); httpx: httpx.AsyncClient (slow on 2 cores)",
    )
    p.add_argument("--admin-dsn", default=ADMIN_DSN, help="PostgreSQL server to create the database on")
    p.add_argument("--seed", type=int, default=42)
    return p


def common_options(a: argparse.Namespace) -> dict[str, Any]:
    """The fields of `Options` from parsed arguments (a subclass adds its own)."""
    return {
        "invoices": a.invoices,
        "customers": a.customers,
        "duration": a.duration,
        "warmup": a.warmup,
        "clients": a.clients,
        "workers": a.workers,
        "keep_db": a.keep_db,
        "batch_size": a.batch_size,
        "load_connections": a.load_connections,
        "max_requests": a.max_requests,
        "http_client": a.http_client,
        "admin_dsn": a.admin_dsn,
        "seed": a.seed,
    }


def parse_args(argv: list[str] | None = None) -> Options:
    parser = build_parser(__doc__.split("\n\n")[0] if __doc__ else None)
    return Options(**common_options(parser.parse_args(argv)))


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run on uvloop when installed (the servers use it too), else on asyncio's default loop."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(coro)


# --------------------------------------------------------------------------------------------------- database


@dataclass(frozen=True)
class Tenant:
    partner_id: str
    api_key_id: str
    secret: str

    @property
    def secret_hash(self) -> str:
        return hash_secret(self.secret)


async def _admin(dsn: str, sql: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def database_url(admin_dsn: str, name: str) -> str:
    return f"{admin_dsn.rpartition('/')[0]}/{name}"


async def create_tenant(url: str, slug: str) -> Tenant:
    """A partner and a test-mode API key, through the domain use cases and the app's own unit of work."""
    container = build(Settings(database_url=url, env="test"))
    try:
        async with container.uow() as uow:
            partner = await create_partner("Bench Corp", slug, uow, clock=container.clock)
            await uow.commit()
        async with container.uow() as uow:
            key, secret = await create_api_key(slug, uow, clock=container.clock, name="bench")
            await uow.commit()
    finally:
        await container.close()
    return Tenant(partner.id, key.id, secret)


async def prepare(url: str, opts: Options, slug: str) -> tuple[Tenant, bulk_load.LoadResult]:
    await upgrade(url)
    tenant = await create_tenant(url, slug)
    plan = bulk_load.LoadPlan(
        tenant.partner_id, opts.customers, opts.invoices, opts.batch_size, opts.load_connections, opts.seed
    )
    return tenant, await bulk_load.load(url, plan)


async def check_ledger(url: str) -> dict[str, Any]:
    container = build(Settings(database_url=url, env="test"))
    started = time.perf_counter()
    try:
        async with container.sessions() as session:
            subjects = await count_subjects(session)
            with console.status(f"Verifying the ledger ({subjects:,} invoices and payments)"):
                violations = await verify_ledger(session)
    finally:
        await container.close()
    return {
        "holds": not violations,
        "subjects": subjects,
        "violations": len(violations),
        "first_violations": [f"{v.kind} {v.subject} {v.detail}" for v in violations[:10]],
        "seconds": round(time.perf_counter() - started, 1),
    }


COUNTED_TABLES = ("customers", "invoices", "invoice_lines", "journal_entries", "journal_lines", "payments")


async def table_counts(url: str, tables: tuple[str, ...] = COUNTED_TABLES) -> dict[str, int]:
    conn = await asyncpg.connect(url)
    try:
        return {t: int(await conn.fetchval(f"SELECT count(*) FROM {t}")) for t in tables}
    finally:
        await conn.close()


# ---------------------------------------------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (uvicorn workers), in MB; 0 if gone."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        total += next((int(ln.split()[1]) for ln in status.splitlines() if ln.startswith("VmRSS:")), 0)
        todo += [int(c) for c in children]
    return round(total / 1024, 1)


@dataclass
class Server:
    name: str
    base_url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def rss_mb(self) -> float:
        return _rss_mb(self.process.pid)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def _wait_ready(server: Server, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited ({server.process.returncode}):\n{server.log_tail()}")
        try:
            if httpx.get(f"{server.base_url}/ready", timeout=2.0, trust_env=False).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{server.name} not ready after {timeout:.0f}s:\n{server.log_tail()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server's own process group (it and its workers), then SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            return
        process.wait(timeout=5)


@contextmanager
def serve(name: str, app: str, *, workers: int, env: dict[str, str], app_dir: Path) -> Iterator[Server]:
    """`uvicorn <app>` on 127.0.0.1 and a free port, without access log; stopped whatever happens."""
    port = free_port()
    log_path = BENCH_DIR / "results" / f"server-{name}-{port}.log"
    log_path.parent.mkdir(exist_ok=True)
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        app,
        "--app-dir",
        str(app_dir),
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            cmd, cwd=REPO, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(name, f"http://{HOST}:{port}", process, log_path)
    try:
        _wait_ready(server)
        yield server
    finally:
        _stop(process)
        if log_path.exists() and log_path.stat().st_size == 0:
            log_path.unlink()


# -------------------------------------------------------------------------------------------------- load loops

Op = Callable[[], Awaitable[str | None]]  # returns None on success, else a short error description


@dataclass
class Sample:
    workload: str
    kind: str  # api | sql | floor
    clients: int
    workers: int | None
    seconds: float
    requests: int
    errors: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    load_avg: tuple[float, float] = (0.0, 0.0)  # 1-minute load average before and after
    cpu_ms: dict[str, float] = field(default_factory=dict)  # CPU per successful request: client, server, database
    error_samples: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        where = {"api": f"API ({self.workers}w)", "floor": f"floor ({self.workers}w)", "sql": "raw SQL"}[self.kind]
        return f"{self.workload} / {where}"


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, max(0, math.ceil(q * len(sorted_values)) - 1))]


@dataclass
class _Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)

    def add(self, seconds: float, error: str | None) -> None:
        if error is None:
            self.latencies.append(seconds)
            return
        self.errors += 1
        if len(self.error_samples) < 5:
            self.error_samples.append(error[:300])


async def _loop(op: Op, deadline: float, budget: int, tally: _Tally) -> None:
    for _ in range(budget):
        if time.perf_counter() >= deadline:
            return
        started = time.perf_counter()
        try:
            error = await op()
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
        tally.add(time.perf_counter() - started, error)


async def drive(op: Op, clients: int, seconds: float, max_requests: int) -> tuple[_Tally, float]:
    """`clients` loops calling `op` until `seconds` pass or `max_requests` are done; bounded either way."""
    tally = _Tally()
    started = time.perf_counter()
    deadline = started + seconds
    budget = max(1, max_requests // clients)
    loops = [_loop(op, deadline, budget, tally) for _ in range(clients)]
    await asyncio.wait_for(asyncio.gather(*loops), timeout=seconds + 60)
    return tally, time.perf_counter() - started


async def measure(
    name: str, kind: str, op: Op, clients: int, workers: int | None, opts: Options, meter: CpuMeter
) -> Sample:
    if opts.warmup > 0:
        await drive(op, clients, opts.warmup, opts.max_requests)
    before, cpu_before = os.getloadavg()[0], await meter.snapshot()
    tally, elapsed = await drive(op, clients, opts.duration, opts.max_requests)
    cpu_after = await meter.snapshot()
    lat = sorted(tally.latencies)
    ms = [v * 1000 for v in (percentile(lat, 0.50), percentile(lat, 0.95), percentile(lat, 0.99))]
    return Sample(
        workload=name,
        kind=kind,
        clients=clients,
        workers=workers,
        seconds=round(elapsed, 2),
        requests=len(lat) + tally.errors,
        errors=tally.errors,
        rps=len(lat) / elapsed,
        p50_ms=ms[0],
        p95_ms=ms[1],
        p99_ms=ms[2],
        max_ms=(lat[-1] * 1000 if lat else float("nan")),
        load_avg=(before, os.getloadavg()[0]),
        error_samples=tally.error_samples,
        cpu_ms=cpu_ms_per_request(cpu_before, cpu_after, len(lat)),
    )


# ----------------------------------------------------------------------------------------------------- workloads


def _http_error(status: int, body: bytes, expected: int) -> str | None:
    if status == expected:
        return None
    return f"HTTP {status}: {body[:200].decode(errors='replace')}"


def api_list_op(http: HttpPool, data: bulk_load.Dataset, rng: random.Random) -> Op:
    async def op() -> str | None:
        params: dict[str, str | int] = {"customer_id": data.random_customer(rng), "limit": 20}
        status, body = await http.request("GET", "/v1/invoices", params=params)
        return _http_error(status, body, 200)

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
        return _http_error(status, body, 201)

    return op


def floor_op(http: HttpPool) -> Op:
    async def op() -> str | None:
        status, body = await http.request("GET", "/noop")
        return _http_error(status, body, 200)

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


@dataclass
class Context:
    opts: Options
    url: str
    tenant: Tenant
    data: bulk_load.Dataset
    rng: random.Random


async def measure_http_op(
    url: str,
    opts: Options,
    secret: str,
    server: Server,
    workload: str,
    kind: str,
    clients: int,
    workers: int,
    make_op: Callable[[HttpPool], Op],
) -> Sample:
    """One HTTP figure: a pool of `clients` connections with the API key, `make_op(pool)` driven by `measure`."""
    http = make_pool(opts.http_client, server.base_url, clients, {"Authorization": f"Bearer {secret}"})
    try:
        return await measure(workload, kind, make_op(http), clients, workers, opts, CpuMeter(url, server.process.pid))
    finally:
        await http.aclose()


async def measure_sql_op(
    url: str, opts: Options, workload: str, clients: int, make_op: Callable[[asyncpg.Pool], Op]
) -> Sample:
    """One raw-SQL figure: an asyncpg pool of `clients` connections, `make_op(pool)` driven by `measure`."""
    async with asyncpg.create_pool(url, min_size=clients, max_size=clients) as pool:
        return await measure(workload, "sql", make_op(pool), clients, None, opts, CpuMeter(url, None))


async def measure_http(ctx: Context, server: Server, workload: str, clients: int, workers: int) -> Sample:
    kind = "floor" if workload == "noop" else "api"

    def make_op(http: HttpPool) -> Op:
        if workload == "list":
            return api_list_op(http, ctx.data, ctx.rng)
        if workload == "payment":
            return api_payment_op(http, ctx.data, ctx.rng)
        return floor_op(http)

    return await measure_http_op(
        ctx.url, ctx.opts, ctx.tenant.secret, server, workload, kind, clients, workers, make_op
    )


async def measure_sql(ctx: Context, workload: str, clients: int) -> Sample:
    maker = sql_list_op if workload == "list" else sql_payment_op
    return await measure_sql_op(
        ctx.url, ctx.opts, workload, clients, lambda pool: maker(pool, ctx.tenant.secret_hash, ctx.data, ctx.rng)
    )


def _announce(sample: Sample) -> None:
    flag = f" [red]{sample.errors} errors[/red]" if sample.errors else ""
    console.print(
        f"  {sample.label:<26} {sample.clients:>3} clients: {sample.rps:8.1f} req/s  "
        f"p50 {sample.p50_ms:7.2f}  p99 {sample.p99_ms:7.2f} ms{flag}"
    )


def _measure_round(
    ctx: Context, api: Server, floor: Server, workers: int, clients: int, with_sql: bool
) -> list[Sample]:
    """One concurrency: raw-SQL list, API list, floor, raw-SQL payments, API payments (raw SQL only once)."""
    steps: list[Callable[[], Coroutine[Any, Any, Sample]]] = []
    if with_sql:
        steps.append(partial(measure_sql, ctx, "list", clients))
    steps.append(partial(measure_http, ctx, api, "list", clients, workers))
    steps.append(partial(measure_http, ctx, floor, "noop", clients, workers))
    if with_sql:
        steps.append(partial(measure_sql, ctx, "payment", clients))
    steps.append(partial(measure_http, ctx, api, "payment", clients, workers))
    samples = []
    for step in steps:
        samples.append(run(step()))
        _announce(samples[-1])
    return samples


RoundFn = Callable[[Any, Server, Server, int, int, bool], list[Sample]]


def run_suite(
    ctx: Context, measure_round: RoundFn = _measure_round, server_env: dict[str, str] | None = None
) -> tuple[list[Sample], dict[str, float]]:
    """For each worker count: the API and the floor app up, then every concurrency (`measure_round` measures
    one: its arguments are the context, the API and floor servers, workers, clients, and whether to run raw SQL).
    `server_env` adds to the API's environment."""
    samples: list[Sample] = []
    rss: dict[str, float] = {}
    env = {"REMIT_DATABASE_URL": ctx.url, "REMIT_ENV": "test", **UNLIMITED, **JOBS_IN_WORKER, **(server_env or {})}
    for round_no, workers in enumerate(ctx.opts.workers):
        with ExitStack() as stack:
            api = stack.enter_context(serve(f"api-{workers}w", "api.main:app", workers=workers, env=env, app_dir=REPO))
            floor = stack.enter_context(
                serve(f"floor-{workers}w", "floor_app:app", workers=workers, env={}, app_dir=BENCH_DIR)
            )
            console.print(f"[bold]uvicorn, {workers} worker(s)[/bold]: API {api.base_url}, floor {floor.base_url}")
            for clients in ctx.opts.clients:
                samples += measure_round(ctx, api, floor, workers, clients, round_no == 0)
            rss[f"api_{workers}w"] = api.rss_mb()
            rss[f"floor_{workers}w"] = floor.rss_mb()
    return samples, rss


# ------------------------------------------------------------------------------------------------------ report


def _find(samples: list[Sample], workload: str, kind: str, clients: int, workers: int | None) -> Sample | None:
    for s in samples:
        if (s.workload, s.kind, s.clients) == (workload, kind, clients) and (kind == "sql" or s.workers == workers):
            return s
    return None


def _cpu_cell(s: Sample) -> str:
    c = s.cpu_ms
    return f"{c.get('client', 0):.2f}/{c.get('server', 0):.2f}/{c.get('database', 0):.2f}"


WORKLOAD_ORDER = {"list": 0, "payment": 1, "noop": 2}


def results_table(
    samples: list[Sample], title: str = "Remit API benchmark", order: dict[str, int] | None = None
) -> Table:
    """Rows by concurrency, then workload (in `order`), raw SQL first, then by worker count."""
    order = order or WORKLOAD_ORDER
    table = Table(title=title, show_lines=False)
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


def _ratio(a: Sample | None, b: Sample | None) -> float | None:
    return a.rps / b.rps if a and b and b.rps else None


def ratios(samples: list[Sample], opts: Options) -> list[dict[str, Any]]:
    out = []
    for workers in opts.workers:
        for clients in opts.clients:
            api_list = _find(samples, "list", "api", clients, workers)
            api_pay = _find(samples, "payment", "api", clients, workers)
            floor = _find(samples, "noop", "floor", clients, workers)
            out.append(
                {
                    "workers": workers,
                    "clients": clients,
                    "api_list_vs_sql_list": _ratio(api_list, _find(samples, "list", "sql", clients, None)),
                    "api_payment_vs_sql_payment": _ratio(api_pay, _find(samples, "payment", "sql", clients, None)),
                    "api_list_vs_floor": _ratio(api_list, floor),
                    "api_payment_vs_floor": _ratio(api_pay, floor),
                }
            )
    return out


def targets(samples: list[Sample], opts: Options) -> list[dict[str, Any]]:
    out = []
    for workers in opts.workers:
        list32 = _find(samples, "list", "api", 32, workers)
        if list32:
            out.append(
                {
                    "target": f"list p99 < {LIST_P99_TARGET_MS:.0f} ms at 32 clients ({workers}w)",
                    "value": round(list32.p99_ms, 2),
                    "holds": list32.p99_ms < LIST_P99_TARGET_MS and list32.errors == 0,
                }
            )
        for clients in opts.clients:
            api = _find(samples, "payment", "api", clients, workers)
            value = _ratio(api, _find(samples, "payment", "sql", clients, None))
            if api and value is not None:
                out.append(
                    {
                        "target": f"payments >= 50% of raw SQL at {clients} clients ({workers}w)",
                        "value": round(value, 3),
                        "holds": value >= PAYMENT_RATIO_TARGET and api.errors == 0,
                    }
                )
    return out


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def print_report(samples: list[Sample], report: dict[str, Any]) -> None:
    console.print(results_table(samples))
    for r in report["ratios"]:
        console.print(
            f"Ratios at {r['clients']:>2} clients, {r['workers']} worker(s): "
            f"API list / raw-SQL list {_pct(r['api_list_vs_sql_list'])}; "
            f"API payments / raw-SQL payments {_pct(r['api_payment_vs_sql_payment'])}; "
            f"API list / floor {_pct(r['api_list_vs_floor'])}; API payments / floor {_pct(r['api_payment_vs_floor'])}"
        )
    for t in report["targets"]:
        mark = "[green]MET[/green]" if t["holds"] else "[red]MISSED[/red]"
        console.print(f"Target {t['target']}: {t['value']} -> {mark}")
    for s in samples:
        for e in s.error_samples:
            console.print(f"[red]error[/red] {s.label} at {s.clients} clients: {e}")
    console.print(f"Server RSS after the run (MB): {report['server_rss_mb']}")


def save(report: dict[str, Any], name: str = "bench_api") -> Path:
    out = BENCH_DIR / "results" / f"{name}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2, default=str) + "\n")
    return out


# -------------------------------------------------------------------------------------------------------- main


def load_phase(opts: Options, url: str, slug: str) -> tuple[Tenant, bulk_load.LoadResult, float]:
    console.print(
        f"Loading {opts.customers:,} customers and {opts.invoices:,} invoices "
        f"({opts.load_connections} COPY connections, {opts.batch_size:,} invoices per transaction)"
    )
    started = time.perf_counter()
    tenant, loaded = run(prepare(url, opts, slug))
    total = time.perf_counter() - started
    console.print(f"Loaded in {total:.1f}s (COPY {loaded.copy_seconds:.1f}s, ANALYZE {loaded.analyze_seconds:.1f}s)")
    return tenant, loaded, total


def code_revision() -> str:
    """HEAD, plus "+dirty" when the app's sources differ from it (others may be editing the tree)."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=False)
        return done.stdout.strip()

    dirty = git("status", "--porcelain", "--", "api", "adapters", "domain", "workers", "migrations")
    return (git("rev-parse", "--short", "HEAD") or "unknown") + ("+dirty" if dirty else "")


def bench(opts: Options, name: str, url: str) -> dict[str, Any]:
    revision = code_revision()
    tenant, loaded, load_seconds = load_phase(opts, url, name.replace("_", "-"))
    ctx = Context(opts, url, tenant, loaded.dataset, random.Random(opts.seed))
    samples, rss = run_suite(ctx)
    counts = run(table_counts(url))
    ledger = run(check_ledger(url))
    revision_after = code_revision()
    report = {
        "when": datetime.now(UTC).isoformat(),
        "database": name,
        "options": asdict(opts),
        "cpus": os.cpu_count(),
        "code_revision": {"start": revision, "end": revision_after},
        "server_env": {"REMIT_ENV": "test", **UNLIMITED, **JOBS_IN_WORKER},
        "load": {
            "seconds": round(load_seconds, 1),
            "copy_seconds": round(loaded.copy_seconds, 1),
            "analyze_seconds": round(loaded.analyze_seconds, 1),
        },
        "rows": counts,
        "samples": [asdict(s) for s in samples],
        "ratios": ratios(samples, opts),
        "targets": targets(samples, opts),
        "server_rss_mb": rss,
        "ledger": ledger,
    }
    print_report(samples, report)
    print_footer(revision, revision_after, ledger)
    return report


def print_footer(revision: str, revision_after: str, ledger: dict[str, Any]) -> None:
    """Which code was measured, and whether the ledger still holds after the run."""
    if revision_after != revision:
        console.print(f"[yellow]The code changed during the run: {revision} -> {revision_after}[/yellow]")
    else:
        console.print(f"Code revision: {revision}")
    verdict = "[green]holds[/green]" if ledger["holds"] else f"[red]FAILED ({ledger['violations']})[/red]"
    console.print(
        f"Ledger verification over {ledger['subjects']:,} invoices and payments: {verdict} "
        f"in {ledger['seconds']}s {ledger['first_violations'] or ''}"
    )


def in_fresh_database(opts: Options, body: Callable[[str, str], T]) -> T:
    """Create `remit_bench_<hex>` on `--admin-dsn`, run `body(name, url)`, then drop it unless `--keep-db`."""
    name = f"remit_bench_{uuid.uuid4().hex[:12]}"
    url = database_url(opts.admin_dsn, name)
    console.print(
        f"Database {name} on {opts.admin_dsn.rpartition('@')[2]}; {os.cpu_count()} CPUs; "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    run(_admin(opts.admin_dsn, f'CREATE DATABASE "{name}"'))
    try:
        return body(name, url)
    finally:
        if opts.keep_db:
            console.print(f"Kept database {name}: {url}")
        else:
            run(_admin(opts.admin_dsn, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            console.print(f"Dropped database {name}")


def main(argv: list[str] | None = None) -> int:
    opts = parse_args(argv)

    def body(name: str, url: str) -> dict[str, Any]:
        report = bench(opts, name, url)
        console.print(f"Saved {save(report).relative_to(REPO)}")
        return report

    report = in_fresh_database(opts, body)
    failed = not report["ledger"]["holds"] or any(s["errors"] for s in report["samples"])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
