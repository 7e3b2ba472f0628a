"""/v1/ledger/entries: the journal behind every invoice figure, read-only."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import AliasPath, BaseModel, ConfigDict, Field, field_validator

from api.deps import Read, json_response
from api.errors import problems
from api.pagination import Cursor, Limit, ListOf, page_of, page_request
from domain.ledger.model import Account, Reason
from domain.ports import EntryQuery

router = APIRouter(prefix="/v1/ledger", tags=["ledger"])


class LineOut(BaseModel):
    # The journal line's signed amount, answered as a positive amount and a direction.
    model_config = ConfigDict(from_attributes=True)

    account: Account
    invoice_id: str | None
    currency: str
    amount: int
    direction: Literal["debit", "credit"] = Field(validation_alias=AliasPath("amount"))

    @field_validator("amount", mode="before")
    @classmethod
    def _size(cls, amount: int) -> int:
        return abs(amount)

    @field_validator("direction", mode="before")
    @classmethod
    def _direction(cls, amount: int) -> str:
        return "debit" if amount > 0 else "credit"


class EntryOut(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": "je_01JD3M9W4F0000000000000000",
                    "object": "ledger_entry",
                    "reason": "payment_applied",
                    "invoice_id": None,
                    "payment_id": "pay_01JD3M9W4E0000000000000000",
                    "reverses_entry_id": None,
                    "created_at": "2026-11-21T09:05:00Z",
                    "lines": [
                        {
                            "account": "cash",
                            "invoice_id": None,
                            "currency": "USD",
                            "amount": 100000,
                            "direction": "debit",
                        },
                        {
                            "account": "receivable",
                            "invoice_id": "inv_01JD3M7K2B0000000000000000",
                            "currency": "USD",
                            "amount": 100000,
                            "direction": "credit",
                        },
                    ],
                }
            ]
        },
    )
    id: str
    object: str = "ledger_entry"
    reason: Reason
    invoice_id: str | None
    payment_id: str | None
    reverses_entry_id: str | None
    created_at: datetime
    lines: list[LineOut]


@router.get(
    "/entries",
    operation_id="ledger_entries_list",
    summary="List ledger entries",
    description="Newest first. Each entry's debits equal its credits per currency. Filter by invoice or payment.",
    response_model=ListOf[EntryOut],
    responses=problems(400, 401, 404, 422),
)
async def list_entries(
    ctx: Read,
    limit: Limit = 20,
    cursor: Cursor = None,
    invoice_id: Annotated[str | None, Query(max_length=64)] = None,
    payment_id: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    if invoice_id is not None:
        await ctx.uow.invoices.get(invoice_id)
    if payment_id is not None:
        await ctx.uow.payments.get(payment_id)
    page = await ctx.uow.ledger.list(
        EntryQuery(invoice_id=invoice_id, payment_id=payment_id), page_request(limit, cursor)
    )
    return json_response(page_of(page, [EntryOut.model_validate(e) for e in page.items]))
