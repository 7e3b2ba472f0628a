"""Guest checkout: a per-invoice pay link any payer can use without an account (unless the partner requires a
sign-in). The payment belongs to the invoice's own customer; afterwards the payer may ask to enrol."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
from datetime import date, datetime
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from adapters.db.unit_of_work import SqlUnitOfWork
from adapters.pdf.content import HowToPay
from api.deps import UoW, get_container, processors_of, write_context
from api.errors import problems
from api.portal import documents
from api.portal.deps import REQUIRED_IDEMPOTENCY_KEY, IdempotencyKey, check_origin, client_ip, pay_link_key
from api.portal.documents import DocumentLanguage
from api.portal.invoices import attachment
from api.portal.partners import Branding, branding_of
from api.portal.payment_methods import MandateLanguage, MandateText, ShownMandateLanguage, mandate_texts
from api.portal.payments import FeeBasisOut, fee_basis_of
from api.portal.schemas import AccessRequestView
from api.rate_limit import TokenBuckets
from api.v1.fields import Amount, Email, EmailOut, Flag, Name, RequestModel, ShortText
from api.v1.schemas.payments import AllocationOut, PaymentOut
from domain.constant_time import same_secret
from domain.errors import ErrorCode, InvalidRequest, NotFound, PermissionDenied, TooManyAttempts
from domain.invoices.model import Invoice
from domain.ledger.balances import InvoiceBalance
from domain.mail import email_language
from domain.pay_links import receipts
from domain.pay_links import use_cases as pay_links
from domain.pay_links.model import PayLink, link_id_from
from domain.payment_methods.use_cases import AttachMethod, attach_method
from domain.payments import charges
from domain.payments.model import Allocation, Payment
from domain.payments.recovery import RefreshPayment
from domain.portal import access
from domain.portal import payments as portal_payments
from domain.portal.sessions import PortalSession, SessionState

router = APIRouter(prefix="/portal/v1/pay-links", tags=["portal_pay_links"])

Language = Literal["en", "fr"]


class LineView(BaseModel):
    description: str
    quantity: int
    unit_amount: int
    amount: int


class PayLinkView(BaseModel):
    object: str = "pay_link"
    invoice_id: str
    number: str
    customer_name: str
    currency: str
    issue_date: date
    due_date: date
    total: int
    amount_paid: int
    amount_pending: int
    amount_due: int
    lines: list[LineView]
    expires_at: datetime
    requires_sign_in: bool = Field(description="The partner turned guest checkout off: sign in to pay.")
    partner: Branding
    mandates: list[MandateText] = Field(description="The debit authorizations to show for bank accounts.")


class GuestMethodIn(RequestModel):
    token: str | None = Field(
        default=None, min_length=4, max_length=100, description="A card or bank token from the tokenizer."
    )
    method_ref: str | None = Field(
        default=None,
        min_length=10,
        max_length=120,
        description="Instead of `token`: the method of an earlier quote, to quote another amount with it.",
    )
    amount: Amount | None = Field(default=None, description="Defaults to everything due; less only if allowed.")
    accept_mandate: Flag = Field(
        default=False, description="Bank accounts: the payer accepts the debit authorization shown to them."
    )
    mandate_language: ShownMandateLanguage = "en"


class GuestPayIn(RequestModel):
    method_ref: str = Field(min_length=10, max_length=120, description="From the quote.")
    amount: Amount | None = Field(default=None, description="Must match the quote's subtotal when given.")
    receipt_email: Email | None = None


class GuestPaidInvoice(BaseModel):
    invoice_id: str
    invoice_number: str
    amount: int = Field(description="What this payment gives the invoice (pending for a bank debit).")
    amount_due: int = Field(description="What the invoice still owes now, after this payment; pending excluded.")
    amount_pending: int = Field(description="Money on its way to the invoice (bank debits not settled yet).")


class GuestPayment(PaymentOut):
    invoices: list[GuestPaidInvoice] = Field(description="Each invoice paid, with what it still owes.")
    receipt_to: Literal["payer", "customer", "nobody"] = Field(
        description="Where the receipt email goes: `receipt_email`, the invoice's customer (whose address is not "
        "shown to a guest), or nowhere (no address known: the payer can ask for a copy)."
    )


class ReceiptCopyIn(RequestModel):
    email: Email


class ReceiptCopy(BaseModel):
    object: str = "receipt_copy"
    email: EmailOut
    already_sent: bool = Field(description="That address had its copy already: nothing new was sent.")


class GuestQuote(BaseModel):
    object: str = "payment_quote"
    method_ref: str = Field(description="Pass to `…/payments` to pay with this method; good for this link only.")
    method: str
    brand: str | None
    last4: str
    currency: str
    allocations: list[AllocationOut]
    subtotal: int
    fee: int = Field(description="The card fee, shown before confirming; 0 for debit cards and bank debits.")
    fee_basis: FeeBasisOut | None = Field(default=None, description="The partner's rate behind `fee`; null when 0.")
    total: int


class EnrolIn(RequestModel):
    email: Email
    company_name: Name
    contact_name: Name
    phone: ShortText = Field(min_length=3)
    address: str = Field(min_length=3, max_length=500)


def _key(request: Request) -> bytes:
    return pay_link_key(get_container(request))


async def _open(token: str, uow: SqlUnitOfWork, request: Request) -> tuple[PayLink, Invoice]:
    """Scope to the link's partner and read it; unknown, tampered, revoked and expired tokens all answer 404."""
    if len(token) > 100:
        raise NotFound("pay link", token[:12])
    link_id = link_id_from(_key(request), token)
    partner_id = await uow.partners.id_for_pay_link(link_id) if link_id else None
    if partner_id is None:
        raise NotFound("pay link", token[:12])
    uow.scope_to(partner_id)
    return await pay_links.resolve_pay_link(pay_links.ResolvePayLink(token), uow, clock=uow.clock, key=_key(request))


