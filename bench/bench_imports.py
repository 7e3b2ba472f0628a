"""CSV import benchmark: rows a second of an import job, customers then invoices, and the process's peak memory.

Creates a fresh database (a SQLite file, or PostgreSQL with `--postgres`), a partner, a customers file of
`--rows` rows and an invoices file of `--rows` one-line invoices for them, and runs each through the job function
the workers run (`imports.run`, committing every batch), timing it. Then uploads both files again: every row
`unchanged`.

    .venv/bin/python bench/bench_imports.py                     # 5,000 rows on SQLite
    .venv/bin/python bench/bench_imports.py --rows 20000 --postgres
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from adapters.bootstrap import Container, build
from adapters.db.migrate import upgrade
from adapters.settings import Settings
from domain.imports import use_cases
from domain.imports.model import ImportKind
from domain.partners.use_cases import CreatePartner, create_partner
from tests.services import acreate_pg_database, adrop_pg_database
from workers.context import JobContext
from workers.imports import run_import
from workers.queue import InProcessQueue


def customers_file(rows: int) -> bytes:
    lines = ["external_id,name,email,language,metadata.region"]
    lines += [f"B-{i},Customer {i},ap{i}@customer.example,en,west" for i in range(rows)]
    return ("\r\n".join(lines) + "\r\n").encode()


def invoices_file(rows: int) -> bytes:
    lines = ["number,customer_external_id,currency,due_date,description,quantity,unit_amount"]
    lines += [f"BI-{i},B-{i},USD,2027-01-31,Managed services,1,{100 + i % 900}.50" for i in range(rows)]
    return ("\r\n".join(lines) + "\r\n").encode()


async def timed_import(
    container: Container, partner_id: str, kind: ImportKind, data: bytes
) -> tuple[float, dict[str, int]]:
    async with container.uow() as uow:
        started = await use_cases.start_import(
            use_cases.StartImport(kind=kind, data=data, dry_run=False, actor="bench"),
            uow.scope_to(partner_id),
            clock=container.clock,
        )
        await uow.commit()
    ctx = JobContext(container=container, queue=InProcessQueue(container))
    began = time.perf_counter()
    status = "running"
    while status == "running":  # a run hands on after its budget; the queue would run the next one
        status = await run_import(ctx, partner_id=partner_id, ident=started.id)
    elapsed = time.perf_counter() - began
    async with container.uow() as uow:
        done = await uow.scope_to(partner_id).imports.get(started.id)
    return elapsed, asdict(done.counts)


async def main(rows: int, postgres: bool) -> None:
    url = await acreate_pg_database() if postgres else f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    try:
        await upgrade(url)
        container = build(Settings(database_url=url, env="test"))
        async with container.uow() as uow:
            partner = await create_partner(CreatePartner("Bench", "bench-imports"), uow, clock=container.clock)
            await uow.commit()
        database = "PostgreSQL" if postgres else "SQLite"
        for label, kind, data in (
            ("customers", ImportKind.CUSTOMERS, customers_file(rows)),
            ("invoices", ImportKind.INVOICES, invoices_file(rows)),
            ("customers again", ImportKind.CUSTOMERS, customers_file(rows)),
            ("invoices again", ImportKind.INVOICES, invoices_file(rows)),
        ):
            elapsed, counts = await timed_import(container, partner.id, kind, data)
            print(
                f"{database:10} {label:16} {rows:>7} rows ({len(data) / 1e6:.1f} MB) in {elapsed:6.1f} s: "
                f"{rows / elapsed:6.0f} rows/s  {counts}"
            )
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS of this process: {peak:.0f} MB")
        await container.close()
    finally:
        if postgres:
            await adrop_pg_database(url)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    asyncio.run(main(args.rows, args.postgres))
