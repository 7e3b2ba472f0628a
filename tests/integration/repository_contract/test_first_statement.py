"""Every fast-path method answers the same whether it opens its transaction or runs inside one.

On PostgreSQL adapters/db/pg/ sends the first statement of a transaction through SQLAlchemy's
`exec_driver_sql` (so SQLAlchemy begins the transaction it will commit) and later ones straight to asyncpg: two
routes for each compiled statement, with different row types and parameter handling. Each test here runs
once with the method as the transaction's first statement and once after an ORM read; on SQLite and the fake
both runs take the one route they have.
"""

from __future__ import annotations

import dataclasses

import pytest

from domain.api_keys.model import ApiKey
from domain.events import CustomerCreated, CustomerUpdated
from domain.invoices.model import InvoiceStatus
from domain.ledger import entries
from domain.ledger.balances import InvoiceBalance
from domain.pagination import PageRequest
from domain.ports import CustomerQuery, InvoiceQuery
from tests.integration.repository_contract.harness import AT, Store, Uow, customer, invoice, payment, unique

pytestmark = pytest.mark.parametrize("first", [True, False], ids=["first", "later"])
LATER = AT.replace(hour=17)


async def begin(uow: Uow, first: bool) -> None:
    """Unless the next call is to open the transaction, open it with an ORM read."""
    if not first:
        await uow.customers.list(CustomerQuery(), PageRequest(limit=1))


async def committed_invoices(store: Store, count: int = 2) -> tuple[str, list[str]]:
    async with store.open() as uow:
        buyer = customer(store.partner_id)
        await uow.customers.add(buyer)
        made = [invoice(store.partner_id, buyer.id) for _ in range(count)]
        for inv in made:
            await uow.invoices.add(inv)
            await uow.ledger.add(entries.invoice_issued(inv, at=AT))
        await uow.commit()
    return buyer.id, [i.id for i in made]


@pytest.mark.parametrize("read", ["get", "lock"])
async def test_reading_one_invoice(store: Store, first: bool, read: str) -> None:
    _, (a, _) = await committed_invoices(store)
    async with store.open() as uow:
        await begin(uow, first)
        found = await getattr(uow.invoices, read)(a)
    assert (found.id, found.total, len(found.lines)) == (a, 10_000, 1)


@pytest.mark.parametrize("read", ["get_many", "lock_many"])
async def test_reading_many_invoices(store: Store, first: bool, read: str) -> None:
    _, made = await committed_invoices(store)
    async with store.open() as uow:
        await begin(uow, first)
        found = await getattr(uow.invoices, read)(made[::-1])
    assert [i.id for i in found] == sorted(made)


async def test_listing_invoices(store: Store, first: bool) -> None:
    buyer, made = await committed_invoices(store, 3)
    async with store.open() as uow:
        await begin(uow, first)
        page = await uow.invoices.list(InvoiceQuery(customer_id=buyer, payable=True), PageRequest(limit=2))
    assert ([i.id for i in page.items], page.has_more) == (sorted(made, reverse=True)[:2], True)


async def test_saving_an_invoice(store: Store, first: bool) -> None:
    _, (a, _) = await committed_invoices(store)
    async with store.open() as uow:
        voided = dataclasses.replace(await uow.invoices.get(a), status=InvoiceStatus.VOID, voided_at=LATER)
        await uow.commit()
    async with store.open() as uow:
        await begin(uow, first)
        await uow.invoices.save(voided)
        await uow.commit()
    async with store.open() as uow:
        assert await uow.invoices.get(a) == voided


async def test_balances(store: Store, first: bool) -> None:
    _, made = await committed_invoices(store)
    async with store.open() as uow:
        invoices = await uow.invoices.get_many(made)
        await uow.commit()
    async with store.open() as uow:
        await begin(uow, first)
        balances = await uow.ledger.balances(invoices)
    assert balances == {i: InvoiceBalance(10_000, 0, 0, 10_000) for i in made}


async def test_adding_journal_entries_and_payments(store: Store, first: bool) -> None:
    buyer, (a, b) = await committed_invoices(store)
    paid = payment(store.partner_id, buyer, [(a, 1_000), (b, 2_000)])
    async with store.open() as uow:
        await begin(uow, first)
        await uow.payments.add(paid)
        await uow.commit()
    async with store.open() as uow:
        await begin(uow, first)
        await uow.ledger.add(entries.payment_applied(paid, at=AT))
        await uow.commit()
    async with store.open() as uow:
        invoices = await uow.invoices.get_many([a, b])
        assert await uow.payments.get(paid.id) == paid
        assert await uow.ledger.balances(invoices) == {
            a: InvoiceBalance(10_000, 1_000, 0, 9_000),
            b: InvoiceBalance(10_000, 2_000, 0, 8_000),
        }


async def test_writing_the_outbox(store: Store, first: bool) -> None:
    created, updated = CustomerCreated(customer_id=unique("cus")), CustomerUpdated(customer_id="c", fields=("name",))
    async with store.open() as uow:
        await begin(uow, first)
        uow.record(created)
        uow.record(updated)  # two rows: one executemany
        await uow.commit()
    assert await store.outbox() == sorted([(e.type, e.payload()) for e in (created, updated)], key=repr)


async def test_claiming_and_answering_an_idempotency_key(store: Store, first: bool) -> None:
    key = unique("idem")
    async with store.open() as uow:
        await begin(uow, first)
        row_id, _ = await uow.idempotency.claim(
            partner_id=store.partner_id, api_key_id="key_1", key=key, request_hash="a" * 64, at=AT
        )
        await uow.commit()
    assert row_id is not None
    async with store.open() as uow:
        await begin(uow, first)
        await uow.idempotency.complete(row_id, 200, "{}")
        await uow.commit()
    async with store.open() as uow:
        _, stored = await uow.idempotency.claim(
            partner_id=store.partner_id, api_key_id="key_1", key=key, request_hash="a" * 64, at=AT
        )
    assert stored is not None and (stored.status, stored.body) == (200, "{}")


async def test_finding_and_touching_an_api_key(store: Store, first: bool) -> None:
    key, _ = ApiKey.issue(store.partner_id, livemode=False, at=AT)
    async with store.open() as uow:
        await uow.api_keys.add(key)
        await uow.commit()
    async with store.open() as uow:
        await begin(uow, first)
        assert await uow.api_keys.by_hash(key.secret_hash) == key
    async with store.open() as uow:
        await begin(uow, first)
        await uow.api_keys.touch(key.id, LATER)
        await uow.commit()
    async with store.open() as uow:
        assert await uow.api_keys.get(key.id) == dataclasses.replace(key, last_used_at=LATER)