@router.get(
    "/{token}",
    operation_id="portal_pay_links_retrieve",
    summary="The invoice behind a pay link",
    description="Public. What is owed, the lines, the partner's branding, whether a sign-in is required, and the debit "
    "authorizations in `language`.",
    response_model=PayLinkView,
    responses=problems(404, 422),
)
async def retrieve(token: str, uow: UoW, request: Request, language: MandateLanguage = "en") -> PayLinkView:
    link, invoice = await _open(token, uow, request)
    balance = (await uow.ledger.balances([invoice]))[invoice.id]
    customer = await uow.customers.get(invoice.customer_id)
    partner = await uow.partners.get(uow.partner_id)
    branding = await branding_of(partner, uow, get_container(request).settings.base_url)
    return PayLinkView(
        invoice_id=invoice.id,
        number=invoice.number,
        customer_name=customer.name,
        currency=invoice.currency,
        issue_date=invoice.issue_date,
        due_date=invoice.due_date,
        total=balance.total,
        amount_paid=balance.amount_paid,
        amount_pending=balance.amount_pending,
        amount_due=balance.amount_due,
        lines=[
            LineView(description=ln.description, quantity=ln.quantity, unit_amount=ln.unit_amount, amount=ln.amount)
            for ln in invoice.lines
        ],
        expires_at=link.expires_at,
        requires_sign_in=not branding.guest_checkout,
        partner=branding,
        mandates=mandate_texts(partner.name, language),
    )


def _method_ref(request: Request, link: PayLink, method_id: str) -> str:
    mac = hmac.new(_key(request), f"guest-method\0{link.id}\0{method_id}".encode(), hashlib.sha256).hexdigest()
    return f"{method_id}.{mac[:32]}"


def _method_from_ref(request: Request, link: PayLink, ref: str) -> str:
    method_id, _, _ = ref.partition(".")
    if not same_secret(ref, _method_ref(request, link, method_id)):
        raise NotFound("payment method", method_id)
    return method_id


def _guest_allowed(branding_guest_checkout: bool) -> None:
    if not branding_guest_checkout:
        raise PermissionDenied("Sign in to pay this invoice.", code=ErrorCode.SIGN_IN_REQUIRED)


async def _command(invoice: Invoice, uow: SqlUnitOfWork, amount: int | None, method_id: str) -> charges.PayInvoices:
    due = (await uow.ledger.balances([invoice]))[invoice.id].amount_due
    return charges.PayInvoices(
        customer_id=invoice.customer_id,
        payment_method_id=method_id,
        allocations=(Allocation(invoice.id, amount if amount is not None else due),),
        currency=invoice.currency,
    )


