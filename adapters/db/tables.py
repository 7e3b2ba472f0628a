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
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from adapters.db.types import JSONType, UTCDateTime

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
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ApiKeyRow(Base):
    __tablename__ = "api_keys"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    partner_id: Mapped[str] = mapped_column(ID, ForeignKey("partners.id"), index=True)
    livemode: Mapped[bool] = mapped_column(Boolean)
    secret_hash: Mapped[str] = mapped_column(CHAR(64), unique=True)
    display: Mapped[str] = mapped_column(String(40))
    name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CustomerRow(TenantScoped, Base):
    __tablename__ = "customers"
    __table_args__ = (Index("ix_customers_partner_id_id", "partner_id", "id"),)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    contacts: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    tags: Mapped[list[str]] = mapped_column(JSONType)
    billing_terms: Mapped[str] = mapped_column(String(20))
    external_ids: Mapped[dict[str, str]] = mapped_column(JSONType)
    metadata_: Mapped[dict[str, str]] = mapped_column("metadata", JSONType)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class InvoiceRow(TenantScoped, Base):
    __tablename__ = "invoices"
    __table_args__ = (
        UniqueConstraint("partner_id", "number", name="uq_invoices_partner_id_number"),
        CheckConstraint("total > 0", name="total_positive"),
        CheckConstraint("due_date >= issue_date", name="due_after_issue"),
        Index("ix_invoices_partner_id_id", "partner_id", "id"),
        Index("ix_invoices_partner_id_customer_id_id", "partner_id", "customer_id", "id"),
        Index("ix_invoices_partner_id_status_id", "partner_id", "status", "id"),
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


class PaymentRow(TenantScoped, Base):
    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        Index("ix_payments_partner_id_id", "partner_id", "id"),
        Index("ix_payments_partner_id_customer_id_id", "partner_id", "customer_id", "id"),
    )
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    customer_id: Mapped[str] = mapped_column(ID, ForeignKey("customers.id"))
    method: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(CHAR(3))
    reference: Mapped[str | None] = mapped_column(String(200))
    received_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    canceled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


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
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OutboxEventRow(Base):
    __tablename__ = "outbox_events"
    __table_args__ = (Index("ix_outbox_events_undelivered", "delivered_at", "id"),)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    partner_id: Mapped[str] = mapped_column(ID, ForeignKey("partners.id"))
    type: Mapped[str] = mapped_column(String(60))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuditLogRow(Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_partner_id_id", "partner_id", "id"),)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    partner_id: Mapped[str | None] = mapped_column(ID, ForeignKey("partners.id"))
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(60))
    subject: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


def core(model: type[Base]) -> Table:
    """The Core table behind a mapped class: inserts through it skip the ORM's bulk machinery."""
    return cast(Table, model.__table__)
