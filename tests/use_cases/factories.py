"""Small factories for use-case tests: each calls the real use case on a fake unit of work and commits."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from domain.clock import FixedClock
from domain.customers.model import Customer
from domain.customers.use_cases import CreateCustomer, create_customer
from domain.invoices.model import Invoice, InvoiceLine
from domain.invoices.use_cases import CreateInvoice, create_invoice
from domain.payments.model import Allocation, MethodType, Payment
from domain.payments.use_cases import RecordOfflinePayment, record_offline_payment
from tests.use_cases.fakes import FakeUnitOfWork, in_transaction

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
