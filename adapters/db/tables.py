"""The schema. Money is BIGINT minor units beside a CHAR(3) currency; no currency has a default."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import (
    CHAR,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from adapters.db.types import JSONType, UTCDateTime
from domain.payments.model import IN_FLIGHT

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID = String(32)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class TenantScoped:
    """Rows that belong to one partner; every ORM query on them is filtered by the session's partner."""

    partner_id: Mapped[str] = mapped_column(ID, ForeignKey("partners.id"), index=False)


class PartnerRow(Base):
    __tablename__ = "partners"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    invoice_sequence: Mapped[int] = mapped_column(BigInteger, default=0)
    require_mfa: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ApiKeyRow(Base):
    __tablename__ = "api_keys"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    partner_id: Mapped[str] = mapped_column(ID, ForeignKey("partners.id"), index=True)
    livemode: Mapped[bool] = mapped_column(Boolean)
    secret_hash: Mapped[str] = mapped_column(CHAR(64), unique=True)
    display: Mapped[str] = mapped_column(String(40))
    name: Mapped[str | None] = mapped_column(String(200))
    scope: Mapped[str] = mapped_column(String(20), default="full", server_default="full")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CustomerRow(TenantScoped, Base):
    __tablename__ = "customers"
    __table_args__ = (
        Index("ix_customers_partner_id_id", "partner_id", "id"),
        Index("uq_customers_partner_id_external_id", "partner_id", "external_id", unique=True),
    )
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    contacts: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    tags: Mapped[list[str]] = mapped_column(JSONType)
    billing_terms: Mapped[str] = mapped_column(String(20))
    external_ids: Mapped[dict[str, str]] = mapped_column(JSONType)
    metadata_: Mapped[dict[str, str]] = mapped_column("metadata", JSONType)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    card_fee_exempt: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    external_id: Mapped[str | None] = mapped_column(String(200))  # what CSV imports match on; unique per partner
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    merged_into: Mapped[str | None] = mapped_column(ID, ForeignKey("customers.id"))  # the customer it became
    merged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class InvoiceRow(TenantScoped, Base):
    __tablename__ = "invoices"
    __table_args__ = (
        UniqueConstraint("partner_id", "number", name="uq_invoices_partner_id_number"),
        CheckConstraint("total > 0", name="total_positive"),
        CheckConstraint("due_date >= issue_date", name="due_after_issue"),
        Index("ix_invoices_partner_id_id", "partner_id", "id"),
        Index("ix_invoices_partner_id_customer_id_id", "partner_id", "customer_id", "id"),
        Index("ix_invoices_partner_id_status_id", "partner_id", "status", "id"),
        Index("ix_invoices_partner_id_currency", "partner_id", "currency"),  # the insights' currencies, skipped through
    )
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    customer_id: Mapped[str] = mapped_column(ID, ForeignKey("customers.id"))
    number: Mapped[str] = mapped_column(String(64))
    currency: Mapped[str] = mapped_column(CHAR(3))
    status: Mapped[str] = mapped_column(String(20))
    issue_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    total: Mapped[int] = mapped_column(BigInteger)
    memo: Mapped[str | None] = mapped_column(Text)
    metadata_: Mapped[dict[str, str]] = mapped_column("metadata", JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finalized_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class InvoiceLineRow(TenantScoped, Base):
    __tablename__ = "invoice_lines"
    __table_args__ = (
        UniqueConstraint("invoice_id", "position", name="uq_invoice_lines_invoice_id_position"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("amount = quantity * unit_amount", name="amount_is_product"),
    )
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    invoice_id: Mapped[str] = mapped_column(ID, ForeignKey("invoices.id"))
    position: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(500))
    quantity: Mapped[int] = mapped_column(BigInteger)
    unit_amount: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[int] = mapped_column(BigInteger)


# The partial indexes' predicate, from the domain's one definition of a payment still in flight.
IN_FLIGHT_STATUSES = "status IN ({})".format(", ".join(f"'{s.value}'" for s in sorted(IN_FLIGHT)))


class PaymentRow(TenantScoped, Base):
    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("fee >= 0 AND fee < amount", name="fee_within_amount"),
        CheckConstraint("attempt >= 1", name="attempt_positive"),
        Index("ix_payments_partner_id_id", "partner_id", "id"),
        Index("ix_payments_partner_id_customer_id_id", "partner_id", "customer_id", "id"),
        Index("uq_payments_partner_id_transaction_id", "partner_id", "transaction_id", unique=True),
        # One charge per processor payment: the same processor id can never land on two payments.
        Index("uq_payments_processor_payment", "processor", "processor_payment_id", unique=True),
        # The recovery and settlement jobs walk only what is still in flight.
        Index(
            "ix_payments_in_flight",
            "status",
            "id",
            postgresql_where=text(IN_FLIGHT_STATUSES),
            sqlite_where=text(IN_FLIGHT_STATUSES),
        ),
    )
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    customer_id: Mapped[str] = mapped_column(ID, ForeignKey("customers.id"))
    method: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int] = mapped_column(BigInteger)
    fee: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    currency: Mapped[str] = mapped_column(CHAR(3))
    reference: Mapped[str | None] = mapped_column(String(200))
    received_on: Mapped[date] = mapped_column(Date)
    transaction_id: Mapped[str] = mapped_column(String(20))
    payment_method_id: Mapped[str | None] = mapped_column(ID, ForeignKey("payment_methods.id"))
    processor: Mapped[str | None] = mapped_column(String(20))
    processor_payment_id: Mapped[str | None] = mapped_column(String(64))
    failure_code: Mapped[str | None] = mapped_column(String(60))
    failure_message: Mapped[str | None] = mapped_column(String(500))
    return_code: Mapped[str | None] = mapped_column(String(8))
    retry_of: Mapped[str | None] = mapped_column(ID, ForeignKey("payments.id"))
    attempt: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    canceled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    receipt_email: Mapped[str | None] = mapped_column(String(320))


