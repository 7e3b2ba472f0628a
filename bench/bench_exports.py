"""CSV export benchmark: download every invoice as CSV and watch the server's memory while it streams.

Loads `--invoices` open invoices (default 1M) into a fresh PostgreSQL database with the COPY loader, starts the
API under uvicorn (one worker), then downloads `GET /v1/exports/invoices.csv` once per `--rounds`, timing it and
sampling the server process's resident memory (VmRSS, /proc) every 50 ms. Targets: 1M invoices in under 60 s
and under 100 MB RSS.

    .venv/bin/python bench/bench_exports.py                      # 1M invoices
    .venv/bin/python bench/bench_exports.py --invoices 100000    # quicker
"""

from __future__ import annotations

import csv
import io
import json
import sys
import threading
import time
from typing import Any

import httpx
from harness.database import in_fresh_database, load_phase
from harness.options import Options, build_parser, options_from
from harness.runtime import RESULTS, console
from harness.servers import Server, serve_api

TARGET_SECONDS_PER_MILLION = 60.0
TARGET_RSS_MB = 100.0


class RssSampler:
    """The server's resident memory every `every` seconds, in a thread, while a download runs."""

    def __init__(self, server: Server, every: float = 0.05) -> None:
        self.server, self.every = server, every
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.server.rss_mb())
            self._stop.wait(self.every)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def download(server: Server, api_key: str, params: dict[str, str]) -> dict[str, Any]:
    """One export, streamed and counted (rows, bytes, chunks) without keeping it."""
    rows = chunks = size = 0
    tail = b""
    first_byte = None
    started = time.perf_counter()
    headers = {"Authorization": f"Bearer {api_key}"}
    with httpx.stream(
        "GET", f"{server.base_url}/v1/exports/invoices.csv", params=params, headers=headers, timeout=600
    ) as r:
        r.raise_for_status()
        for chunk in r.iter_raw():
            if first_byte is None:
                first_byte = time.perf_counter() - started
            chunks += 1
            size += len(chunk)
            rows += chunk.count(b"\n")  # not CRLF: a chunk may end between the two
            tail = (tail + chunk)[-4096:]
    seconds = time.perf_counter() - started
    last = list(csv.reader(io.StringIO(tail.decode(errors="replace"))))[-1]
    return {
        "rows": rows - 1,  # the header
        "bytes": size,
        "chunks": chunks,
        "seconds": round(seconds, 2),
        "first_byte_ms": round((first_byte or 0) * 1000, 1),
        "rows_per_second": round((rows - 1) / seconds),
        "last_row": last,
    }


def bench(opts: Options, rounds: int, name: str, url: str) -> dict[str, Any]:
    tenant, _loaded, load_seconds = load_phase(opts, url, name.replace("_", "-"))
    results: dict[str, Any] = {"invoices": opts.invoices, "load_seconds": round(load_seconds, 1), "rounds": []}
    with serve_api(url, name="api-exports", workers=1) as server:
        httpx.get(
            f"{server.base_url}/v1/exports/invoices.csv",
            params={"status": "void"},
            headers={"Authorization": f"Bearer {tenant.secret}"},
        ).raise_for_status()  # warm: imports, pool, prepared statements
        results["rss_idle_mb"] = server.rss_mb()
        for i in range(rounds):
            with RssSampler(server) as rss:
                measured = download(server, tenant.secret, {})
            measured["peak_rss_mb"] = rss.peak
            results["rounds"].append(measured)
            console.print(
                f"round {i + 1}: {measured['rows']:,} rows, {measured['bytes'] / 1e6:.1f} MB in {measured['chunks']:,} "
                f"chunks, {measured['seconds']:.1f} s ({measured['rows_per_second']:,} rows/s), first byte "
                f"{measured['first_byte_ms']} ms, server RSS idle {results['rss_idle_mb']} MB, peak {rss.peak} MB"
            )
    best = min(r["seconds"] for r in results["rounds"])
    peak = max(r["peak_rss_mb"] for r in results["rounds"])
    allowed = TARGET_SECONDS_PER_MILLION * opts.invoices / 1_000_000
    results["targets"] = {
        "seconds": {"best": best, "target": allowed, "met": best < allowed},
        "peak_rss_mb": {"peak": peak, "target": TARGET_RSS_MB, "met": peak < TARGET_RSS_MB},
    }
    # What the download itself costs: the server's memory above its idle size (the app's own imports).
    results["rss_growth_mb"] = round(peak - results["rss_idle_mb"], 1)
    console.print(
        f"Export of {opts.invoices:,} invoices: best {best:.1f} s (target {allowed:.0f} s), peak RSS {peak} MB "
        f"(target {TARGET_RSS_MB:.0f} MB; idle {results['rss_idle_mb']} MB, so the download adds "
        f"{results['rss_growth_mb']} MB)"
    )
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"bench_exports-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.json"
    path.write_text(json.dumps(results, indent=2))
    console.print(f"Saved {path}")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = build_parser(__doc__)
    parser.add_argument("--rounds", type=int, default=2, help="downloads of the whole export")
    args = parser.parse_args(argv)
    opts = options_from(Options, args)
    results = in_fresh_database(opts, lambda name, url: bench(opts, args.rounds, name, url))
    return 0 if all(t["met"] for t in results["targets"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
