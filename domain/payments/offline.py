"""Offline payments (check, cash, bank transfer, other) applied to a customer's invoices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.clock import Clock
from domain.errors import Conflict, ErrorCode, InvalidRequest
from domain.events import PaymentCanceled, PaymentSucceeded
from domain.invoices.model import InvoiceStatus
from domain.ledger import entries
from domain.ledger.model import Reason
from domain.money import normalize_currency
from domain.payments.common import check_payable, check_within_due, common_currency, restate
from domain.payments.model import OFFLINE_METHODS, Allocation, MethodType, Payment, PaymentStatus
from domain.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class RecordOfflinePayment:
    customer_id: str
    method: MethodType
    allocations: tuple[Allocation, ...]
    reference: str | None = None
    currency: str | None = None
    received_on: date | None = None
    receipt_email: str | None = None


async def record_offline_payment(cmd: RecordOfflinePayment, uow: UnitOfWork, *, clock: Clock) -> Payment:
    if cmd.method not in OFFLINE_METHODS:
        raise InvalidRequest(
            f"'{cmd.method.value}' payments charge a saved payment method: send payment_method_id.",
            code=ErrorCode.PAYMENT_METHOD_REQUIRED,
            field="payment_method_id",
        )
    expected_currency = normalize_currency(cmd.currency) if cmd.currency else None
    if not cmd.allocations:
        raise InvalidRequest(
            "A payment needs at least one allocation.", code=ErrorCode.NO_ALLOCATIONS, field="allocations"
        )
    # Locks are taken in id order so two payments over the same invoices cannot deadlock.
    invoices = await uow.invoices.lock_many(sorted({a.invoice_id for a in cmd.allocations}))
    await check_payable(invoices, cmd.customer_id, uow)
    currency = common_currency(invoices, expected_currency)
    payment = Payment(
        partner_id=uow.partner_id,
        customer_id=cmd.customer_id,
        method=cmd.method,
        currency=currency,
        allocations=list(cmd.allocations),
        reference=cmd.reference,
        received_on=cmd.received_on or clock.today(),
        created_at=clock.now(),
        receipt_email=cmd.receipt_email,
    )
    balances = await uow.ledger.balances(invoices)
    check_within_due(payment.allocations, balances, currency)
    await uow.payments.add(payment)
    await uow.ledger.add(entries.payment_applied(payment, at=payment.created_at))
    uow.record(PaymentSucceeded.of(payment))
    applied = {a.invoice_id: a.amount for a in payment.allocations}
    await restate(invoices, uow, {i: b.applying(applied[i]) for i, b in balances.items()})
    return payment


@dataclass(frozen=True, slots=True)
class CancelOfflinePayment:
    """Undo an offline payment recorded in error: a reversing entry reopens its invoices."""

    payment_id: str


async def cancel_offline_payment(cmd: CancelOfflinePayment, uow: UnitOfWork, *, clock: Clock) -> Payment:
    payment = await uow.payments.lock(cmd.payment_id)
    if not payment.is_offline:
        raise Conflict(
            "Only offline payments can be canceled; refund a card or bank payment instead.",
            code=ErrorCode.PAYMENT_NOT_OFFLINE,
        )
    payment.move_to(PaymentStatus.CANCELED)
    invoices = await uow.invoices.lock_many(sorted({a.invoice_id for a in payment.allocations}))
    for invoice in invoices:
        if invoice.status not in REOPENABLE:
            raise Conflict(
                f"Invoice '{invoice.id}' is {invoice.status.value}; it cannot be reopened by canceling this payment.",
                code=ErrorCode.INVOICE_NOT_REOPENABLE,
                invoice_id=invoice.id,
            )
    now = clock.now()
    applied = await uow.ledger.entry_for_payment(payment.id, Reason.PAYMENT_APPLIED)
    await uow.ledger.add(applied.reversal(reason=Reason.PAYMENT_REVERSED, at=now))
    payment.canceled_at = now
    await uow.payments.save(payment)
    uow.record(PaymentCanceled.of(payment))
    await restate(invoices, uow)
    return payment


REOPENABLE = frozenset(
    {InvoiceStatus.OPEN, InvoiceStatus.PARTIALLY_PAID, InvoiceStatus.PAID, InvoiceStatus.WRITTEN_OFF}
)
