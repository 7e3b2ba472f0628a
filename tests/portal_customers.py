"""Customers signed in to the portal, each in a browser of its own (cookie jar, CSRF header, client address),
beside the partner's API client that sets up their invoices."""

from __future__ import annotations

import itertools
from contextlib import AsyncExitStack
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import httpx
from sqlalchemy import text

from adapters.bootstrap import Container
from domain.portal.users import permissions_of
from tests.conftest import Tenant
from tests.factories import make_customer, make_invoice, save_test_method
from tests.portal_helpers import emailed_code, portal_sign_in

# Sign-in codes are rate limited per client address: every browser gets an address of its own.
_ADDRESSES = (f"198.18.{i // 250}.{i % 250 + 1}" for i in itertools.count())


@dataclass
class PortalCustomer:
    partner: httpx.AsyncClient  # the partner's API key
    browser: httpx.AsyncClient  # signed in as `email`, with the CSRF header set
    customer: dict[str, Any]
    email: str

    @property
    def id(self) -> str:
        return str(self.customer["id"])

    async def invoice(self, amount: int = 10_000, **overrides: Any) -> dict[str, Any]:
        return await make_invoice(self.partner, self.id, amount=amount, **overrides)

    async def method(self, kind: str = "visa") -> dict[str, Any]:
        """Saved through the partner API (the portal route has its own tests)."""
        return await save_test_method(self.partner, self.id, kind)


class Portals:
    """Opens signed-in browsers on one app; closes them all at the end."""

    def __init__(self, partner: httpx.AsyncClient, container: Container, tenant: Tenant) -> None:
        self.partner = partner
        self.container = container
        self.tenant = tenant
        self.app = partner._transport.app  # type: ignore[attr-defined]
        self._stack = AsyncExitStack()

    async def __aenter__(self) -> Portals:
        await self._stack.__aenter__()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._stack.__aexit__(exc_type, exc, tb)

    async def browser(self) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=self.app, client=(next(_ADDRESSES), 50_000))
        return await self._stack.enter_async_context(
            httpx.AsyncClient(transport=transport, base_url="http://remit.test", timeout=60)
        )

    async def customer(
        self,
        email: str = "ap@acme.example",
        *,
        partner: httpx.AsyncClient | None = None,
        tenant: Tenant | None = None,
        **fields: Any,
    ) -> PortalCustomer:
        """A new customer of the partner (or of `partner`/`tenant`) with `email`, signed in to the portal."""
        partner = partner or self.partner
        tenant = tenant or self.tenant
        customer = await make_customer(partner, email=email, **{"name": "Acme Dental", **fields})
        return PortalCustomer(partner, await self.sign_in(email, tenant), customer, email)

    async def sign_in(self, email: str, tenant: Tenant | None = None) -> httpx.AsyncClient:
        b = await self.browser()
        answer = await portal_sign_in(b, self.container, (tenant or self.tenant).slug, email)
        assert answer["status"] == "signed_in", answer
        return b


async def step_up(browser: httpx.AsyncClient, container: Container, email: str) -> None:
    """A fresh second factor (an emailed code) for saving bank accounts; the session token rotates."""
    r = await browser.post("/portal/v1/me/step-up/code")
    assert r.status_code == 204, r.text
    code = await emailed_code(container, email, "step_up_code")
    r = await browser.post("/portal/v1/me/step-up", json={"code": code})
    assert r.status_code == 200, r.text
    browser.headers["X-CSRF-Token"] = r.json()["csrf_token"]


async def set_permissions(container: Container, tenant: Tenant, email: str, customer_id: str, *granted: str) -> None:
    """What the customer's colleague with `manage_team` would do: narrow one contact's permissions."""
    async with container.uow() as uow:
        uow.scope_to(tenant.partner_id)
        user = await uow.portal_users.by_email(email)
        assert user is not None
        membership = await uow.portal_users.membership(user.id, customer_id)
        assert membership is not None
        membership.permissions = permissions_of(list(granted))
        await uow.portal_users.save_membership(membership)
        await uow.commit()


COUNTED = ("payments", "payment_methods", "scheduled_payments", "invoice_questions", "journal_entries", "emails")


async def row_counts(container: Container, tenant: Tenant) -> dict[str, int]:
    """Rows of the partner's that a portal request could have written (emails: all of them)."""
    async with container.sessions() as session:
        out = {}
        for table in COUNTED:
            where = "" if table == "emails" else " WHERE partner_id = :p"
            out[table] = int(
                (
                    await session.execute(text(f"SELECT count(*) FROM {table}{where}"), {"p": tenant.partner_id})
                ).scalar_one()
            )
        return out
