"""/portal/v1/payments: quote and pay the customer's invoices (one or many, in full or in part, or one amount
spread oldest due first), payment history, and receipts as PDFs."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field, StringConstraints

from api.deps import WriteContext, json_response, processors_of, write_context
from api.errors import problems
from api.pagination import Cursor, Limit, ListOf, next_cursor, page_request
from api.portal import documents
from api.portal.deps import REQUIRED_IDEMPOTENCY_KEY, IdempotencyKey, Portal, PortalContext, PortalWriting
from api.portal.documents import DocumentLanguage
from api.portal.invoices import attachment
from api.portal.payment_methods import ShownMandateLanguage, attach_token
from api.v1.fields import Amount, Currency, Email, EmailOut, Flag, RequestModel, ResourceId
from domain.errors import ErrorCode, InvalidRequest, NotFound
from domain.payment_methods.model import PaymentMethod
from domain.payments import charges
from domain.payments.fees import FeeContext, fee_basis
from domain.payments.labels import method_label
from domain.payments.model import Allocation, MethodType, Payment, PaymentStatus
from domain.payments.recovery import RefreshPayment
from domain.payments.settings import PaymentSettings
from domain.payments.standing import PaymentStanding, payment_standing
from domain.portal import invoices as portal_invoices
from domain.portal import payments as portal_payments
from domain.portal.users import Permission
from domain.ports import PaymentQuery

router = APIRouter(prefix="/portal/v1/payments", tags=["portal"])

Token = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class AllocationIn(RequestModel):
    invoice_id: ResourceId
    amount: Amount


class PortalAllocation(BaseModel):
    invoice_id: str
    invoice_number: str
    amount: int


class WhatToPay(RequestModel):
    """Explicit allocations, or one amount spread oldest due first."""

    allocations: Annotated[list[AllocationIn], Field(min_length=1, max_length=100)] | None = Field(
        default=None, description="Which invoices to pay and how much of each."
    )
    amount: Amount | None = Field(
        default=None,
        description="Instead of allocations: one amount spread over `invoice_ids` (or over every open invoice), "
        "oldest due first.",
    )
    invoice_ids: Annotated[list[ResourceId], Field(max_length=100)] | None = None
    currency: Currency | None = Field(default=None, description="If given, every invoice must be in it.")

    def invoice_refs(self) -> list[str]:
        return [a.invoice_id for a in self.allocations or []] + list(self.invoice_ids or [])

    def allocation_tuple(self) -> tuple[Allocation, ...]:
        return tuple(Allocation(a.invoice_id, a.amount) for a in self.allocations or [])


class PortalQuoteIn(WhatToPay):
    payment_method_id: ResourceId = Field(
        description="A saved method, or one given for this payment only (POST /portal/v1/payment-methods with "
        "`save: false`): the card fee depends on the card."
    )


class PortalPayIn(WhatToPay):
    payment_method_id: ResourceId | None = Field(default=None, description="A saved card or bank account.")
    token: Token | None = Field(
        default=None, description="Instead of a saved method: a fresh token from the processor's tokenizer."
    )
    save_method: Flag = Field(
        default=True,
        description="With `token`: keep the method for later (needs `manage_methods`; a bank account also a "
        "recent second factor). False keeps it for this payment only.",
    )
    accept_mandate: Flag = Field(default=False, description="With a bank-account `token`: the debit authorization.")
    mandate_language: ShownMandateLanguage = "en"
    receipt_email: Email | None = Field(default=None, description="Defaults to the signed-in user's email.")


class FeeBasisOut(BaseModel):
    bps: int = Field(description="The percentage part in basis points: 290 is 2.9%.")
    fixed: int = Field(description="The fixed part, in minor units of the currency.")
    cap_bps: int = Field(description="The fee never exceeds this share of the subtotal.")


def fee_basis_of(q: charges.Quote, settings: PaymentSettings) -> FeeBasisOut | None:
    if not q.fee:
        return None
    basis = fee_basis(FeeContext(q.method.type, q.method.brand, q.method.funding), settings)
    return FeeBasisOut(bps=basis.bps, fixed=basis.fixed, cap_bps=basis.cap_bps) if basis else None


class PortalQuote(BaseModel):
    object: str = "payment_quote"
    payment_method_id: str
    method: MethodType
    method_label: str
    currency: str
    allocations: list[PortalAllocation]
    subtotal: int
    fee: int = Field(description="The card fee passed on, shown before confirming; 0 for debit cards and banks.")
    fee_basis: FeeBasisOut | None = Field(
        default=None, description='The partner\'s rate behind `fee` ("2.9% + $0.30"); null when there is no fee.'
    )
    total: int


class PortalPaymentAllocation(PortalAllocation):
    amount_due: int = Field(description="What the invoice still owes now, after this payment; pending money excluded.")
    amount_pending: int = Field(description="Money on its way to the invoice (bank debits not settled yet).")


class PortalPayment(BaseModel):
    id: str
    object: str = "payment"
    transaction_id: str
    status: PaymentStatus = Field(description="`pending` for bank debits until they settle.")
    standing: PaymentStanding = Field(
        description="In the payer's words (domain/payments/standing.py): `paid` for a card that succeeded and a "
        "debit that settled alike, `not_charged` for a declined attempt."
    )
    method: MethodType
    method_label: str
    subtotal: int = Field(description="What the invoices receive.")
    fee: int = Field(description="The card fee, its own line on the receipt.")
    amount: int = Field(description="What was charged: subtotal + fee.")
    currency: str
    allocations: list[PortalPaymentAllocation]
    received_on: date
    created_at: datetime
    settled_at: datetime | None
    receipt_email: EmailOut | None
    failure_message: str | None


async def _numbers(ctx: PortalContext, invoice_ids: list[str]) -> dict[str, str]:
    return {i.id: i.number for i in await ctx.uow.invoices.get_many(sorted(set(invoice_ids)))} if invoice_ids else {}


def _allocations(allocations: list[Allocation], numbers: dict[str, str]) -> list[PortalAllocation]:
    return [
        PortalAllocation(invoice_id=a.invoice_id, invoice_number=numbers[a.invoice_id], amount=a.amount)
        for a in allocations
    ]


async def payment_views(ctx: PortalContext, payments: list[Payment]) -> list[PortalPayment]:
    ids = sorted({a.invoice_id for p in payments for a in p.allocations})
    invoices = await ctx.uow.invoices.get_many(ids) if ids else []
    numbers = {i.id: i.number for i in invoices}
    balances = await ctx.uow.ledger.balances(invoices) if invoices else {}
    methods: dict[str, PaymentMethod] = {}
    return [
        PortalPayment(
            id=p.id,
            transaction_id=p.transaction_id,
            status=p.status,
            standing=payment_standing(p.status),
            method=p.method,
            method_label=await documents.payment_method_label(ctx.uow, p, cache=methods),
            subtotal=p.allocated,
            fee=p.fee,
            amount=p.amount,
            currency=p.currency,
            allocations=[
                PortalPaymentAllocation(
                    invoice_id=a.invoice_id,
                    invoice_number=numbers[a.invoice_id],
                    amount=a.amount,
                    amount_due=balances[a.invoice_id].amount_due,
                    amount_pending=balances[a.invoice_id].amount_pending,
                )
                for a in p.allocations
            ],
            received_on=p.received_on,
            created_at=p.created_at,
            settled_at=p.settled_at,
            receipt_email=p.receipt_email,
            failure_message=p.failure_message,
        )
        for p in payments
    ]


async def payment_of(ctx: PortalContext, payment_id: str) -> Payment:
    payment = await ctx.uow.payments.get(payment_id)
    if payment.customer_id != ctx.customer_id:
        raise NotFound("payment", payment_id)
    return payment


def _command(
    body: WhatToPay, ctx: PortalContext, method_id: str, receipt_email: str | None, *, fresh_method: bool = False
) -> charges.PayInvoices:
    return charges.PayInvoices(
        customer_id=ctx.customer_id,
        payment_method_id=method_id,
        allocations=body.allocation_tuple(),
        amount=body.amount,
        invoice_ids=tuple(body.invoice_ids or ()),
        currency=body.currency,
        receipt_email=receipt_email,
        forget_one_off=True,
        fresh_method=fresh_method,
    )


@router.post(
    "/quote",
    operation_id="portal_payments_quote",
    summary="Quote a payment",
    description="What paying would charge with this saved method: how the money is spread over the invoices (a "
    "lump sum goes oldest due first), the card fee and the total, without charging or holding anything. Show it "
    "before the customer confirms. Needs the `pay` permission.",
    response_model=PortalQuote,
    responses=problems(400, 401, 403, 404, 409),
)
async def quote(body: PortalQuoteIn, ctx: Portal) -> Response:
    ctx.require(Permission.PAY)
    await portal_invoices.invoices_of(ctx.uow.invoices, body.invoice_refs(), ctx.customer_id)
    await portal_payments.method_of(ctx.uow.payment_methods, body.payment_method_id, ctx.customer_id)
    q = await charges.quote_payment(_command(body, ctx, body.payment_method_id, None), ctx.uow, clock=ctx.uow.clock)
    numbers = await _numbers(ctx, [a.invoice_id for a in q.allocations])
    return json_response(
        PortalQuote(
            payment_method_id=q.method.id,
            method=q.method.type,
            method_label=method_label(
                q.method.type, brand=q.method.brand, bank_name=q.method.bank_name, last4=q.method.last4
            ),
            currency=q.currency,
            allocations=_allocations(q.allocations, numbers),
            subtotal=q.subtotal,
            fee=q.fee,
            fee_basis=fee_basis_of(q, await ctx.uow.payment_settings.get()),
            total=q.total,
        )
    )


def _scoped_key(customer_id: str, key: str) -> str:
    """Keys are the user's; one user paying for two customers must never replay one customer's answer to the other."""
    scoped = f"{customer_id}/{key}"
    return scoped if len(scoped) <= 255 else f"{customer_id}/sha256:{hashlib.sha256(key.encode()).hexdigest()}"


async def _claim(ctx: PortalContext, key: str | None) -> WriteContext:
    if key is None:
        raise InvalidRequest(
            "Send an Idempotency-Key header (a UUID made when the pay screen opens), so a double click pays once.",
            code=ErrorCode.IDEMPOTENCY_KEY_REQUIRED,
        )
    return await write_context(ctx.uow, ctx.request, _scoped_key(ctx.customer_id, key), writer=ctx.user.id)


async def _pay_command(body: PortalPayIn, ctx: PortalContext) -> charges.PayInvoices:
    """What to pay with: a saved method, or one made now from a fresh token (spent here, so never on a resume)."""
    await portal_invoices.invoices_of(ctx.uow.invoices, body.invoice_refs(), ctx.customer_id)
    receipt_email = body.receipt_email or ctx.user.email
    if body.token is None:
        assert body.payment_method_id is not None
        method = await portal_payments.method_of(ctx.uow.payment_methods, body.payment_method_id, ctx.customer_id)
        return _command(body, ctx, method.id, receipt_email)
    method = await attach_token(
        ctx,
        body.token,
        save=body.save_method,
        accept_mandate=body.accept_mandate,
        mandate_language=body.mandate_language,
    )
    return _command(body, ctx, method.id, receipt_email, fresh_method=True)


@router.post(
    "",
    operation_id="portal_payments_create",
    summary="Pay invoices",
    description="Pays one or many of the customer's invoices with a saved method (`payment_method_id`) or a fresh "
    "tokenizer `token`: explicit `allocations`, or an `amount` spread oldest due first over `invoice_ids` (or "
    "every open invoice). Partial amounts only where the partner allows them; never more than is due (409). "
    "Needs the `pay` permission and an `Idempotency-Key` header: the same key and body replay the first answer, "
    "so a double click pays once. Bank debits answer `pending` until they settle; a declined card answers 402 "
    "with what to do next. The receipt goes to `receipt_email` (the signed-in user by default).",
    status_code=201,
    response_model=PortalPayment,
    responses=problems(400, 401, 402, 403, 404, 409, 503),
    openapi_extra=REQUIRED_IDEMPOTENCY_KEY,
)
async def create(
    body: PortalPayIn, ctx: PortalWriting, request: Request, idempotency_key: IdempotencyKey = None
) -> Response:
    ctx.require(Permission.PAY)
    if (body.payment_method_id is None) == (body.token is None):
        raise InvalidRequest(
            "Send either payment_method_id (a saved method) or token (a new one).",
            code=ErrorCode.INVALID_REQUEST,
            field="payment_method_id",
        )
    write = await _claim(ctx, idempotency_key)
    # An earlier attempt with this key stored a payment and went silent: answered with how it ended.
    cmd = RefreshPayment(write.resume) if write.resume is not None else await _pay_command(body, ctx)
    payment = await charges.pay_invoices(
        cmd, ctx.uow, processors=processors_of(request), clock=ctx.uow.clock, checkpoint=write.checkpoint
    )
    [view] = await payment_views(ctx, [payment])
    advice = portal_payments.decline_advice(payment.failure_code, payment.method, payment.failure_message)
    return await write.respond_payment(payment, view, declined=advice)


@router.get(
    "",
    operation_id="portal_payments_list",
    summary="Payment history",
    description="The customer's payments, newest first, whoever made them (the partner records checks here too).",
    response_model=ListOf[PortalPayment],
    responses=problems(400, 401, 403),
)
async def list_payments(ctx: Portal, limit: Limit = 20, cursor: Cursor = None) -> Response:
    page = await ctx.uow.payments.list(PaymentQuery(customer_id=ctx.customer_id), page_request(limit, cursor))
    data = await payment_views(ctx, page.items)
    last = page.items[-1].id if page.items else None
    return json_response(ListOf[PortalPayment](data=data, next_cursor=next_cursor(page, last)))


@router.get(
    "/{payment_id}",
    operation_id="portal_payments_retrieve",
    summary="Retrieve a payment",
    response_model=PortalPayment,
    responses=problems(401, 403, 404),
)
async def retrieve(payment_id: str, ctx: Portal) -> Response:
    [view] = await payment_views(ctx, [await payment_of(ctx, payment_id)])
    return json_response(view)


@router.get(
    "/{payment_id}/receipt",
    operation_id="portal_payments_receipt",
    summary="Download a payment's receipt as a PDF",
    description="The transaction id, how and when it was made, where it stands (paid, pending, not charged), each "
    "invoice it is for with what it received and what it still owes, and the card fee as its own line. English or "
    "French.",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "The PDF."}, **problems(401, 403, 404, 422)},
)
async def receipt(payment_id: str, ctx: Portal, language: DocumentLanguage = None) -> Response:
    payment = await payment_of(ctx, payment_id)
    body = await documents.receipt_pdf(ctx, payment, language)
    return Response(
        body,
        media_type="application/pdf",
        headers={
            "Content-Disposition": attachment(f"receipt-{payment.transaction_id}"),
            "Cache-Control": "private, no-store",
        },
    )
