"""/v1/payments/{id}/refunds request and response models."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from api.v1.fields import Amount, RequestModel, ShortText
from domain.refunds.model import RefundKind, RefundStatus


class RefundCreate(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"amount": 2500, "reason": "Duplicate payment"}]})
    amount: Amount | None = Field(default=None, description="Defaults to everything still refundable.")
    reason: ShortText | None = None


class RefundOut(BaseModel):
    # Read from a domain Refund's attributes: `RefundOut.model_validate(refund)`.
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": "re_01JD3MC0000000000000000000",
                    "object": "refund",
                    "payment_id": "pay_01JD3M9W4E0000000000000000",
                    "kind": "refund",
                    "amount": 2500,
                    "currency": "USD",
                    "status": "succeeded",
                    "reason": "Duplicate payment",
                    "processor_refund_id": "re_sbx_3MC000000000",
                    "failure_message": None,
                    "created_at": "2026-11-21T10:00:00Z",
                }
            ]
        },
    )
    id: str
    object: str = "refund"
    payment_id: str
    kind: RefundKind = Field(description="`debit_cancellation` when the payment was a bank debit not yet settled.")
    amount: int
    currency: str
    status: RefundStatus
    reason: str | None
    processor_refund_id: str | None
    failure_message: str | None
    created_at: datetime


class RefundList(BaseModel):
    object: str = "list"
    data: list[RefundOut]