@router.post(
    "/{token}/quote",
    operation_id="portal_pay_links_quote",
    summary="Add the payer's card or bank account and quote the payment",
    description="Spends the tokenizer's single-use token: the method is kept on the invoice's customer for this "
    "payment only (never the default, never auto-charged). Answers the fee and total before anything is charged, "
    "and a `method_ref` to pay with. To quote another amount with the same method, send that `method_ref` "
    "instead of a token.",
    response_model=GuestQuote,
    responses=problems(400, 403, 404, 409),
)
async def quote(token: str, body: GuestMethodIn, uow: UoW, request: Request) -> GuestQuote:
    container = get_container(request)
    check_origin(request, container)
    link, invoice = await _open(token, uow, request)
    _guest_allowed((await uow.portal_settings.get()).guest_checkout)
    if (body.token is None) == (body.method_ref is None):
        raise InvalidRequest("Send either a token or the method_ref of an earlier quote.", field="token")
    if body.method_ref is not None:
        method_id = _method_from_ref(request, link, body.method_ref)
        method = await portal_payments.method_of(uow.payment_methods, method_id, invoice.customer_id)
    else:
        assert body.token is not None
        processor = processors_of(request)[(await uow.payment_settings.get()).processor]
        method = await attach_method(
            AttachMethod(
                customer_id=invoice.customer_id,
                token=body.token,
                mandate_ip=client_ip(request) if body.accept_mandate else None,
                mandate_user_agent=request.headers.get("user-agent") if body.accept_mandate else None,
                mandate_language=body.mandate_language,
                one_off=True,
            ),
            uow,
            processor=processor,
            clock=uow.clock,
            checkpoint=uow.checkpoint,
        )
        portal_payments.mark_one_off(method)  # the customer's own saved list never shows a guest's card
        await uow.payment_methods.save(method)
    q = await charges.quote_payment(await _command(invoice, uow, body.amount, method.id), uow, clock=uow.clock)
    return GuestQuote(
        method_ref=_method_ref(request, link, method.id),
        method=method.type.value,
        brand=method.brand,
        last4=method.last4,
        currency=q.currency,
        allocations=[AllocationOut(invoice_id=a.invoice_id, amount=a.amount) for a in q.allocations],
        subtotal=q.subtotal,
        fee=q.fee,
        fee_basis=fee_basis_of(q, await uow.payment_settings.get()),
        total=q.total,
    )


@router.post(
    "/{token}/payments",
    operation_id="portal_pay_links_pay",
    summary="Pay the invoice as a guest",
    description="Charges the method from the quote. The payment belongs to the invoice's customer. Send an "
    "Idempotency-Key: a double click or a retry pays once. Bank debits answer `pending`; a decline answers 402.",
    status_code=201,
    response_model=GuestPayment,
    responses=problems(400, 402, 403, 404, 409, 503),
    openapi_extra=REQUIRED_IDEMPOTENCY_KEY,
)
async def pay(
    token: str, body: GuestPayIn, uow: UoW, request: Request, idempotency_key: IdempotencyKey = None
) -> Response:
    check_origin(request, get_container(request))
    if idempotency_key is None:
        raise InvalidRequest(
            "Send an Idempotency-Key header (a UUID made when the pay screen opens).",
            code=ErrorCode.IDEMPOTENCY_KEY_REQUIRED,
        )
    link, invoice = await _open(token, uow, request)
    _guest_allowed((await uow.portal_settings.get()).guest_checkout)
    method_id = _method_from_ref(request, link, body.method_ref)
    ctx = await write_context(uow, request, idempotency_key, writer=link.id)
    cmd: charges.PayInvoices | RefreshPayment
    if ctx.resume is not None:  # an earlier attempt with this key stored a payment and went silent
        cmd = RefreshPayment(ctx.resume)
    else:  # the guest's card or account was given for this payment only: charged (or declined), it goes
        cmd = dataclasses.replace(
            await _command(invoice, uow, body.amount, method_id), receipt_email=body.receipt_email, forget_one_off=True
        )
    payment = await charges.pay_invoices(
        cmd, uow, processors=processors_of(request), clock=uow.clock, checkpoint=ctx.checkpoint
    )
    return await ctx.respond_payment(payment, await _guest_payment(uow, payment))


async def _guest_payment(uow: SqlUnitOfWork, payment: Payment) -> GuestPayment:
    invoices = await uow.invoices.get_many(sorted({a.invoice_id for a in payment.allocations}))
    balances = await uow.ledger.balances(invoices)
    numbers = {i.id: i.number for i in invoices}
    customer = await uow.customers.get(payment.customer_id)
    return GuestPayment.model_validate(
        {
            **PaymentOut.model_validate(payment).model_dump(),
            "receipt_to": "payer" if payment.receipt_email else "customer" if customer.email else "nobody",
            "invoices": [
                GuestPaidInvoice(
                    invoice_id=a.invoice_id,
                    invoice_number=numbers[a.invoice_id],
                    amount=a.amount,
                    amount_due=balances[a.invoice_id].amount_due,
                    amount_pending=balances[a.invoice_id].amount_pending,
                )
                for a in payment.allocations
            ],
        }
    )


# A guest's documents and receipt copies, per client address (the token is the only credential): generous for
# downloads, tight for emails, which reach inboxes of the payer's choosing.
DOWNLOADS = "pay_link_downloads"
RECEIPT_EMAILS = "pay_link_receipt_emails"
_LIMITS = {DOWNLOADS: (60 / 3600, 30), RECEIPT_EMAILS: (10 / 3600, 5)}


