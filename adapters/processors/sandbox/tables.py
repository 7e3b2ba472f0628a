"""The sandbox processor's own books, on the application's metadata (one database, one set of migrations).

The sandbox stands in for an outside system, so it writes these tables in its own transactions.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import CHAR, BigInteger, Date, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from adapters.db.tables import Base
from adapters.db.types import JSONType, UTCDateTime


class SandboxMethodRow(Base):
    __tablename__ = "sandbox_methods"
    __table_args__ = (Index("ix_sandbox_methods_account", "account"),)
    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # the token; pm_… once attached
    account: Mapped[str | None] = mapped_column(String(64))
    type: Mapped[str] = mapped_column(String(20))
    behavior: Mapped[str] = mapped_column(String(40))
    brand: Mapped[str | None] = mapped_column(String(20))
    funding: Mapped[str | None] = mapped_column(String(10))
    last4: Mapped[str] = mapped_column(String(4))
    exp_month: Mapped[int | None] = mapped_column(Integer)
    exp_year: Mapped[int | None] = mapped_column(Integer)
    bank_name: Mapped[str | None] = mapped_column(String(100))
    account_type: Mapped[str | None] = mapped_column(String(10))  # US bank accounts: checking or savings
    country: Mapped[str] = mapped_column(CHAR(2))
    fingerprint: Mapped[str] = mapped_column(String(64))
    customer_ref: Mapped[str | None] = mapped_column(String(64))
    attached_id: Mapped[str | None] = mapped_column(String(40), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    detached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SandboxChargeRow(Base):
    __tablename__ = "sandbox_charges"
    __table_args__ = (
        UniqueConstraint("account", "idempotency_key", name="uq_sandbox_charges_account_idempotency_key"),
        Index("ix_sandbox_charges_account_status", "account", "status"),
    )
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    account: Mapped[str] = mapped_column(String(64))
    idempotency_key: Mapped[str] = mapped_column(String(255))
    method_id: Mapped[str] = mapped_column(String(40))
    behavior: Mapped[str] = mapped_column(String(40))
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(CHAR(3))
    status: Mapped[str] = mapped_column(String(20))
    failure_code: Mapped[str | None] = mapped_column(String(60))
    failure_message: Mapped[str | None] = mapped_column(String(500))
    return_code: Mapped[str | None] = mapped_column(String(8))
    amount_refunded: Mapped[int] = mapped_column(BigInteger, default=0)
    submitted_on: Mapped[date] = mapped_column(Date)
    next_step_on: Mapped[date | None] = mapped_column(Date)  # when the sandbox clock moves this charge on
    settled_on: Mapped[date | None] = mapped_column(Date)  # the simulated banking day the debit settled
    dispute_id: Mapped[str | None] = mapped_column(String(40))
    dispute_status: Mapped[str | None] = mapped_column(String(30))
    dispute_evidence: Mapped[str | None] = mapped_column(Text)
    dispute_due_on: Mapped[date | None] = mapped_column(Date)
    metadata_: Mapped[dict[str, str]] = mapped_column("metadata", JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SandboxRefundRow(Base):
    __tablename__ = "sandbox_refunds"
    __table_args__ = (
        UniqueConstraint("account", "idempotency_key", name="uq_sandbox_refunds_account_idempotency_key"),
    )
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    account: Mapped[str] = mapped_column(String(64))
    idempotency_key: Mapped[str] = mapped_column(String(255))
    charge_id: Mapped[str] = mapped_column(String(40))
    amount: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SandboxClockRow(Base):
    __tablename__ = "sandbox_clocks"
    account: Mapped[str] = mapped_column(String(64), primary_key=True)
    offset_days: Mapped[int] = mapped_column(Integer, default=0)


class SandboxEventRow(Base):
    __tablename__ = "sandbox_events"
    __table_args__ = (Index("ix_sandbox_events_account_id", "account", "id"),)
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    account: Mapped[str] = mapped_column(String(64))
    type: Mapped[str] = mapped_column(String(60))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
