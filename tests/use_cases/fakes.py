"""In-memory fakes of the domain ports: a transactional unit of work and faithful repositories.

They mirror adapters/db: NotFound for unknown ids, keyset pages newest first by id, `save` persisting only the
columns the SQL repositories update, balances derived exactly like `SqlLedger.balances`. Stored objects are
private copies, so a use case only changes state through the repositories; `commit()`/`rollback()` behave
like the database transaction (a failed use case followed by `rollback()` leaves no partial change).
"""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, TypeVar

from domain.customers.model import Customer
from domain.errors import NotFound
from domain.invoices.model import PAYABLE, Invoice, InvoiceStatus
from domain.ledger.balances import AccountSums, InvoiceBalance, balance_of
from domain.ledger.model import JournalEntry, Reason
from domain.pagination import Page, PageRequest
from domain.payments.model import Payment
from domain.ports import CustomerQuery, EntryQuery, InvoiceQuery, PaymentQuery

T = TypeVar("T")

FAKE_PARTNER_ID = "ptr_FAKE0000000000000000000000"


def keyset_page(items: Iterable[T], page: PageRequest, key: Callable[[T], str]) -> Page[T]:
    """Newest first by id, `id < before_id`, one extra row to tell whether more exist (adapters/db/paging)."""
    rows = sorted(items, key=key, reverse=True)
    if page.before_id is not None:
        rows = [r for r in rows if key(r) < page.before_id]
    rows = rows[: page.limit + 1]
    return Page(items=rows[: page.limit], has_more=len(rows) > page.limit)


@dataclass
class Tables:
    """Everything the fake database holds. Stored objects are never mutated, only replaced."""

    invoice_sequence: int = 0
    customers: dict[str, Customer] = field(default_factory=dict)
    invoices: dict[str, Invoice] = field(default_factory=dict)
    payments: dict[str, Payment] = field(default_factory=dict)
    entries: list[JournalEntry] = field(default_factory=list)
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def snapshot(self) -> Tables:
        # Shallow copies suffice: stored objects are private and replaced (never edited) on save.
        return Tables(
            invoice_sequence=self.invoice_sequence,
            customers=dict(self.customers),
            invoices=dict(self.invoices),
            payments=dict(self.payments),
            entries=list(self.entries),
            events=list(self.events),
        )

    def restore(self, other: Tables) -> None:
        snap = other.snapshot()
        self.invoice_sequence = snap.invoice_sequence
        self.customers = snap.customers
        self.invoices = snap.invoices
        self.payments = snap.payments
        self.entries = snap.entries
        self.events = snap.events


class _Repo:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    @property
    def _t(self) -> Tables:
        return self._uow.tables

    def _check_tenant(self, partner_id: str, what: str) -> None:
        # Tenant scoping: a use case must stamp every row with the unit of work's partner.
        assert partner_id == self._uow.partner_id, f"{what} written for partner {partner_id!r}"


class FakeSequences(_Repo):
    async def next_invoice_sequence(self) -> int:
        self._t.invoice_sequence += 1
        return self._t.invoice_sequence


class FakeCustomers(_Repo):
    async def add(self, customer: Customer) -> None:
        self._check_tenant(customer.partner_id, "customer")
        assert customer.id not in self._t.customers, f"duplicate customer id {customer.id}"
        self._t.customers[customer.id] = copy.deepcopy(customer)

    def _row(self, customer_id: str) -> Customer:
        try:
            return self._t.customers[customer_id]
        except KeyError:
            raise NotFound("customer", customer_id) from None

    async def get(self, customer_id: str) -> Customer:
        return copy.deepcopy(self._row(customer_id))

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
            return query.tag is None or query.tag.strip().lower() in (t.lower() for t in c.tags)

        found = keyset_page([c for c in self._t.customers.values() if keep(c)], page, lambda c: c.id)
        return Page(items=[copy.deepcopy(c) for c in found.items], has_more=found.has_more)


class FakeInvoices(_Repo):
    def __init__(self, uow: FakeUnitOfWork) -> None:
        super().__init__(uow)
        self.locked: list[str] = []  # every id locked, in the order the locks were taken

    async def add(self, invoice: Invoice) -> None:
        self._check_tenant(invoice.partner_id, "invoice")
        assert invoice.id not in self._t.invoices, f"duplicate invoice id {invoice.id}"
        numbers = {i.number for i in self._t.invoices.values()}
        assert invoice.number not in numbers, "unique (partner_id, number)"
        assert invoice.customer_id in self._t.customers, "foreign key invoices.customer_id"
        assert invoice.total > 0, "check total_positive"
        assert invoice.due_date >= invoice.issue_date, "check due_after_issue"
        assert all(line.quantity > 0 for line in invoice.lines), "check quantity_positive"
        self._t.invoices[invoice.id] = copy.deepcopy(invoice)

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
                query.overdue_on is None or (i.status in PAYABLE and i.due_date < query.overdue_on),
                query.not_overdue_on is None or i.status not in PAYABLE or i.due_date >= query.not_overdue_on,
            ]
            return all(checks)

        found = keyset_page([i for i in self._t.invoices.values() if keep(i)], page, lambda i: i.id)
        return Page(items=[copy.deepcopy(i) for i in found.items], has_more=found.has_more)


