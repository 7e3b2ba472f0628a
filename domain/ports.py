"""Ports: what the domain needs from the outside world, as Protocols over domain dataclasses."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Protocol

from domain.api_keys.model import ApiKey
from domain.customers.model import Customer
from domain.disputes.model import Dispute
from domain.events import Event
from domain.invoices.model import Invoice, InvoiceStatus
from domain.ledger.balances import InvoiceBalance
from domain.ledger.model import JournalEntry, Reason
from domain.mail import Email, RenderedEmail
from domain.pagination import Page, PageRequest
from domain.partners.model import Partner
from domain.payment_methods.model import PaymentMethod
from domain.payments.model import MethodType, Payment, PaymentStatus
from domain.payments.processing import (
    BankLink,
    ChargeRequest,
    ChargeState,
    DisputeState,
    DisputeStatus,
    MethodDetails,
    ProcessorEvent,
    RefundRequest,
    RefundState,
)
from domain.payments.settings import PaymentSettings
from domain.refunds.model import Refund


@dataclass(frozen=True, slots=True)
class CustomerQuery:
    email: str | None = None
    tag: str | None = None
    archived: bool | None = False
    include_merged: bool = False  # merged customers are left out unless asked for (they are archived too)
    search: str | None = None  # see customer_matches


@dataclass(frozen=True, slots=True)
class InvoiceQuery:
    status: InvoiceStatus | None = None
    customer_id: str | None = None
    due_before: date | None = None
    due_after: date | None = None
    overdue_on: date | None = None  # only invoices still payable whose due date is before this day
    not_overdue_on: date | None = None
    payable: bool = False  # only open or partially paid invoices


@dataclass(frozen=True, slots=True)
class PaymentQuery:
    customer_id: str | None = None
    invoice_id: str | None = None
    transaction_id: str | None = None
    processor_payment_id: str | None = None
    status: PaymentStatus | None = None
    payment_method_id: str | None = None
    in_flight: bool = False  # only processing or pending payments


@dataclass(frozen=True, slots=True)
class DisputeQuery:
    payment_id: str | None = None
    status: DisputeStatus | None = None


@dataclass(frozen=True, slots=True)
class EntryQuery:
    invoice_id: str | None = None
    payment_id: str | None = None


class PartnerSequences(Protocol):
    async def next_invoice_sequence(self) -> int: ...


class CustomerRepository(Protocol):
    async def add(self, customer: Customer) -> None: ...
    async def get(self, customer_id: str) -> Customer: ...
    async def hold(self, customer_id: str) -> Customer:
        """The customer, its row share-locked until the transaction ends: a merge of it waits for this
        transaction, and this one waits for a merge under way and then reads `merged_into` (decision 0015)."""
        ...

    async def save(self, customer: Customer) -> None: ...
    async def list(self, query: CustomerQuery, page: PageRequest) -> Page[Customer]: ...


class InvoiceRepository(Protocol):
    async def add(self, invoice: Invoice) -> None: ...
    async def get(self, invoice_id: str) -> Invoice: ...
    async def lock(self, invoice_id: str) -> Invoice: ...
    async def lock_many(self, invoice_ids: Sequence[str]) -> list[Invoice]: ...
    async def get_many(self, invoice_ids: Sequence[str]) -> list[Invoice]: ...
    async def save(self, invoice: Invoice) -> None: ...
    async def number_taken(self, number: str) -> bool: ...
    async def list(self, query: InvoiceQuery, page: PageRequest) -> Page[Invoice]: ...


class PaymentRepository(Protocol):
    async def add(self, payment: Payment) -> None: ...
    async def get(self, payment_id: str) -> Payment: ...
    async def lock(self, payment_id: str) -> Payment: ...
    async def save(self, payment: Payment) -> None: ...
    async def list(self, query: PaymentQuery, page: PageRequest) -> Page[Payment]: ...
    async def by_processor_id(self, processor: str, processor_payment_id: str) -> Payment | None: ...


class PaymentMethodRepository(Protocol):
    async def add(self, method: PaymentMethod) -> None: ...
    async def get(self, method_id: str) -> PaymentMethod:
        """Attached or detached; NotFound for another partner's."""
        ...

    async def save(self, method: PaymentMethod) -> None: ...
    async def for_customer(self, customer_id: str) -> list[PaymentMethod]:
        """Attached methods, newest first."""
        ...

    async def clear_default(self, customer_id: str) -> None: ...


