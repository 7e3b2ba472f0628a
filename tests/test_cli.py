"""The `remit` command line, run as a real process against a temporary SQLite database."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

KEY_RE = re.compile(r"^rk_(test|live)_[0-9A-Za-z]{38}\n$")


def remit(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("REMIT_")}
    full_env.update({"REMIT_DATABASE_URL": f"sqlite:///{cwd / 'var' / 'cli.db'}", **(env or {})})
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli")
    result = remit(path, "migrate")
    assert result.returncode == 0, result.stderr
    return path


def test_help_lists_every_command(tmp_path: Path) -> None:
    result = remit(tmp_path, "--help")
    assert result.returncode == 0
    for command in ("serve", "worker", "migrate", "demo", "partner", "api-key", "user", "ledger", "openapi"):
        assert command in result.stdout
    sub = remit(tmp_path, "api-key", "create", "--help")
    assert "--partner" in sub.stdout and "stdout" in sub.stdout


def test_partner_and_key_lifecycle(workdir: Path) -> None:
    created = remit(workdir, "partner", "create", "--name", "Contoso IT", "--slug", "contoso")
    assert created.returncode == 0, created.stderr
    assert created.stdout.startswith("ptr_")

    duplicate = remit(workdir, "partner", "create", "--name", "Again", "--slug", "contoso")
    assert duplicate.returncode == 1
    assert "taken" in duplicate.stderr

    key = remit(workdir, "api-key", "create", "--partner", "contoso")
    assert key.returncode == 0, key.stderr
    assert KEY_RE.match(key.stdout), key.stdout  # the secret alone on stdout
    secret = key.stdout.strip()

    db = sqlite3.connect(workdir / "var" / "cli.db")
    stored = [row[0] for row in db.execute("SELECT secret_hash FROM api_keys")]
    assert secret not in stored and all(len(h) == 64 for h in stored)

    listed = remit(workdir, "api-key", "list", "--partner", "contoso")
    key_id = listed.stdout.split("\t")[0]
    assert key_id.startswith("key_") and "active" in listed.stdout and secret not in listed.stdout

    reader = remit(workdir, "api-key", "create", "--partner", "contoso", "--scope", "read_only", "--name", "reports")
    assert reader.returncode == 0, reader.stderr
    assert "read_only" in remit(workdir, "api-key", "list", "--partner", "contoso").stdout
    wrong = remit(workdir, "api-key", "create", "--partner", "contoso", "--scope", "admin")
    assert wrong.returncode != 0 and "admin" in wrong.stderr

    revoked = remit(workdir, "api-key", "revoke", key_id)
    assert revoked.returncode == 0, revoked.stderr
    assert "revoked" in remit(workdir, "api-key", "list", "--partner", "contoso").stdout
    actions = {row[0] for row in db.execute("SELECT action FROM audit_log")}
    assert {"partner.created", "api_key.created", "api_key.revoked"} <= actions

    unknown = remit(workdir, "api-key", "create", "--partner", "nobody")
    assert unknown.returncode == 1 and unknown.stdout == ""


def test_demo_is_idempotent_and_the_ledger_verifies(workdir: Path) -> None:
    first = remit(workdir, "demo")
    assert first.returncode == 0, first.stderr
    second = remit(workdir, "demo")
    assert second.returncode == 0
    keys = [re.search(r"rk_test_\w+", out.stderr).group(0) for out in (first, second)]  # type: ignore[union-attr]
    assert keys[0] == keys[1]
    db = sqlite3.connect(workdir / "var" / "cli.db")
    statuses = {row[0] for row in db.execute("SELECT status FROM invoices")}
    assert {"open", "partially_paid", "paid", "draft", "archived"} <= statuses
    assert db.execute("SELECT count(*) FROM partners WHERE slug = 'northwind'").fetchone()[0] == 1

    verified = remit(workdir, "ledger", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "holds" in verified.stderr
    admins = [re.search(r"Dashboard admin: (\S+) / password (\S+)", out.stderr) for out in (first, second)]
    assert admins[0] is not None and admins[1] is not None and admins[0].groups() == admins[1].groups()
    assert admins[0].group(1) in remit(workdir, "user", "list", "--partner", "northwind").stdout


def test_people_join_a_team_with_a_link_or_a_password(workdir: Path) -> None:
    """`partner create --admin-email` and `user create` print an activation link; --password-stdin sets one; a
    person on two teams is one login."""
    created = remit(
        workdir,
        "partner",
        "create",
        "--name",
        "Fabrikam",
        "--slug",
        "fabrikam",
        "--admin-email",
        "Ada@Fabrikam.example",
    )
    assert created.returncode == 0, created.stderr
    assert "/dashboard/accept-invitation#token=" in created.stderr
    member = subprocess.run(
        [
            sys.executable,
            "-m",
            "api.cli",
            "user",
            "create",
            "--email",
            "bo@fabrikam.example",
            "--partner",
            "fabrikam",
            "--role",
            "member",
            "--password-stdin",
        ],
        cwd=workdir,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("REMIT_")},
            "REMIT_DATABASE_URL": f"sqlite:///{workdir / 'var' / 'cli.db'}",
        },
        input="a long enough passphrase\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert member.returncode == 0, member.stderr
    assert "can sign in" in member.stderr
    team = remit(workdir, "user", "list", "--partner", "fabrikam").stdout
    assert "bo@fabrikam.example\tmember" in team
    assert "ada@fabrikam.example" not in team  # invited: on the team once the link is used
    again = remit(
        workdir, "user", "create", "--email", "bo@fabrikam.example", "--partner", "contoso", "--role", "read_only"
    )
    assert again.returncode == 0, again.stderr
    assert "bo@fabrikam.example\tread_only" in remit(workdir, "user", "list", "--partner", "contoso").stdout
    db = sqlite3.connect(workdir / "var" / "cli.db")
    assert db.execute("SELECT count(*) FROM partner_users WHERE email = 'bo@fabrikam.example'").fetchone()[0] == 1
    hashes = [row[0] for row in db.execute("SELECT password_hash FROM partner_users WHERE password_hash IS NOT NULL")]
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    duplicate = remit(workdir, "user", "create", "--email", "bo@fabrikam.example", "--partner", "fabrikam")
    assert duplicate.returncode == 1 and "already on this team" in duplicate.stderr
    bad_role = remit(workdir, "user", "create", "--email", "x@y.example", "--partner", "fabrikam", "--role", "owner")
    assert bad_role.returncode != 0 and "owner" in bad_role.stderr


def test_ledger_verify_names_what_is_wrong(tmp_path: Path) -> None:
    assert remit(tmp_path, "migrate").returncode == 0
    assert remit(tmp_path, "demo").returncode == 0
    db = sqlite3.connect(tmp_path / "var" / "cli.db")
    partner = db.execute("SELECT id FROM partners").fetchone()[0]
    db.execute(
        "INSERT INTO journal_entries (id, partner_id, reason, created_at) "
        "VALUES ('je_broken', ?, 'payment_applied', CURRENT_TIMESTAMP)",
        (partner,),
    )
    db.execute(
        "INSERT INTO journal_lines (id, partner_id, entry_id, position, account, currency, amount) "
        "VALUES ('jl_broken', ?, 'je_broken', 0, 'cash', 'USD', 100)",
        (partner,),
    )
    db.commit()
    result = remit(tmp_path, "ledger", "verify")
    assert result.returncode == 1
    assert "je_broken" in result.stdout
    assert "unbalanced_entry" in result.stdout


def test_ledger_verify_proves_the_insights_rollup(tmp_path: Path) -> None:
    """One rollup row changed behind the repository's back: verify names its partner, table and key."""
    assert remit(tmp_path, "migrate").returncode == 0
    assert remit(tmp_path, "demo").returncode == 0
    db = sqlite3.connect(tmp_path / "var" / "cli.db")
    partner, invoice, currency, day = db.execute(
        "SELECT partner_id, invoice_id, currency, day FROM insight_invoice_days WHERE receivable != 0 "
        "ORDER BY invoice_id, day LIMIT 1"
    ).fetchone()
    db.execute(
        "UPDATE insight_invoice_days SET receivable = receivable + 1 WHERE invoice_id = ? AND day = ?", (invoice, day)
    )
    db.commit()
    result = remit(tmp_path, "ledger", "verify")
    assert result.returncode == 1, result.stdout + result.stderr
    offenders = [line.split("\t") for line in result.stdout.splitlines()]
    assert offenders == [
        ["rollup_mismatch", f"{partner} insight_invoice_days {invoice}/{currency}/{day}", offenders[0][2]]
    ]
    assert "receivable" in offenders[0][2]


def test_bad_configuration_is_one_clear_line(tmp_path: Path) -> None:
    result = remit(tmp_path, "migrate", env={"REMIT_ENV": "production"})
    assert result.returncode == 2
    assert result.stderr.strip() == "Invalid configuration: REMIT_SECRET_KEY is required when REMIT_ENV=production"
    bad_url = remit(tmp_path, "migrate", env={"REMIT_DATABASE_URL": "mysql://nope"})
    assert bad_url.returncode == 2
    assert len(bad_url.stderr.strip().splitlines()) == 1


def test_worker_refuses_without_redis(tmp_path: Path) -> None:
    result = remit(tmp_path, "worker")
    assert result.returncode == 2
    assert "REMIT_REDIS_URL" in result.stderr


def test_openapi_writes_the_document(tmp_path: Path) -> None:
    out = tmp_path / "openapi.json"
    result = remit(tmp_path, "openapi", "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert "/v1/payments" in json.loads(out.read_text())["paths"]
