"""Bulk data for the benchmarks: customers and open invoices with their `invoice_issued` ledger entries.

Rows go in with asyncpg COPY (`copy_records_to_table`), one transaction per batch, on a few connections in
parallel. The ledger triggers stay on: the deferred balance checks run at each batch's commit.
"""

from __future__ import annotations

import asyncio
import base64
import os
import random
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import asyncpg
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from domain.ids import new_id
from domain.invoices.model import format_invoice_number

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# base64.b32encode's alphabet, index for index, mapped onto Crockford's: 10 random bytes -> 16 ULID chars.
_B32_TO_CROCKFORD = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", CROCKFORD.encode())
ID_RE = re.compile(r"^[a-z]+_[0-9A-HJKMNP-TV-Z]{26}$")

DAY_MS = 86_400_000
HISTORY_DAYS = 180  # invoices were issued over the last six months...
PAYMENT_TERMS = (15, 30, 60, 90)  # ...and fall due between five months ago and three months ahead
BILLING_TERMS = ("net_15", "net_30", "net_60", "net_90")

CUSTOMER_COLUMNS = (
    "id",
    "partner_id",
    "name",
    "email",
    "contacts",
    "tags",
    "billing_terms",
    "external_ids",
    "metadata",
    "archived",
    "created_at",
    "updated_at",
)
INVOICE_COLUMNS = (
    "id",
    "partner_id",
    "customer_id",
    "number",
    "currency",
    "status",
    "issue_date",
    "due_date",
    "total",
    "metadata",
    "created_at",
    "finalized_at",
)
LINE_COLUMNS = ("id", "partner_id", "invoice_id", "position", "description", "quantity", "unit_amount", "amount")
ENTRY_COLUMNS = ("id", "partner_id", "reason", "invoice_id", "created_at")
JOURNAL_LINE_COLUMNS = ("id", "partner_id", "entry_id", "position", "account", "invoice_id", "currency", "amount")


class IdFactory:
    """Ids in domain.ids format (prefix + 10-char ms time + 16 random chars), random parts made in bulk."""

    def __init__(self, pool_size: int = 65_536) -> None:
        self._pool: list[str] = []
        self._pool_size = pool_size

    @staticmethod
    def time_part(ms: int) -> str:
        chars = []
        for _ in range(10):
            ms, rem = divmod(ms, 32)
            chars.append(CROCKFORD[rem])
        return "".join(reversed(chars))

    def random_part(self) -> str:
        if not self._pool:
            raw = base64.b32encode(os.urandom(10 * self._pool_size)).translate(_B32_TO_CROCKFORD).decode()
            self._pool = [raw[i : i + 16] for i in range(0, len(raw), 16)]
        return self._pool.pop()

    def make(self, prefix: str, time_part: str) -> str:
        return f"{prefix}_{time_part}{self.random_part()}"


def check_id_format() -> None:
    """Fail fast if the bulk ids ever drift from domain.ids.new_id."""
    ms = int(time.time() * 1000)
    ours, theirs = IdFactory().make("inv", IdFactory.time_part(ms)), new_id("inv", now_ms=ms)
    if len(ours) != len(theirs) or ours[:14] != theirs[:14] or not ID_RE.match(ours):
        raise RuntimeError(f"bulk id {ours!r} does not match the domain format {theirs!r}")


@dataclass
class Dataset:
    """What the load produced that the workloads need: who the customers are and their invoices."""

    partner_id: str
    customer_ids: list[str]
    invoices_by_customer: list[list[str]]

    def random_customer(self, rng: random.Random) -> str:
        return rng.choice(self.customer_ids)

    def random_invoice(self, rng: random.Random) -> tuple[str, str]:
        """A random customer that has invoices, and one of its invoices."""
        while True:
            index = rng.randrange(len(self.customer_ids))
            invoices = self.invoices_by_customer[index]
            if invoices:
                return self.customer_ids[index], rng.choice(invoices)


