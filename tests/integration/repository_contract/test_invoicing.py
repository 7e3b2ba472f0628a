"""The contract of the invoicing repositories: sequences, customers, invoices and the ledger.

On PostgreSQL, invoice reads (get, lock, get_many, lock_many), save and list, and ledger balances and inserts,
go to asyncpg (PgInvoices, PgLedger in adapters/db/pg/); on SQLite and the fake they do not. Same answers
everywhere.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from domain.customers.model import BillingTerms, Contact
from domain.errors import NotFound
from domain.invoices.model import InvoiceLine, InvoiceStatus
from domain.ledger import entries
from domain.ledger.balances import InvoiceBalance
from domain.ledger.model import Reason
from domain.pagination import PageRequest
from domain.payments.model import MethodType, PaymentStatus
from domain.ports import CustomerQuery, EntryQuery, InvoiceQuery
from tests.integration.repository_contract.harness import AT, REFUSED, Store, customer, ids, invoice, payment

LATER = AT.replace(hour=17)


async def test_invoice_sequence_counts_up_per_partner(store: Store) -> None:
    async with store.open() as uow:
        first = await uow.sequences.next_invoice_sequence()
        second = await uow.sequences.next_invoice_sequence()
        await uow.commit()
    async with store.open() as uow:
        third = await uow.sequences.next_invoice_sequence()
    assert (first, second, third) == (1, 2, 3)


# Customers


async def test_a_customer_reads_back_as_it_was_added(store: Store) -> None:
    added = customer(
        store.partner_id,
        email="ap@acme.example",
        contacts=[Contact("billing@acme.example", "Bea", "+1 555 0100")],
        tags=["vip", "west"],
        billing_terms=BillingTerms.NET_15,
        external_ids={"quickbooks": "42"},
        metadata={"region": "west"},
        card_fee_exempt=True,
    )
    async with store.open() as uow:
        await uow.customers.add(added)
        await uow.commit()
    async with store.open() as uow:
        assert await uow.customers.get(added.id) == added
        with pytest.raises(NotFound):
            await uow.customers.get("cus_missing")


async def test_saving_a_customer_rewrites_what_may_change_but_never_its_creation(store: Store) -> None:
    added = customer(store.partner_id)
    async with store.open() as uow:
        await uow.customers.add(added)
        changed = dataclasses.replace(
            added, name="Acme", email="new@acme.example", tags=["a"], archived=True, updated_at=LATER, created_at=LATER
        )
        await uow.customers.save(changed)
        await uow.commit()
    async with store.open() as uow:
        assert await uow.customers.get(added.id) == dataclasses.replace(changed, created_at=AT)


async def test_customer_list_filters_and_pages_newest_first(store: Store) -> None:
    made = [
        customer(
            store.partner_id,
            id=ident,
            name=f"C{i}",
            email="x@example.com" if i % 2 else None,
            tags=["VIP"] if i < 2 else [],
            archived=i == 4,
        )
        for i, ident in enumerate(ids("cus", 5))
    ]
    async with store.open() as uow:
        for c in made:
            await uow.customers.add(c)
        await uow.commit()

        async def names(query: CustomerQuery, page: PageRequest | None = None) -> tuple[list[str], bool]:
            found = await uow.customers.list(query, page or PageRequest())
            return [c.name for c in found.items], found.has_more

        assert await names(CustomerQuery(), PageRequest(limit=2)) == (["C3", "C2"], True)
        assert await names(CustomerQuery(), PageRequest(limit=2, before_id=made[2].id)) == (["C1", "C0"], False)
        assert await names(CustomerQuery(archived=None)) == (["C4", "C3", "C2", "C1", "C0"], False)
        assert await names(CustomerQuery(archived=True)) == (["C4"], False)
        assert await names(CustomerQuery(tag=" vip")) == (["C1", "C0"], False)
        assert await names(CustomerQuery(email="x@example.com")) == (["C3", "C1"], False)


# Invoices


async def test_an_invoice_reads_back_with_its_lines_in_order(store: Store) -> None:
    async with store.open() as uow:
        buyer = customer(store.partner_id)
        await uow.customers.add(buyer)
        lines = [InvoiceLine("Setup", 1, 5_000), InvoiceLine("Hours", 3, 2_500), InvoiceLine("Credit", 1, -500)]
        added = invoice(store.partner_id, buyer.id, lines=lines, memo="Thanks", metadata={"po": "PO-7"})
        await uow.invoices.add(added)
        await uow.commit()
    async with store.open() as uow:
        for read in (uow.invoices.get, uow.invoices.lock):
            assert await read(added.id) == added
        assert await uow.invoices.get_many([added.id]) == [added]
        assert await uow.invoices.lock_many([added.id]) == [added]
        assert (await uow.invoices.get(added.id)).total == 12_000


async def test_adding_an_invoice_leaves_its_later_lifecycle_unwritten(store: Store) -> None:
    async with store.open() as uow:
        buyer = customer(store.partner_id)
        await uow.customers.add(buyer)
        added = invoice(store.partner_id, buyer.id)
        await uow.invoices.add(dataclasses.replace(added, voided_at=LATER, archived_at=LATER))
        await uow.commit()
    async with store.open() as uow:
        assert await uow.invoices.get(added.id) == added


async def test_many_invoices_come_back_once_each_in_id_order(store: Store) -> None:
    async with store.open() as uow:
        buyer = customer(store.partner_id)
        await uow.customers.add(buyer)
        a, b, c = (invoice(store.partner_id, buyer.id, id=i) for i in ids("inv", 3))
        for inv in (c, a, b):
            await uow.invoices.add(inv)
        await uow.commit()
    async with store.open() as uow:
        assert [i.id for i in await uow.invoices.get_many([c.id, a.id, c.id])] == [a.id, c.id]
        assert [i.id for i in await uow.invoices.lock_many([b.id, c.id, a.id])] == [a.id, b.id, c.id]


@pytest.mark.parametrize("read", ["get", "lock", "get_many", "lock_many"])
async def test_an_unknown_invoice_is_not_found_by_every_read(store: Store, read: str) -> None:
    async with store.open() as uow:
        buyer = customer(store.partner_id)
        await uow.customers.add(buyer)
        known = invoice(store.partner_id, buyer.id)
        await uow.invoices.add(known)
        with pytest.raises(NotFound) as missing:
            if read in {"get", "lock"}:
                await getattr(uow.invoices, read)("inv_missing")
            else:
                await getattr(uow.invoices, read)([known.id, "inv_missing"])
    assert missing.value.context == {"kind": "invoice", "id": "inv_missing"}


async def test_saving_an_invoice_writes_its_lifecycle_only(store: Store) -> None:
    async with store.open() as uow:
        buyer = customer(store.partner_id)
        await uow.customers.add(buyer)
        added = invoice(store.partner_id, buyer.id, status=InvoiceStatus.DRAFT, finalized_at=None)
        await uow.invoices.add(added)
        await uow.commit()
    changed = dataclasses.replace(
        added,
        status=InvoiceStatus.VOID,
        voided_at=LATER,
        archived_at=LATER,
        finalized_at=AT,
        memo="ignored",
        number="IGNORED-1",
        lines=[InvoiceLine("ignored", 1, 1)],
    )
    async with store.open() as uow:
        await uow.invoices.save(changed)
        await uow.commit()
    async with store.open() as uow:
        expected = dataclasses.replace(
            added, status=InvoiceStatus.VOID, voided_at=LATER, archived_at=LATER, finalized_at=AT
        )
        assert await uow.invoices.get(added.id) == expected


async def test_an_invoice_number_is_taken_once_per_partner(store: Store) -> None:
    async with store.open() as uow:
        buyer = customer(store.partner_id)
        await uow.customers.add(buyer)
        added = invoice(store.partner_id, buyer.id)
        await uow.invoices.add(added)
        await uow.commit()
        assert await uow.invoices.number_taken(added.number)
        assert not await uow.invoices.number_taken(added.number + "-2")
        with pytest.raises(REFUSED):
            await uow.invoices.add(invoice(store.partner_id, buyer.id, number=added.number))


async def test_invoice_list_filters_each_on_its_own(store: Store) -> None:
    async with store.open() as uow:
        buyer, other = customer(store.partner_id), customer(store.partner_id, name="Other")
        for c in (buyer, other):
            await uow.customers.add(c)
        early, late, draft, paid, void = ids("inv", 5)
        made = {
            early: invoice(store.partner_id, buyer.id, id=early, due_date=date(2026, 11, 5)),
            late: invoice(store.partner_id, buyer.id, id=late, due_date=date(2026, 12, 20)),
            draft: invoice(
                store.partner_id, other.id, id=draft, due_date=date(2026, 11, 5), status=InvoiceStatus.DRAFT
            ),
            paid: invoice(store.partner_id, buyer.id, id=paid, due_date=date(2026, 11, 5), status=InvoiceStatus.PAID),
            void: invoice(store.partner_id, other.id, id=void, due_date=date(2026, 12, 1), status=InvoiceStatus.VOID),
        }
        for inv in made.values():
            await uow.invoices.add(inv)
        await uow.commit()

        async def found(query: InvoiceQuery) -> list[str]:
            page = await uow.invoices.list(query, PageRequest(limit=50))
            assert page.items == [made[i.id] for i in page.items]  # with their lines, every column
            return [i.id for i in page.items]

        nov_10 = date(2026, 11, 10)
        assert await found(InvoiceQuery()) == [void, paid, draft, late, early]
        assert await found(InvoiceQuery(status=InvoiceStatus.DRAFT)) == [draft]
        assert await found(InvoiceQuery(customer_id=buyer.id)) == [paid, late, early]
        assert await found(InvoiceQuery(due_before=date(2026, 12, 1))) == [paid, draft, early]
        assert await found(InvoiceQuery(due_after=date(2026, 12, 1))) == [late]
        assert await found(InvoiceQuery(payable=True)) == [late, early]
        assert await found(InvoiceQuery(overdue_on=nov_10)) == [early]
        assert await found(InvoiceQuery(not_overdue_on=nov_10)) == [void, paid, draft, late]
        assert await found(InvoiceQuery(customer_id=buyer.id, payable=True, due_after=date(2026, 11, 5))) == [late]


async def test_invoice_list_pages_newest_first_by_id(store: Store) -> None:
    async with store.open() as uow:
        buyer = customer(store.partner_id)
        await uow.customers.add(buyer)
        made = ids("inv", 5)
        for ident in made:
            await uow.invoices.add(invoice(store.partner_id, buyer.id, id=ident))
        await uow.commit()
        pages: list[tuple[list[str], bool]] = []
        cursor = None
        while True:
            page = await uow.invoices.list(InvoiceQuery(), PageRequest(limit=2, before_id=cursor))
            pages.append(([i.id for i in page.items], page.has_more))
            if not page.has_more:
                break
            cursor = page.items[-1].id
    newest = made[::-1]
    assert pages == [(newest[0:2], True), (newest[2:4], True), (newest[4:], False)]


# The ledger


async def test_balances_are_derived_from_the_journal(store: Store) -> None:
    async with store.open() as uow:
        buyer = customer(store.partner_id)
        await uow.customers.add(buyer)
        opened = invoice(store.partner_id, buyer.id)
        draft = invoice(store.partner_id, buyer.id, status=InvoiceStatus.DRAFT, finalized_at=None)
        untouched = invoice(store.partner_id, buyer.id)
        for inv in (opened, draft, untouched):
            await uow.invoices.add(inv)
        await uow.ledger.add(entries.invoice_issued(opened, at=AT))
        paid = payment(store.partner_id, buyer.id, [(opened.id, 3_000)])
        await uow.payments.add(paid)
        await uow.ledger.add(entries.payment_applied(paid, at=AT))
        pending = payment(
            store.partner_id, buyer.id, [(opened.id, 2_000)], method=MethodType.CARD, status=PaymentStatus.PROCESSING
        )
        await uow.payments.add(pending)
        await uow.ledger.add(entries.payment_pending(pending, at=AT))
        await uow.commit()
    async with store.open() as uow:
        assert await uow.ledger.balances([opened, draft, untouched]) == {
            opened.id: InvoiceBalance(total=10_000, amount_paid=3_000, amount_pending=2_000, amount_due=5_000),
            draft.id: InvoiceBalance.unissued(10_000),
            untouched.id: InvoiceBalance(10_000, 0, 0, 0),  # issued without an entry: nothing is receivable
        }
        assert await uow.ledger.balances([]) == {}


async def test_the_entry_of_a_payment_reads_back_with_its_lines(store: Store) -> None:
    async with store.open() as uow:
        buyer = customer(store.partner_id)
        await uow.customers.add(buyer)
        a, b = invoice(store.partner_id, buyer.id), invoice(store.partner_id, buyer.id)
        for inv in (a, b):
            await uow.invoices.add(inv)
        paid = payment(store.partner_id, buyer.id, [(a.id, 1_000), (b.id, 2_000)])
        await uow.payments.add(paid)
        applied = entries.payment_applied(paid, at=AT)
        await uow.ledger.add(applied)
        await uow.commit()
    async with store.open() as uow:
        assert await uow.ledger.entry_for_payment(paid.id, Reason.PAYMENT_APPLIED) == applied
        with pytest.raises(NotFound):
            await uow.ledger.entry_for_payment(paid.id, Reason.PAYMENT_SETTLED)


async def test_ledger_list_by_invoice_and_by_payment(store: Store) -> None:
    async with store.open() as uow:
        buyer = customer(store.partner_id)
        await uow.customers.add(buyer)
        a, b = invoice(store.partner_id, buyer.id), invoice(store.partner_id, buyer.id)
        for inv in (a, b):
            await uow.invoices.add(inv)
        issued_a, issued_b = entries.invoice_issued(a, at=AT), entries.invoice_issued(b, at=AT)
        paid = payment(store.partner_id, buyer.id, [(b.id, 1_000)])
        await uow.payments.add(paid)
        applied = entries.payment_applied(paid, at=AT)
        for entry in (issued_a, issued_b, applied):
            await uow.ledger.add(entry)
        await uow.commit()
    async with store.open() as uow:
        by_b = await uow.ledger.list(EntryQuery(invoice_id=b.id), PageRequest())
        assert sorted(by_b.items, key=lambda e: e.id) == sorted([issued_b, applied], key=lambda e: e.id)
        assert [e.id for e in by_b.items] == sorted((e.id for e in by_b.items), reverse=True)
        assert (await uow.ledger.list(EntryQuery(payment_id=paid.id), PageRequest())).items == [applied]
        first = await uow.ledger.list(EntryQuery(), PageRequest(limit=2))
        rest = await uow.ledger.list(EntryQuery(), PageRequest(limit=2, before_id=first.items[-1].id))
        assert (len(first.items), first.has_more, len(rest.items), rest.has_more) == (2, True, 1, False)
