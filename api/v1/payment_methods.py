"""/v1/customers/{id}/payment-methods and /v1/payment-methods: saved, tokenized cards and bank accounts.

The snake_case paths of the first release still answer, marked deprecated in the OpenAPI document."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from api.deps import Read, ReadContext, WriteCustomers, json_response, processors_of
from api.errors import problems
from api.v1.fields import Flag, RequestModel, ResourceId
from domain.payment_methods import use_cases
from domain.payment_methods.model import PaymentMethod, mandate_text
from domain.payments.model import MethodType
from domain.payments.processing import Funding

router = APIRouter(tags=["payment_methods"])


async def _partner_name(ctx: ReadContext) -> str:
    """The mandate texts name the partner, as they did when the customer accepted them."""
    return (await ctx.uow.partners.get(ctx.uow.partner_id)).name


Token = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class MandateIn(RequestModel):
    ip_address: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=45)] = Field(
        description="Where the customer accepted the debit authorization."
    )
    user_agent: Annotated[str, StringConstraints(max_length=500)] | None = None
    language: Literal["en", "fr"] = Field(default="en", description="The language of the text the customer was shown.")


class PaymentMethodAttach(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"token": "tok_sbx_4Q2M7K9P3X", "make_default": True},
                {
                    "token": "tok_sbx_8N3B5V1C6Z",
                    "mandate": {"ip_address": "203.0.113.7", "user_agent": "Mozilla/5.0"},
                },
            ]
        }
    )
    token: Token = Field(description="A single-use token from the processor's browser tokenizer.")
    make_default: Flag = False
    mandate: MandateIn | None = Field(
        default=None, description="Required for bank accounts: the customer's acceptance of the debit agreement."
    )


class MandateOut(BaseModel):
    text_version: str
    language: str
    text: str
    accepted_at: datetime
    ip_address: str
    user_agent: str | None
    category: str


class PaymentMethodOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "pm_01JD3MB0000000000000000000",
                    "object": "payment_method",
                    "customer_id": "cus_01JD3M5Q8Z0000000000000000",
                    "type": "card",
                    "processor": "sandbox",
                    "brand": "visa",
                    "bank_name": None,
                    "last4": "4242",
                    "exp_month": 12,
                    "exp_year": 2030,
                    "funding": "credit",
                    "country": "US",
                    "is_default": True,
                    "usable_for_autopay": True,
                    "autopay_blocked_reason": None,
                    "mandate": None,
                    "created_at": "2026-11-21T09:00:00Z",
                    "detached_at": None,
                }
            ]
        }
    )
    id: str
    object: str = "payment_method"
    customer_id: str
    type: MethodType
    processor: str
    brand: str | None
    bank_name: str | None
    last4: str
    exp_month: int | None
    exp_year: int | None
    funding: Funding | None
    country: str
    is_default: bool
    usable_for_autopay: bool
    autopay_blocked_reason: str | None
    mandate: MandateOut | None
    created_at: datetime
    detached_at: datetime | None

    @classmethod
    def of(cls, m: PaymentMethod, partner_name: str) -> PaymentMethodOut:
        mandate = None
        if m.mandate is not None:
            mandate = MandateOut(
                text_version=m.mandate.text_version,
                language=m.mandate.language,
                text=mandate_text(m.type, partner_name, m.mandate.language),
                accepted_at=m.mandate.accepted_at,
                ip_address=m.mandate.ip_address,
                user_agent=m.mandate.user_agent,
                category=m.mandate.category,
            )
        return cls(
            id=m.id,
            customer_id=m.customer_id,
            type=m.type,
            processor=m.processor,
            brand=m.brand,
            bank_name=m.bank_name,
            last4=m.last4,
            exp_month=m.exp_month,
            exp_year=m.exp_year,
            funding=m.funding,
            country=m.country,
            is_default=m.is_default,
            usable_for_autopay=m.usable and m.autopay_refusal is None,
            autopay_blocked_reason=m.autopay_refusal,
            mandate=mandate,
            created_at=m.created_at,
            detached_at=m.detached_at,
        )


class PaymentMethodList(BaseModel):
    object: str = "list"
    data: list[PaymentMethodOut]


@router.post(
    "/v1/customers/{customer_id}/payment-methods",
    operation_id="payment_methods_attach",
    summary="Save a payment method",
    description="Exchanges a single-use processor token (from the browser) for a saved card or bank account. "
    "Only the brand or bank, last 4 digits, expiry and funding are kept; never a full number. Bank accounts "
    "need the customer's debit authorization (`mandate`), stored with the text version, time and IP. The first "
    "method a customer saves becomes the default.",
    status_code=201,
    response_model=PaymentMethodOut,
    responses=problems(400, 401, 404, 409, 422),
)
async def attach(customer_id: str, body: PaymentMethodAttach, ctx: WriteCustomers, request: Request) -> Response:
    processor = processors_of(request)[(await ctx.uow.payment_settings.get()).processor]
    method = await use_cases.attach_method(
        use_cases.AttachMethod(
            customer_id=customer_id,
            token=body.token,
            make_default=body.make_default,
            mandate_ip=body.mandate.ip_address if body.mandate else None,
            mandate_user_agent=body.mandate.user_agent if body.mandate else None,
            mandate_language=body.mandate.language if body.mandate else "en",
        ),
        ctx.uow,
        processor=processor,
        clock=ctx.clock,
        checkpoint=ctx.checkpoint,
    )
    return await ctx.respond(201, PaymentMethodOut.of(method, await _partner_name(ctx)))


@router.get(
    "/v1/customers/{customer_id}/payment-methods",
    operation_id="payment_methods_list",
    summary="List a customer's saved payment methods",
    response_model=PaymentMethodList,
    responses=problems(401, 404),
)
async def list_methods(customer_id: str, ctx: Read) -> Response:
    await ctx.uow.customers.get(customer_id)
    methods = await ctx.uow.payment_methods.for_customer(customer_id)
    name = await _partner_name(ctx)
    return json_response(PaymentMethodList(data=[PaymentMethodOut.of(m, name) for m in methods]))


@router.get(
    "/v1/payment-methods/{payment_method_id}",
    operation_id="payment_methods_retrieve",
    summary="Retrieve a saved payment method",
    response_model=PaymentMethodOut,
    responses=problems(401, 404),
)
async def retrieve(payment_method_id: ResourceId, ctx: Read) -> Response:
    return json_response(
        PaymentMethodOut.of(await ctx.uow.payment_methods.get(payment_method_id), await _partner_name(ctx))
    )


@router.delete(
    "/v1/payment-methods/{payment_method_id}",
    operation_id="payment_methods_detach",
    summary="Remove a saved payment method",
    description="The method can no longer be charged; payments made with it keep pointing at it.",
    response_model=PaymentMethodOut,
    responses=problems(401, 404, 409),
)
async def detach(payment_method_id: ResourceId, ctx: WriteCustomers, request: Request) -> Response:
    method = await use_cases.detach_method(
        use_cases.DetachMethod(payment_method_id),
        ctx.uow,
        processors=processors_of(request),
        clock=ctx.clock,
        checkpoint=ctx.checkpoint,
    )
    return await ctx.respond(200, PaymentMethodOut.of(method, await _partner_name(ctx)))


@router.post(
    "/v1/payment-methods/{payment_method_id}/default",
    operation_id="payment_methods_make_default",
    summary="Make a method the customer's default",
    response_model=PaymentMethodOut,
    responses=problems(401, 404, 409),
)
async def make_default(payment_method_id: ResourceId, ctx: WriteCustomers) -> Response:
    method = await use_cases.make_default(use_cases.MakeDefault(payment_method_id), ctx.uow)
    return await ctx.respond(200, PaymentMethodOut.of(method, await _partner_name(ctx)))


def _snake_case_aliases() -> None:
    """The first release's snake_case paths answer through the same handlers, marked deprecated in the document
    (operation ids ending in `_snake_case_path`), so no integrator breaks."""
    for route in [r for r in router.routes if isinstance(r, APIRoute)]:
        router.add_api_route(
            route.path.replace("payment-methods", "payment_methods"),
            route.endpoint,
            methods=sorted(route.methods or ()),
            operation_id=f"{route.operation_id}_snake_case_path",
            deprecated=True,
            summary=f"(Deprecated path) {route.summary}",
            description=route.description,
            response_model=route.response_model,
            status_code=route.status_code,
            responses=route.responses,
        )


_snake_case_aliases()
