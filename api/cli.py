"""The `remit` command line: serve, worker, migrate, demo, partners, API keys, ledger checks, OpenAPI."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from adapters.bootstrap import Container, build
from adapters.settings import ConfigError, Settings, load_settings
from domain.api_keys.model import KeyScope
from domain.errors import DomainError
from domain.team.roles import Role

T = TypeVar("T")

app = typer.Typer(
    help="Remit: accounts-receivable payments. Configure with REMIT_* environment variables (see README).",
    no_args_is_help=True,
    add_completion=False,
)
partner_app = typer.Typer(help="Manage partners.", no_args_is_help=True)
user_app = typer.Typer(help="Manage the people on partners' teams (dashboard users).", no_args_is_help=True)
key_app = typer.Typer(help="Manage partner API keys.", no_args_is_help=True)
ledger_app = typer.Typer(help="Check the invoice ledger.", no_args_is_help=True)
app.add_typer(partner_app, name="partner")
app.add_typer(key_app, name="api-key")
app.add_typer(user_app, name="user")
app.add_typer(ledger_app, name="ledger")

err = Console(stderr=True, soft_wrap=True)
OPENAPI_PATH = Path(__file__).resolve().parents[1] / "openapi" / "openapi.json"


def _settings() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None


def _run(coro: Coroutine[Any, Any, T]) -> T:
    try:
        return asyncio.run(coro)
    except DomainError as exc:
        err.print(f"[red]Error:[/red] {exc.detail}")
        raise typer.Exit(1) from None


async def _with_container(settings: Settings, fn: Any) -> Any:
    container = build(settings)
    try:
        return await fn(container)
    finally:
        await container.close()


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes (production: one per core).")] = 1,
) -> None:
    """Serve the API (docs at /docs). Run `remit migrate` first."""
    import uvicorn

    _settings()
    # X-Forwarded-* are read by the app itself, through REMIT_TRUSTED_PROXIES (api/trusted_proxies.py): one rule.
    uvicorn.run("api.main:app", host=host, port=port, workers=workers, log_level="info", proxy_headers=False)


@app.command()
def worker(burst: Annotated[bool, typer.Option(help="Run the queued jobs, then exit.")] = False) -> None:
    """Run the arq background worker (needs REMIT_REDIS_URL)."""
    from arq.worker import Worker

    from workers.arq_worker import worker_settings

    settings = _settings()
    if not settings.redis_url:
        err.print(
            "[red]REMIT_REDIS_URL is not set: the worker needs Redis. The embedded default runs jobs "
            "inside `remit serve` instead.[/red]"
        )
        raise typer.Exit(2)
    Worker(**worker_settings(settings, burst=burst)).run()


@app.command()
def migrate() -> None:
    """Upgrade the database schema to the latest revision."""
    from adapters.db.migrate import current_revision, upgrade

    settings = _settings()
    _run(upgrade(settings.database_url))
    err.print(f"Database at revision {_run(current_revision(settings.database_url))}.")


@app.command()
def demo() -> None:
    """Load demo data (safe to run again) and print the demo API key."""
    from api.demo import load_demo

    settings = _settings()
    result = _run(_with_container(settings, load_demo))
    state = "created" if result.created else "already present"
    err.print(f"Demo partner '{result.partner_slug}' {state}.")
    err.print(f"Demo API key (test mode): [bold]{result.api_key}[/bold]")
    err.print(f"Dashboard admin: [bold]{result.admin_email}[/bold] / password [bold]{result.admin_password}[/bold]")
    err.print(f"Try: curl -H 'Authorization: Bearer {result.api_key}' {settings.base_url}/v1/invoices")
    err.print(f"API docs: {settings.base_url}/docs")


@partner_app.command("create")
def partner_create(
    name: Annotated[str, typer.Option(help="Display name, e.g. 'Northwind IT'.")],
    slug: Annotated[str, typer.Option(help="Unique lower-case slug used in billing links.")],
    admin_email: Annotated[
        str | None, typer.Option(help="Make this person the partner's first admin (an activation link is printed).")
    ] = None,
) -> None:
    """Create a partner, and optionally its first admin."""
    from domain.partners.use_cases import CreatePartner, create_partner
    from domain.team.members import AddPerson, add_person
    from domain.team.roles import Role

    async def go(c: Container) -> Any:
        async with c.uow() as uow:
            partner = await create_partner(CreatePartner(name, slug), uow, clock=c.clock)
            added = None
            if admin_email is not None:
                person = AddPerson(partner.id, admin_email, Role.ADMIN)
                added = await add_person(person, uow, creds=c.credentials, clock=c.clock)
            await uow.commit()
            return partner, added

    partner, added = _run(_with_container(_settings(), go))
    typer.echo(partner.id)
    err.print(f"Created partner '{partner.name}' ({partner.slug}).")
    if added is not None:
        _print_added(admin_email or "", added)


def _print_added(email: str, added: Any) -> None:
    if added.invitation_url is not None:
        err.print(f"Send {email} this single-use link to set a password (valid 7 days; also emailed):")
        err.print(added.invitation_url, markup=False)
    elif added.user is not None:
        err.print(f"{email} ({added.user.id}) can sign in to the dashboard now.")


@user_app.command("create")
def user_create(
    email: Annotated[str, typer.Option(help="The person's email: their login.")],
    partner: Annotated[str, typer.Option(help="The partner's slug.")],
    role: Annotated[
        Role, typer.Option(help="admin, sub_admin (all but team, keys, security), member (AR clerk) or read_only.")
    ] = Role.ADMIN,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read a password from stdin instead of printing a link.")
    ] = False,
    name: Annotated[str | None, typer.Option(help="Their name, as the team sees it.")] = None,
) -> None:
    """Put a person on a partner's team. Without --password-stdin, prints a single-use activation link."""
    from domain.team.members import AddPerson, add_person

    password = sys.stdin.readline().rstrip("\n") if password_stdin else None

    async def go(c: Container) -> Any:
        async with c.uow() as uow:
            p = await uow.partners.by_slug(partner)
            person = AddPerson(p.id, email, role, password=password, name=name)
            added = await add_person(person, uow, creds=c.credentials, clock=c.clock)
            await uow.commit()
            return added

    _print_added(email, _run(_with_container(_settings(), go)))


