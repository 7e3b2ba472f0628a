"""A guest's receipt after paying from a pay link: the payment is reachable through the link only when it went to
the link's invoice alone, and a copy of the receipt email goes once to each address the payer names."""

from __future__ import annotations

from dataclasses import dataclass

from domain.clock import Clock
from domain.errors import Conflict, ErrorCode, NotFound
from domain.event_handlers import HandlerUnitOfWork, _payment_context, dedupe_key
from domain.invoices.model import Invoice
from domain.mail import Email, Template
from domain.payments.model import Payment, PaymentStatus

RECEIPT_TEMPLATES = {
    PaymentStatus.SUCCEEDED: Template.PAYMENT_CONFIRMATION,
    PaymentStatus.SETTLED: Template.PAYMENT_CONFIRMATION,
    PaymentStatus.PENDING: Template.BANK_DEBIT_PENDING,
}


@dataclass(frozen=True, slots=True)
class SendReceiptCopy:
    payment_id: str
    to: str


async def payment_for_link(uow: HandlerUnitOfWork, invoice: Invoice, payment_id: str) -> Payment:
    """The payment, if it paid this invoice and nothing else; any other answers as unknown (404)."""
    try:
        payment = await uow.payments.get(payment_id)
    except NotFound:
        raise NotFound("payment", payment_id) from None
    only_this_invoice = bool(payment.allocations) and all(a.invoice_id == invoice.id for a in payment.allocations)
    if payment.customer_id != invoice.customer_id or not only_this_invoice:
        raise NotFound("payment", payment_id)
    return payment


async def send_receipt_copy(cmd: SendReceiptCopy, uow: HandlerUnitOfWork, invoice: Invoice, *, clock: Clock) -> bool:
    """Queue the payment's receipt email to `cmd.to`; False when that address already had its copy."""
    payment = await payment_for_link(uow, invoice, cmd.payment_id)
    template = RECEIPT_TEMPLATES.get(payment.status)
    if template is None:
        raise Conflict("This payment has no receipt: nothing was taken.", code=ErrorCode.CONFLICT)
    context = await _payment_context(template, payment, uow, today=clock.today())
    key = dedupe_key(f"copy:{payment.id}", template, cmd.to)
    queued = await uow.emails.queue(
        Email(to=cmd.to, template=template, context=context, partner_id=uow.partner_id, dedupe_key=key)
    )
    return queued is not None
