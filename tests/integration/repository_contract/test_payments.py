"""The contract of the payment repositories: payments and allocations, saved methods, refunds, disputes, settings.

On PostgreSQL `payments.add` inserts through asyncpg (PgPayments, adapters/db/pg/); the reads go through the ORM.
"""

from __future__ import annotations

import dataclasses

import pytest

from domain.disputes.model import Dispute
from domain.errors import NotFound
from domain.pagination import PageRequest
from domain.payments.model import MethodType, Payment, PaymentStatus
from domain.payments.processing import DisputeStatus
from domain.payments.settings import DisputeLostAction, PaymentSettings
from domain.ports import DisputeQuery, PaymentQuery
from domain.refunds.model import Refund, RefundKind, RefundStatus
from tests.integration.repository_contract.harness import (
    AT,
    REFUSED,
    Store,
    Uow,
    bank_account,
    card,
    customer,
    ids,
    invoice,
    payment,
    unique,
)

LATER = AT.replace(hour=17)


async def with_invoices(uow: Uow, store: Store, count: int = 2) -> tuple[str, list[str]]:
    buyer = customer(store.partner_id)
    await uow.customers.add(buyer)
    made = [invoice(store.partner_id, buyer.id) for _ in range(count)]
    for inv in made:
        await uow.invoices.add(inv)
    return buyer.id, [i.id for i in made]


def card_payment(store: Store, customer_id: str, allocations: list[tuple[str, int]], **overrides: object) -> Payment:
    fields: dict[str, object] = {
        "method": MethodType.CARD,
        "status": PaymentStatus.PROCESSING,
        "reference": None,
        "fee": 320,
        "processor": "sandbox",
        "receipt_email": "ap@acme.example",
        "updated_at": AT,
    }
    return payment(store.partner_id, customer_id, allocations, **{**fields, **overrides})


# Payments


async def test_a_payment_reads_back_with_its_allocations_in_order(store: Store) -> None:
    async with store.open() as uow:
        buyer, (a, b) = await with_invoices(uow, store)
        method = card(store.partner_id, buyer)
        await uow.payment_methods.add(method)
        first = payment(store.partner_id, buyer, [(b, 100)])
        await uow.payments.add(first)
        added = card_payment(
            store,
            buyer,
            [(b, 2_000), (a, 1_000)],
            payment_method_id=method.id,
            processor_payment_id=unique("ch"),
            retry_of=first.id,
            attempt=2,
        )
        await uow.payments.add(added)
        await uow.commit()
    async with store.open() as uow:
        assert await uow.payments.get(added.id) == added
        assert await uow.payments.lock(added.id) == added
        with pytest.raises(NotFound):
            await uow.payments.get("pay_missing")
        with pytest.raises(NotFound):
            await uow.payments.lock("pay_missing")


async def test_saving_a_payment_writes_what_a_processor_answer_changes(store: Store) -> None:
    async with store.open() as uow:
        buyer, (a, _) = await with_invoices(uow, store)
        added = card_payment(store, buyer, [(a, 1_000)])
        await uow.payments.add(added)
        await uow.commit()
    answered = dataclasses.replace(
        added,
        status=PaymentStatus.FAILED,
        processor_payment_id=unique("ch"),
        failure_code="card_declined",
        failure_message="Declined.",
        return_code="R01",
        updated_at=LATER,
        settled_at=LATER,
        canceled_at=LATER,
    )
    ignored = dataclasses.replace(answered, reference="ignored", fee=1, receipt_email="x@example.com", attempt=3)
    async with store.open() as uow:
        await uow.payments.save(ignored)
        await uow.commit()
    async with store.open() as uow:
        assert await uow.payments.get(added.id) == answered


async def test_a_payment_is_found_by_its_processor_id(store: Store) -> None:
    charge_id = unique("ch")
    async with store.open() as uow:
        buyer, (a, _) = await with_invoices(uow, store)
        added = card_payment(store, buyer, [(a, 1_000)], processor_payment_id=charge_id)
        await uow.payments.add(added)
        await uow.commit()
    async with store.open() as uow:
        assert await uow.payments.by_processor_id("sandbox", charge_id) == added
        assert await uow.payments.by_processor_id("stripe", charge_id) is None
        assert await uow.payments.by_processor_id("sandbox", unique("ch")) is None


