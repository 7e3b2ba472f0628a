"""The sandbox's Stripe-like JSON objects, and reading them back into the port's dataclasses."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from typing import Any

from domain.ids import new_id
from domain.payments.model import MethodType
from domain.payments.processing import (
    ChargeState,
    ChargeStatus,
    DisputeState,
    DisputeStatus,
    Funding,
    MethodDetails,
    RefundState,
    RefundStatus,
)

DISPUTE_REASON = "fraudulent"
# A sandbox table row: a SQLAlchemy RowMapping, or a dict keyed by column name.
Row = Mapping[Any, Any]


def unix(at: datetime) -> int:
    return int(at.timestamp())


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), UTC)


def charge_object(row: Row) -> dict[str, Any]:
    """A sandbox_charges row as the JSON the sandbox answers and sends in events."""
    dispute = None
    if row["dispute_id"] is not None:
        due_on = row["dispute_due_on"]
        dispute = {
            "id": row["dispute_id"],
            "status": row["dispute_status"],
            "amount": row["amount"],
            "currency": row["currency"],
            "reason": DISPUTE_REASON,
            # Evidence counts until the due day begins; the sandbox clock closes it on that day.
            "evidence_due_by": unix(day_start(due_on)) if due_on is not None else None,
        }
    return {
        "id": row["id"],
        "object": "charge",
        "amount": row["amount"],
        "currency": row["currency"],
        "status": row["status"],
        "failure_code": row["failure_code"],
        "failure_message": row["failure_message"],
        "return_code": row["return_code"],
        "amount_refunded": row["amount_refunded"],
        "payment_method": row["method_id"],
        "idempotency_key": row["idempotency_key"],
        "metadata": dict(row["metadata"] or {}),
        "dispute": dispute,
        # Midday UTC of the simulated banking day, so the day reads the same in every American time zone.
        "settled_at": unix(datetime.combine(settled_on, time(12), UTC))
        if (settled_on := row.get("settled_on"))
        else None,
    }


def charge_state(obj: Mapping[str, Any]) -> ChargeState:
    """Reads a charge object; raises KeyError, TypeError or ValueError when it is malformed."""
    dispute = obj.get("dispute")
    return ChargeState(
        processor_payment_id=_str(obj, "id"),
        status=ChargeStatus(_str(obj, "status")),
        amount=_int(obj, "amount"),
        currency=_str(obj, "currency"),
        idempotency_key=_optional_str(obj, "idempotency_key"),
        failure_code=_optional_str(obj, "failure_code"),
        failure_message=_optional_str(obj, "failure_message"),
        return_code=_optional_str(obj, "return_code"),
        dispute=dispute_state(dispute) if dispute is not None else None,
        settled_at=_optional_time(obj, "settled_at"),
        raw=dict(obj),
    )


def dispute_state(obj: Mapping[str, Any]) -> DisputeState:
    if not isinstance(obj, Mapping):
        raise TypeError("dispute must be an object")
    due_by = obj.get("evidence_due_by")
    if due_by is not None and (isinstance(due_by, bool) or not isinstance(due_by, int)):
        raise TypeError("evidence_due_by must be a unix timestamp")
    return DisputeState(
        processor_dispute_id=_str(obj, "id"),
        status=DisputeStatus(_str(obj, "status")),
        amount=_int(obj, "amount"),
        currency=_str(obj, "currency"),
        reason=_str(obj, "reason"),
        evidence_due_by=datetime.fromtimestamp(due_by, UTC) if due_by is not None else None,
        raw=dict(obj),
    )


def event_object(event_type: str, account: str, charge: Mapping[str, Any], *, at: datetime) -> dict[str, Any]:
    return {
        "id": new_id("evt_sbx"),
        "object": "event",
        "type": event_type,
        "account": account,
        "created": unix(at),
        "data": {"object": dict(charge)},
    }


def method_details(row: Row) -> MethodDetails:
    raw = {
        "id": row["attached_id"],
        "object": "payment_method",
        "type": row["type"],
        "brand": row["brand"],
        "funding": row["funding"],
        "last4": row["last4"],
        "exp_month": row["exp_month"],
        "exp_year": row["exp_year"],
        "bank_name": row["bank_name"],
        "account_type": row["account_type"],
        "country": row["country"],
        "fingerprint": row["fingerprint"],
        "customer": row["customer_ref"],
        "account": row["account"],
        "created": unix(row["created_at"]),
    }
    return MethodDetails(
        processor_method_id=row["attached_id"],
        type=MethodType(row["type"]),
        last4=row["last4"],
        country=row["country"],
        brand=row["brand"],
        funding=Funding(row["funding"]) if row["funding"] else None,
        exp_month=row["exp_month"],
        exp_year=row["exp_year"],
        bank_name=row["bank_name"],
        fingerprint=row["fingerprint"],
        raw=raw,
    )


def refund_state(row: Row) -> RefundState:
    raw = {
        "id": row["id"],
        "object": "refund",
        "amount": row["amount"],
        "charge": row["charge_id"],
        "status": row["status"],
        "idempotency_key": row["idempotency_key"],
        "created": unix(row["created_at"]),
    }
    return RefundState(processor_refund_id=row["id"], status=RefundStatus(row["status"]), amount=row["amount"], raw=raw)


def _str(obj: Mapping[str, Any], key: str) -> str:
    value = obj[key]
    if not isinstance(value, str):
        raise TypeError(f"{key} must be a string")
    return value


def _optional_str(obj: Mapping[str, Any], key: str) -> str | None:
    value = obj.get(key)
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{key} must be a string or null")
    return value


def _optional_time(obj: Mapping[str, Any], key: str) -> datetime | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{key} must be a unix timestamp or null")
    return datetime.fromtimestamp(value, UTC)


def _int(obj: Mapping[str, Any], key: str) -> int:
    value = obj[key]
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{key} must be an integer")
    return value
