"""/v1/settings/payments: which methods customers may use, partial payments, card fees, bank and dispute fees."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.deps import Read, WriteSettings, json_response
from api.errors import problems
from api.v1.fields import Flag, RequestModel
from domain.audit import field_changes
from domain.payments.model import PROCESSOR_METHODS, MethodType
from domain.payments.settings import MAX_OVERDUE_SCHEDULE_DAYS, DisputeLostAction

router = APIRouter(prefix="/v1/settings", tags=["settings"])

Bps = Annotated[int, Field(ge=0, le=1_000, strict=True, description="Basis points: 290 is 2.9%.")]
Fixed = Annotated[int, Field(ge=0, le=10_000, strict=True, description="Minor units.")]
BankFee = Annotated[int, Field(ge=0, le=100_000, strict=True, description="Minor units.")]
_EXAMPLE: dict[str, Any] = {
    "processor": "sandbox",
    "enabled_methods": ["card", "ca_bank_account", "us_bank_account"],
    "partial_payments": True,
    "card_fee_pass_through": True,
    "card_fee_bps": 290,
    "card_fee_fixed": 30,
    "amex_fee_bps": 350,
    "amex_fee_fixed": 30,
    "card_fee_cap_bps": 400,
    "bank_return_fee": 1500,
    "unauthorized_return_fee": 2500,
    "dispute_fee": 2500,
    "dispute_lost_action": "reopen",
    "overdue_schedule_days": 7,
}


class PaymentSettingsOut(BaseModel):
    model_config = ConfigDict(
        from_attributes=True, json_schema_extra={"examples": [{"object": "payment_settings", **_EXAMPLE}]}
    )
    object: str = "payment_settings"
    processor: str
    enabled_methods: list[MethodType]
    partial_payments: bool
    card_fee_pass_through: bool = Field(description="Add the card fee to what the customer pays (credit cards only).")
    card_fee_bps: int
    card_fee_fixed: int
    amex_fee_bps: int
    amex_fee_fixed: int
    card_fee_cap_bps: int = Field(description="The fee never exceeds this share of what is paid.")
    bank_return_fee: int
    unauthorized_return_fee: int
    dispute_fee: int
    dispute_lost_action: DisputeLostAction
    overdue_schedule_days: int = Field(
        description="How many days ahead a customer may schedule the payment of an invoice already due; 0: "
        "an invoice past its due date is paid now or not at all."
    )

    @field_validator("enabled_methods", mode="before")
    @classmethod
    def _in_order(cls, methods: frozenset[MethodType]) -> list[MethodType]:
        return sorted(methods)  # a set in the domain; a stable order in the answer


class PaymentSettingsUpdate(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"card_fee_pass_through": False}]})
    enabled_methods: Annotated[list[MethodType], Field(max_length=len(PROCESSOR_METHODS))] | None = None
    partial_payments: Flag | None = None
    card_fee_pass_through: Flag | None = None
    card_fee_bps: Bps | None = None
    card_fee_fixed: Fixed | None = None
    amex_fee_bps: Bps | None = None
    amex_fee_fixed: Fixed | None = None
    card_fee_cap_bps: Bps | None = None
    bank_return_fee: BankFee | None = None
    unauthorized_return_fee: BankFee | None = None
    dispute_fee: BankFee | None = None
    dispute_lost_action: DisputeLostAction | None = None
    overdue_schedule_days: Annotated[int, Field(ge=0, le=MAX_OVERDUE_SCHEDULE_DAYS, strict=True)] | None = None


@router.get(
    "/payments",
    operation_id="settings_payments_retrieve",
    summary="Retrieve payment settings",
    response_model=PaymentSettingsOut,
    responses=problems(401),
)
async def retrieve(ctx: Read) -> Response:
    return json_response(PaymentSettingsOut.model_validate(await ctx.uow.payment_settings.get()))


@router.patch(
    "/payments",
    operation_id="settings_payments_update",
    summary="Update payment settings",
    description="Changes only the fields sent. Card fees apply to credit cards only, never above the cap.",
    response_model=PaymentSettingsOut,
    responses=problems(400, 401, 409, 422),
)
async def update(body: PaymentSettingsUpdate, ctx: WriteSettings) -> Response:
    changes: dict[str, Any] = {k: getattr(body, k) for k in body.model_fields_set if getattr(body, k) is not None}
    if "enabled_methods" in changes:
        changes["enabled_methods"] = frozenset(changes["enabled_methods"])
    current = await ctx.uow.payment_settings.get()
    updated = current.changed(**changes)
    await ctx.uow.payment_settings.save(updated)
    await ctx.uow.audit(
        actor=ctx.principal.actor,
        action="settings.payments.updated",
        subject=ctx.uow.partner_id,
        details=field_changes(current, updated, changes),
    )
    return await ctx.respond(200, PaymentSettingsOut.model_validate(updated))
