"""For bench_payments.py: pending bank debits settled by the sandbox clock, through the app (the sandbox's
`advance`, then `inbound.receive_event` one unit of work per event, as api/v1/sandbox_clock.py does) and as raw SQL
(raw_payments.py) on as many other debits; events/s for each half and in total."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Coroutine
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any

import asyncpg
import bulk_load
import bulk_payments
import raw_payments
from cpu_meter import CpuMeter, cpu_ms_per_request
from harness.database import Tenant
from harness.report import pct
from harness.runtime import console, run
from rich.table import Table

from adapters.bootstrap import build
from adapters.processors.sandbox import signing
from adapters.settings import Settings, derived_secret
from domain.payments.processor_events import ReceiveEvent, receive_event

# ACH settles two banking days after submission, which is at most four calendar days later (Thursday -> Monday).
SETTLE_DAYS = 4


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
                ReceiveEvent("sandbox", body, headers), uow, processors=container.processors, clock=container.clock
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


async def _debits(
    url: str, partner_id: str, methods: dict[str, bulk_payments.BankMethod]
) -> bulk_payments.DebitGenerator:
    conn = await asyncpg.connect(url)
    try:
        today = await bulk_payments.sandbox_today(conn, partner_id)
    finally:
        await conn.close()
    return bulk_payments.DebitGenerator(partner_id, methods, today)


async def _reference_debits(url: str, gen: bulk_payments.DebitGenerator, data: bulk_load.Dataset) -> list[str]:
    index = max(range(len(data.customer_ids)), key=lambda i: len(data.invoices_by_customer[i]))
    first, second = data.invoices_by_customer[index][:2]
    container = build(Settings(database_url=url, env="test"))
    try:
        return await bulk_payments.check_matches_app(container, url, gen, data.customer_ids[index], (first, second))
    finally:
        await container.close()


def settlement_phase(
    url: str,
    tenant: Tenant,
    data: bulk_load.Dataset,
    methods: dict[str, bulk_payments.BankMethod],
    pending: list[str],
    *,
    debits: int,
    batch_size: int,
    seed: int,
) -> dict[str, Any]:
    """`debits` debits settled by the app, then as many others by raw SQL, on the customers' saved bank accounts;
    each batch is loaded just before it settles. The app's include the debits already `pending` (from the checks),
    so both settle exactly `debits`. Returns the report's `settlement` section."""
    rng = random.Random(seed + 1)
    out: dict[str, Any] = {"debits": debits, "phases": [], "load_seconds": [], "settled": {}}
    phases: list[Phase] = []
    for kind in ("app", "sql"):
        gen = run(_debits(url, tenant.partner_id, methods))
        ids: list[str] = []
        if kind == "app":  # one debit made by the use case, one by COPY: their rows must match
            ids = pending + run(_reference_debits(url, gen, data))
            console.print("Bulk debits write the same rows as the app's own (checked on one debit each way)")
        picks = [data.random_invoice(rng) for _ in range(debits - len(ids))]
        with console.status(f"COPY {len(picks):,} pending bank debits"):
            loaded, seconds = run(bulk_payments.load_debits(url, gen, picks, batch_size))
        ids += loaded
        console.print(f"{len(ids):,} pending bank debits in {seconds:.1f}s; settling them ({kind})")
        settle = settle_with_app if kind == "app" else settle_with_sql
        settled_by = run(settle(url, tenant.partner_id))
        settled = run(_count_settled(url, ids))
        if settled != len(ids):
            settled_by[-1].fail(f"{settled:,} of {len(ids):,} debits settled")
        phases += settled_by
        out["load_seconds"].append(round(seconds, 2))
        out["settled"][kind] = settled
        for p in settled_by:
            console.print(f"  {p.name:<16} {kind:>3}: {p.events:,} events in {p.seconds:.1f}s = {p.rate:,.0f}/s")
    out["phases"] = [asdict(p) for p in phases]
    out["ratios"] = settlement_ratios(phases)
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


def print_settlement(settlement: dict[str, Any]) -> None:
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


def errors(settlement: dict[str, Any]) -> int:
    """Failed events and debits that did not settle, over both halves (0 when the settlement was skipped)."""
    return sum(p["errors"] for p in settlement.get("phases", []))
