"""The portal's PDFs (an invoice, a payment's receipt): gathered here so the routes stay one call each.

Language: the `language` query parameter, else the one the signed-in user chose in the portal, else the customer's,
else English.

An invoice PDF is a document its reader can pay from, also once forwarded (to an accounts-payable clerk, say): while
something is due it carries the invoice's pay link, the same one `POST /v1/invoices/{id}/pay-link` returns — the
active link is reused, or one is issued (it expires as the partner's pay-link setting says). When the active link has
expired, the PDF points to the invoice in the portal instead, where the customer signs in to pay.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query

from adapters.pdf.document import PartnerContact
from adapters.pdf.invoice import AppliedPayment, HowToPay, render_invoice_pdf
from adapters.pdf.receipt import InvoiceNow, render_receipt_pdf
from adapters.pdf.words import offline_method
from api.portal.deps import PortalContext, pay_link_key
from domain.customers.model import Customer
from domain.invoices.model import PAYABLE, Invoice
from domain.ledger.balances import InvoiceBalance
from domain.money import LANGUAGES
from domain.pagination import PageRequest
from domain.pay_links import use_cases as pay_links
from domain.payments.labels import method_label
from domain.payments.model import Payment
from domain.ports import PaymentQuery

DocumentLanguage = Annotated[
    Literal["en", "fr"] | None,
    Query(
        description="The document's language. Without it: the signed-in user's language (chosen in the portal), "
        "else the customer's, else English."
    ),
]
MOST_PAYMENTS_LISTED = 100


def reader_language(ctx: PortalContext, customer: Customer, requested: str | None) -> str:
    if requested:
        return requested
    for stored in (ctx.user.language, customer.language):  # the user's is None until they choose one
        if stored in LANGUAGES:
            return str(stored)
    return "en"


async def invoice_pdf(ctx: PortalContext, invoice: Invoice, requested_language: str | None) -> bytes:
    balance = (await ctx.uow.ledger.balances([invoice]))[invoice.id]
    customer = await ctx.uow.customers.get(ctx.customer_id)
    partner = await ctx.uow.partners.get(ctx.uow.partner_id)
    settings = await ctx.uow.portal_settings.get()
    language = reader_language(ctx, customer, requested_language)
    return render_invoice_pdf(
        partner=PartnerContact.of(partner.name, settings),
        branding=settings,
        customer_name=customer.name,
        customer_email=customer.email,
        invoice=invoice,
        balance=balance,
        today=ctx.uow.clock.today(),
        payments=await _applied(ctx, invoice, language),
        how_to_pay=await _how_to_pay(ctx, invoice, balance, partner.slug),
        language=language,
    )


async def receipt_pdf(ctx: PortalContext, payment: Payment, requested_language: str | None) -> bytes:
    customer = await ctx.uow.customers.get(ctx.customer_id)
    partner = await ctx.uow.partners.get(ctx.uow.partner_id)
    settings = await ctx.uow.portal_settings.get()
    language = reader_language(ctx, customer, requested_language)
    ids = sorted({a.invoice_id for a in payment.allocations})
    invoices = await ctx.uow.invoices.get_many(ids) if ids else []
    balances = await ctx.uow.ledger.balances(invoices) if invoices else {}
    return render_receipt_pdf(
        partner=PartnerContact.of(partner.name, settings),
        branding=settings,
        customer_name=customer.name,
        payment=payment,
        method_label=await _method(ctx, payment, language),
        invoices={
            i.id: InvoiceNow(i.number, balances[i.id].amount_due, balances[i.id].amount_pending) for i in invoices
        },
        language=language,
    )


async def _method(ctx: PortalContext, payment: Payment, language: str) -> str:
    if payment.payment_method_id is None:
        return offline_method(payment.method, language) or payment.method.value
    method = await ctx.uow.payment_methods.get(payment.payment_method_id)
    return method_label(method.type, brand=method.brand, bank_name=method.bank_name, last4=method.last4)


async def _applied(ctx: PortalContext, invoice: Invoice, language: str) -> list[AppliedPayment]:
    """The invoice's payments, newest first, each with the part of it this invoice received."""
    query = PaymentQuery(customer_id=ctx.customer_id, invoice_id=invoice.id)
    page = await ctx.uow.payments.list(query, PageRequest(limit=MOST_PAYMENTS_LISTED))
    return [
        AppliedPayment(
            received_on=p.received_on,
            method_label=await _method(ctx, p, language),
            amount=sum(a.amount for a in p.allocations if a.invoice_id == invoice.id),
            status=p.status,
        )
        for p in page.items
    ]


async def _how_to_pay(ctx: PortalContext, invoice: Invoice, balance: InvoiceBalance, slug: str) -> HowToPay | None:
    if invoice.status not in PAYABLE or balance.amount_due <= 0:
        return None
    base = f"{ctx.container.settings.base_url}/pay/{slug}"
    link, token = await pay_links.issue_pay_link(
        pay_links.IssuePayLink(invoice.id), ctx.uow, clock=ctx.uow.clock, key=pay_link_key(ctx.container)
    )
    if not link.usable(ctx.uow.clock.now()):
        return HowToPay(url=f"{base}/invoices/{invoice.id}", guest=False)
    return HowToPay(url=f"{base}/invoice/{token}")
