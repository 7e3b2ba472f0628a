"""Seeding through real code: a partner and its test API key made by the same use cases as `remit partner create`
and `remit api-key create` (in-process, on the server's database), then everything else through the `/v1` API."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

from adapters.bootstrap import Container
from api.v1.payment_settings import PaymentSettingsUpdate
from domain.partners.use_cases import CreateApiKey, CreatePartner, create_api_key, create_partner
from tests.factories import make_invoice, save_test_method

PAYMENT_SETTINGS = frozenset(PaymentSettingsUpdate.model_fields)  # the rest of a settings change is the portal's


@dataclass
class Partner:
    """One test's partner: `api` is an httpx client for `/v1` carrying its test-mode API key."""

    name: str
    slug: str
    partner_id: str
    api_key: str
    base_url: str
    api: httpx.AsyncClient = field(repr=False)

    def email(self, local: str = "ap") -> str:
        """An address no other test uses: `ap@<slug>.example`."""
        return f"{local}@{self.slug}.example"

    def url(self, path: str = "") -> str:
        return f"{self.base_url}{path}"

    def portal_url(self, path: str = "") -> str:
        """The partner's billing link, `/pay/{slug}`, plus `path` (e.g. `/invoices`)."""
        return f"{self.base_url}/pay/{self.slug}{path}"

    async def _send(self, method: str, path: str, body: Any = None, expect: int = 200) -> Any:
        headers = {"Idempotency-Key": str(uuid.uuid4())} if method in ("POST", "PATCH") else {}
        r = await self.api.request(method, path, json=body, headers=headers)
        assert r.status_code == expect, f"{method} {path} answered {r.status_code}: {r.text}"
        return r.json() if r.content else None

    async def create_customer(
        self,
        name: str = "Acme Dental",
        *,
        email: str | None = None,
        contacts: list[dict[str, Any]] | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        """A customer whose email (default: a fresh `ap@<slug>.example`) can sign in to the portal. `contacts` are
        more people who can: `[{"email": …, "name": …}]`."""
        body: dict[str, Any] = {"name": name, "email": email or self.email(), **fields}
        if contacts is not None:
            body["contacts"] = contacts
        created: dict[str, Any] = await self._send("POST", "/v1/customers", body, 201)
        return created

    async def create_invoice(
        self, customer_id: str, amount: int = 10_000, *, draft: bool = False, **overrides: Any
    ) -> dict[str, Any]:
        """An open invoice of one line for `amount` minor units (USD, due 2026-12-01 unless overridden; `lines`
        replaces the single line). `draft=True` leaves it a draft for `finalize_invoice`."""
        return await make_invoice(self.api, customer_id, amount, draft=draft, **overrides)

    async def finalize_invoice(self, invoice_id: str) -> dict[str, Any]:
        finalized: dict[str, Any] = await self._send("POST", f"/v1/invoices/{invoice_id}/finalize")
        return finalized

    async def set_portal_settings(self, **fields: Any) -> dict[str, Any]:
        """Change what the portal offers, e.g. `enabled_methods=["card"], partial_payments=True,
        guest_checkout=False, primary_color="#0B5FFF"`. Payment fields go to PATCH /v1/settings/payments, the rest
        to PATCH /v1/settings/portal; answers both documents merged."""
        payments = {k: v for k, v in fields.items() if k in PAYMENT_SETTINGS}
        portal = {k: v for k, v in fields.items() if k not in PAYMENT_SETTINGS}
        merged: dict[str, Any] = {}
        if payments:
            merged.update(await self._send("PATCH", "/v1/settings/payments", payments))
        if portal or not payments:
            merged.update(await self._send("PATCH", "/v1/settings/portal", portal))
        return merged

    async def pay_link(self, invoice_id: str) -> dict[str, Any]:
        """The invoice's guest pay link: `url` (`{base}/pay/{slug}/invoice/{token}`), `token`, `expires_at`."""
        link: dict[str, Any] = await self._send("POST", f"/v1/invoices/{invoice_id}/pay-link")
        return link

    async def access_requests(self, status: str | None = "pending") -> list[dict[str, Any]]:
        params: dict[str, str | int] = {"limit": 100}
        if status:
            params["status"] = status
        r = await self.api.get("/v1/access-requests", params=params)
        assert r.status_code == 200, r.text
        return list(r.json()["data"])

    async def approve_access_request(
        self,
        request_id: str | None = None,
        *,
        email: str | None = None,
        customer_id: str | None = None,
        new_customer: dict[str, Any] | None = None,
        timeout: float = 5,  # noqa: ASYNC109
    ) -> dict[str, Any]:
        """Approve a request (by id, or the pending one from `email`, waiting for it up to `timeout` s) onto
        `customer_id` or a new customer (default: named after the request's company). The person is emailed a
        sign-in link: `await inbox.link(email, contains="#token=")`."""
        if request_id is None:
            assert email is not None, "pass request_id or email"
            deadline = asyncio.get_running_loop().time() + timeout
            while request_id is None:
                pending = [r for r in await self.access_requests() if r["email"].lower() == email.lower()]
                if pending:
                    request_id = pending[0]["id"]
                elif asyncio.get_running_loop().time() > deadline:
                    raise AssertionError(f"no pending access request from {email} within {timeout} s")
                else:
                    await asyncio.sleep(0.1)
            assert request_id is not None
        body: dict[str, Any] = {}
        if customer_id is not None:
            body["customer_id"] = customer_id
        else:
            if new_customer is None:
                found = await self._send("GET", f"/v1/access-requests/{request_id}")
                new_customer = {"name": found["company_name"], "email": found["email"]}
            body["new_customer"] = new_customer
        approved: dict[str, Any] = await self._send("POST", f"/v1/access-requests/{request_id}/approve", body)
        return approved

    async def advance_clock(self, days: int = 1) -> dict[str, Any]:
        """Move this partner's sandbox forward: bank debits settle or return, disputes open and close."""
        moved: dict[str, Any] = await self._send("POST", "/v1/sandbox/clock/advance", {"days": days})
        return moved

    async def save_test_method(self, customer_id: str, kind: str = "visa") -> dict[str, Any]:
        """A saved sandbox card or bank account (kinds of `tests.factories.TEST_CARDS` / `TEST_BANK_ACCOUNTS`)."""
        return await save_test_method(self.api, customer_id, kind)


async def new_partner(container: Container, base_url: str, name: str = "Northwind IT") -> Partner:
    """A partner with a unique slug and a test-mode key, and an API client for it (close `partner.api`)."""
    # Letters only: the slug is part of every test email address, and six digits in a row there would be read as
    # the emailed code by Inbox.code.
    slug = "e2e-" + uuid.uuid4().hex[:10].translate(str.maketrans("0123456789", "ghijklmnop"))
    async with container.uow() as uow:
        created = await create_partner(CreatePartner(name, slug), uow, clock=container.clock)
        _key, secret = await create_api_key(CreateApiKey(slug, name="e2e"), uow, clock=container.clock)
        await uow.commit()
    api = httpx.AsyncClient(base_url=base_url, headers={"Authorization": f"Bearer {secret}"}, timeout=30)
    return Partner(name=name, slug=slug, partner_id=created.id, api_key=secret, base_url=base_url, api=api)


async def add_dashboard_person(
    container: Container,
    partner: Partner,
    email: str,
    *,
    role: str = "admin",
    password: str | None = "correct horse battery staple",
    name: str | None = None,
) -> None:
    """A person on the partner's dashboard team at once (with a password), the way `remit user create` and the demo
    do it (domain/team/members.py add_person)."""
    from domain.team.members import AddPerson, add_person
    from domain.team.roles import Role

    async with container.uow() as uow:
        await add_person(
            AddPerson(partner.partner_id, email, Role(role), password=password, name=name),
            uow,
            creds=container.credentials,
            clock=container.clock,
        )
        await uow.commit()