async def test_one_processor_charge_lands_on_one_payment_only(store: Store) -> None:
    charge_id = unique("ch")
    async with store.open() as uow:
        buyer, (a, b) = await with_invoices(uow, store)
        await uow.payments.add(card_payment(store, buyer, [(a, 1_000)], processor_payment_id=charge_id))
        with pytest.raises(REFUSED):
            await uow.payments.add(card_payment(store, buyer, [(b, 1_000)], processor_payment_id=charge_id))


async def test_payment_list_filters_each_on_its_own(store: Store) -> None:
    async with store.open() as uow:
        buyer, (a, b) = await with_invoices(uow, store)
        other = customer(store.partner_id, name="Other")
        await uow.customers.add(other)
        method = card(store.partner_id, buyer)
        await uow.payment_methods.add(method)
        first, second, third, fourth = ids("pay", 4)
        made = {
            first: payment(store.partner_id, buyer, [(a, 100)], id=first),
            second: card_payment(
                store, buyer, [(b, 200)], id=second, payment_method_id=method.id, processor_payment_id=unique("ch")
            ),
            third: card_payment(store, buyer, [(a, 300), (b, 300)], id=third, status=PaymentStatus.SUCCEEDED),
            fourth: payment(store.partner_id, other.id, [(a, 400)], id=fourth, status=PaymentStatus.CANCELED),
        }
        for p in made.values():
            await uow.payments.add(p)
        await uow.commit()

        async def found(query: PaymentQuery) -> list[str]:
            page = await uow.payments.list(query, PageRequest(limit=50))
            assert page.items == [made[p.id] for p in page.items]
            return [p.id for p in page.items]

        assert await found(PaymentQuery()) == [fourth, third, second, first]
        assert await found(PaymentQuery(customer_id=other.id)) == [fourth]
        assert await found(PaymentQuery(invoice_id=b)) == [third, second]
        assert await found(PaymentQuery(transaction_id=made[third].transaction_id.lower())) == [third]
        assert await found(PaymentQuery(processor_payment_id=made[second].processor_payment_id)) == [second]
        assert await found(PaymentQuery(status=PaymentStatus.CANCELED)) == [fourth]
        assert await found(PaymentQuery(payment_method_id=method.id)) == [second]
        assert await found(PaymentQuery(in_flight=True)) == [second]
        assert await found(PaymentQuery(customer_id=buyer, invoice_id=a)) == [third, first]
        page = await uow.payments.list(PaymentQuery(), PageRequest(limit=3))
        rest = await uow.payments.list(PaymentQuery(), PageRequest(limit=3, before_id=page.items[-1].id))
        assert (page.has_more, [p.id for p in rest.items], rest.has_more) == (True, [first], False)


# Saved methods


async def test_a_saved_method_reads_back_with_its_mandate(store: Store) -> None:
    async with store.open() as uow:
        buyer, _ = await with_invoices(uow, store, 0)
        visa, bank = card(store.partner_id, buyer, is_default=True), bank_account(store.partner_id, buyer)
        for m in (visa, bank):
            await uow.payment_methods.add(m)
        await uow.commit()
    async with store.open() as uow:
        assert await uow.payment_methods.get(visa.id) == visa
        assert await uow.payment_methods.get(bank.id) == bank
        with pytest.raises(NotFound):
            await uow.payment_methods.get("pm_missing")


async def test_saving_a_method_writes_its_default_block_and_detachment_only(store: Store) -> None:
    async with store.open() as uow:
        buyer, _ = await with_invoices(uow, store, 0)
        added = card(store.partner_id, buyer, is_default=True)
        await uow.payment_methods.add(added)
        await uow.commit()
    changed = dataclasses.replace(
        added, is_default=False, autopay_blocked_reason="R02", one_off=True, detached_at=LATER
    )
    async with store.open() as uow:
        await uow.payment_methods.save(dataclasses.replace(changed, last4="0000", brand="amex", exp_year=2050))
        await uow.commit()
    async with store.open() as uow:
        assert await uow.payment_methods.get(added.id) == changed


