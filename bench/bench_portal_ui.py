"""Benchmark of the customer portal in a real browser: how long until the invoice list is interactive, in headless
Chromium on localhost with 4x CPU throttling (QUALITY.md: at most 1.5 s).

A fresh embedded server (`remit serve`, SQLite, its own temp directory) gets a partner, a customer with
`--invoices` open invoices (through /v1) and a portal session opened by an emailed code (read from
/dev/mailbox.json). Then, `--runs` times each, in a new browser context with the session cookie:

* floor      GET /health: a navigation with no app at all (browser + network floor under the same throttle);
* sign-in    /pay/{slug}/sign-in with no session, until the email field is there (the app boots and brands);
* invoices   /pay/{slug}/invoices, until the first invoice row's checkbox is enabled (the list can be used).

Each figure is the page's own clock (`performance.now()`, from navigation start) when the condition first holds,
cold (cache disabled, as on a first visit) and warm (assets cached). It prints p50/p95/max per figure and the
initial JavaScript size, and writes bench/results/portal_ui-<time>.json. Needs `make web` and Debian's chromium.
Not a test: `.venv/bin/python bench/bench_portal_ui.py`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
from playwright.async_api import Browser, async_playwright
from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parents[1]
BIN = REPO / ".venv" / "bin"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
console = Console()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def remit(env: dict[str, str], *args: str) -> str:
    return subprocess.run([str(BIN / "remit"), *args], env=env, check=True, capture_output=True, text=True).stdout


async def seed(base: str, api_key: str, slug: str, invoices: int) -> tuple[str, str]:
    """A customer with open invoices; returns (email, session cookie value)."""
    email = f"ap-{uuid.uuid4().hex[:8]}@bench.example"
    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {api_key}"}) as api:
        customer = (await api.post("/v1/customers", json={"name": "Bench Dental", "email": email})).json()
        for i in range(invoices):
            body = {
                "customer_id": customer["id"],
                "currency": "USD",
                "issue_date": "2026-10-01",
                "due_date": f"2026-12-{1 + i % 28:02d}",
                "lines": [{"description": "Managed services", "quantity": 1, "unit_amount": 10_000 + i}],
            }
            created = await api.post("/v1/invoices", json=body)
            created.raise_for_status()
    async with httpx.AsyncClient(base_url=base, headers={"Origin": base}) as web:
        sent = await web.post(f"/portal/v1/partners/{slug}/sign-in/code", json={"email": email})
        sent.raise_for_status()
        code = ""
        for _ in range(100):
            mail = (await web.get("/dev/mailbox.json", params={"to": email})).json()
            found = re.findall(r"\b(\d{6})\b", json.dumps(mail))
            if found:
                code = found[0]
                break
            await asyncio.sleep(0.1)
        verified = await web.post(f"/portal/v1/partners/{slug}/sign-in/verify", json={"email": email, "code": code})
        verified.raise_for_status()
        cookie = next(iter(web.cookies.jar))
        return email, f"{cookie.name}={cookie.value}"


async def measure(browser: Browser, url: str, condition: str, *, cookie: str | None, cold: bool, base: str) -> float:
    # bypass_csp: the page forbids eval, which wait_for_function needs; the app itself runs unchanged.
    context = await browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)
    if cookie:
        name, value = cookie.split("=", 1)
        await context.add_cookies([{"name": name, "value": value, "url": base}])
    page = await context.new_page()
    cdp = await context.new_cdp_session(page)
    await cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    if cold:
        await cdp.send("Network.enable")
        await cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    else:
        await page.goto(url)  # fills the cache
        await page.wait_for_function(condition, polling="raf", timeout=30_000)
    await page.goto(url, wait_until="commit")
    handle = await page.wait_for_function(
        f"() => ({condition}) ? performance.now() : false", polling="raf", timeout=30_000
    )
    elapsed = float(await handle.json_value())
    await context.close()
    return elapsed


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50": statistics.median(ordered), "p95": p95, "max": ordered[-1], "n": len(ordered)}


def initial_js_kb() -> float:
    out = subprocess.run(
        ["node", "scripts/check-budget.mjs"], cwd=REPO / "web-portal", capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"initial JavaScript: ([\d.]+) KB", out)
    return float(match.group(1)) if match else float("nan")


def start_server(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [str(BIN / "remit"), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.1)
    os.killpg(server.pid, 15)
    sys.exit("the server did not start")


async def run_browser(base: str, slug: str, api_key: str, runs: int, invoices: int) -> dict[str, dict[str, float]]:
    _, cookie = await seed(base, api_key, slug, invoices)
    figures: dict[str, dict[str, float]] = {}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        cases = [
            ("floor", f"{base}/health", "document.body && document.body.innerText.includes('ok')", None),
            ("sign-in", f"{base}/pay/{slug}/sign-in", "document.querySelector('input[type=email]')", None),
            (
                "invoices",
                f"{base}/pay/{slug}/invoices",
                "document.querySelector('main input[type=checkbox]:not([disabled])')",
                cookie,
            ),
        ]
        for name, url, condition, session in cases:
            for cold in (True, False):
                values = [
                    await measure(browser, url, condition, cookie=session, cold=cold, base=base) for _ in range(runs)
                ]
                figures[f"{name} ({'cold' if cold else 'warm'})"] = summary(values)
        await browser.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10, help="measurements per figure (default 10)")
    parser.add_argument("--invoices", type=int, default=40, help="open invoices of the customer (default 40)")
    args = parser.parse_args()
    if not (REPO / "web-portal" / "dist" / "index.html").is_file():
        sys.exit("Build the portal first: make web")

    with tempfile.TemporaryDirectory(prefix="remit-bench-ui-") as tmp:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "REMIT_DATABASE_URL": f"sqlite:///{tmp}/remit.db",
            "REMIT_ENV": "development",
            "REMIT_SECRET_KEY": "bench-" + "x" * 40,
            "REMIT_BASE_URL": base,
        }
        remit(env, "migrate")
        slug = "bench-" + uuid.uuid4().hex[:8]
        remit(env, "partner", "create", "--name", "Bench IT", "--slug", slug)
        api_key = remit(env, "api-key", "create", "--partner", slug).strip()
        server = start_server(env, port)
        try:
            figures = asyncio.run(run_browser(base, slug, api_key, args.runs, args.invoices))
        finally:
            os.killpg(server.pid, 15)
            server.wait(timeout=10)

    table = Table(title=f"Portal in headless Chromium, 4x CPU throttling, {args.runs} runs, {args.invoices} invoices")
    for column in ("figure", "p50 ms", "p95 ms", "max ms"):
        table.add_column(column, justify="right" if column != "figure" else "left")
    for name, f in figures.items():
        table.add_row(name, f"{f['p50']:.0f}", f"{f['p95']:.0f}", f"{f['max']:.0f}")
    console.print(table)
    js = initial_js_kb()
    console.print(f"initial JavaScript: {js:.1f} KB gzipped (budget 200 KB); target: invoices interactive ≤ 1500 ms")
    results = REPO / "bench" / "results"
    results.mkdir(exist_ok=True)
    out = results / f"portal_ui-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    out.write_text(json.dumps({"figures": figures, "initial_js_kb": js, "invoices": args.invoices}, indent=2))
    console.print(f"results: {out.relative_to(REPO)}")


if __name__ == "__main__":
    main()
