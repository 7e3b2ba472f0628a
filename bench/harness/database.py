"""The bench database: created fresh on `--admin-dsn`, migrated, given a partner with an API key and bulk-loaded
invoices; counted and its ledger verified after the run; dropped unless `--keep-db`."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import asyncpg
import bulk_load

from adapters.bootstrap import build
from adapters.db.migrate import upgrade
from adapters.db.verify import count_subjects, verify_ledger
from adapters.settings import Settings
from domain.api_keys.model import hash_secret
from domain.partners.use_cases import CreateApiKey, CreatePartner, create_api_key, create_partner
from harness.options import Options
from harness.runtime import console, run

T = TypeVar("T")


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


async def create_tenant(url: str, slug: str) -> Tenant:
    """A partner and a test-mode API key, through the domain use cases and the app's own unit of work."""
    container = build(Settings(database_url=url, env="test"))
    try:
        async with container.uow() as uow:
            partner = await create_partner(CreatePartner("Bench Corp", slug), uow, clock=container.clock)
            await uow.commit()
        async with container.uow() as uow:
            key, secret = await create_api_key(CreateApiKey(slug, name="bench"), uow, clock=container.clock)
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


def load_phase(opts: Options, url: str, slug: str) -> tuple[Tenant, bulk_load.LoadResult, float]:
    console.print(
        f"Loading {opts.customers:,} customers and {opts.invoices:,} invoices "
        f"({opts.load_connections} COPY connections, {opts.batch_size:,} invoices per transaction)"
    )
    started = time.perf_counter()
    tenant, loaded = run(prepare(url, opts, slug))
    total = time.perf_counter() - started
    console.print(
        f"Loaded in {total:.1f}s (COPY {loaded.copy_seconds:.1f}s, insights rollup {loaded.rollup_seconds:.1f}s, "
        f"ANALYZE {loaded.analyze_seconds:.1f}s)"
    )
    return tenant, loaded, total


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


async def table_counts(url: str, tables: tuple[str, ...]) -> dict[str, int]:
    conn = await asyncpg.connect(url)
    try:
        return {t: int(await conn.fetchval(f"SELECT count(*) FROM {t}")) for t in tables}
    finally:
        await conn.close()
