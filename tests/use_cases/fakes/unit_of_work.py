"""The fake unit of work: one partner's repositories over in-memory tables, with commit and rollback.

Stored objects are private copies, so a use case only changes state through the repositories; `commit()` and
`rollback()` behave like the database transaction (a failed use case followed by `rollback()` leaves no partial
change). It satisfies UnitOfWork, ScheduledUnitOfWork, InboxUnitOfWork and PlatformUnitOfWork; `checkpoint` is what
use cases get as their Checkpoint, a job's (commit, roll back to discard) that also records why it was called.
"""

from __future__ import annotations

import copy
from collections.abc import Awaitable
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, TypeVar

from domain.customers.model import Customer
from domain.disputes.model import Dispute
from domain.event_handlers import StoredEvent
from domain.events import Event
from domain.invoices.model import Invoice
from domain.ledger.balances import InvoiceBalance
from domain.ledger.model import JournalEntry
from domain.mail import Email
from domain.partners.model import Partner
from domain.payment_methods.model import PaymentMethod
from domain.payments.model import Payment
from domain.ports import CheckpointReason
from domain.refunds.model import Refund
from domain.scheduled_payments.model import ScheduledPayment
from tests.use_cases.fakes.invoicing import FakeCustomers, FakeInvoices, FakeLedger, FakeSequences, derive_balance
from tests.use_cases.fakes.outbox import FakeOutbox
from tests.use_cases.fakes.payments import (
    FakeDisputes,
    FakePaymentMethods,
    FakePayments,
    FakePaymentSettings,
    FakeRefunds,
)
from tests.use_cases.fakes.platform import FakeApiKeys, FakeEmails, FakeIdempotency, FakeInbox, FakePartners
from tests.use_cases.fakes.portal import FakePortalUsers, FakeScheduledPayments
from tests.use_cases.fakes.tables import FAKE_PARTNER_ID, Tables

T = TypeVar("T")


class FakeUnitOfWork:
    """Implements the unit-of-work ports over in-memory tables holding one partner (which exists as a row)."""

    def __init__(self, partner_id: str = FAKE_PARTNER_ID) -> None:
        self.partner_id = partner_id
        self.tables = Tables()
        created = datetime(2026, 1, 1, tzinfo=UTC)
        self.tables.partners[partner_id] = Partner(name="Fake partner", slug="fake", created_at=created, id=partner_id)
        self._committed = self.tables.snapshot()
        self.commits = 0
        self.rollbacks = 0
        self.checkpoint = FakeCheckpoint(self)
        self.sequences = FakeSequences(self)
        self.customers = FakeCustomers(self)
        self.invoices = FakeInvoices(self)
        self.payments = FakePayments(self)
        self.ledger = FakeLedger(self)
        self.payment_methods = FakePaymentMethods(self)
        self.refunds = FakeRefunds(self)
        self.disputes = FakeDisputes(self)
        self.payment_settings = FakePaymentSettings(self)
        self.emails = FakeEmails(self)
        self.scheduled_payments = FakeScheduledPayments(self)
        self.portal_users = FakePortalUsers(self)
        self.partners = FakePartners(self)
        self.api_keys = FakeApiKeys(self)
        self.idempotency = FakeIdempotency(self)
        self.inbox = FakeInbox(self)
        self.outbox = FakeOutbox(self)

    def scope_to(self, partner_id: str) -> FakeUnitOfWork:
        assert partner_id == self.partner_id, "the fake holds one partner's rows"
        return self

    def record(self, event: Event) -> None:
        # Ids in recording order (ULIDs made within one millisecond are not), as a sequence column would give.
        ident = f"evt_{len(self.tables.outbox) + 1:026d}"
        stored = StoredEvent(ident, self.partner_id, event.type, event.payload(), datetime.now(UTC))
        self.tables.outbox[stored.id] = stored

    async def audit(
        self,
        *,
        actor: str,
        action: str,
        subject: str | None,
        details: dict[str, Any] | None = None,
        partner_id: str | None = None,
    ) -> None:
        row = {"partner_id": partner_id or self.partner_id, "actor": actor, "action": action, "subject": subject}
        self.tables.audit_log.append({**row, "details": copy.deepcopy(details or {})})

    async def commit(self) -> None:
        self._committed = self.tables.snapshot()
        self.commits += 1
        self.emails.queued.clear()

    async def rollback(self) -> None:
        self.tables.restore(self._committed)
        self.emails.queued.clear()
        self.rollbacks += 1

    async def __aenter__(self) -> FakeUnitOfWork:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        # Like SqlUnitOfWork: whatever was not committed is rolled back on the way out.
        await self.rollback()

    # Read-only views for assertions (not part of the ports).

    @property
    def events(self) -> list[tuple[str, dict[str, Any]]]:
        return [(e.type, e.payload) for e in self.tables.outbox.values()]

    def event_types(self) -> list[str]:
        return [e.type for e in self.tables.outbox.values()]

    @property
    def entries(self) -> list[JournalEntry]:
        return list(self.tables.entries)

    @property
    def emails_queued(self) -> list[Email]:
        return list(self.tables.emails.values())

    def invoice(self, invoice_id: str) -> Invoice:
        return copy.deepcopy(self.tables.invoices[invoice_id])

    def payment(self, payment_id: str) -> Payment:
        return copy.deepcopy(self.tables.payments[payment_id])

    def customer(self, customer_id: str) -> Customer:
        return copy.deepcopy(self.tables.customers[customer_id])

    def method(self, method_id: str) -> PaymentMethod:
        return copy.deepcopy(self.tables.payment_methods[method_id])

    def refund(self, refund_id: str) -> Refund:
        return copy.deepcopy(self.tables.refunds[refund_id])

    def dispute(self, dispute_id: str) -> Dispute:
        return copy.deepcopy(self.tables.disputes[dispute_id])

    def scheduled(self, scheduled_id: str) -> ScheduledPayment:
        return copy.deepcopy(self.tables.scheduled_payments[scheduled_id])

    def balance(self, invoice_id: str) -> InvoiceBalance:
        return derive_balance(self.tables.invoices[invoice_id], self.tables.entries)

    def state(self) -> tuple[Any, ...]:
        """A comparable picture of everything stored: equal before and after means nothing was written."""
        return self.tables.state()


class FakeCheckpoint:
    """Commits (or rolls back, to discard) like a job's checkpoint, and keeps each call's reason and resource."""

    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow
        self.calls: list[tuple[CheckpointReason, str | None]] = []
        self.discarded: list[CheckpointReason] = []

    async def __call__(self, reason: CheckpointReason, resource_id: str | None = None) -> None:
        self.calls.append((reason, resource_id))
        await self._uow.commit()

    async def discard(self, reason: CheckpointReason) -> None:
        self.discarded.append(reason)
        await self._uow.rollback()

    @property
    def reasons(self) -> list[CheckpointReason]:
        return [reason for reason, _ in self.calls]


async def in_transaction(uow: FakeUnitOfWork, work: Awaitable[T]) -> T:
    """What the edge does around one use case: commit on success, roll back (and re-raise) on failure."""
    try:
        result = await work
    except BaseException:
        await uow.rollback()
        raise
    await uow.commit()
    return result
