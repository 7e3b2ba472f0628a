"""The load: closed loops that call one operation for a fixed time, the figure they make (`Sample`), and the
suite that measures a benchmark's workloads at every concurrency through the API, as raw SQL and on the floor."""

from __future__ import annotations

import asyncio
import math
import os
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import asyncpg
import bulk_load
from cpu_meter import CpuMeter, cpu_ms_per_request
from http_clients import HttpPool, make_pool

from harness.database import Tenant
from harness.options import Options
from harness.runtime import console, run
from harness.servers import Server, api_and_floor

Op = Callable[[], Awaitable[str | None]]  # returns None on success, else a short error description
FLOOR = "noop"  # the floor app's workload, measured between a benchmark's own


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


def http_error(status: int, body: bytes, expected: int) -> str | None:
    if status == expected:
        return None
    return f"HTTP {status}: {body[:200].decode(errors='replace')}"


def floor_op(http: HttpPool) -> Op:
    async def op() -> str | None:
        status, body = await http.request("GET", "/noop")
        return http_error(status, body, 200)

    return op


@dataclass
class Context:
    """What a workload's operations draw on: the options, the bench database and its tenant, the loaded invoices
    and the random source that picks among them."""

    opts: Options
    url: str
    tenant: Tenant
    data: bulk_load.Dataset
    rng: random.Random


C = TypeVar("C", bound=Context)


@dataclass(frozen=True)
class Workloads(Generic[C]):
    """A benchmark's workloads, in the order each concurrency measures them (`FLOOR` among them: the floor app),
    and how to make one request of each: through the API's HTTP pool, or as raw SQL on an asyncpg pool."""

    order: tuple[str, ...]
    api_op: Callable[[C, HttpPool, str], Op]
    sql_op: Callable[[C, asyncpg.Pool, str], Op]


async def measure_http(
    ctx: C, workloads: Workloads[C], server: Server, workload: str, clients: int, workers: int
) -> Sample:
    """One HTTP figure: a pool of `clients` connections with the API key."""
    headers = {"Authorization": f"Bearer {ctx.tenant.secret}"}
    http = make_pool(ctx.opts.http_client, server.base_url, clients, headers)
    try:
        if workload == FLOOR:
            kind, op = "floor", floor_op(http)
        else:
            kind, op = "api", workloads.api_op(ctx, http, workload)
        return await measure(workload, kind, op, clients, workers, ctx.opts, CpuMeter(ctx.url, server.process.pid))
    finally:
        await http.aclose()


async def measure_sql(ctx: C, workloads: Workloads[C], workload: str, clients: int) -> Sample:
    """One raw-SQL figure: an asyncpg pool of `clients` connections."""
    async with asyncpg.create_pool(ctx.url, min_size=clients, max_size=clients) as pool:
        op = workloads.sql_op(ctx, pool, workload)
        return await measure(workload, "sql", op, clients, None, ctx.opts, CpuMeter(ctx.url, None))


def announce(sample: Sample) -> None:
    flag = f" [red]{sample.errors} errors[/red]" if sample.errors else ""
    console.print(
        f"  {sample.label:<26} {sample.clients:>3} clients: {sample.rps:8.1f} req/s  "
        f"p50 {sample.p50_ms:7.2f}  p99 {sample.p99_ms:7.2f} ms{flag}"
    )


def _measure_round(
    ctx: C, workloads: Workloads[C], api: Server, floor: Server, workers: int, clients: int, with_sql: bool
) -> list[Sample]:
    """One concurrency: each workload as raw SQL (when `with_sql`), then through the API, in order."""
    samples: list[Sample] = []

    def record(sample: Sample) -> None:
        samples.append(sample)
        announce(sample)

    for workload in workloads.order:
        if with_sql and workload != FLOOR:
            record(run(measure_sql(ctx, workloads, workload, clients)))
        server = floor if workload == FLOOR else api
        record(run(measure_http(ctx, workloads, server, workload, clients, workers)))
    return samples


def run_suite(ctx: C, workloads: Workloads[C]) -> tuple[list[Sample], dict[str, float]]:
    """For each worker count: the API and the floor app up, then every concurrency. Raw SQL does not depend on
    the servers, so it is measured in the first round only. Returns the samples and the servers' RSS in MB."""
    samples: list[Sample] = []
    rss: dict[str, float] = {}
    for round_no, workers in enumerate(ctx.opts.workers):
        with api_and_floor(ctx.url, workers) as (api, floor):
            console.print(f"[bold]uvicorn, {workers} worker(s)[/bold]: API {api.base_url}, floor {floor.base_url}")
            for clients in ctx.opts.clients:
                samples += _measure_round(ctx, workloads, api, floor, workers, clients, round_no == 0)
            rss[f"api_{workers}w"] = api.rss_mb()
            rss[f"floor_{workers}w"] = floor.rss_mb()
    return samples, rss