@user_app.command("list")
def user_list(partner: Annotated[str, typer.Option(help="The partner's slug.")]) -> None:
    """List a partner's team: id, email, role, whether two-step sign-in is on."""

    async def go(c: Container) -> Any:
        async with c.uow() as uow:
            p = await uow.partners.by_slug(partner)
            return await uow.partner_users.team(p.id)

    for user, membership in _run(_with_container(_settings(), go)):
        mfa = "mfa" if user.totp_enabled else "no-mfa"
        typer.echo(f"{user.id}\t{user.email}\t{membership.role.value}\t{mfa}\t{user.name or ''}")


@key_app.command("create")
def api_key_create(
    partner: Annotated[str, typer.Option(help="The partner's slug.")],
    live: Annotated[bool, typer.Option("--live/--test", help="Live or test mode key.")] = False,
    name: Annotated[str | None, typer.Option(help="A label to recognise the key by.")] = None,
    scope: Annotated[
        KeyScope, typer.Option(help="full: everything; read_only: reads only (reporting, exports).")
    ] = KeyScope.FULL,
) -> None:
    """Create an API key. The secret is printed alone on stdout, once; store it now."""
    from domain.partners.use_cases import CreateApiKey, create_api_key

    async def go(c: Container) -> Any:
        async with c.uow() as uow:
            command = CreateApiKey(partner, livemode=live, name=name, scope=scope)
            result = await create_api_key(command, uow, clock=c.clock)
            await uow.commit()
            return result

    key, secret = _run(_with_container(_settings(), go))
    err.print(f"Created {key.id} ({key.display}). It will not be shown again.")
    sys.stdout.write(secret + "\n")


@key_app.command("revoke")
def api_key_revoke(key_id: Annotated[str, typer.Argument(help="The key id (key_…).")]) -> None:
    """Revoke an API key; requests with it fail from now on."""
    from domain.partners.use_cases import RevokeApiKey, revoke_api_key

    async def go(c: Container) -> Any:
        async with c.uow() as uow:
            key = await revoke_api_key(RevokeApiKey(key_id), uow, clock=c.clock)
            await uow.commit()
            return key

    key = _run(_with_container(_settings(), go))
    err.print(f"Revoked {key.id} ({key.display}).")


@key_app.command("list")
def api_key_list(partner: Annotated[str, typer.Option(help="The partner's slug.")]) -> None:
    """List a partner's API keys (never their secrets)."""

    async def go(c: Container) -> Any:
        async with c.uow() as uow:
            p = await uow.partners.by_slug(partner)
            return await uow.api_keys.for_partner(p.id)

    for key in _run(_with_container(_settings(), go)):
        state = "revoked" if key.revoked_at else "active"
        used = key.last_used_at.isoformat() if key.last_used_at else "never"
        typer.echo(f"{key.id}\t{key.display}\t{key.scope}\t{state}\tlast used {used}\t{key.name or ''}")


@ledger_app.command("verify")
def ledger_verify() -> None:
    """Check every journal entry balances, every invoice and payment agrees with the ledger, and the insights
    rollup equals what the journal gives.

    Exits 0 when the ledger holds; otherwise lists the offending entries, invoices, payments and rollup rows
    (partner, table, key) and exits 1.
    """
    from adapters.db.verify import count_subjects, verify_ledger

    async def go(c: Container) -> Any:
        async with c.sessions() as session:
            total = await count_subjects(session)
            with Progress(
                TextColumn("Verifying ledger"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=err,
                transient=True,
            ) as bar:
                task = bar.add_task("verify", total=total)
                return await verify_ledger(session, lambda n: bar.advance(task, n)), total

    violations, total = _run(_with_container(_settings(), go))
    if violations:
        for v in violations:
            typer.echo(f"{v.kind}\t{v.subject}\t{v.detail}")
        err.print(f"[red]Ledger check failed: {len(violations)} problem(s).[/red]")
        raise typer.Exit(1)
    err.print(
        f"[green]Ledger holds[/green]: every entry balances; {total} invoices and payments agree; "
        "the insights rollup matches the journal."
    )


@app.command()
def openapi(
    output: Annotated[Path, typer.Option(help="Where to write the document.")] = OPENAPI_PATH,
) -> None:
    """Write the OpenAPI document generated from the app."""
    from api.app import create_app

    document = create_app().openapi()
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")
    err.print(f"Wrote {output}.")


if __name__ == "__main__":
    app()
