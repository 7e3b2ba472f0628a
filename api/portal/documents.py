"""The portal's PDFs (an invoice, a payment's receipt): gathered here so the routes stay one call each.

Language: the `language` query parameter, else the one the signed-in user chose in the portal, else the customer's,
else English.

An invoice PDF is a document its reader can pay from, also once forwarded (to an accounts-payable clerk, say): while
something is due it carries the invoice's pay link, the same one `POST /v1/invoices/{id}/pay-link` returns — the
active link is reused, or one is issued (it expires as the partner's pay-link setting says). When the active link has
expired, the PDF points to the invoice in the portal instead, where the customer signs in to pay.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Literal

from fastapi import Query

from adapters.db.unit_of_work import SqlUnitOfWork
from adapters.pdf.content import AppliedPayment, HowToPay, InvoiceNow, PartnerContact
from api.portal.deps import PortalContext, pay_link_key
from domain.customers.model import Customer
from domain.invoices.model import PAYABLE, Invoice
from domain.ledger.balances import InvoiceBalance
from domain.mail import email_language
from domain.pagination import PageRequest
from domain.pay_links import use_cases as pay_links
from domain.payment_methods.model import PaymentMethod
from domain.payments.labels import method_label, offline_label
from domain.payments.model import Payment
from domain.ports import PaymentQuery

DocumentLanguage = Annotated[
    Literal["en", "fr"] | None,
    Query(
        description="The document's language. Without it: the signed-in user's language (chosen in the portal; "
        "for a pay link's holder, none), else the customer's, else English."
    ),
]
MOST_PAYMENTS_LISTED = 100


async def invoice_pdf(ctx: PortalContext, invoice: Invoice, requested_language: str | None) -> bytes:
    customer = await ctx.uow.customers.get(ctx.customer_id)
    language = email_language(requested_language, ctx.user.language, customer.language)
    return await invoice_document(ctx.uow, invoice, customer, language=language, how_to_pay=_signed_in_how_to_pay(ctx))


async def receipt_pdf(ctx: PortalContext, payment: Payment, requested_language: str | None) -> bytes:
    customer = await ctx.uow.customers.get(ctx.customer_id)
    language = email_language(requested_language, ctx.user.language, customer.language)
    return await receipt_document(ctx.uow, payment, customer, language=language)


HowToPayFor = Callable[[Invoice, InvoiceBalance, str], Awaitable[HowToPay | None]]


async def invoice_document(
    uow: SqlUnitOfWork, invoice: Invoice, customer: Customer, *, language: str, how_to_pay: HowToPayFor
) -> bytes:
    """The invoice PDF as any reader gets it: signed in, or holding the invoice's pay link."""
    balance = (await uow.ledger.balances([invoice]))[invoice.id]
    partner = await uow.partners.get(uow.partner_id)
    settings = await uow.portal_settings.get()
    payable = invoice.status in PAYABLE and balance.amount_due > 0
    from adapters.pdf.invoice import render_invoice_pdf  # the PDF library loads with the first PDF, not at start

    return render_invoice_pdf(
        partner=PartnerContact.of(partner.name, settings),
        branding=settings,
        customer_name=customer.name,
        customer_email=customer.email,
        invoice=invoice,
        balance=balance,
        today=uow.clock.today(),
        payments=await _applied(uow, customer.id, invoice, language),
        how_to_pay=await how_to_pay(invoice, balance, partner.slug) if payable else None,
        language=language,
    )


async def receipt_document(
    uow: SqlUnitOfWork, payment: Payment, customer: Customer, *, language: str, only: Invoice | None = None
) -> bytes:
    """A payment's receipt, each invoice with what it still owes now (`only`: just that invoice's line)."""
    partner = await uow.partners.get(uow.partner_id)
    settings = await uow.portal_settings.get()
    ids = [only.id] if only else sorted({a.invoice_id for a in payment.allocations})
    invoices = await uow.invoices.get_many(ids) if ids else []
    balances = await uow.ledger.balances(invoices) if invoices else {}
    from adapters.pdf.receipt import render_receipt_pdf  # the PDF library loads with the first PDF

    return render_receipt_pdf(
        partner=PartnerContact.of(partner.name, settings),
        branding=settings,
        customer_name=customer.name,
        payment=payment,
        method_label=await payment_method_label(uow, payment, language=language),
        invoices={
            i.id: InvoiceNow(i.number, balances[i.id].amount_due, balances[i.id].amount_pending) for i in invoices
        },
        language=language,
    )


async def payment_method_label(
    uow: SqlUnitOfWork, payment: Payment, *, language: str = "en", cache: dict[str, PaymentMethod] | None = None
) -> str:
    """`Visa •••• 4242`, or an offline method in `language`. `cache` keeps each saved method read once per answer."""
    if payment.payment_method_id is None:
        return offline_label(payment.method, language) or payment.method.value
    known = cache if cache is not None else {}
    method = known.get(payment.payment_method_id)
    if method is None:
        method = known[payment.payment_method_id] = await uow.payment_methods.get(payment.payment_method_id)
    return method_label(method.type, brand=method.brand, bank_name=method.bank_name, last4=method.last4)


async def _applied(uow: SqlUnitOfWork, customer_id: str, invoice: Invoice, language: str) -> list[AppliedPayment]:
    """The invoice's payments, newest first, each with the part of it this invoice received."""
    query = PaymentQuery(customer_id=customer_id, invoice_id=invoice.id)
    page = await uow.payments.list(query, PageRequest(limit=MOST_PAYMENTS_LISTED))
    methods: dict[str, PaymentMethod] = {}
    return [
        AppliedPayment(
            received_on=p.received_on,
            method_label=await payment_method_label(uow, p, language=language, cache=methods),
            amount=sum(a.amount for a in p.allocations if a.invoice_id == invoice.id),
            status=p.status,
        )
        for p in page.items
    ]


def _signed_in_how_to_pay(ctx: PortalContext) -> HowToPayFor:
    async def how_to_pay(invoice: Invoice, balance: InvoiceBalance, slug: str) -> HowToPay | None:
        base = f"{ctx.container.settings.base_url}/pay/{slug}"
        link, token = await pay_links.issue_pay_link(
            pay_links.IssuePayLink(invoice.id), ctx.uow, clock=ctx.uow.clock, key=pay_link_key(ctx.container)
        )
        if not link.usable(ctx.uow.clock.now()):
            return HowToPay(url=f"{base}/invoices/{invoice.id}", guest=False)
        return HowToPay(url=f"{base}/invoice/{token}")

    return how_to_pay
