"""Dashboard tests' shared pieces: a clock the test moves, TOTP enrolment through /v1/me, emailed codes and links,
and the audit log as stored."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pyotp
from sqlalchemy import select

from adapters.bootstrap import Container
from adapters.db.tables import AuditLogRow, EmailRow
from domain.clock import FixedClock
from tests.portal_helpers import emailed_code, last_email


def fresh(name: str) -> str:
    """An address no other test (in this session's shared databases) uses."""
    return f"{name}-{uuid.uuid4().hex[:8]}@team.example"


def fixed_clock(container: Container) -> FixedClock:
    """The container (and so every unit of work the app opens) now reads this clock; move it with `advance`."""
    clock = FixedClock(datetime.now(UTC).replace(microsecond=0))
    container.clock = clock
    return clock


def advance(clock: FixedClock, **delta: float) -> None:
    clock.at = clock.at + timedelta(**delta)


def use_token(client: httpx.AsyncClient, body: dict[str, Any]) -> None:
    client.headers["X-CSRF-Token"] = str(body["csrf_token"])


async def enrol_mfa(client: httpx.AsyncClient, clock: FixedClock) -> tuple[pyotp.TOTP, list[str]]:
    """Turns on TOTP for the signed-in person; the client gets the session's new CSRF token. The clock moves a
    time step on, so the next code the test computes is a fresh one."""
    r = await client.post("/v1/me/mfa")
    assert r.status_code == 200, r.text
    totp = pyotp.TOTP(r.json()["secret"])
    r = await client.post("/v1/me/mfa/confirm", json={"code": totp.at(clock.now())})
    assert r.status_code == 200, r.text
    use_token(client, r.json())
    advance(clock, seconds=30)
    return totp, list(r.json()["recovery_codes"])


async def code_sign_in(client: httpx.AsyncClient, container: Container, email: str) -> httpx.Response:
    r = await client.post("/v1/auth/sign-in/code", json={"email": email})
    assert r.status_code == 202, r.text
    code = await emailed_code(container, email, "dashboard_sign_in_code")
    return await client.post("/v1/auth/sign-in/verify", json={"email": email, "code": code})


async def link_token(container: Container, to: str, template: str) -> str:
    url = str((await last_email(container, to, template)).context["url"])
    return url.split("#token=", 1)[1]


async def emails_to(container: Container, to: str, template: str | None = None) -> list[EmailRow]:
    async with container.sessions() as session:
        stmt = select(EmailRow).where(EmailRow.to_address == to.lower())
        if template is not None:
            stmt = stmt.where(EmailRow.template == template)
        return list(await session.scalars(stmt))


async def audit_rows(container: Container, partner_id: str | None = None) -> list[AuditLogRow]:
    async with container.sessions() as session:
        stmt = select(AuditLogRow)
        if partner_id is not None:
            stmt = stmt.where(AuditLogRow.partner_id == partner_id)
        return list(await session.scalars(stmt.order_by(AuditLogRow.created_at, AuditLogRow.id)))
