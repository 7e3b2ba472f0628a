"""Three stores behind one face: the in-memory fakes, SQLite and PostgreSQL through the real SqlUnitOfWork.

A test opens units of work on a `Store`, writes, commits, and reads back in a fresh one; whatever it asserts
must hold on all three, so a column or filter forgotten on one path (the fake, the ORM, the asyncpg fast path)
fails everywhere it differs.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, date, datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from adapters.bootstrap import Container
from adapters.db.idempotency import StoredResponse
from adapters.db.tables import EmailRow, OutboxEventRow, ProcessorEventRow
from domain.customers.model import Customer
from domain.ids import new_id
from domain.invoices.model import Invoice, InvoiceLine
from domain.mail import Email, Template
from domain.payment_methods.model import Mandate, PaymentMethod
from domain.payments.model import Allocation, MethodType, Payment
from domain.payments.processing import Funding
from domain.ports import InboxUnitOfWork, PlatformUnitOfWork
from domain.scheduled_payments.model import ScheduledUnitOfWork
from tests.conftest import make_tenant
from tests.use_cases.fakes import FakeUnitOfWork, Violation

# What the database refuses: SQLAlchemy's IntegrityError there, the fake's Violation here.
REFUSED = (IntegrityError, Violation)

AT = datetime(2026, 11, 2, 9, 30, 15, 123456, tzinfo=UTC)  # microseconds too: they must survive the round trip


class Idempotency(Protocol):
    async def claim(
        self, *, partner_id: str, api_key_id: str, key: str, request_hash: str, at: datetime
    ) -> tuple[int | None, StoredResponse | None]: ...
    async def release(self, row_id: int) -> None: ...
    async def link(self, row_id: int, resource_id: str) -> None: ...
    async def take_over(self, stored: StoredResponse, at: datetime) -> bool: ...
    async def complete(self, row_id: int, status: int, body: str) -> None: ...


class Uow(ScheduledUnitOfWork, InboxUnitOfWork, PlatformUnitOfWork, Protocol):
    """Every repository the use cases and the API's edge call, on one partner's unit of work."""

    @property
    def idempotency(self) -> Idempotency: ...


class Store(Protocol):
    name: str
    partner_id: str

    def open(self) -> AbstractAsyncContextManager[Uow]:
        """`async with store.open() as uow`: a unit of work scoped to the partner, rolled back unless committed."""
        ...

    async def other_partner(self) -> Store | None:
        """A second partner in the same database (None for the fake, which holds one partner)."""
        ...

    async def outbox(self) -> list[tuple[str, dict[str, Any]]]:
        """The partner's committed outbox events, sorted (ids made in one millisecond are in no set order)."""
        ...

    async def emails(self) -> list[Email]:
        """The partner's emails as stored, sorted (two queued in one microsecond are in no set order)."""
        ...

    async def inbox_outcome(self, processor: str, event_id: str) -> tuple[str | None, datetime | None] | None: ...


class FakeStore:
    name = "fake"

    def __init__(self) -> None:
        self.uow = FakeUnitOfWork()
        self.partner_id = self.uow.partner_id

    @asynccontextmanager
    async def open(self) -> AsyncIterator[Uow]:
        async with self.uow:
            yield self.uow

    async def other_partner(self) -> Store | None:
        return None

    async def outbox(self) -> list[tuple[str, dict[str, Any]]]:
        return sorted(self.uow.events, key=repr)

    async def emails(self) -> list[Email]:
        return sorted((e for e in self.uow.emails_queued if e.partner_id == self.partner_id), key=repr)

    async def inbox_outcome(self, processor: str, event_id: str) -> tuple[str | None, datetime | None] | None:
        row = self.uow.tables.inbox.get((processor, event_id))
        return None if row is None else (row.outcome, row.processed_at)