def _limit(request: Request, kind: str) -> None:
    buckets: dict[str, TokenBuckets] | None = getattr(request.app.state, "pay_link_limits", None)
    if buckets is None:
        buckets = request.app.state.pay_link_limits = {k: TokenBuckets(r, b) for k, (r, b) in _LIMITS.items()}
    if wait := buckets[kind].take(client_ip(request)):
        raise TooManyAttempts("Too many requests from this network. Try again later.", retry_after=max(1, int(wait)))


def _pdf(body: bytes, name: str) -> Response:
    return Response(
        body,
        media_type="application/pdf",
        headers={"Content-Disposition": attachment(name), "Cache-Control": "private, no-store"},
    )


PDF_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {}}, "description": "The PDF."},
    **problems(404, 422, 429),
}


@router.get(
    "/{token}/pdf",
    operation_id="portal_pay_links_invoice_pdf",
    summary="The invoice behind a pay link, as a PDF",
    description="Public, for whoever holds the link: the same PDF the signed-in portal gives.",
    response_class=Response,
    responses=PDF_RESPONSES,
)
async def invoice_pdf(token: str, uow: UoW, request: Request, language: DocumentLanguage = None) -> Response:
    _limit(request, DOWNLOADS)
    _, invoice = await _open(token, uow, request)
    customer = await uow.customers.get(invoice.customer_id)
    base_url = get_container(request).settings.base_url

    async def how_to_pay(_invoice: Invoice, _balance: InvoiceBalance, slug: str) -> HowToPay:
        return HowToPay(url=f"{base_url}/pay/{slug}/invoice/{token}")  # the link the reader holds

    reader = email_language(language, customer.language)
    body = await documents.invoice_document(uow, invoice, customer, language=reader, how_to_pay=how_to_pay)
    return _pdf(body, invoice.number)


@router.get(
    "/{token}/payments/{payment_id}/receipt",
    operation_id="portal_pay_links_receipt",
    summary="The receipt of a payment made from a pay link, as a PDF",
    description="Public, for whoever holds the link, for a payment to the link's invoice alone; any other "
    "payment answers 404.",
    response_class=Response,
    responses=PDF_RESPONSES,
)
async def receipt_pdf(
    token: str, payment_id: str, uow: UoW, request: Request, language: DocumentLanguage = None
) -> Response:
    _limit(request, DOWNLOADS)
    _, invoice = await _open(token, uow, request)
    payment = await receipts.payment_for_link(uow, invoice, payment_id)
    customer = await uow.customers.get(invoice.customer_id)
    reader = email_language(language, customer.language)
    body = await documents.receipt_document(uow, payment, customer, language=reader, only=invoice)
    return _pdf(body, f"receipt-{payment.transaction_id}")


@router.post(
    "/{token}/payments/{payment_id}/receipt-email",
    operation_id="portal_pay_links_receipt_email",
    summary="Email the receipt of a pay-link payment to another address",
    description="Once per address and payment (asking again answers `already_sent`), and a few an hour from one "
    "network. Only for a payment to the link's invoice alone; others answer 404. A payment that took nothing "
    "has no receipt (409).",
    status_code=202,
    response_model=ReceiptCopy,
    responses=problems(400, 404, 409, 422, 429),
)
async def receipt_email(token: str, payment_id: str, body: ReceiptCopyIn, uow: UoW, request: Request) -> ReceiptCopy:
    check_origin(request, get_container(request))
    _limit(request, RECEIPT_EMAILS)
    _, invoice = await _open(token, uow, request)
    to = body.email.lower()
    sent = await receipts.send_receipt_copy(receipts.SendReceiptCopy(payment_id, to), uow, invoice, clock=uow.clock)
    return ReceiptCopy(email=to, already_sent=not sent)


@router.post(
    "/{token}/enrol",
    operation_id="portal_pay_links_enrol",
    summary="Ask for a portal account after paying",
    description="Files an access request naming the invoice's customer; the partner approves it (nobody gets "
    "access to a customer's account from a pay link alone).",
    status_code=201,
    response_model=AccessRequestView,
    responses=problems(400, 404, 409),
)
async def enrol(token: str, body: EnrolIn, uow: UoW, request: Request) -> AccessRequestView:
    container = get_container(request)
    check_origin(request, container)
    _, invoice = await _open(token, uow, request)
    now = uow.clock.now()
    stand_in = PortalSession(
        partner_id=uow.partner_id, email=body.email.lower(), state=SessionState.NO_ACCESS, token_hash="", created_at=now
    )
    info = access.BusinessInfo(body.company_name, body.contact_name, body.phone, body.address)
    filed = await access.file_request(
        access.FileAccessRequest(stand_in, info, suggested_customer_id=invoice.customer_id), uow, clock=uow.clock
    )
    return AccessRequestView.of(filed)
