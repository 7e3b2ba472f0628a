"""People on a partner's team, signed in to the dashboard through the API: each person gets their own client (their
own cookie jar) with the CSRF header set, so several can act in one test."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
from fastapi import FastAPI

from adapters.bootstrap import Container
from domain.team.members import AddPerson, add_person
from domain.team.roles import Role
from tests.conftest import Tenant

PASSWORD = "correct horse battery staple"


@dataclass
class Person:
    user_id: str
    email: str
    client: httpx.AsyncClient  # signed in: cookie in its jar, X-CSRF-Token in its headers


async def add_member(container: Container, tenant: Tenant, role: Role, email: str | None = None) -> tuple[str, str]:
    """A person on the tenant's team with PASSWORD; returns (user id, email)."""
    email = email or f"{role.value}-{uuid.uuid4().hex[:8]}@team.example"
    async with container.uow() as uow:
        added = await add_person(
            AddPerson(tenant.partner_id, email, role, password=PASSWORD),
            uow,
            creds=container.credentials,
            clock=container.clock,
        )
        await uow.commit()
    assert added.user is not None
    return added.user.id, email


def app_of(client: httpx.AsyncClient) -> FastAPI:
    app: FastAPI = client._transport.app  # type: ignore[attr-defined]
    return app


@asynccontextmanager
async def browser(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A fresh client with its own cookie jar, as a browser tab on the dashboard is."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://remit.test") as c:
        yield c


async def sign_in(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> dict[str, object]:
    r = await client.post("/v1/auth/sign-in/password", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    body: dict[str, object] = r.json()
    client.headers["X-CSRF-Token"] = str(body["csrf_token"])
    return body


@asynccontextmanager
async def signed_in(
    app: FastAPI, container: Container, tenant: Tenant, role: Role, email: str | None = None
) -> AsyncIterator[Person]:
    user_id, address = await add_member(container, tenant, role, email)
    async with browser(app) as client:
        await sign_in(client, address)
        yield Person(user_id, address, client)
