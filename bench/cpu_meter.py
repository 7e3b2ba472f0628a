"""CPU seconds spent during a measurement by the load client (this process), the server's process tree and
the PostgreSQL backends of the bench database. Per-request CPU holds steadier than req/s on a busy machine
and shows where the time goes."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import asyncpg

CLK_TCK = os.sysconf("SC_CLK_TCK")


def process_cpu(pid: int) -> float | None:
    """utime + stime of one process, in seconds; None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def process_tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        try:
            todo += [int(c) for c in Path(f"/proc/{current}/task/{current}/children").read_text().split()]
        except OSError:
            continue
    return pids


def _cpu_of(pids: list[int]) -> dict[int, float]:
    out = {}
    for pid in pids:
        cpu = process_cpu(pid)
        if cpu is not None:
            out[pid] = cpu
    return out


@dataclass(frozen=True)
class CpuSnapshot:
    client: float
    server: dict[int, float]
    database: dict[int, float]


class CpuMeter:
    """Snapshots before and after; backends are found in pg_stat_activity for the bench database."""

    def __init__(self, dsn: str, server_pid: int | None) -> None:
        self.dsn = dsn
        self.server_pid = server_pid

    async def _backends(self) -> list[int]:
        conn = await asyncpg.connect(self.dsn)
        try:
            rows = await conn.fetch(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        finally:
            await conn.close()
        return [int(r["pid"]) for r in rows]

    async def snapshot(self) -> CpuSnapshot:
        server = _cpu_of(process_tree(self.server_pid)) if self.server_pid else {}
        return CpuSnapshot(time.process_time(), server, _cpu_of(await self._backends()))


def _delta(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


def cpu_ms_per_request(before: CpuSnapshot, after: CpuSnapshot, requests: int) -> dict[str, float]:
    n = max(1, requests)
    return {
        "client": round((after.client - before.client) * 1000 / n, 3),
        "server": round(_delta(before.server, after.server) * 1000 / n, 3),
        "database": round(_delta(before.database, after.database) * 1000 / n, 3),
    }