async def test_a_customers_methods_are_the_attached_ones_newest_first(store: Store) -> None:
    async with store.open() as uow:
        buyer, _ = await with_invoices(uow, store, 0)
        other = customer(store.partner_id)
        await uow.customers.add(other)
        old, new, gone = (card(store.partner_id, buyer, id=i) for i in ids("pm", 3))
        gone.detached_at = AT
        for m in (old, new, gone, card(store.partner_id, other.id)):
            await uow.payment_methods.add(m)
        await uow.commit()
    async with store.open() as uow:
        assert await uow.payment_methods.for_customer(buyer) == [new, old]


async def test_clearing_the_default_leaves_a_customer_without_one(store: Store) -> None:
    async with store.open() as uow:
        buyer, _ = await with_invoices(uow, store, 0)
        default, other = card(store.partner_id, buyer, is_default=True), card(store.partner_id, buyer)
        for m in (default, other):
            await uow.payment_methods.add(m)
        await uow.payment_methods.clear_default(buyer)
        other.is_default = True
        await uow.payment_methods.save(other)
        await uow.commit()
    async with store.open() as uow:
        assert [(m.id, m.is_default) for m in await uow.payment_methods.for_customer(buyer)] == sorted(
            [(default.id, False), (other.id, True)], reverse=True
        )


async def test_a_customer_has_at_most_one_default_method(store: Store) -> None:
    async with store.open() as uow:
        buyer, _ = await with_invoices(uow, store, 0)
        await uow.payment_methods.add(card(store.partner_id, buyer, is_default=True))
        with pytest.raises(REFUSED):
            await uow.payment_methods.add(card(store.partner_id, buyer, is_default=True))


# Refunds


async def test_refunds_read_back_and_list_per_payment_oldest_first(store: Store) -> None:
    async with store.open() as uow:
        buyer, (a, _) = await with_invoices(uow, store)
        paid = card_payment(store, buyer, [(a, 5_000)], status=PaymentStatus.SUCCEEDED)
        await uow.payments.add(paid)
        first, second = (
            Refund(store.partner_id, paid.id, 1_000, "USD", AT, AT, id=i, reason="Duplicate") for i in ids("re", 2)
        )
        cancellation = Refund(store.partner_id, paid.id, 500, "USD", AT, AT, kind=RefundKind.DEBIT_CANCELLATION)
        for r in (second, first, cancellation):
            await uow.refunds.add(r)
        await uow.commit()
    async with store.open() as uow:
        assert await uow.refunds.get(first.id) == first
        assert await uow.refunds.for_payment(paid.id) == sorted([first, second, cancellation], key=lambda r: r.id)
        assert await uow.refunds.for_payment("pay_missing") == []
        with pytest.raises(NotFound):
            await uow.refunds.get("re_missing")


async def test_saving_a_refund_writes_its_outcome_only(store: Store) -> None:
    async with store.open() as uow:
        buyer, (a, _) = await with_invoices(uow, store)
        paid = card_payment(store, buyer, [(a, 5_000)], status=PaymentStatus.SUCCEEDED)
        await uow.payments.add(paid)
        added = Refund(store.partner_id, paid.id, 1_000, "USD", AT, AT)
        await uow.refunds.add(added)
        await uow.commit()
    done = dataclasses.replace(
        added, status=RefundStatus.FAILED, processor_refund_id=unique("re"), failure_message="No.", updated_at=LATER
    )
    async with store.open() as uow:
        await uow.refunds.save(dataclasses.replace(done, amount=1, reason="ignored"))
        await uow.commit()
    async with store.open() as uow:
        assert await uow.refunds.get(added.id) == done


# Disputes


def dispute(store: Store, payment_id: str, **overrides: object) -> Dispute:
    fields: dict[str, object] = {
        "partner_id": store.partner_id,
        "payment_id": payment_id,
        "processor_dispute_id": unique("dp"),
        "amount": 5_000,
        "currency": "USD",
        "status": DisputeStatus.NEEDS_RESPONSE,
        "reason": "fraudulent",
        "created_at": AT,
        "updated_at": AT,
        "evidence_due_by": LATER,
    }
    return Dispute(**{**fields, **overrides})  # type: ignore[arg-type]