class RefundRepository(Protocol):
    async def add(self, refund: Refund) -> None: ...
    async def save(self, refund: Refund) -> None: ...
    async def for_payment(self, payment_id: str) -> list[Refund]: ...
    async def get(self, refund_id: str) -> Refund: ...


class DisputeRepository(Protocol):
    async def add(self, dispute: Dispute) -> None: ...
    async def get(self, dispute_id: str) -> Dispute: ...
    async def save(self, dispute: Dispute) -> None: ...
    async def by_processor_id(self, processor_dispute_id: str) -> Dispute | None: ...
    async def list(self, query: DisputeQuery, page: PageRequest) -> Page[Dispute]: ...


class PaymentSettingsRepository(Protocol):
    async def get(self) -> PaymentSettings:
        """The partner's settings, or the defaults when it never changed them."""
        ...

    async def save(self, settings: PaymentSettings) -> None: ...


class LedgerRepository(Protocol):
    async def add(self, entry: JournalEntry) -> None: ...
    async def balances(self, invoices: Sequence[Invoice]) -> dict[str, InvoiceBalance]: ...
    async def entry_for_payment(self, payment_id: str, reason: Reason) -> JournalEntry: ...
    async def list(self, query: EntryQuery, page: PageRequest) -> Page[JournalEntry]: ...


class JobQueue(Protocol):
    """Where jobs are sent to run: arq on Redis in production, the in-process runner in the embedded default."""

    async def enqueue(self, name: str, /, **kwargs: Any) -> None: ...


class UnitOfWork(Protocol):
    """One transaction, scoped to one partner. Use cases flush; only the edge commits (or a Checkpoint, named)."""

    @property
    def partner_id(self) -> str: ...

    @property
    def sequences(self) -> PartnerSequences: ...

    @property
    def customers(self) -> CustomerRepository: ...

    @property
    def invoices(self) -> InvoiceRepository: ...

    @property
    def payments(self) -> PaymentRepository: ...

    @property
    def ledger(self) -> LedgerRepository: ...

    @property
    def payment_methods(self) -> PaymentMethodRepository: ...

    @property
    def refunds(self) -> RefundRepository: ...

    @property
    def disputes(self) -> DisputeRepository: ...

    @property
    def payment_settings(self) -> PaymentSettingsRepository: ...

    @property
    def emails(self) -> EmailOutbox: ...

    def record(self, event: Event) -> None:
        """Queue a domain event for the outbox, written in this same transaction."""
        ...

    async def audit(
        self, *, actor: str, action: str, subject: str | None, details: dict[str, object] | None = None
    ) -> None:
        """Append to the audit log, in this same transaction."""
        ...


class CheckpointReason(StrEnum):
    """Why a use case cannot wait for the edge's one commit (decision 0008)."""

    # A processor is called next: no transaction is held open across the call, and what the call concerns (the
    # payment, the refund) is durable first, so a retry or the recovery job finds it instead of making another.
    CALLING_PROCESSOR = "calling_processor"
    # A failed attempt (a wrong code, password or second factor) must count although the request is refused.
    COUNTING_FAILURE = "counting_failure"
    # A method given for a payment that was refused goes although the request is refused.
    FORGETTING_METHOD = "forgetting_method"
    # Discarded: a refused start's writes, so that what is recorded next stands alone.
    REFUSED_START = "refused_start"
    # A long job's finished batch (an import's rows): a job taken over after a crash goes on from there.
    RECORDING_PROGRESS = "recording_progress"


class Checkpoint(Protocol):
    """The caller's "make this durable now", the only way a use case ends a transaction before the edge does.

    The API's checkpoint also names the resource under the request's idempotency key (decision 0002); a job's
    just commits. `discard` drops what was written since the last checkpoint."""

    async def __call__(self, reason: CheckpointReason, resource_id: str | None = None) -> None: ...

    async def discard(self, reason: CheckpointReason) -> None: ...


class PartnerRepository(Protocol):
    async def add(self, partner: Partner) -> None: ...
    async def by_slug(self, slug: str) -> Partner: ...
    async def find_by_slug(self, slug: str) -> Partner | None: ...
    async def find_by_id(self, partner_id: str) -> Partner | None: ...
    async def get(self, partner_id: str) -> Partner: ...
    async def set_require_mfa(self, partner_id: str, required: bool) -> None: ...


