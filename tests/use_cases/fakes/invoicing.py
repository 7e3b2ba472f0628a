"""Fakes of the invoicing repositories: the invoice-number sequence, customers, invoices and the ledger.

Like adapters/db: NotFound for unknown ids, keyset pages newest first by id, `save` persisting only the columns
the SQL repositories update, balances derived exactly like `SqlLedger.balances`.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from domain.customers.model import Customer, customer_matches
from domain.errors import NotFound
from domain.invoices.model import PAYABLE, Invoice, InvoiceStatus
from domain.ledger.balances import AccountSums, InvoiceBalance, balance_of
from domain.ledger.model import JournalEntry, Reason
from domain.pagination import Page, PageRequest
from domain.ports import CustomerQuery, EntryQuery, InvoiceQuery
from tests.use_cases.fakes.tables import Repo, keyset_page, violated

if TYPE_CHECKING:
    from tests.use_cases.fakes.unit_of_work import FakeUnitOfWork


class FakeSequences(Repo):
    async def next_invoice_sequence(self) -> int:
        self._t.invoice_sequence += 1
        return self._t.invoice_sequence


class FakeCustomers(Repo):
    async def add(self, customer: Customer) -> None:
        self._check_tenant(customer.partner_id, "customer")
        violated(customer.id in self._t.customers, "customers_pkey")
        self._t.customers[customer.id] = copy.deepcopy(customer)

    def _row(self, customer_id: str) -> Customer:
        try:
            return self._t.customers[customer_id]
        except KeyError:
            raise NotFound("customer", customer_id) from None

    async def get(self, customer_id: str) -> Customer:
        return copy.deepcopy(self._row(customer_id))

    async def hold(self, customer_id: str) -> Customer:
        # One coroutine at a time touches the fake: nothing can merge the customer while it is held.
        return await self.get(customer_id)

    async def save(self, customer: Customer) -> None:
        row = self._row(customer.id)
        # SqlCustomers._fill rewrites every mutable column but never id, partner_id or created_at.
        saved = copy.deepcopy(customer)
        saved.partner_id, saved.created_at = row.partner_id, row.created_at
        self._t.customers[customer.id] = saved

    async def list(self, query: CustomerQuery, page: PageRequest) -> Page[Customer]:
        def keep(c: Customer) -> bool:
            if query.archived is not None and c.archived is not query.archived:
                return False
            if query.email is not None and c.email != query.email:
                return False
            if query.search is not None and not customer_matches(c, query.search):
                return False
            return query.tag is None or query.tag.strip().lower() in (t.lower() for t in c.tags)

        found = keyset_page([c for c in self._t.customers.values() if keep(c)], page, lambda c: c.id)
        return Page(items=[copy.deepcopy(c) for c in found.items], has_more=found.has_more)


class FakeInvoices(Repo):
    def __init__(self, uow: FakeUnitOfWork) -> None:
        super().__init__(uow)
        self.locked: list[str] = []  # every id locked, in the order the locks were taken

    async def add(self, invoice: Invoice) -> None:
        self._check_tenant(invoice.partner_id, "invoice")
        violated(invoice.id in self._t.invoices, "invoices_pkey")
        violated(any(i.number == invoice.number for i in self._t.invoices.values()), "uq_invoices_partner_id_number")
        violated(invoice.customer_id not in self._t.customers, "fk invoices.customer_id")
        violated(invoice.total <= 0, "ck total_positive")
        violated(invoice.due_date < invoice.issue_date, "ck due_after_issue")
        violated(any(line.quantity <= 0 for line in invoice.lines), "ck quantity_positive")
        stored = copy.deepcopy(invoice)
        stored.voided_at = stored.archived_at = None  # SqlInvoices.add writes neither; save does
        self._t.invoices[invoice.id] = stored

    def _load(self, ids: Sequence[str]) -> list[Invoice]:
        for ident in ids:
            if ident not in self._t.invoices:
                raise NotFound("invoice", ident)
        return [copy.deepcopy(self._t.invoices[i]) for i in sorted(set(ids))]

    async def get(self, invoice_id: str) -> Invoice:
        return self._load([invoice_id])[0]

    async def lock(self, invoice_id: str) -> Invoice:
        self.locked.append(invoice_id)
        return self._load([invoice_id])[0]

    async def get_many(self, invoice_ids: Sequence[str]) -> list[Invoice]:
        return self._load(invoice_ids)

    async def lock_many(self, invoice_ids: Sequence[str]) -> list[Invoice]:
        invoices = self._load(invoice_ids)
        self.locked.extend(i.id for i in invoices)
        return invoices

    async def save(self, invoice: Invoice) -> None:
        row = self._t.invoices.get(invoice.id)
        if row is None:  # an UPDATE that matches no row
            return
        # SqlInvoices.save updates the lifecycle columns only; lines, number and amounts are immutable.
        saved = copy.deepcopy(row)
        saved.status = invoice.status
        saved.finalized_at = invoice.finalized_at
        saved.voided_at = invoice.voided_at
        saved.archived_at = invoice.archived_at
        self._t.invoices[invoice.id] = saved

    async def number_taken(self, number: str) -> bool:
        return any(i.number == number for i in self._t.invoices.values())

    async def list(self, query: InvoiceQuery, page: PageRequest) -> Page[Invoice]:
        def keep(i: Invoice) -> bool:
            checks = [
                query.status is None or i.status is query.status,
                query.customer_id is None or i.customer_id == query.customer_id,
                query.due_before is None or i.due_date < query.due_before,
                query.due_after is None or i.due_date > query.due_after,
                not query.payable or i.status in PAYABLE,
                query.overdue_on is None or (i.status in PAYABLE and i.due_date < query.overdue_on),
                query.not_overdue_on is None or i.status not in PAYABLE or i.due_date >= query.not_overdue_on,
            ]
            return all(checks)

        found = keyset_page([i for i in self._t.invoices.values() if keep(i)], page, lambda i: i.id)
        return Page(items=[copy.deepcopy(i) for i in found.items], has_more=found.has_more)


def account_sums(entries: Iterable[JournalEntry], invoice_id: str) -> AccountSums:
    return AccountSums.of((line for e in entries for line in e.lines), invoice_id)


def derive_balance(invoice: Invoice, entries: Sequence[JournalEntry]) -> InvoiceBalance:
    """Exactly SqlLedger.balances for one invoice."""
    if invoice.status is InvoiceStatus.DRAFT:
        return InvoiceBalance.unissued(invoice.total)
    return balance_of(invoice.total, account_sums(entries, invoice.id))


class FakeLedger(Repo):
    async def add(self, entry: JournalEntry) -> None:
        self._check_tenant(entry.partner_id, "journal entry")
        t = self._t
        violated(any(e.id == entry.id for e in t.entries), "journal_entries_pkey")
        violated(entry.invoice_id not in (None, *t.invoices), "fk journal_entries.invoice_id")
        violated(entry.payment_id not in (None, *t.payments), "fk journal_entries.payment_id")
        reversed_ids = (None, *(e.id for e in t.entries))
        violated(entry.reverses_entry_id not in reversed_ids, "fk journal_entries.reverses_entry_id")
        violated(any(ln.invoice_id not in (None, *t.invoices) for ln in entry.lines), "fk journal_lines.invoice_id")
        self._t.entries.append(entry)  # frozen dataclass with a tuple of frozen lines: safe to keep

    async def balances(self, invoices: Sequence[Invoice]) -> dict[str, InvoiceBalance]:
        return {inv.id: derive_balance(inv, self._t.entries) for inv in invoices}

    async def entry_for_payment(self, payment_id: str, reason: Reason) -> JournalEntry:
        matching = [e for e in self._t.entries if e.payment_id == payment_id and e.reason is reason]
        found = sorted(matching, key=lambda e: e.id)
        if not found:
            raise NotFound("journal entry", f"{reason.value} for {payment_id}")
        return found[0]

    async def list(self, query: EntryQuery, page: PageRequest) -> Page[JournalEntry]:
        def keep(e: JournalEntry) -> bool:
            if query.invoice_id is not None and all(ln.invoice_id != query.invoice_id for ln in e.lines):
                return False
            return query.payment_id is None or e.payment_id == query.payment_id

        return keyset_page([e for e in self._t.entries if keep(e)], page, lambda e: e.id)
