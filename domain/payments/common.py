"""Checks and bookkeeping every kind of payment shares: which invoices may be paid, and their status after."""

from __future__ import annotations

from collections.abc import Sequence

from domain.errors import Conflict, CurrencyMismatch, ErrorCode, InvalidRequest, OverAllocation
from domain.events import INVOICE_STATUS_EVENTS
from domain.invoices.model import ISSUED, PAYABLE, Invoice, status_for
from domain.ledger.balances import InvoiceBalance
from domain.payments.model import Allocation
from domain.ports import UnitOfWork


def common_currency(invoices: Sequence[Invoice], expected: str | None) -> str:
    currency = expected or invoices[0].currency
    # No Money type: amounts are int minor units beside a currency string throughout, so mixing is checked here.
    for invoice in invoices:
        if invoice.currency != currency:
            raise CurrencyMismatch(currency, invoice.currency)
    return currency


async def check_payable(invoices: Sequence[Invoice], customer_id: str, uow: UnitOfWork) -> None:
    """Every invoice belongs to the customer and can take money."""
    if any(invoice.customer_id != customer_id for invoice in invoices):
        await uow.customers.get(customer_id)  # an unknown customer is a 404 before it is a mismatch
    for invoice in invoices:
        if invoice.customer_id != customer_id:
            raise InvalidRequest(
                f"Invoice '{invoice.id}' belongs to another customer.",
                code=ErrorCode.INVOICE_CUSTOMER_MISMATCH,
                field="allocations",
            )
        if invoice.status not in PAYABLE:
            raise Conflict(
                f"Invoice '{invoice.id}' is {invoice.status.value} and cannot take a payment.",
                code=ErrorCode.INVOICE_NOT_PAYABLE,
                invoice_id=invoice.id,
            )


def check_within_due(allocations: Sequence[Allocation], balances: dict[str, InvoiceBalance], currency: str) -> None:
    for allocation in allocations:
        due = balances[allocation.invoice_id].amount_due
        if allocation.amount > due:
            raise OverAllocation(allocation.invoice_id, allocation.amount, due, currency)


async def restate(
    invoices: Sequence[Invoice], uow: UnitOfWork, balances: dict[str, InvoiceBalance] | None = None
) -> None:
    """Move each issued invoice to the status its ledger figures now call for (read again unless known).

    Archived and void invoices keep their status: the ledger still records what happened to them."""
    issued = [i for i in invoices if i.status in ISSUED]
    if not issued:
        return
    balances = balances if balances is not None else await uow.ledger.balances(issued)
    for invoice in issued:
        target = status_for(balances[invoice.id])
        if target != invoice.status:
            invoice.move_to(target)
            await uow.invoices.save(invoice)
            uow.record(INVOICE_STATUS_EVENTS[target](invoice_id=invoice.id))


async def restate_invoices_of(invoice_ids: Sequence[str], uow: UnitOfWork) -> None:
    await restate(await uow.invoices.lock_many(sorted(set(invoice_ids))), uow)