class SqlStore:
    def __init__(self, name: str, container: Container, partner_id: str) -> None:
        self.name = name
        self.container = container
        self.partner_id = partner_id

    @asynccontextmanager
    async def open(self) -> AsyncIterator[Uow]:
        async with self.container.uow() as uow:
            yield uow.scope_to(self.partner_id)

    async def other_partner(self) -> Store | None:
        tenant = await make_tenant(self.container, "Other partner")
        return SqlStore(self.name, self.container, tenant.partner_id)

    async def _rows(self, stmt: Any) -> list[Any]:
        async with self.container.uow() as uow:
            return list((await uow.session.execute(stmt)).all())

    async def outbox(self) -> list[tuple[str, dict[str, Any]]]:
        rows = await self._rows(
            select(OutboxEventRow.type, OutboxEventRow.payload).where(OutboxEventRow.partner_id == self.partner_id)
        )
        return sorted(((t, p) for t, p in rows), key=repr)

    async def emails(self) -> list[Email]:
        e = EmailRow
        rows = await self._rows(
            select(e.to_address, e.template, e.context, e.partner_id, e.dedupe_key).where(
                e.partner_id == self.partner_id
            )
        )
        return [
            Email(to, Template(template), dict(context), partner, key) for to, template, context, partner, key in rows
        ]

    async def inbox_outcome(self, processor: str, event_id: str) -> tuple[str | None, datetime | None] | None:
        rows = await self._rows(
            select(ProcessorEventRow.outcome, ProcessorEventRow.processed_at).where(
                ProcessorEventRow.processor == processor, ProcessorEventRow.event_id == event_id
            )
        )
        return None if not rows else (rows[0][0], rows[0][1])


# Small builders of domain objects, written through the repositories under test.


def unique(prefix: str) -> str:
    """For columns unique across partners (processor ids, dedupe keys, event ids): the databases are shared."""
    return f"{prefix}_{uuid.uuid4().hex[:16]}"


def ids(prefix: str, count: int, start_ms: int = 1_780_000_000_000) -> list[str]:
    """Ids a millisecond apart, oldest first, so keyset order is known."""
    return [new_id(prefix, now_ms=start_ms + i) for i in range(count)]


def customer(partner_id: str, **overrides: Any) -> Customer:
    fields: dict[str, Any] = {"partner_id": partner_id, "name": "Acme Dental", "created_at": AT, "updated_at": AT}
    return Customer(**{**fields, **overrides})


def invoice(partner_id: str, customer_id: str, **overrides: Any) -> Invoice:
    fields: dict[str, Any] = {
        "partner_id": partner_id,
        "customer_id": customer_id,
        "number": unique("INV"),
        "currency": "USD",
        "issue_date": date(2026, 11, 1),
        "due_date": date(2026, 12, 1),
        "lines": [InvoiceLine("Managed services", 1, 10_000)],
        "created_at": AT,
        "finalized_at": AT,
    }
    return Invoice(**{**fields, **overrides})


def payment(partner_id: str, customer_id: str, allocations: list[tuple[str, int]], **overrides: Any) -> Payment:
    fields: dict[str, Any] = {
        "partner_id": partner_id,
        "customer_id": customer_id,
        "method": MethodType.CHECK,
        "currency": "USD",
        "allocations": [Allocation(i, a) for i, a in allocations],
        "created_at": AT,
        "received_on": date(2026, 11, 2),
        "reference": "Check #1",
    }
    return Payment(**{**fields, **overrides})


def card(partner_id: str, customer_id: str, **overrides: Any) -> PaymentMethod:
    fields: dict[str, Any] = {
        "partner_id": partner_id,
        "customer_id": customer_id,
        "type": MethodType.CARD,
        "processor": "sandbox",
        "processor_method_id": unique("pm"),
        "last4": "4242",
        "country": "US",
        "created_at": AT,
        "brand": "visa",
        "exp_month": 12,
        "exp_year": 2040,
        "funding": Funding.CREDIT,
        "fingerprint": "fp_1",
    }
    return PaymentMethod(**{**fields, **overrides})


def bank_account(partner_id: str, customer_id: str, **overrides: Any) -> PaymentMethod:
    mandate = Mandate("ach-2026-11", AT, "203.0.113.7", "pytest", language="fr")
    fields: dict[str, Any] = {
        "type": MethodType.US_BANK_ACCOUNT,
        "last4": "6789",
        "brand": None,
        "exp_month": None,
        "exp_year": None,
        "funding": None,
        "bank_name": "First Bank",
        "mandate": mandate,
    }
    return card(partner_id, customer_id, **{**fields, **overrides})