class FakePayments(_Repo):
    async def add(self, payment: Payment) -> None:
        self._check_tenant(payment.partner_id, "payment")
        assert payment.id not in self._t.payments, f"duplicate payment id {payment.id}"
        assert payment.customer_id in self._t.customers, "foreign key payments.customer_id"
        for a in payment.allocations:
            assert a.invoice_id in self._t.invoices, "foreign key allocations.invoice_id"
        assert payment.amount > 0, "check amount_positive"
        self._t.payments[payment.id] = copy.deepcopy(payment)

    def _one(self, payment_id: str) -> Payment:
        try:
            return copy.deepcopy(self._t.payments[payment_id])
        except KeyError:
            raise NotFound("payment", payment_id) from None

    async def get(self, payment_id: str) -> Payment:
        return self._one(payment_id)

    async def lock(self, payment_id: str) -> Payment:
        return self._one(payment_id)

    async def save(self, payment: Payment) -> None:
        row = self._t.payments.get(payment.id)
        if row is None:
            return
        saved = copy.deepcopy(row)  # SqlPayments.save: status and canceled_at only
        saved.status = payment.status
        saved.canceled_at = payment.canceled_at
        self._t.payments[payment.id] = saved

    async def list(self, query: PaymentQuery, page: PageRequest) -> Page[Payment]:
        def keep(p: Payment) -> bool:
            if query.customer_id is not None and p.customer_id != query.customer_id:
                return False
            return query.invoice_id is None or any(a.invoice_id == query.invoice_id for a in p.allocations)

        found = keyset_page([p for p in self._t.payments.values() if keep(p)], page, lambda p: p.id)
        return Page(items=[copy.deepcopy(p) for p in found.items], has_more=found.has_more)


def account_sums(entries: Iterable[JournalEntry], invoice_id: str) -> AccountSums:
    return AccountSums.of((line for e in entries for line in e.lines), invoice_id)


def derive_balance(invoice: Invoice, entries: Sequence[JournalEntry]) -> InvoiceBalance:
    """Exactly SqlLedger.balances for one invoice."""
    if invoice.status is InvoiceStatus.DRAFT:
        return InvoiceBalance.unissued(invoice.total)
    return balance_of(invoice.total, account_sums(entries, invoice.id))


class FakeLedger(_Repo):
    async def add(self, entry: JournalEntry) -> None:
        self._check_tenant(entry.partner_id, "journal entry")
        assert all(e.id != entry.id for e in self._t.entries), f"duplicate entry id {entry.id}"
        assert entry.invoice_id is None or entry.invoice_id in self._t.invoices, "foreign key invoice_id"
        assert entry.payment_id is None or entry.payment_id in self._t.payments, "foreign key payment_id"
        assert entry.reverses_entry_id is None or any(e.id == entry.reverses_entry_id for e in self._t.entries), (
            "foreign key reverses_entry_id"
        )
        for line in entry.lines:
            assert line.invoice_id in (None, *self._t.invoices), "foreign key journal_lines.invoice_id"
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


class FakeUnitOfWork:
    """Implements domain.ports.UnitOfWork over in-memory tables, with commit/rollback like a transaction."""

    def __init__(self, partner_id: str = FAKE_PARTNER_ID) -> None:
        self.partner_id = partner_id
        self.tables = Tables()
        self._committed = self.tables.snapshot()
        self.commits = 0
        self.rollbacks = 0
        self.sequences = FakeSequences(self)
        self.customers = FakeCustomers(self)
        self.invoices = FakeInvoices(self)
        self.payments = FakePayments(self)
        self.ledger = FakeLedger(self)

    def record(self, event_type: str, payload: dict[str, Any]) -> None:
        self.tables.events.append((event_type, copy.deepcopy(payload)))

    async def commit(self) -> None:
        self._committed = self.tables.snapshot()
        self.commits += 1

    async def rollback(self) -> None:
        self.tables.restore(self._committed)
        self.rollbacks += 1

    async def __aenter__(self) -> FakeUnitOfWork:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        # Like SqlUnitOfWork: whatever was not committed is rolled back on the way out.
        await self.rollback()

    # Read-only views for assertions (not part of the port).

    @property
    def events(self) -> list[tuple[str, dict[str, Any]]]:
        return list(self.tables.events)

    def event_types(self) -> list[str]:
        return [t for t, _ in self.tables.events]

    @property
    def entries(self) -> list[JournalEntry]:
        return list(self.tables.entries)

    def invoice(self, invoice_id: str) -> Invoice:
        return copy.deepcopy(self.tables.invoices[invoice_id])

    def payment(self, payment_id: str) -> Payment:
        return copy.deepcopy(self.tables.payments[payment_id])

    def customer(self, customer_id: str) -> Customer:
        return copy.deepcopy(self.tables.customers[customer_id])

    def balance(self, invoice_id: str) -> InvoiceBalance:
        return derive_balance(self.tables.invoices[invoice_id], self.tables.entries)

    def state(self) -> tuple[Any, ...]:
        """A comparable picture of everything stored: equal before and after means nothing was written."""
        t = self.tables
        return (
            t.invoice_sequence,
            sorted((k, repr(v)) for k, v in t.customers.items()),
            sorted((k, repr(v)) for k, v in t.invoices.items()),
            sorted((k, repr(v)) for k, v in t.payments.items()),
            [repr(e) for e in t.entries],
            repr(t.events),
        )


async def in_transaction(uow: FakeUnitOfWork, work: Awaitable[T]) -> T:
    """What the edge does around one use case: commit on success, roll back (and re-raise) on failure."""
    try:
        result = await work
    except BaseException:
        await uow.rollback()
        raise
    await uow.commit()
    return result
