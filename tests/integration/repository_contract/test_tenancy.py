"""Another partner's rows are invisible to every repository read, on both databases.

The ORM reads are scoped by the session hook (adapters/db/engine.py); the asyncpg fast path on PostgreSQL writes
its own `partner_id` predicates (invoice reads and lists, ledger balances), so both kinds are checked here. The
fake holds one partner only, so this module runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import pytest

from domain.errors import NotFound
from domain.ledger import entries
from domain.ledger.balances import InvoiceBalance
from domain.pagination import PageRequest
from domain.payments.model import PaymentStatus
from domain.ports import CustomerQuery, DisputeQuery, EntryQuery, InvoiceQuery, PaymentQuery
from tests.integration.repository_contract.harness import AT, Store, card, customer, invoice, payment


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest) -> tuple[str, str | None]:
    return request.param, str(request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url"))


@pytest.fixture
async def theirs(store: Store) -> dict[str, str]:
    """Another partner's customer, invoice (issued and partly paid), card and payment, committed."""
    other = await store.other_partner()
    assert other is not None
    async with other.open() as uow:
        buyer = customer(other.partner_id)
        await uow.customers.add(buyer)
        inv = invoice(other.partner_id, buyer.id, number="SHARED-1")
        await uow.invoices.add(inv)
        await uow.ledger.add(entries.invoice_issued(inv, at=AT))
        method = card(other.partner_id, buyer.id)
        await uow.payment_methods.add(method)
        paid = payment(other.partner_id, buyer.id, [(inv.id, 4_000)], status=PaymentStatus.SUCCEEDED)
        await uow.payments.add(paid)
        await uow.ledger.add(entries.payment_applied(paid, at=AT))
        assert await uow.invoices.get(inv.id) == inv  # visible to its own partner
        await uow.commit()
    return {"customer": buyer.id, "invoice": inv.id, "method": method.id, "payment": paid.id}


@pytest.mark.parametrize("read", ["get", "lock"])
async def test_another_partners_invoice_is_not_found(store: Store, theirs: dict[str, str], read: str) -> None:
    async with store.open() as uow:
        with pytest.raises(NotFound):
            await getattr(uow.invoices, read)(theirs["invoice"])


@pytest.mark.parametrize("read", ["get_many", "lock_many"])
async def test_another_partners_invoice_is_not_found_among_ours(
    store: Store, theirs: dict[str, str], read: str
) -> None:
    async with store.open() as uow:
        ours = customer(store.partner_id)
        await uow.customers.add(ours)
        mine = invoice(store.partner_id, ours.id)
        await uow.invoices.add(mine)
        with pytest.raises(NotFound) as missing:
            await getattr(uow.invoices, read)([mine.id, theirs["invoice"]])
    assert missing.value.context == {"kind": "invoice", "id": theirs["invoice"]}


async def test_lists_show_only_our_rows(store: Store, theirs: dict[str, str]) -> None:
    async with store.open() as uow:
        page = PageRequest(limit=100)
        assert (await uow.invoices.list(InvoiceQuery(), page)).items == []
        assert (await uow.invoices.list(InvoiceQuery(customer_id=theirs["customer"]), page)).items == []
        assert (await uow.customers.list(CustomerQuery(), page)).items == []
        assert (await uow.payments.list(PaymentQuery(invoice_id=theirs["invoice"]), page)).items == []
        assert (await uow.disputes.list(DisputeQuery(), page)).items == []
        assert (await uow.ledger.list(EntryQuery(invoice_id=theirs["invoice"]), page)).items == []
        assert await uow.payment_methods.for_customer(theirs["customer"]) == []


async def test_single_reads_of_another_partners_rows_are_not_found(store: Store, theirs: dict[str, str]) -> None:
    async with store.open() as uow:
        with pytest.raises(NotFound):
            await uow.customers.get(theirs["customer"])
        with pytest.raises(NotFound):
            await uow.payments.get(theirs["payment"])
        with pytest.raises(NotFound):
            await uow.payment_methods.get(theirs["method"])


async def test_balances_never_count_another_partners_journal(store: Store, theirs: dict[str, str]) -> None:
    other = await store.other_partner()
    assert other is not None
    async with store.open() as uow:
        ours = customer(store.partner_id)
        await uow.customers.add(ours)
        # An invoice object carrying their id, as a confused caller might pass: the journal lines stay theirs.
        lookalike = invoice(store.partner_id, ours.id, id=theirs["invoice"])
        assert await uow.ledger.balances([lookalike]) == {theirs["invoice"]: InvoiceBalance(10_000, 0, 0, 0)}


async def test_invoice_numbers_are_unique_per_partner_only(store: Store, theirs: dict[str, str]) -> None:
    async with store.open() as uow:
        assert not await uow.invoices.number_taken("SHARED-1")
        ours = customer(store.partner_id)
        await uow.customers.add(ours)
        await uow.invoices.add(invoice(store.partner_id, ours.id, number="SHARED-1"))
        await uow.commit()
        assert await uow.invoices.number_taken("SHARED-1")


async def test_sequences_and_idempotency_keys_are_per_partner(store: Store, theirs: dict[str, str]) -> None:
    other = await store.other_partner()
    assert other is not None
    claims = []
    for s in (store, other):
        async with s.open() as uow:
            assert await uow.sequences.next_invoice_sequence() == 1
            claims.append(
                await uow.idempotency.claim(
                    partner_id=s.partner_id, api_key_id="key_1", key="same-key", request_hash="a" * 64, at=AT
                )
            )
            await uow.commit()
    assert [stored for _, stored in claims] == [None, None]
