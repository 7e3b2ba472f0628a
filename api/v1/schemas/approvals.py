"""The approval a request answers with (202) when the partner's rules hold it for a second person's decision."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from domain.approvals.model import ApprovalAction, ApprovalStatus


class ApprovalFailure(BaseModel):
    code: str = Field(description="The problem's stable `code`, as the request would have answered it.")
    detail: str


class ApprovalOut(BaseModel):
    # Read from a domain Approval's attributes: `ApprovalOut.model_validate(approval)`.
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": "apr_01JD3MF0000000000000000000",
                    "object": "approval",
                    "action": "refund",
                    "status": "pending",
                    "subject_id": "pay_01JD3M9W4E0000000000000000",
                    "amount": 75000,
                    "currency": "USD",
                    "params": {"payment_id": "pay_01JD3M9W4E0000000000000000", "amount": 75000, "reason": None},
                    "requested_by": "api_key:key_01JD3M0000000000000000000",
                    "decided_by": None,
                    "decided_at": None,
                    "reason": None,
                    "result": None,
                    "failure": None,
                    "created_at": "2026-11-21T09:00:00Z",
                    "expires_at": "2026-11-28T09:00:00Z",
                }
            ]
        },
    )
    id: str
    object: str = "approval"
    action: ApprovalAction
    status: ApprovalStatus = Field(
        description="`pending` until decided or `expired` (7 days); `approved` ran the request, `failed` means it "
        "was approved but could no longer run (see `failure`)."
    )
    subject_id: str | None = Field(description="The payment to refund or the invoice to write off.")
    amount: int | None = Field(description="What the request moves, in minor units, as it was when asked.")
    currency: str | None
    params: dict[str, Any] = Field(
        description="The original request's parameters, run as they are when approved; one asking for everything "
        "(no `amount`) runs for the `amount` shown here, and fails if less remains by then."
    )
    requested_by: str = Field(description="Who asked: `user:<id>` or `api_key:<id>`.")
    decided_by: str | None
    decided_at: datetime | None
    reason: str | None = Field(description="Why it was rejected.")
    result: dict[str, str] | None = Field(description='What approving made: `{"refund_id": …}` or `{"invoice_id": …}`.')
    failure: ApprovalFailure | None
    created_at: datetime
    expires_at: datetime


def held_for_approval(description: str) -> dict[int | str, dict[str, Any]]:
    """The 202 a route documents when the partner's approval rules can hold its request."""
    return {202: {"model": ApprovalOut, "description": description}}
