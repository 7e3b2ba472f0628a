"""What a customer sees of its invoices in the portal: which ones (never drafts), in which order, page by page.

Pages are keyset pages over (sort key, id), so a page never repeats or skips a row however the sort goes.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol

from domain.errors import NotFound
from domain.invoices.model import PAYABLE, Invoice, InvoiceStatus
from domain.ledger.balances import InvoiceBalance
from domain.pagination import Page
from domain.ports import InvoiceRepository


class InvoiceFilter(StrEnum):
    OPEN = "open"  # still payable: open or partially paid
    OVERDUE = "overdue"  # still payable and past its due date
    PENDING = "pending"  # money on its way (a bank debit not settled yet)
    PAID = "paid"
    ALL = "all"  # everything issued, including void and archived invoices


class InvoiceSort(StrEnum):
    DUE_DATE = "due_date"
    DUE_DATE_DESC = "-due_date"
    NUMBER = "number"
    CREATED_DESC = "-created"


# Customers never see drafts; void and archived invoices only when they ask for all of them.
HIDDEN = frozenset({InvoiceStatus.DRAFT})
ONLY_UNDER_ALL = frozenset({InvoiceStatus.VOID, InvoiceStatus.ARCHIVED})


@dataclass(frozen=True, slots=True)
class After:
    """Where the previous page ended: its last row's sort key (a date, a number, or none) and id."""

    key: date | str | None
    id: str


@dataclass(frozen=True, slots=True)
class PortalInvoiceQuery:
    customer_id: str
    filter: InvoiceFilter
    sort: InvoiceSort
    today: date
    limit: int = 20
    after: After | None = None


class PortalInvoices(Protocol):
    async def list(self, query: PortalInvoiceQuery) -> Page[Invoice]: ...


def sort_key(invoice: Invoice, sort: InvoiceSort) -> date | str | None:
    if sort in (InvoiceSort.DUE_DATE, InvoiceSort.DUE_DATE_DESC):
        return invoice.due_date
    if sort is InvoiceSort.NUMBER:
        return invoice.number
    return None


def visible(invoice: Invoice, customer_id: str) -> bool:
    return invoice.customer_id == customer_id and invoice.status not in HIDDEN


async def invoice_of(invoices: InvoiceRepository, invoice_id: str, customer_id: str) -> Invoice:
    """The customer's own invoice; another customer's, another partner's or a draft is simply not there."""
    invoice = await invoices.get(invoice_id)
    if not visible(invoice, customer_id):
        raise NotFound("invoice", invoice_id)
    return invoice


async def invoices_of(invoices: InvoiceRepository, invoice_ids: builtins.list[str], customer_id: str) -> None:
    """Every id names one of the customer's own visible invoices (or the whole request is a 404)."""
    found = {i.id: i for i in await invoices.get_many(sorted(set(invoice_ids)))}
    for ident in invoice_ids:
        if not visible(found[ident], customer_id):
            raise NotFound("invoice", ident)


def payable(invoice: Invoice, amount_due: int) -> bool:
    return invoice.status in PAYABLE and amount_due > 0


@dataclass(frozen=True, slots=True)
class Owed:
    """What the customer owes in one currency, over every payable invoice (not one page of the list)."""

    currency: str
    amount_due: int
    amount_overdue: int
    amount_pending: int
    next_due_date: date | None  # the soonest due date still ahead among the invoices that owe something
    overdue_invoice_ids: tuple[str, ...]  # oldest due first: what "Pay all overdue" selects


def owed(invoices: builtins.list[Invoice], balances: dict[str, InvoiceBalance], *, today: date) -> builtins.list[Owed]:
    """Per currency (in alphabetical order), from the ledger's figures; an invoice owing nothing adds only its
    pending money."""
    by_currency: dict[str, builtins.list[Invoice]] = {}
    for invoice in sorted(invoices, key=lambda i: (i.due_date, i.number)):
        if invoice.status in PAYABLE:
            by_currency.setdefault(invoice.currency, []).append(invoice)
    summary = []
    for currency, group in sorted(by_currency.items()):
        owing = [i for i in group if balances[i.id].amount_due > 0]
        overdue = [i for i in owing if i.due_date < today]
        ahead = [i.due_date for i in owing if i.due_date >= today]
        summary.append(
            Owed(
                currency=currency,
                amount_due=sum(balances[i.id].amount_due for i in owing),
                amount_overdue=sum(balances[i.id].amount_due for i in overdue),
                amount_pending=sum(balances[i.id].amount_pending for i in group),
                next_due_date=min(ahead, default=None),
                overdue_invoice_ids=tuple(i.id for i in overdue),
            )
        )
    return summary
