"""The fakes behave like the SQL adapters they stand in for; otherwise the use-case tests prove nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from domain.clock import FixedClock
from domain.customers.model import Customer
from domain.errors import Conflict, NotFound
from domain.events import CustomerArchived, InvoiceVoided
from domain.ids import new_id
from domain.invoices.model import InvoiceLine, InvoiceStatus
from domain.invoices.use_cases import ArchiveInvoice, VoidInvoice, archive_invoice, void_invoice
from domain.ledger.balances import InvoiceBalance
from domain.ledger.model import Reason
from domain.pagination import PageRequest
from domain.payments.processing import ChargeRequest, ChargeStatus, ProcessorUnavailable, RefundRequest
from domain.ports import (
    CustomerQuery,
    EntryQuery,
    InboxUnitOfWork,
    InvoiceQuery,
    PaymentProcessor,
    PaymentQuery,
    PlatformUnitOfWork,
    UnitOfWork,
)
from domain.scheduled_payments.model import ScheduledUnitOfWork
from tests.use_cases.factories import START, make_customer, make_invoice, pay
from tests.use_cases.fakes import FakeProcessor, FakeUnitOfWork, in_transaction, keyset_page


def test_fake_satisfies_the_unit_of_work_protocols() -> None:
    fake = FakeUnitOfWork()
    # Checked by mypy (`mypy tests/use_cases`); the attributes below are what use cases touch.
    uow: UnitOfWork = fake
    scheduled: ScheduledUnitOfWork = fake
    inbox: InboxUnitOfWork = fake
    platform: PlatformUnitOfWork = fake
    processor: PaymentProcessor = FakeProcessor()
    assert {id(u) for u in (uow, scheduled, inbox, platform)} == {id(fake)}
    for name in ("partner_id", "sequences", "customers", "invoices", "payments", "ledger", "record", "emails"):
        assert hasattr(uow, name)
    assert processor.name == "fake"


async def test_fake_processor_charges_once_per_idempotency_key() -> None:
    processor = FakeProcessor()
    request = ChargeRequest("acct", "remit-pay_1", "pm_1", 1_000, "USD", "Payment")
    processor.will_lose_answer("charge")
    with pytest.raises(ProcessorUnavailable):
        await processor.charge(request)
    processor.will_decline()  # ignored: the key already has its charge
    again = await processor.charge(request)
    assert (again.status, len(processor.charges), len(processor.calls_to("charge"))) == (
        ChargeStatus.SUCCEEDED,
        1,
        2,
    )


async def test_fake_processor_refuses_refunds_like_the_sandbox() -> None:
    processor = FakeProcessor()
    charge = await processor.charge(ChargeRequest("acct", "k1", "pm_1", 1_000, "USD", "Payment"))
    await processor.refund(RefundRequest("acct", "r1", charge.processor_payment_id, 600, "USD"))
    with pytest.raises(Conflict) as refused:
        await processor.refund(RefundRequest("acct", "r2", charge.processor_payment_id, 401, "USD"))
    assert (refused.value.code, refused.value.context) == ("refund_exceeds_captured", {"refundable": 400})


def test_keyset_page_is_newest_first_with_a_cursor() -> None:
    ids = [new_id("cus", now_ms=1_000 + i) for i in range(7)]
    first = keyset_page(ids, PageRequest(limit=3), str)
    assert (first.items, first.has_more) == (ids[::-1][:3], True)
    second = keyset_page(ids, PageRequest(limit=3, before_id=first.items[-1]), str)
    assert (second.items, second.has_more) == (ids[::-1][3:6], True)
    last = keyset_page(ids, PageRequest(limit=3, before_id=second.items[-1]), str)
    assert (last.items, last.has_more) == ([ids[0]], False)
    exact = keyset_page(ids[:3], PageRequest(limit=3), str)
    assert not exact.has_more


async def test_customer_list_filters_and_pages(uow: FakeUnitOfWork) -> None:
    for i in range(5):
        await uow.customers.add(
            Customer(
                id=new_id("cus", now_ms=10_000 + i),
                partner_id=uow.partner_id,
                name=f"C{i}",
                email="x@example.com" if i % 2 else None,
                tags=["VIP"] if i < 2 else [],
                archived=i == 4,
                created_at=START,
                updated_at=START,
            )
        )
    page = await uow.customers.list(CustomerQuery(), PageRequest(limit=2))
    assert [c.name for c in page.items] == ["C3", "C2"] and page.has_more
    page = await uow.customers.list(CustomerQuery(), PageRequest(limit=2, before_id=page.items[-1].id))
    assert [c.name for c in page.items] == ["C1", "C0"] and not page.has_more
    assert [c.name for c in (await uow.customers.list(CustomerQuery(archived=None), PageRequest())).items] == [
        "C4",
        "C3",
        "C2",
        "C1",
        "C0",
    ]
    assert [c.name for c in (await uow.customers.list(CustomerQuery(tag=" vip"), PageRequest())).items] == ["C1", "C0"]
    by_email = await uow.customers.list(CustomerQuery(email="x@example.com"), PageRequest())
    assert [c.name for c in by_email.items] == ["C3", "C1"]


async def test_reads_return_private_copies(uow: FakeUnitOfWork, clock: FixedClock) -> None:
    customer = await make_customer(uow, clock)
    invoice = await make_invoice(uow, clock, customer.id, draft=True)

    got = await uow.invoices.lock(invoice.id)
    got.status = InvoiceStatus.VOID
    got.lines.append(InvoiceLine("sneaky", 1, 1))
    assert uow.invoice(invoice.id).status is InvoiceStatus.DRAFT  # not saved yet
    assert len(uow.invoice(invoice.id).lines) == 1

    await uow.invoices.save(got)
    stored = uow.invoice(invoice.id)
    assert stored.status is InvoiceStatus.VOID
    assert len(stored.lines) == 1  # like SqlInvoices.save: lifecycle columns only


async def test_unknown_ids_are_not_found(uow: FakeUnitOfWork, clock: FixedClock) -> None:
    customer = await make_customer(uow, clock)
    invoice = await make_invoice(uow, clock, customer.id)
    with pytest.raises(NotFound):
        await uow.invoices.get("inv_missing")
    with pytest.raises(NotFound):
        await uow.invoices.lock("inv_missing")
    with pytest.raises(NotFound) as err:
        await uow.invoices.lock_many([invoice.id, "inv_missing"])
    assert err.value.context == {"kind": "invoice", "id": "inv_missing"}
    with pytest.raises(NotFound):
        await uow.payments.lock("pay_missing")
    with pytest.raises(NotFound):
        await uow.ledger.entry_for_payment("pay_missing", Reason.PAYMENT_APPLIED)


async def test_lock_many_returns_current_rows_in_id_order(uow: FakeUnitOfWork, clock: FixedClock) -> None:
    customer = await make_customer(uow, clock)
    a = await make_invoice(uow, clock, customer.id)
    b = await make_invoice(uow, clock, customer.id)
    await pay(uow, clock, customer.id, [(b.id, 100)])
    found = await uow.invoices.lock_many([b.id, a.id, b.id])
    assert [i.id for i in found] == sorted({a.id, b.id})
    assert {i.id: i.status for i in found} == {a.id: InvoiceStatus.OPEN, b.id: InvoiceStatus.PARTIALLY_PAID}


async def test_invoice_and_payment_lists(uow: FakeUnitOfWork, clock: FixedClock) -> None:
    customer = await make_customer(uow, clock)
    other = await make_customer(uow, clock, name="Other")
    early = await make_invoice(uow, clock, customer.id, due_date=date(2026, 11, 5))
    late = await make_invoice(uow, clock, customer.id, due_date=date(2026, 12, 20))
    draft = await make_invoice(uow, clock, other.id, due_date=date(2026, 11, 5), draft=True)
    payment = await pay(uow, clock, customer.id, [(late.id, 100)])

    async def ids(query: InvoiceQuery) -> set[str]:
        return {i.id for i in (await uow.invoices.list(query, PageRequest())).items}

    assert await ids(InvoiceQuery(customer_id=customer.id)) == {early.id, late.id}
    assert await ids(InvoiceQuery(status=InvoiceStatus.DRAFT)) == {draft.id}
    assert await ids(InvoiceQuery(overdue_on=date(2026, 11, 10))) == {early.id}
    assert await ids(InvoiceQuery(not_overdue_on=date(2026, 11, 10))) == {late.id, draft.id}
    assert await ids(InvoiceQuery(due_before=date(2026, 12, 1))) == {early.id, draft.id}
    assert await ids(InvoiceQuery(due_after=date(2026, 12, 1))) == {late.id}

    by_invoice = await uow.payments.list(PaymentQuery(invoice_id=late.id), PageRequest())
    assert [p.id for p in by_invoice.items] == [payment.id]
    assert (await uow.payments.list(PaymentQuery(invoice_id=early.id), PageRequest())).items == []
    assert (await uow.payments.list(PaymentQuery(customer_id=other.id), PageRequest())).items == []

    entries = await uow.ledger.list(EntryQuery(invoice_id=late.id), PageRequest())
    # Ids made in the same millisecond are in random order, so compare as a set here.
    assert {e.reason for e in entries.items} == {Reason.PAYMENT_APPLIED, Reason.INVOICE_ISSUED}
    assert [e.id for e in entries.items] == sorted((e.id for e in entries.items), reverse=True)
    assert [e.reason for e in (await uow.ledger.list(EntryQuery(payment_id=payment.id), PageRequest())).items] == [
        Reason.PAYMENT_APPLIED
    ]


async def test_balances_follow_the_sql_adapter_rules(uow: FakeUnitOfWork, clock: FixedClock) -> None:
    customer = await make_customer(uow, clock)
    draft = await make_invoice(uow, clock, customer.id, amount=1_000, draft=True)
    voided_draft = await make_invoice(uow, clock, customer.id, amount=2_000, draft=True)
    await in_transaction(uow, void_invoice(VoidInvoice(voided_draft.id), uow, clock=clock))
    archived_draft = await make_invoice(uow, clock, customer.id, amount=3_000, draft=True)
    await in_transaction(uow, archive_invoice(ArchiveInvoice(archived_draft.id), uow, clock=clock))
    opened = await make_invoice(uow, clock, customer.id, amount=4_000)

    balances = await uow.ledger.balances([uow.invoice(i.id) for i in (draft, voided_draft, archived_draft, opened)])
    assert balances == {
        draft.id: InvoiceBalance.unissued(1_000),
        voided_draft.id: InvoiceBalance(2_000, 0, 0, 0),  # void without lines: balance_of(total, zeros)
        archived_draft.id: InvoiceBalance(total=3_000, amount_paid=0, amount_pending=0, amount_due=0),
        opened.id: InvoiceBalance(4_000, 0, 0, 4_000),
    }
    assert await uow.ledger.balances([]) == {}


async def test_rollback_restores_the_last_commit(uow: FakeUnitOfWork, clock: FixedClock) -> None:
    customer = await make_customer(uow, clock)
    invoice = await make_invoice(uow, clock, customer.id)
    committed = uow.state()

    assert await uow.sequences.next_invoice_sequence() == 2
    uow.record(InvoiceVoided(invoice_id=invoice.id))
    await uow.invoices.save(replace(uow.invoice(invoice.id), status=InvoiceStatus.VOID))
    assert uow.state() != committed

    await uow.rollback()

    assert uow.state() == committed
    assert await uow.sequences.next_invoice_sequence() == 2  # the sequence went back too
    await uow.rollback()


async def test_context_manager_rolls_back_what_was_not_committed(clock: FixedClock) -> None:
    uow = FakeUnitOfWork()
    async with uow:
        customer = await make_customer(uow, clock)  # committed
        uow.record(CustomerArchived(customer_id=customer.id))
    assert uow.event_types() == ["customer.created"]
    assert uow.customer(customer.id).name == "Acme Dental"
    assert uow.commits == 1 and uow.rollbacks == 1