class ApiKeyRepository(Protocol):
    async def add(self, key: ApiKey) -> None: ...
    async def by_hash(self, secret_hash: str) -> ApiKey | None: ...
    async def get(self, key_id: str) -> ApiKey: ...
    async def for_partner(self, partner_id: str) -> list[ApiKey]: ...
    async def revoke(self, key_id: str, at: datetime) -> None: ...
    async def touch(self, key_id: str, at: datetime) -> None: ...


class PlatformUnitOfWork(Protocol):
    """Operator-level work that happens before any tenant scope: partners and their credentials."""

    @property
    def partners(self) -> PartnerRepository: ...

    @property
    def api_keys(self) -> ApiKeyRepository: ...

    async def audit(
        self,
        *,
        actor: str,
        action: str,
        subject: str | None,
        details: dict[str, Any] | None = None,
        partner_id: str | None = None,
    ) -> None: ...


class PaymentProcessor(Protocol):
    """A card and bank-debit processor (the sandbox, Stripe). `account` is the partner's account there.

    `charge` and `refund` are idempotent on their request's key: calling again returns the first outcome.
    Raises ProcessorUnavailable when the outcome is unknown.
    """

    @property
    def name(self) -> str: ...

    async def token_type(self, *, token: str) -> MethodType:
        """What a token is, without spending it (so a request missing a debit mandate can be refused first)."""
        ...

    async def attach_method(self, *, account: str, token: str, customer_id: str) -> MethodDetails: ...
    async def detach_method(self, *, account: str, processor_method_id: str) -> None: ...
    async def charge(self, request: ChargeRequest) -> ChargeState: ...
    async def retrieve_charge(self, *, account: str, processor_payment_id: str) -> ChargeState: ...
    async def cancel_charge(self, *, account: str, processor_payment_id: str) -> ChargeState: ...
    async def refund(self, request: RefundRequest) -> RefundState: ...
    async def submit_dispute_evidence(
        self, *, account: str, processor_dispute_id: str, evidence: str
    ) -> DisputeState: ...
    def parse_event(self, body: bytes, headers: Mapping[str, str], *, now: datetime) -> ProcessorEvent:
        """Verify the signature (300 s tolerance) and read the event; raises InvalidSignature."""
        ...


class BankConnector(Protocol):
    """Instant bank connection (Plaid later): a link token for the browser, then a processor token back."""

    async def create_link_token(self, *, account: str, customer_id: str) -> str: ...
    async def exchange(self, *, account: str, public_token: str) -> BankLink: ...


class ProcessorInbox(Protocol):
    async def claim(self, processor: str, event: ProcessorEvent, *, at: datetime) -> bool:
        """Insert the event; False when it was already there (a duplicate delivery waits for the first)."""
        ...

    async def mark(self, processor: str, event_id: str, outcome: str, *, at: datetime) -> None: ...


class InboxUnitOfWork(Protocol):
    """Starts unscoped; the event says which partner it concerns."""

    @property
    def inbox(self) -> ProcessorInbox: ...

    @property
    def partners(self) -> PartnerRepository: ...

    def scope_to(self, partner_id: str) -> UnitOfWork: ...


class EmailOutbox(Protocol):
    async def queue(self, email: Email) -> str | None:
        """Queue an email in this transaction; sent after it commits. None when its dedupe key was used."""
        ...


class Mailer(Protocol):
    """Hands a rendered email to a mail server (SMTP) or keeps it in the outbox; raises DeliveryFailed."""

    @property
    def name(self) -> str: ...

    async def send(self, email: RenderedEmail) -> None: ...


class PasswordHasher(Protocol):
    """A slow, salted password hash (argon2id)."""

    def hash(self, password: str) -> str: ...
    def verify(self, password_hash: str, password: str) -> bool: ...
    def dummy_verify(self, password: str) -> None:
        """The same work as a failed verify, for unknown emails, so timing reveals nothing."""
        ...


class Totp(Protocol):
    """RFC 6238 time-based codes (30 s step)."""

    def new_secret(self) -> str: ...
    def provisioning_uri(self, secret: str, *, account: str, issuer: str) -> str: ...
    def matching_step(self, secret: str, code: str, *, at: datetime) -> int | None:
        """The time step (±1 for drift) the code belongs to, or None."""
        ...


class SecretBox(Protocol):
    """Authenticated encryption for secrets that must be read back (TOTP seeds)."""

    def seal(self, plaintext: str) -> str: ...
    def open(self, sealed: str) -> str: ...
