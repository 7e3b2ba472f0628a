"""Small factories for use-case tests: each calls the real use case on a fake unit of work and commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from domain.clock import FixedClock
from domain.customers.model import Customer
from domain.customers.use_cases import CreateCustomer, create_customer
from domain.invoices.model import Invoice, InvoiceLine
from domain.invoices.use_cases import CreateInvoice, create_invoice
from domain.payment_methods.model import PaymentMethod
from domain.payment_methods.use_cases import AttachMethod, attach_method
from domain.payments.charges import PayInvoices, pay_invoices
from domain.payments.model import BANK_DEBITS, Allocation, MethodType, Payment
from domain.payments.offline import RecordOfflinePayment, record_offline_payment
from domain.payments.settings import PaymentSettings
from tests.use_cases.fakes import FakeProcessor, FakeUnitOfWork, in_transaction

START = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


def make_clock(at: datetime = START) -> FixedClock:
    return FixedClock(at)


async def make_customer(uow: FakeUnitOfWork, clock: FixedClock, **overrides: Any) -> Customer:
    fields: dict[str, Any] = {"name": "Acme Dental", "email": "ap@acme.example", **overrides}
    return await in_transaction(uow, create_customer(CreateCustomer(**fields), uow, clock=clock))


async def make_invoice(
    uow: FakeUnitOfWork, clock: FixedClock, customer_id: str, amount: int = 10_000, **overrides: Any
) -> Invoice:
    fields: dict[str, Any] = {
        "customer_id": customer_id,
        "currency": "USD",
        "issue_date": date(2026, 11, 1),
        "due_date": date(2026, 12, 1),
        "lines": (InvoiceLine("Managed services", 1, amount),),
        **overrides,
    }
    return await in_transaction(uow, create_invoice(CreateInvoice(**fields), uow, clock=clock))


async def pay(
    uow: FakeUnitOfWork,
    clock: FixedClock,
    customer_id: str,
    allocations: list[tuple[str, int]],
    **overrides: Any,
) -> Payment:
    cmd = RecordOfflinePayment(
        customer_id=customer_id,
        method=overrides.pop("method", MethodType.CHECK),
        allocations=tuple(Allocation(i, a) for i, a in allocations),
        **{"reference": "Check #1", **overrides},
    )
    return await in_transaction(uow, record_offline_payment(cmd, uow, clock=clock))


async def save_method(
    uow: FakeUnitOfWork,
    clock: FixedClock,
    processor: FakeProcessor,
    customer_id: str,
    kind: MethodType = MethodType.CARD,
) -> PaymentMethod:
    """A saved card (a credit Visa) or bank account, attached through the real use case."""
    mandate_ip = "203.0.113.7" if kind in BANK_DEBITS else None
    cmd = AttachMethod(customer_id=customer_id, token=processor.token(kind), mandate_ip=mandate_ip)
    return await in_transaction(
        uow, attach_method(cmd, uow, processor=processor, clock=clock, checkpoint=uow.checkpoint)
    )


async def set_payment_settings(uow: FakeUnitOfWork, **changes: Any) -> PaymentSettings:
    settings = (await uow.payment_settings.get()).changed(**changes)
    await in_transaction(uow, uow.payment_settings.save(settings))
    return settings


@dataclass(frozen=True, slots=True)
class Payer:
    """A customer with one open invoice and one saved method: what most payment-engine tests start from."""

    customer_id: str
    invoice_id: str
    method_id: str
    amount: int  # the invoice's total


async def make_payer(
    uow: FakeUnitOfWork,
    clock: FixedClock,
    processor: FakeProcessor,
    amount: int = 10_000,
    kind: MethodType = MethodType.CARD,
    *,
    card_fees: bool = False,
) -> Payer:
    """Card fees are off unless asked for, so amounts read as what the invoice receives."""
    if not card_fees:
        await set_payment_settings(uow, card_fee_pass_through=False)
    customer = await make_customer(uow, clock)
    currency = "CAD" if kind is MethodType.CA_BANK_ACCOUNT else "USD"
    invoice = await make_invoice(uow, clock, customer.id, amount, currency=currency)
    method = await save_method(uow, clock, processor, customer.id, kind)
    return Payer(customer.id, invoice.id, method.id, amount)


async def charge(
    uow: FakeUnitOfWork, clock: FixedClock, processor: FakeProcessor, payer: Payer, amount: int | None = None
) -> Payment:
    """What the API does for a saved-method payment: the whole use case, committed at the edge."""
    allocations = (Allocation(payer.invoice_id, amount or payer.amount),)
    cmd = PayInvoices(payer.customer_id, payer.method_id, allocations=allocations)
    return await in_transaction(
        uow, pay_invoices(cmd, uow, processors={"fake": processor}, clock=clock, checkpoint=uow.checkpoint)
    )
