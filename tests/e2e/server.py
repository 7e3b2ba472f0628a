"""The Remit server under test: `remit serve` in a subprocess, on a fresh migrated SQLite file, sending its email
to the test SMTP server. One per E2E session; tests isolate themselves by partner."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

from adapters.db.migrate import upgrade
from adapters.settings import Settings
from tests.mail_server import free_port

REPO = Path(__file__).resolve().parents[2]
SECRET_KEY = "e2e-only-secret-key-0123456789abcdefghij"  # 40 characters, fixed so runs are reproducible
assert len(SECRET_KEY) == 40


def remit_executable() -> str:
    """The `remit` script of the virtualenv running the tests (`.venv/bin/remit` under `make test`)."""
    beside = Path(sys.executable).with_name("remit")
    return str(beside if beside.exists() else REPO / ".venv" / "bin" / "remit")


@dataclass
class RemitServer:
    url: str
    port: int
    db_path: Path
    log_path: Path
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None
    started_in: float = 0.0  # seconds from `migrate` to the first ready answer
    _log_file: IO[bytes] | None = field(default=None, repr=False)

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.db_path}"

    def settings(self) -> Settings:
        """The server's settings, for an in-process container on the same database (seeding through use cases)."""
        return Settings(
            env="development",
            database_url=self.database_url,
            secret_key=SECRET_KEY,
            base_url=self.url,
            smtp_url=self.env["REMIT_SMTP_URL"],
            mail_from=self.env["REMIT_MAIL_FROM"],
            db_pool_size=2,
        )

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_tail(self, lines: int = 80) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def cli(self, *args: str, timeout: float = 60) -> str:
        """Run `remit ARGS…` against the server's database and settings; returns stdout, raises on failure."""
        done = subprocess.run(
            [remit_executable(), *args], env=self.env, cwd=REPO, capture_output=True, text=True, timeout=timeout
        )
        if done.returncode != 0:
            raise AssertionError(f"remit {' '.join(args)} exited {done.returncode}: {done.stderr.strip()}")
        return done.stdout

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


def server_env(*, port: int, db_path: Path, smtp_port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REMIT_")}  # nothing from the caller's shell
    env.update(
        REMIT_ENV="development",  # /dev/mailbox and the sandbox, as `make run`
        REMIT_DATABASE_URL=f"sqlite:///{db_path}",
        REMIT_SECRET_KEY=SECRET_KEY,
        REMIT_BASE_URL=f"http://127.0.0.1:{port}",
        REMIT_SMTP_URL=f"smtp://127.0.0.1:{smtp_port}",
        REMIT_MAIL_FROM="Remit <no-reply@remit.test>",
        # Every browser comes from 127.0.0.1: a whole session of sign-ins must not trip the per-address limit on
        # failed API authentications (portal sign-in limits are separate: see X-Forwarded-For in conftest).
        REMIT_AUTH_FAILURES_PER_MINUTE="100000",
        PYTHONUNBUFFERED="1",
        REMIT_TRUSTED_PROXIES="127.0.0.1",  # X-Forwarded-For is believed from the test browser only
    )
    return env


def start_server(workdir: Path, log_path: Path, *, smtp_port: int, timeout: float = 60) -> RemitServer:
    """Migrate a fresh database in `workdir`, start `remit serve` on a free port and wait until /ready answers."""
    began = time.perf_counter()
    port = free_port()
    db_path = workdir / "remit.db"
    env = server_env(port=port, db_path=db_path, smtp_port=smtp_port)
    server = RemitServer(url=f"http://127.0.0.1:{port}", port=port, db_path=db_path, log_path=log_path, env=env)
    # `remit migrate` runs this same function; in-process it saves the CLI's start-up (about 3 s).
    asyncio.run(upgrade(server.database_url))
    log = log_path.open("wb")
    server._log_file = log
    server.process = subprocess.Popen(
        [remit_executable(), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=2) as client:
        while True:
            if server.process.poll() is not None:
                stop_server(server)
                raise RuntimeError(
                    f"remit serve exited with {server.process.returncode} before it was ready:\n{server.log_tail()}"
                )
            try:
                if client.get(f"{server.url}/ready").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                stop_server(server)
                raise RuntimeError(f"remit serve was not ready within {timeout} s:\n{server.log_tail()}")
            time.sleep(0.05)
    server.started_in = time.perf_counter() - began
    return server


def stop_server(server: RemitServer) -> None:
    process = server.process
    if process is not None and process.poll() is None:
        process.terminate()  # uvicorn shuts down gracefully on SIGTERM (the lifespan stops the cron)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
    log = server._log_file
    if log is not None:
        log.close()
        server._log_file = None
