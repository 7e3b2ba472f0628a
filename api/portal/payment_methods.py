"""/portal/v1/payment-methods: the customer's saved cards and bank accounts: list, add, remove, choose the default."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, Field, StringConstraints

from api.deps import json_response, processors_of
from api.errors import problems
from api.portal.deps import Portal, PortalContext, PortalWriting, client_ip
from api.v1.fields import Flag, RequestModel, ResourceId
from domain.errors import Conflict, ErrorCode, InvalidRequest, NotFound
from domain.payment_methods import use_cases
from domain.payment_methods.model import MANDATE_TEXTS, PaymentMethod, mandate_text
from domain.payments.labels import method_label
from domain.payments.model import BANK_DEBITS, MethodType
from domain.payments.processing import Funding
from domain.portal import payments as portal_payments
from domain.portal.users import Permission

router = APIRouter(prefix="/portal/v1/payment-methods", tags=["portal"])

Token = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
MandateLanguage = Literal["en", "fr"]
ShownMandateLanguage = Annotated[
    MandateLanguage, Field(description="The language of the debit authorization the customer was shown.")
]


class PortalMethodIn(RequestModel):
    token: Token = Field(description="A single-use token from the processor's browser tokenizer.")
    make_default: Flag = False
    save: Flag = Field(
        default=True,
        description="False: keep it for one payment only (needs only `pay`, and no second factor for a bank "
        "account). Such a method can be quoted and paid with by its id, is never listed, never the default, never "
        "auto-charged, and is forgotten once it has been charged. The card fee can so be shown before paying.",
    )
    accept_mandate: Flag = Field(
        default=False,
        description="Bank accounts: the customer accepts the debit authorization shown to them (recorded with the "
        "time, address and browser).",
    )
    mandate_language: ShownMandateLanguage = "en"


class PortalMandate(BaseModel):
    text: str = Field(description="The authorization accepted, in the language it was accepted in.")
    language: str
    accepted_at: datetime


class PortalMethod(BaseModel):
    id: str
    object: str = "payment_method"
    type: MethodType
    label: str = Field(description="`Visa •••• 4242`, `Sandbox Bank (US) •••• 6789`.")
    brand: str | None
    bank_name: str | None
    last4: str
    exp_month: int | None
    exp_year: int | None
    funding: Funding | None
    is_default: bool
    saved: bool = Field(description="False for a method given for one payment only (`save: false`).")
    mandate: PortalMandate | None
    created_at: datetime

    @classmethod
    def of(cls, m: PaymentMethod, partner_name: str) -> PortalMethod:
        mandate = None
        if m.mandate is not None:
            text = mandate_text(m.type, partner_name, m.mandate.language)
            mandate = PortalMandate(text=text, language=m.mandate.language, accepted_at=m.mandate.accepted_at)
        return cls(
            id=m.id,
            type=m.type,
            label=method_label(m.type, brand=m.brand, bank_name=m.bank_name, last4=m.last4),
            brand=m.brand,
            bank_name=m.bank_name,
            last4=m.last4,
            exp_month=m.exp_month,
            exp_year=m.exp_year,
            funding=m.funding,
            is_default=m.is_default,
            saved=not portal_payments.is_one_off(m),
            mandate=mandate,
            created_at=m.created_at,
        )


class PortalMethodList(BaseModel):
    object: str = "list"
    data: list[PortalMethod]


class MandateText(BaseModel):
    type: MethodType
    version: str
    language: str
    text: str = Field(description="The debit authorization to show beside the acceptance checkbox, verbatim.")


class MandateTextList(BaseModel):
    object: str = "list"
    data: list[MandateText]


def mandate_texts(partner_name: str, language: str = "en") -> list[MandateText]:
    return [
        MandateText(type=kind, version=version, language=language, text=mandate_text(kind, partner_name, language))
        for kind, (version, _) in MANDATE_TEXTS.items()
    ]


async def _partner_name(ctx: PortalContext) -> str:
    return (await ctx.uow.partners.get(ctx.uow.partner_id)).name


async def attach_token(
    ctx: PortalContext,
    token: str,
    *,
    save: bool,
    accept_mandate: bool,
    mandate_language: str = "en",
    make_default: bool = False,
) -> PaymentMethod:
    """Exchange a tokenizer token for a method of the customer's. Saving one needs `manage_methods`, and saving a
    bank account a fresh second factor; a method not saved is kept for its one payment only."""
    if save:
        ctx.require(Permission.MANAGE_METHODS)
    processor = processors_of(ctx.request)[(await ctx.uow.payment_settings.get()).processor]
    await ctx.uow.commit()  # the processor keeps its own books: hold nothing open while it reads them
    agent = ctx.request.headers.get("user-agent", "")[:500] or None
    if await processor.token_type(token=token) in BANK_DEBITS:
        if save:
            ctx.require_fresh_factor()
        if not accept_mandate:  # refused before the single-use token is spent, so a corrected retry works
            raise InvalidRequest(
                "Accept the debit authorization to pay from a bank account (accept_mandate: true).",
                code=ErrorCode.MANDATE_REQUIRED,
                field="accept_mandate",
            )
    method = await use_cases.attach_method(
        use_cases.AttachMethod(
            customer_id=ctx.customer_id,
            token=token,
            make_default=make_default and save,
            mandate_ip=client_ip(ctx.request) if accept_mandate else None,
            mandate_user_agent=agent if accept_mandate else None,
            mandate_language=mandate_language,
            one_off=not save,
        ),
        ctx.uow,
        processor=processor,
        clock=ctx.uow.clock,
        checkpoint=ctx.uow.checkpoint,
    )
    if not save:
        portal_payments.mark_one_off(method)
        await ctx.uow.payment_methods.save(method)
    return method


@router.get(
    "",
    operation_id="portal_payment_methods_list",
    summary="List the customer's saved payment methods",
    description="Newest first; `is_default` marks the default, and each has a ready-made `label`. Methods given "
    "for one payment only are not listed.",
    response_model=PortalMethodList,
    responses=problems(401, 403),
)
async def list_methods(ctx: Portal) -> Response:
    methods = await ctx.uow.payment_methods.for_customer(ctx.customer_id)
    name = await _partner_name(ctx)
    saved = [m for m in methods if not portal_payments.is_one_off(m)]
    return json_response(PortalMethodList(data=[PortalMethod.of(m, name) for m in saved]))


@router.get(
    "/mandates",
    operation_id="portal_payment_methods_mandates",
    summary="The debit authorizations a bank account needs",
    description="Show the text for the account's type beside the acceptance checkbox before sending "
    "`accept_mandate: true` with its `mandate_language`; the version and language are recorded with the acceptance.",
    response_model=MandateTextList,
    responses=problems(401, 403, 422),
)
async def mandates(ctx: Portal, language: MandateLanguage = "en") -> Response:
    return json_response(MandateTextList(data=mandate_texts(await _partner_name(ctx), language)))


@router.post(
    "",
    operation_id="portal_payment_methods_attach",
    summary="Save a card or bank account",
    description="Needs the `manage_methods` permission. A bank account also needs the debit authorization "
    "accepted (`accept_mandate`) and a recent second factor (password, authenticator or emailed code: see "
    "step-up). Only the brand or bank, last 4 digits and expiry are kept. The first method becomes the default. "
    "With `save: false` the method is for one payment only and needs just the `pay` permission.",
    status_code=201,
    response_model=PortalMethod,
    responses=problems(400, 401, 403, 409),
)
async def attach(body: PortalMethodIn, ctx: PortalWriting) -> Response:
    if not body.save:
        ctx.require(Permission.PAY)
    method = await attach_token(
        ctx,
        body.token,
        save=body.save,
        accept_mandate=body.accept_mandate,
        mandate_language=body.mandate_language,
        make_default=body.make_default,
    )
    return json_response(PortalMethod.of(method, await _partner_name(ctx)), 201)


@router.delete(
    "/{payment_method_id}",
    operation_id="portal_payment_methods_detach",
    summary="Remove a saved payment method",
    description="Needs `manage_methods`. Refused while a payment on it is in flight or a scheduled payment will "
    "use it (cancel that first). Past payments keep their record of it.",
    response_model=PortalMethod,
    responses=problems(401, 403, 404, 409),
)
async def detach(payment_method_id: ResourceId, ctx: PortalWriting) -> Response:
    ctx.require(Permission.MANAGE_METHODS)
    method = await portal_payments.method_of(ctx.uow.payment_methods, payment_method_id, ctx.customer_id)
    waiting = await ctx.uow.scheduled_payments.waiting_for_customer(ctx.customer_id)
    if any(s.payment_method_id == method.id for s in waiting):
        raise Conflict(
            "A scheduled payment will use this method; cancel it first or schedule it with another method.",
            code=ErrorCode.METHOD_SCHEDULED,
        )
    name = await _partner_name(ctx)
    method = await use_cases.detach_method(
        use_cases.DetachMethod(method.id),
        ctx.uow,
        processors=processors_of(ctx.request),
        clock=ctx.uow.clock,
        checkpoint=ctx.uow.checkpoint,
    )
    return json_response(PortalMethod.of(method, name))


@router.post(
    "/{payment_method_id}/default",
    operation_id="portal_payment_methods_make_default",
    summary="Make a method the default",
    description="Needs `manage_methods`.",
    response_model=PortalMethod,
    responses=problems(401, 403, 404, 409),
)
async def make_default(payment_method_id: ResourceId, ctx: PortalWriting) -> Response:
    ctx.require(Permission.MANAGE_METHODS)
    method = await portal_payments.method_of(ctx.uow.payment_methods, payment_method_id, ctx.customer_id)
    if portal_payments.is_one_off(method):  # never saved, so never a default
        raise NotFound("payment method", payment_method_id)
    method = await use_cases.make_default(use_cases.MakeDefault(method.id), ctx.uow)
    return json_response(PortalMethod.of(method, await _partner_name(ctx)))