async def test_a_dispute_reads_back_by_id_and_by_processor_id(store: Store) -> None:
    async with store.open() as uow:
        buyer, (a, _) = await with_invoices(uow, store)
        paid = card_payment(store, buyer, [(a, 5_000)], status=PaymentStatus.DISPUTED)
        await uow.payments.add(paid)
        added = dispute(store, paid.id)
        await uow.disputes.add(added)
        await uow.commit()
    async with store.open() as uow:
        assert await uow.disputes.get(added.id) == added
        assert await uow.disputes.by_processor_id(added.processor_dispute_id) == added
        assert await uow.disputes.by_processor_id(unique("dp")) is None
        with pytest.raises(NotFound):
            await uow.disputes.get("dp_missing")


async def test_saving_a_dispute_writes_its_progress_only(store: Store) -> None:
    async with store.open() as uow:
        buyer, (a, _) = await with_invoices(uow, store)
        paid = card_payment(store, buyer, [(a, 5_000)], status=PaymentStatus.DISPUTED)
        await uow.payments.add(paid)
        added = dispute(store, paid.id)
        await uow.disputes.add(added)
        await uow.commit()
    progressed = dataclasses.replace(
        added,
        status=DisputeStatus.LOST,
        evidence="Receipt.",
        evidence_submitted_at=AT,
        evidence_due_by=None,
        updated_at=LATER,
        closed_at=LATER,
    )
    async with store.open() as uow:
        await uow.disputes.save(dataclasses.replace(progressed, amount=1, reason="ignored"))
        await uow.commit()
    async with store.open() as uow:
        assert await uow.disputes.get(added.id) == progressed


async def test_dispute_list_filters_and_pages(store: Store) -> None:
    async with store.open() as uow:
        buyer, (a, b) = await with_invoices(uow, store)
        p1 = card_payment(store, buyer, [(a, 5_000)], status=PaymentStatus.DISPUTED)
        p2 = card_payment(store, buyer, [(b, 5_000)], status=PaymentStatus.DISPUTED)
        for p in (p1, p2):
            await uow.payments.add(p)
        d1, d2, d3 = ids("dp", 3)
        made = {
            d1: dispute(store, p1.id, id=d1),
            d2: dispute(store, p2.id, id=d2, status=DisputeStatus.WON),
            d3: dispute(store, p2.id, id=d3),
        }
        for d in made.values():
            await uow.disputes.add(d)
        await uow.commit()

        async def found(query: DisputeQuery, page: PageRequest | None = None) -> tuple[list[str], bool]:
            got = await uow.disputes.list(query, page or PageRequest())
            assert got.items == [made[d.id] for d in got.items]
            return [d.id for d in got.items], got.has_more

        assert await found(DisputeQuery()) == ([d3, d2, d1], False)
        assert await found(DisputeQuery(payment_id=p2.id)) == ([d3, d2], False)
        assert await found(DisputeQuery(status=DisputeStatus.NEEDS_RESPONSE)) == ([d3, d1], False)
        assert await found(DisputeQuery(), PageRequest(limit=1, before_id=d3)) == ([d2], True)


# Payment settings


async def test_payment_settings_are_the_defaults_until_changed(store: Store) -> None:
    async with store.open() as uow:
        assert await uow.payment_settings.get() == PaymentSettings()


async def test_payment_settings_read_back_as_saved_and_save_again(store: Store) -> None:
    first = PaymentSettings().changed(
        enabled_methods=frozenset({MethodType.CARD, MethodType.CA_BANK_ACCOUNT}),
        partial_payments=False,
        card_fee_bps=250,
        dispute_lost_action=DisputeLostAction.WRITE_OFF,
    )
    second = first.changed(card_fee_pass_through=False, bank_return_fee=0)
    for settings in (first, second):
        async with store.open() as uow:
            await uow.payment_settings.save(settings)
            await uow.commit()
        async with store.open() as uow:
            assert await uow.payment_settings.get() == settings
