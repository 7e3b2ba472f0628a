"""The servers under measurement: the app and the no-op floor app, each `uvicorn` in its own process group on
127.0.0.1 and a free port, stopped whatever happens."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from harness.runtime import BENCH_DIR, REPO, RESULTS

HOST = "127.0.0.1"
# One API key drives all the load, so its rate limit (100 req/s by default) is lifted: this measures capacity.
UNLIMITED = {"REMIT_RATE_LIMIT_PER_SECOND": "100000", "REMIT_RATE_LIMIT_BURST": "1000000"}
# With a Redis URL the API leaves its jobs to the arq worker (none runs here) instead of an in-process cron, as in
# production. Otherwise every API process runs the cron itself: its first sweeps over the million invoices, and
# its 5-minute in-flight sweep over every pending debit, would land inside the measurements. The API tries the
# address once at start-up (the server log says so), finds nothing and enqueues nothing while it is measured.
JOBS_IN_WORKER = {"REMIT_REDIS_URL": "redis://no-redis-needed.invalid:6379/0"}
SERVER_ENV = {"REMIT_ENV": "test", **UNLIMITED, **JOBS_IN_WORKER}  # the API's environment, but for its database


def api_env(url: str) -> dict[str, str]:
    return {"REMIT_DATABASE_URL": url, **SERVER_ENV}


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
    log_path = RESULTS / f"server-{name}-{port}.log"
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


def serve_api(url: str, *, name: str, workers: int) -> AbstractContextManager[Server]:
    """The app on the bench database, with `SERVER_ENV`."""
    return serve(name, "api.main:app", workers=workers, env=api_env(url), app_dir=REPO)


@contextmanager
def api_and_floor(url: str, workers: int) -> Iterator[tuple[Server, Server]]:
    """The app and the floor app (`floor_app.py`: GET /noop), both with `workers` uvicorn workers."""
    with ExitStack() as stack:
        api = stack.enter_context(serve_api(url, name=f"api-{workers}w", workers=workers))
        floor = stack.enter_context(
            serve(f"floor-{workers}w", "floor_app:app", workers=workers, env={}, app_dir=BENCH_DIR)
        )
        yield api, floor
