"""The fake database: every table as a dict or list of private domain objects, snapshotted for rollback."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from domain.api_keys.model import ApiKey
from domain.customers.model import Customer
from domain.disputes.model import Dispute
from domain.event_handlers import StoredEvent
from domain.invoices.model import Invoice
from domain.ledger.model import JournalEntry
from domain.mail import Email
from domain.pagination import Page, PageRequest
from domain.partners.model import Partner
from domain.payment_methods.model import PaymentMethod
from domain.payments.model import Payment
from domain.payments.settings import PaymentSettings
from domain.portal.users import Membership, PortalUser
from domain.refunds.model import Refund
from domain.scheduled_payments.model import ScheduledPayment

if TYPE_CHECKING:
    from tests.use_cases.fakes.unit_of_work import FakeUnitOfWork

T = TypeVar("T")

FAKE_PARTNER_ID = "ptr_FAKE0000000000000000000000"


def keyset_page(items: Iterable[T], page: PageRequest, key: Callable[[T], str]) -> Page[T]:
    """Newest first by id, `id < before_id`, one extra row to tell whether more exist (adapters/db/paging)."""
    rows = sorted(items, key=key, reverse=True)
    if page.before_id is not None:
        rows = [r for r in rows if key(r) < page.before_id]
    rows = rows[: page.limit + 1]
    return Page(items=rows[: page.limit], has_more=len(rows) > page.limit)


class Violation(AssertionError):
    """A write the database would refuse (its IntegrityError): a constraint, a unique index, a foreign key."""


def violated(condition: bool, constraint: str) -> None:
    if condition:
        raise Violation(constraint)


@dataclass(frozen=True, slots=True)
class IdempotencyRow:
    """A row of idempotency_keys (adapters/db/tables.py IdempotencyKeyRow)."""

    id: int
    partner_id: str
    api_key_id: str
    key: str
    request_hash: str
    created_at: datetime
    response_status: int | None = None
    response_body: str | None = None
    resource_id: str | None = None


@dataclass(frozen=True, slots=True)
class InboxRow:
    """A row of processor_events."""

    type: str
    account: str
    payload: dict[str, Any]
    received_at: datetime
    processed_at: datetime | None = None
    outcome: str | None = None


@dataclass
class Tables:
    """Everything the fake database holds. Stored objects are never mutated, only replaced, so a snapshot is a
    shallow copy of each dict and list."""

    invoice_sequence: int = 0
    partners: dict[str, Partner] = field(default_factory=dict)
    retired_slugs: dict[str, str] = field(default_factory=dict)  # slug → the partner that used it before
    api_keys: dict[str, ApiKey] = field(default_factory=dict)
    customers: dict[str, Customer] = field(default_factory=dict)
    invoices: dict[str, Invoice] = field(default_factory=dict)
    payments: dict[str, Payment] = field(default_factory=dict)
    entries: list[JournalEntry] = field(default_factory=list)
    payment_methods: dict[str, PaymentMethod] = field(default_factory=dict)
    refunds: dict[str, Refund] = field(default_factory=dict)
    disputes: dict[str, Dispute] = field(default_factory=dict)
    payment_settings: PaymentSettings | None = None  # no row until the partner changes them
    scheduled_payments: dict[str, ScheduledPayment] = field(default_factory=dict)
    portal_users: dict[str, PortalUser] = field(default_factory=dict)
    memberships: dict[str, Membership] = field(default_factory=dict)
    emails: dict[str, Email] = field(default_factory=dict)
    inbox: dict[tuple[str, str], InboxRow] = field(default_factory=dict)
    idempotency_sequence: int = 0
    idempotency: dict[int, IdempotencyRow] = field(default_factory=dict)
    outbox: dict[str, StoredEvent] = field(default_factory=dict)  # recorded events, in recording order
    handled: dict[str, datetime] = field(default_factory=dict)  # event id → when it was handled
    audit_log: list[dict[str, Any]] = field(default_factory=list)

    def snapshot(self) -> Tables:
        copied = Tables()
        for f in fields(self):
            value = getattr(self, f.name)
            setattr(copied, f.name, type(value)(value) if isinstance(value, dict | list) else value)
        return copied

    def restore(self, other: Tables) -> None:
        snap = other.snapshot()
        for f in fields(self):
            setattr(self, f.name, getattr(snap, f.name))

    def state(self) -> tuple[Any, ...]:
        """A comparable picture of every table: equal before and after means nothing was written."""
        out: list[Any] = []
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, dict):
                out.append(sorted((repr(k), repr(v)) for k, v in value.items()))
            elif isinstance(value, list):
                out.append([repr(v) for v in value])
            else:
                out.append(repr(value))
        return tuple(out)


class Repo:
    """Base of the fake repositories: they read and replace rows in their unit of work's current tables."""

    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    @property
    def _t(self) -> Tables:
        return self._uow.tables

    def _check_tenant(self, partner_id: str, what: str) -> None:
        # Tenant scoping: a use case must stamp every row with the unit of work's partner.
        assert partner_id == self._uow.partner_id, f"{what} written for partner {partner_id!r}"