@dataclass
class Batch:
    invoices: list[tuple[object, ...]] = field(default_factory=list)
    lines: list[tuple[object, ...]] = field(default_factory=list)
    entries: list[tuple[object, ...]] = field(default_factory=list)
    journal_lines: list[tuple[object, ...]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.invoices)


@dataclass(frozen=True)
class LoadPlan:
    partner_id: str
    customers: int
    invoices: int
    batch_size: int
    connections: int
    seed: int = 42


class Generator:
    """Deterministic (seeded) rows; invoice k is issued at a millisecond after invoice k-1, so ids increase."""

    def __init__(self, plan: LoadPlan) -> None:
        self.plan = plan
        self.rng = random.Random(plan.seed)
        self.ids = IdFactory()
        now_ms = int(time.time() * 1000)
        self.first_invoice_ms = now_ms - HISTORY_DAYS * DAY_MS
        self.step_ms = max(1, (HISTORY_DAYS * DAY_MS - 60_000) // max(1, plan.invoices))
        self.customer_ids: list[str] = []
        self.invoices_by_customer: list[list[str]] = []

    def customers(self) -> list[tuple[object, ...]]:
        rows: list[tuple[object, ...]] = []
        base_ms = self.first_invoice_ms - 30 * DAY_MS
        for i in range(self.plan.customers):
            ms = base_ms + i
            at = datetime.fromtimestamp(ms / 1000, UTC)
            cid = self.ids.make("cus", self.ids.time_part(ms))
            rows.append(
                (
                    cid,
                    self.plan.partner_id,
                    f"Customer {i:05d} Ltd",
                    f"ap{i}@customer{i}.example",
                    "[]",
                    "[]",
                    self.rng.choice(BILLING_TERMS),
                    "{}",
                    "{}",
                    False,
                    at,
                    at,
                )
            )
            self.customer_ids.append(cid)
            self.invoices_by_customer.append([])
        return rows

    def batches(self) -> Iterator[Batch]:
        for start in range(0, self.plan.invoices, self.plan.batch_size):
            batch = Batch()
            for k in range(start, min(start + self.plan.batch_size, self.plan.invoices)):
                self._invoice(k, batch)
            yield batch

    def _invoice(self, k: int, batch: Batch) -> None:
        ms = self.first_invoice_ms + k * self.step_ms
        at = datetime.fromtimestamp(ms / 1000, UTC)
        tp = self.ids.time_part(ms)
        make, pid, rng = self.ids.make, self.plan.partner_id, self.rng
        customer = rng.randrange(self.plan.customers)
        invoice_id, entry_id = make("inv", tp), make("je", tp)
        quantity, unit = rng.randint(1, 10), rng.randint(1_000, 50_000)
        total = quantity * unit
        issued: date = at.date()
        due = issued + timedelta(days=rng.choice(PAYMENT_TERMS))
        batch.invoices.append(
            (
                invoice_id,
                pid,
                self.customer_ids[customer],
                format_invoice_number(k + 1),
                "USD",
                "open",
                issued,
                due,
                total,
                "{}",
                at,
                at,
            )
        )
        batch.lines.append((make("il", tp), pid, invoice_id, 0, "Services rendered", quantity, unit, total))
        batch.entries.append((entry_id, pid, "invoice_issued", invoice_id, at))
        batch.journal_lines.append((make("jl", tp), pid, entry_id, 0, "receivable", invoice_id, "USD", total))
        batch.journal_lines.append((make("jl", tp), pid, entry_id, 1, "revenue", invoice_id, "USD", -total))
        self.invoices_by_customer[customer].append(invoice_id)

    def dataset(self) -> Dataset:
        return Dataset(self.plan.partner_id, self.customer_ids, self.invoices_by_customer)


async def _copy_batch(conn: asyncpg.Connection, batch: Batch) -> None:
    async with conn.transaction():
        await conn.execute("SET LOCAL synchronous_commit = off")
        await conn.copy_records_to_table("invoices", records=batch.invoices, columns=INVOICE_COLUMNS)
        await conn.copy_records_to_table("invoice_lines", records=batch.lines, columns=LINE_COLUMNS)
        await conn.copy_records_to_table("journal_entries", records=batch.entries, columns=ENTRY_COLUMNS)
        await conn.copy_records_to_table("journal_lines", records=batch.journal_lines, columns=JOURNAL_LINE_COLUMNS)


async def _loader(dsn: str, queue: asyncio.Queue[Batch | None], bar: Progress, task: TaskID) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        while (batch := await queue.get()) is not None:
            await _copy_batch(conn, batch)
            bar.advance(task, len(batch))
    finally:
        await conn.close()


async def _produce(gen: Generator, queue: asyncio.Queue[Batch | None], consumers: int) -> None:
    for batch in gen.batches():
        await queue.put(batch)
        await asyncio.sleep(0)  # let the loaders stream what they have
    for _ in range(consumers):
        await queue.put(None)


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("[cyan]{task.fields[rate]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )


@dataclass(frozen=True)
class LoadResult:
    dataset: Dataset
    copy_seconds: float
    analyze_seconds: float
    rollup_seconds: float


async def load(dsn: str, plan: LoadPlan) -> LoadResult:
    """Customers first (committed), then invoice batches streamed by `plan.connections` COPY loaders."""
    check_id_format()
    started = time.perf_counter()
    gen = Generator(plan)
    conn = await asyncpg.connect(dsn)
    try:
        await conn.copy_records_to_table("customers", records=gen.customers(), columns=CUSTOMER_COLUMNS)
    finally:
        await conn.close()
    queue: asyncio.Queue[Batch | None] = asyncio.Queue(maxsize=plan.connections)
    with _progress() as bar:
        task = bar.add_task("COPY invoices", total=plan.invoices, rate="")
        ticker = asyncio.create_task(_tick(bar, task))
        try:
            await asyncio.gather(
                _produce(gen, queue, plan.connections),
                *(_loader(dsn, queue, bar, task) for _ in range(plan.connections)),
            )
        finally:
            ticker.cancel()
    copied = time.perf_counter()
    rollup_seconds = await roll_up(dsn)
    finished = time.perf_counter()
    await _finish(dsn, plan)
    return LoadResult(gen.dataset(), copied - started, time.perf_counter() - finished, rollup_seconds)


async def roll_up(dsn: str) -> float:
    """Rebuild the insights rollup from the journal with the migration's own backfill
    (adapters.db.insights_rollup.backfill): COPY writes journal lines past the repository that keeps it, and
    `remit ledger verify` checks the two agree. Returns the seconds it took."""
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    from adapters.db.insights_rollup import FLOWS, INVOICE_DAYS, PAID, backfill

    engine = create_async_engine(dsn.replace("postgresql://", "postgresql+asyncpg://"))
    started = time.perf_counter()
    try:
        async with engine.begin() as conn:
            await conn.execute(text("SET LOCAL work_mem = '256MB'"))
            for table in (PAID, INVOICE_DAYS, FLOWS):
                await conn.execute(table.delete())
            for statement in backfill("postgresql"):
                await conn.execute(statement)
        async with engine.begin() as conn:  # committed: ANALYZE in a rolled-back transaction keeps no statistics
            for table in (FLOWS, INVOICE_DAYS, PAID):
                await conn.execute(text(f"ANALYZE {table.name}"))
    finally:
        await engine.dispose()
    return time.perf_counter() - started


async def _tick(bar: Progress, task: TaskID) -> None:
    started = time.perf_counter()
    while True:
        await asyncio.sleep(0.5)
        done = bar.tasks[task].completed
        bar.update(task, rate=f"{done / max(1e-9, time.perf_counter() - started):,.0f} inv/s")


async def _finish(dsn: str, plan: LoadPlan) -> None:
    """Numbering continues after the loaded invoices; fresh statistics for the planner."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("UPDATE partners SET invoice_sequence = $1 WHERE id = $2", plan.invoices, plan.partner_id)
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
