"""The command-line options every API benchmark shares; a benchmark adds its own before parsing."""

from __future__ import annotations

import argparse
import dataclasses
from dataclasses import dataclass
from typing import TypeVar

from http_clients import CLIENTS

ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"


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


OptionsT = TypeVar("OptionsT", bound=Options)


def _int_list(text: str) -> list[int]:
    values = [int(v) for v in text.split(",") if v.strip()]
    if not values or any(v < 1 for v in values):
        raise argparse.ArgumentTypeError("a comma-separated list of positive integers")
    return values


def build_parser(doc: str | None) -> argparse.ArgumentParser:
    """The shared options, described by the first paragraph of the script's docstring."""
    p = argparse.ArgumentParser(description=doc.split("\n\n")[0] if doc else None)
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


def options_from(kind: type[OptionsT], args: argparse.Namespace) -> OptionsT:
    """`Options` (or a benchmark's subclass of it) from parsed arguments, field by field."""
    return kind(**{f.name: getattr(args, f.name) for f in dataclasses.fields(kind)})
