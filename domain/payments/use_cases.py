"""Offline payments (check, cash, bank transfer, other) applied to a customer's invoices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.clock import Clock
from domain.errors import Conflict, CurrencyMismatch, InvalidRequest, OverAllocation
from domain.invoices.model import PAYABLE, Invoice, InvoiceStatus, status_for
from domain.ledger import entries
from domain.ledger.balances import InvoiceBalance
from domain.ledger.model import Reason
from domain.money import normalize_currency
from domain.payments.model import Allocation, MethodType, Payment, PaymentStatus
from domain.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class RecordOfflinePayment:
    customer_id: str
    method: MethodType
    allocations: tuple[Allocation, ...]
    reference: str | None = None
    currency: str | None = None
    received_on: date | None = None


async def record_offline_payment(cmd: RecordOfflinePayment, uow: UnitOfWork, *, clock: Clock) -> Payment:
    expected_currency = normalize_currency(cmd.currency) if cmd.currency else None
    if not cmd.allocations:
        raise InvalidRequest("A payment needs at least one allocation.", code="no_allocations", field="allocations")
    # Locks are taken in id order so two payments over the same invoices cannot deadlock.
    invoices = await uow.invoices.lock_many(sorted({a.invoice_id for a in cmd.allocations}))
    if any(invoice.customer_id != cmd.customer_id for invoice in invoices):
        await uow.customers.get(cmd.customer_id)  # an unknown customer is a 404 before it is a mismatch
    currency = _common_currency(invoices, expected_currency)
    for invoice in invoices:
        if invoice.customer_id != cmd.customer_id:
            raise InvalidRequest(
                f"Invoice '{invoice.id}' belongs to another customer.",
                code="invoice_customer_mismatch",
                field="allocations",
            )
        if invoice.status not in PAYABLE:
            raise Conflict(
                f"Invoice '{invoice.id}' is {invoice.status.value} and cannot take a payment.",
                code="invoice_not_payable",
                invoice_id=invoice.id,
            )
    payment = Payment(
        partner_id=uow.partner_id,
        customer_id=cmd.customer_id,
        method=cmd.method,
        currency=currency,
        allocations=list(cmd.allocations),
        reference=cmd.reference,
        received_on=cmd.received_on or clock.today(),
        created_at=clock.now(),
    )
    balances = await uow.ledger.balances(invoices)
    for allocation in payment.allocations:
        due = balances[allocation.invoice_id].amount_due
        if allocation.amount > due:
            raise OverAllocation(allocation.invoice_id, allocation.amount, due, currency)
    await uow.payments.add(payment)
    await uow.ledger.add(entries.payment_applied(payment, at=payment.created_at))
    uow.record(
        "payment.succeeded",
        {"payment_id": payment.id, "amount": payment.amount, "currency": currency, "customer_id": cmd.customer_id},
    )
    applied = {a.invoice_id: a.amount for a in payment.allocations}
    await _restate(invoices, uow, {i: b.applying(applied[i]) for i, b in balances.items()})
    return payment


async def cancel_offline_payment(payment_id: str, uow: UnitOfWork, *, clock: Clock) -> Payment:
    """Undo an offline payment recorded in error: a reversing entry reopens its invoices."""
    payment = await uow.payments.lock(payment_id)
    payment.move_to(PaymentStatus.CANCELED)
    invoices = await uow.invoices.lock_many(sorted({a.invoice_id for a in payment.allocations}))
    for invoice in invoices:
        if invoice.status not in REOPENABLE:
            raise Conflict(
                f"Invoice '{invoice.id}' is {invoice.status.value}; it cannot be reopened by canceling this payment.",
                code="invoice_not_reopenable",
                invoice_id=invoice.id,
            )
    now = clock.now()
    applied = await uow.ledger.entry_for_payment(payment.id, Reason.PAYMENT_APPLIED)
    await uow.ledger.add(applied.reversal(reason=Reason.PAYMENT_REVERSED, at=now))
    payment.canceled_at = now
    await uow.payments.save(payment)
    uow.record("payment.canceled", {"payment_id": payment.id})
    await _restate(invoices, uow)
    return payment


REOPENABLE = frozenset({InvoiceStatus.OPEN, InvoiceStatus.PARTIALLY_PAID, InvoiceStatus.PAID})


def _common_currency(invoices: list[Invoice], expected: str | None) -> str:
    currency = expected or invoices[0].currency
    for invoice in invoices:
        if invoice.currency != currency:
            raise CurrencyMismatch(currency, invoice.currency)
    return currency


async def _restate(invoices: list[Invoice], uow: UnitOfWork, balances: dict[str, InvoiceBalance] | None = None) -> None:
    """Move each invoice to the status its ledger figures now call for (read again unless already known)."""
    balances = balances if balances is not None else await uow.ledger.balances(invoices)
    for invoice in invoices:
        target = status_for(balances[invoice.id])
        if target != invoice.status:
            invoice.move_to(target)
            await uow.invoices.save(invoice)
            uow.record(f"invoice.{target.value}", {"invoice_id": invoice.id})
