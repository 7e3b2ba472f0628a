"""Signing portal users in through the API, reading the emailed code from the email outbox."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select

from adapters.bootstrap import Container
from adapters.db.tables import EmailRow


async def last_email(container: Container, to: str, template: str | None = None) -> EmailRow:
    async with container.sessions() as session:
        stmt = select(EmailRow).where(EmailRow.to_address == to.lower())
        if template is not None:
            stmt = stmt.where(EmailRow.template == template)
        row = await session.scalar(stmt.order_by(EmailRow.id.desc()).limit(1))
    assert row is not None, f"no email to {to}"
    return row


async def emailed_code(container: Container, to: str, template: str = "sign_in_code") -> str:
    return str((await last_email(container, to, template)).context["code"])


async def portal_sign_in(client: httpx.AsyncClient, container: Container, slug: str, email: str) -> dict[str, str]:
    """Code sign-in; the session cookie stays on `client`; returns the CSRF header for changes."""
    r = await client.post(f"/portal/v1/partners/{slug}/sign-in/code", json={"email": email})
    assert r.status_code == 202, r.text
    code = await emailed_code(container, email)
    r = await client.post(f"/portal/v1/partners/{slug}/sign-in/verify", json={"email": email, "code": code})
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    client.headers["X-CSRF-Token"] = body["csrf_token"]
    return {"X-CSRF-Token": body["csrf_token"], "status": body["status"]}