class PaymentMethodRow(TenantScoped, Base):
    __tablename__ = "payment_methods"
    __table_args__ = (
        Index("ix_payment_methods_partner_id_customer_id_id", "partner_id", "customer_id", "id"),
        UniqueConstraint("processor", "processor_method_id", name="uq_payment_methods_processor_method"),
        # At most one default among a customer's attached methods.
        Index(
            "uq_payment_methods_one_default",
            "customer_id",
            unique=True,
            postgresql_where=text("is_default AND detached_at IS NULL"),
            sqlite_where=text("is_default AND detached_at IS NULL"),
        ),
    )
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    customer_id: Mapped[str] = mapped_column(ID, ForeignKey("customers.id"))
    type: Mapped[str] = mapped_column(String(20))
    processor: Mapped[str] = mapped_column(String(20))
    processor_method_id: Mapped[str] = mapped_column(String(64))
    brand: Mapped[str | None] = mapped_column(String(20))
    bank_name: Mapped[str | None] = mapped_column(String(100))
    last4: Mapped[str] = mapped_column(String(4))
    exp_month: Mapped[int | None] = mapped_column(Integer)
    exp_year: Mapped[int | None] = mapped_column(Integer)
    funding: Mapped[str | None] = mapped_column(String(10))
    country: Mapped[str] = mapped_column(CHAR(2))
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    autopay_blocked_reason: Mapped[str | None] = mapped_column(String(200))
    one_off: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    mandate: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    detached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RefundRow(TenantScoped, Base):
    __tablename__ = "refunds"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        Index("ix_refunds_partner_id_id", "partner_id", "id"),
        Index("ix_refunds_payment_id", "payment_id"),
    )
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    payment_id: Mapped[str] = mapped_column(ID, ForeignKey("payments.id"))
    kind: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(CHAR(3))
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(200))
    processor_refund_id: Mapped[str | None] = mapped_column(String(64))
    failure_message: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DisputeRow(TenantScoped, Base):
    __tablename__ = "disputes"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        Index("ix_disputes_partner_id_id", "partner_id", "id"),
        UniqueConstraint("processor_dispute_id", name="uq_disputes_processor_dispute_id"),
        Index("ix_disputes_payment_id", "payment_id"),
    )
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    payment_id: Mapped[str] = mapped_column(ID, ForeignKey("payments.id"))
    processor_dispute_id: Mapped[str] = mapped_column(String(64))
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(CHAR(3))
    status: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(String(60))
    evidence: Mapped[str | None] = mapped_column(Text)
    evidence_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    evidence_due_by: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PaymentSettingsRow(Base):
    """One row per partner, written on the first change; until then the defaults apply."""

    __tablename__ = "payment_settings"
    partner_id: Mapped[str] = mapped_column(ID, ForeignKey("partners.id"), primary_key=True)
    processor: Mapped[str] = mapped_column(String(20))
    enabled_methods: Mapped[list[str]] = mapped_column(JSONType)
    partial_payments: Mapped[bool] = mapped_column(Boolean)
    card_fee_pass_through: Mapped[bool] = mapped_column(Boolean)
    card_fee_bps: Mapped[int] = mapped_column(Integer)
    card_fee_fixed: Mapped[int] = mapped_column(BigInteger)
    amex_fee_bps: Mapped[int] = mapped_column(Integer)
    amex_fee_fixed: Mapped[int] = mapped_column(BigInteger)
    card_fee_cap_bps: Mapped[int] = mapped_column(Integer)
    bank_return_fee: Mapped[int] = mapped_column(BigInteger)
    unauthorized_return_fee: Mapped[int] = mapped_column(BigInteger)
    dispute_fee: Mapped[int] = mapped_column(BigInteger)
    dispute_lost_action: Mapped[str] = mapped_column(String(20))
    overdue_schedule_days: Mapped[int] = mapped_column(Integer, default=7, server_default="7")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ProcessorEventRow(Base):
    """The inbound-webhook inbox: one row per (processor, event id), however often it is delivered."""

    __tablename__ = "processor_events"
    __table_args__ = (UniqueConstraint("processor", "event_id", name="uq_processor_events_processor_event_id"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    processor: Mapped[str] = mapped_column(String(20))
    event_id: Mapped[str] = mapped_column(String(100))
    type: Mapped[str] = mapped_column(String(60))
    account: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(200))


class AllocationRow(TenantScoped, Base):
    __tablename__ = "allocations"
    __table_args__ = (
        UniqueConstraint("payment_id", "invoice_id", name="uq_allocations_payment_id_invoice_id"),
        CheckConstraint("amount > 0", name="amount_positive"),
        Index("ix_allocations_invoice_id", "invoice_id"),
    )
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    payment_id: Mapped[str] = mapped_column(ID, ForeignKey("payments.id"))
    invoice_id: Mapped[str] = mapped_column(ID, ForeignKey("invoices.id"))
    position: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(BigInteger)


class JournalEntryRow(TenantScoped, Base):
    __tablename__ = "journal_entries"
    __table_args__ = (
        Index("ix_journal_entries_partner_id_id", "partner_id", "id"),
        Index("ix_journal_entries_invoice_id", "invoice_id"),
        Index("ix_journal_entries_payment_id", "payment_id"),
    )
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    reason: Mapped[str] = mapped_column(String(40))
    invoice_id: Mapped[str | None] = mapped_column(ID, ForeignKey("invoices.id"))
    payment_id: Mapped[str | None] = mapped_column(ID, ForeignKey("payments.id"))
    reverses_entry_id: Mapped[str | None] = mapped_column(ID, ForeignKey("journal_entries.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class JournalLineRow(TenantScoped, Base):
    __tablename__ = "journal_lines"
    __table_args__ = (
        CheckConstraint("amount <> 0", name="amount_nonzero"),
        Index("ix_journal_lines_entry_id", "entry_id"),
        Index("ix_journal_lines_invoice_id_account", "invoice_id", "account"),
    )
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    entry_id: Mapped[str] = mapped_column(ID, ForeignKey("journal_entries.id"))
    position: Mapped[int] = mapped_column(Integer)
    account: Mapped[str] = mapped_column(String(30))
    invoice_id: Mapped[str | None] = mapped_column(ID, ForeignKey("invoices.id"))
    currency: Mapped[str] = mapped_column(CHAR(3))
    amount: Mapped[int] = mapped_column(BigInteger)


class InsightFlowRow(TenantScoped, Base):
    """The insights rollup (adapters/db/insights_rollup.py): the per-invoice lines of the entries created on `day`
    (UTC), summed per due date of their invoices and, for collections, per payment method ('' for none)."""

    __tablename__ = "insight_flows"
    partner_id: Mapped[str] = mapped_column(ID, ForeignKey("partners.id"), primary_key=True)
    currency: Mapped[str] = mapped_column(CHAR(3), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    due_date: Mapped[date] = mapped_column(Date, primary_key=True)
    method: Mapped[str] = mapped_column(String(20), primary_key=True)
    receivable: Mapped[int] = mapped_column(BigInteger)
    pending: Mapped[int] = mapped_column(BigInteger)
    revenue: Mapped[int] = mapped_column(BigInteger)
    collected: Mapped[int] = mapped_column(BigInteger)


class InsightInvoiceDayRow(TenantScoped, Base):
    """The insights rollup per invoice and day of entry creation: what moved, and the day it was last paid."""

    __tablename__ = "insight_invoice_days"
    invoice_id: Mapped[str] = mapped_column(ID, ForeignKey("invoices.id"), primary_key=True)
    currency: Mapped[str] = mapped_column(CHAR(3), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    receivable: Mapped[int] = mapped_column(BigInteger)
    pending: Mapped[int] = mapped_column(BigInteger)
    voids: Mapped[int] = mapped_column(Integer)  # lines of `invoice_voided` entries
    write_offs: Mapped[int] = mapped_column(Integer)  # write-off lines
    paid_day: Mapped[date | None] = mapped_column(Date)


class InsightPaidRow(TenantScoped, Base):
    """From `day` on, how many more (or fewer) invoices issued on `issue_date` stand fully paid, last on
    `paid_day`: the changes of each invoice's paid state, which summed up to a day give the paid invoices then."""

    __tablename__ = "insight_paid"
    partner_id: Mapped[str] = mapped_column(ID, ForeignKey("partners.id"), primary_key=True)
    currency: Mapped[str] = mapped_column(CHAR(3), primary_key=True)
    paid_day: Mapped[date] = mapped_column(Date, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    issue_date: Mapped[date] = mapped_column(Date, primary_key=True)
    invoices: Mapped[int] = mapped_column(Integer)


class IdempotencyKeyRow(Base):
    __tablename__ = "idempotency_keys"
    __table_args__ = (
        UniqueConstraint("partner_id", "api_key_id", "key", name="uq_idempotency_keys_scope"),
        Index("ix_idempotency_keys_created_at", "created_at"),
    )
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    partner_id: Mapped[str] = mapped_column(ID, ForeignKey("partners.id"))
    api_key_id: Mapped[str] = mapped_column(ID)
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(CHAR(64))
    response_status: Mapped[int | None] = mapped_column(Integer)
    response_body: Mapped[str | None] = mapped_column(Text)
    # Set by requests that commit before calling out (payments): a retry after a crash resumes that resource.
    resource_id: Mapped[str | None] = mapped_column(ID)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OutboxEventRow(Base):
    __tablename__ = "outbox_events"
    __table_args__ = (
        Index("ix_outbox_events_undelivered", "delivered_at", "id"),
        # The email dispatcher walks only events it has not turned into emails yet.
        Index(
            "ix_outbox_events_unnotified",
            "id",
            postgresql_where=text("notified_at IS NULL"),
            sqlite_where=text("notified_at IS NULL"),
        ),
    )
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    partner_id: Mapped[str] = mapped_column(ID, ForeignKey("partners.id"))
    type: Mapped[str] = mapped_column(String(60))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuditLogRow(Base):
    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_partner_id_id", "partner_id", "id"),
        Index("ix_audit_log_created_at", "created_at"),  # the retention job deletes the oldest first
    )
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    partner_id: Mapped[str | None] = mapped_column(ID, ForeignKey("partners.id"))
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(60))
    subject: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


# The customer portal: branding, portal users and their sessions, one-time codes and links, access requests.

ACTIVE_PAY_LINK = "revoked_at IS NULL"
PENDING_REQUEST = "status = 'pending'"
OPEN_QUESTION = "status = 'open'"


class PortalSettingsRow(Base):
    """One row per partner, written on the first change; until then the defaults apply."""

    __tablename__ = "portal_settings"
    partner_id: Mapped[str] = mapped_column(ID, ForeignKey("partners.id"), primary_key=True)
    logo_url: Mapped[str | None] = mapped_column(String(500))
    primary_color: Mapped[str | None] = mapped_column(String(7))
    accent_color: Mapped[str | None] = mapped_column(String(7))
    support_email: Mapped[str | None] = mapped_column(String(320))
    support_phone: Mapped[str | None] = mapped_column(String(40))
    support_url: Mapped[str | None] = mapped_column(String(500))
    help_text: Mapped[str | None] = mapped_column(Text)
    business_address: Mapped[str | None] = mapped_column(Text)  # printed on invoices and receipts
    custom_domain: Mapped[str | None] = mapped_column(String(253), unique=True)
    notification_emails: Mapped[list[str]] = mapped_column(JSONType)
    guest_checkout: Mapped[bool] = mapped_column(Boolean)
    team_invites: Mapped[bool] = mapped_column(Boolean)
    self_enrolled_autopay: Mapped[bool] = mapped_column(Boolean)
    pay_link_days_after_due: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PartnerLogoRow(Base):
    """A partner's uploaded logo, cleaned (adapters/images/logos.py); served publicly by its content hash."""

    __tablename__ = "partner_logos"
    __table_args__ = (Index("ix_partner_logos_sha256", "sha256"),)
    partner_id: Mapped[str] = mapped_column(ID, ForeignKey("partners.id"), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(40))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(CHAR(64))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PartnerSlugRow(Base):
    """Slugs a partner used before: billing links that name them keep working by redirecting."""

    __tablename__ = "partner_slugs"
    slug: Mapped[str] = mapped_column(String(63), primary_key=True)
    partner_id: Mapped[str] = mapped_column(ID, ForeignKey("partners.id"), index=True)
    retired_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PartnerUserRow(Base):
    """A person on one or more partners' teams: one login (global, not a partner's row)."""

    __tablename__ = "partner_users"
    __table_args__ = (CheckConstraint("failed_attempts >= 0", name="failed_attempts_non_negative"),)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_secret: Mapped[str | None] = mapped_column(String(300))  # encrypted with a key derived from the secret key
    totp_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    recovery_codes: Mapped[list[str]] = mapped_column(JSONType)  # hashes; a used code is removed
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PartnerMembershipRow(Base):
    """A partner user's place on one partner's team, with a role. Not tenant-scoped like the partner's own rows:
    a person's memberships are read across partners (which teams am I on); each query names its partner."""

    __tablename__ = "partner_memberships"
    __table_args__ = (
        UniqueConstraint("partner_id", "user_id", name="uq_partner_memberships_partner_id_user_id"),
        Index("ix_partner_memberships_user_id", "user_id"),
    )
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    partner_id: Mapped[str] = mapped_column(ID, ForeignKey("partners.id"))
    user_id: Mapped[str] = mapped_column(ID, ForeignKey("partner_users.id"))
    role: Mapped[str] = mapped_column(String(20))
    invited_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DashboardSessionRow(Base):
    """A partner user's dashboard session; `partner_id` is the partner it works for now (switchable)."""

    __tablename__ = "dashboard_sessions"
    __table_args__ = (Index("ix_dashboard_sessions_user_id", "user_id"),)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    token_hash: Mapped[str] = mapped_column(CHAR(64), unique=True)
    user_id: Mapped[str] = mapped_column(ID, ForeignKey("partner_users.id"))
    partner_id: Mapped[str | None] = mapped_column(ID, ForeignKey("partners.id"))
    state: Mapped[str] = mapped_column(String(30))
    factors: Mapped[list[str]] = mapped_column(JSONType)
    elevated_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mfa_failures: Mapped[int] = mapped_column(Integer, default=0)
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DashboardCodeRow(Base):
    """One-time codes emailed to partner users (sign-in, sign-up): the portal's rules, not a partner's row."""

    __tablename__ = "dashboard_codes"
    __table_args__ = (Index("ix_dashboard_codes_lookup", "email", "purpose", "created_at"),)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    purpose: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str | None] = mapped_column(String(320))
    code_hash: Mapped[str] = mapped_column(CHAR(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class TeamLinkRow(Base):
    """Single-use links emailed to partner users: team invitations and password resets (only the hash kept)."""

    __tablename__ = "team_links"
    __table_args__ = (Index("ix_team_links_email", "email", "purpose"), Index("ix_team_links_partner_id", "partner_id"))
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    purpose: Mapped[str] = mapped_column(String(20))
    email: Mapped[str] = mapped_column(String(320))
    token_hash: Mapped[str] = mapped_column(CHAR(64), unique=True)
    partner_id: Mapped[str | None] = mapped_column(ID, ForeignKey("partners.id"))
    role: Mapped[str | None] = mapped_column(String(20))
    user_id: Mapped[str | None] = mapped_column(ID, ForeignKey("partner_users.id"))
    created_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SignUpRow(Base):
    """A self-service sign-up waiting for its emailed code."""

    __tablename__ = "sign_ups"
    __table_args__ = (Index("ix_sign_ups_email", "email", "created_at"),)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    password_hash: Mapped[str] = mapped_column(String(200))
    partner_name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(63))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PortalUserRow(TenantScoped, Base):
    __tablename__ = "portal_users"
    __table_args__ = (
        UniqueConstraint("partner_id", "email", name="uq_portal_users_partner_id_email"),
        CheckConstraint("failed_attempts >= 0", name="failed_attempts_non_negative"),
    )
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    name: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_secret: Mapped[str | None] = mapped_column(String(300))  # encrypted with a key derived from the secret key
    totp_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    recovery_codes: Mapped[list[str]] = mapped_column(JSONType)  # hashes; a used code is removed
    language: Mapped[str | None] = mapped_column(String(8))  # chosen in the portal; None until the first sign-in
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PortalMembershipRow(TenantScoped, Base):
    """A portal user's access to one customer, with that contact's permissions there."""

    __tablename__ = "portal_memberships"
    __table_args__ = (
        UniqueConstraint("user_id", "customer_id", name="uq_portal_memberships_user_id_customer_id"),
        Index("ix_portal_memberships_customer_id", "customer_id"),
    )
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    user_id: Mapped[str] = mapped_column(ID, ForeignKey("portal_users.id"))
    customer_id: Mapped[str] = mapped_column(ID, ForeignKey("customers.id"))
    permissions: Mapped[list[str]] = mapped_column(JSONType)
    reminders: Mapped[bool] = mapped_column(Boolean, default=True)
    source: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PortalSessionRow(TenantScoped, Base):
    __tablename__ = "portal_sessions"
    __table_args__ = (Index("ix_portal_sessions_user_id", "user_id"),)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    token_hash: Mapped[str] = mapped_column(CHAR(64), unique=True)
    user_id: Mapped[str | None] = mapped_column(ID, ForeignKey("portal_users.id"))
    email: Mapped[str] = mapped_column(String(320))
    customer_id: Mapped[str | None] = mapped_column(ID, ForeignKey("customers.id"))
    state: Mapped[str] = mapped_column(String(20))
    factors: Mapped[list[str]] = mapped_column(JSONType)
    elevated_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    impersonator: Mapped[str | None] = mapped_column(String(100))
    mfa_failures: Mapped[int] = mapped_column(Integer, default=0)
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OneTimeCodeRow(TenantScoped, Base):
    __tablename__ = "one_time_codes"
    __table_args__ = (Index("ix_one_time_codes_lookup", "partner_id", "email", "purpose", "created_at"),)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    purpose: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str | None] = mapped_column(String(320))  # the session stepping up, or the new address
    code_hash: Mapped[str] = mapped_column(CHAR(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PortalLinkRow(TenantScoped, Base):
    """Single-use links: activation, password reset, sign-in, team invitation, impersonation."""

    __tablename__ = "portal_tokens"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    purpose: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(CHAR(64), unique=True)
    user_id: Mapped[str | None] = mapped_column(ID, ForeignKey("portal_users.id"))
    customer_id: Mapped[str | None] = mapped_column(ID, ForeignKey("customers.id"))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AccessRequestRow(TenantScoped, Base):
    __tablename__ = "access_requests"
    __table_args__ = (
        Index("ix_access_requests_partner_id_id", "partner_id", "id"),
        Index(
            "uq_access_requests_one_pending",
            "partner_id",
            "email",
            unique=True,
            postgresql_where=text(PENDING_REQUEST),
            sqlite_where=text(PENDING_REQUEST),
        ),
    )
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    company_name: Mapped[str] = mapped_column(String(200))
    contact_name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(40))
    address: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20))
    suggested_customer_id: Mapped[str | None] = mapped_column(ID, ForeignKey("customers.id"))
    customer_id: Mapped[str | None] = mapped_column(ID, ForeignKey("customers.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(100))


class PayLinkRow(TenantScoped, Base):
    __tablename__ = "pay_links"
    __table_args__ = (
        Index(
            "uq_pay_links_one_active",
            "invoice_id",
            unique=True,
            postgresql_where=text(ACTIVE_PAY_LINK),
            sqlite_where=text(ACTIVE_PAY_LINK),
        ),
    )
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    invoice_id: Mapped[str] = mapped_column(ID, ForeignKey("invoices.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ScheduledPaymentRow(TenantScoped, Base):
    __tablename__ = "scheduled_payments"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        Index("ix_scheduled_payments_partner_id_customer_id_id", "partner_id", "customer_id", "id"),
        Index("ix_scheduled_payments_due", "status", "scheduled_for", "id"),
    )
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    customer_id: Mapped[str] = mapped_column(ID, ForeignKey("customers.id"))
    portal_user_id: Mapped[str | None] = mapped_column(ID, ForeignKey("portal_users.id"))
    payment_method_id: Mapped[str] = mapped_column(ID, ForeignKey("payment_methods.id"))
    allocations: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(CHAR(3))
    scheduled_for: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))
    payment_id: Mapped[str | None] = mapped_column(ID, ForeignKey("payments.id"))
    failure_message: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    executed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    canceled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    canceled_by: Mapped[str | None] = mapped_column(String(100))
    cancel_reason: Mapped[str | None] = mapped_column(String(500))


class InvoiceQuestionRow(TenantScoped, Base):
    __tablename__ = "invoice_questions"
    __table_args__ = (
        Index("ix_invoice_questions_partner_id_id", "partner_id", "id"),
        Index(
            "uq_invoice_questions_one_open",
            "invoice_id",
            unique=True,
            postgresql_where=text(OPEN_QUESTION),
            sqlite_where=text(OPEN_QUESTION),
        ),
    )
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    invoice_id: Mapped[str] = mapped_column(ID, ForeignKey("invoices.id"))
    customer_id: Mapped[str] = mapped_column(ID, ForeignKey("customers.id"))
    portal_user_id: Mapped[str | None] = mapped_column(ID, ForeignKey("portal_users.id"))
    message: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    resolution: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class EmailRow(Base):
    """Every email: queued in the transaction that caused it, delivered after it commits, tracked."""

    __tablename__ = "emails"
    __table_args__ = (
        Index("ix_emails_status_id", "status", "id"),
        Index("ix_emails_partner_id_id", "partner_id", "id"),
    )
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    partner_id: Mapped[str | None] = mapped_column(ID, ForeignKey("partners.id"))
    to_address: Mapped[str] = mapped_column(String(320))
    template: Mapped[str] = mapped_column(String(60))
    # What caused it ("payment.settled:pay_…"): the same cause never emails the same address twice.
    dedupe_key: Mapped[str | None] = mapped_column(String(160), unique=True)
    context: Mapped[dict[str, Any]] = mapped_column(JSONType)
    subject: Mapped[str | None] = mapped_column(String(300))
    text_body: Mapped[str | None] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ApprovalSettingsRow(Base):
    """A partner's maker-checker rules: one row, written on the first change; until then nothing needs approval."""

    __tablename__ = "approval_settings"
    partner_id: Mapped[str] = mapped_column(ID, ForeignKey("partners.id"), primary_key=True)
    refunds_above: Mapped[dict[str, int]] = mapped_column(JSONType)  # currency → minor units
    write_offs: Mapped[bool] = mapped_column(Boolean)
    payout_destination_changes: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ApprovalRow(TenantScoped, Base):
    """A request waiting for (or given) a second person's decision, with the parameters it runs with."""

    __tablename__ = "approvals"
    __table_args__ = (
        CheckConstraint("amount IS NULL OR amount > 0", name="amount_positive"),
        Index("ix_approvals_partner_id_id", "partner_id", "id"),
    )
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    action: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict[str, Any]] = mapped_column(JSONType)
    subject_id: Mapped[str | None] = mapped_column(ID)
    amount: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(CHAR(3))
    requested_by: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20))
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(String(500))
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    failure: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ImportRow(TenantScoped, Base):
    """A CSV import: the uploaded text (until it has run), its progress and its counts."""

    __tablename__ = "imports"
    __table_args__ = (
        CheckConstraint("processed_rows <= total_rows", name="processed_within_total"),
        Index("ix_imports_partner_id_id", "partner_id", "id"),
        Index("ix_imports_status_id", "status", "id"),
    )
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    dry_run: Mapped[bool] = mapped_column(Boolean)
    filename: Mapped[str | None] = mapped_column(String(255))
    total_rows: Mapped[int] = mapped_column(Integer)
    processed_rows: Mapped[int] = mapped_column(Integer)
    created: Mapped[int] = mapped_column(Integer)
    updated: Mapped[int] = mapped_column(Integer)
    unchanged: Mapped[int] = mapped_column(Integer)
    failed: Mapped[int] = mapped_column(Integer)
    content: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(200))
    failure: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ImportRowResultRow(TenantScoped, Base):
    """What became of one row of an imported file."""

    __tablename__ = "import_rows"
    import_id: Mapped[str] = mapped_column(ID, ForeignKey("imports.id"), primary_key=True)
    row: Mapped[int] = mapped_column(Integer, primary_key=True)
    outcome: Mapped[str] = mapped_column(String(20))
    key: Mapped[str | None] = mapped_column(String(200))
    resource_id: Mapped[str | None] = mapped_column(ID)
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)


def core(model: type[Base]) -> Table:
    """The Core table behind a mapped class: inserts through it skip the ORM's bulk machinery."""
    return cast(Table, model.__table__)
