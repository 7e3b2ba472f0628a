"""The contract of the portal repositories the payment engine uses: scheduled payments and portal users."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from domain.customers.model import Contact
from domain.errors import NotFound
from domain.pagination import PageRequest
from domain.payments.model import Allocation
from domain.portal.users import PortalUser
from domain.scheduled_payments.model import ScheduledPayment, ScheduledStatus
from tests.integration.repository_contract.harness import AT, Store, Uow, card, customer, ids, invoice, unique

LATER = AT.replace(hour=17)


async def payer(uow: Uow, store: Store) -> tuple[str, str, list[str]]:
    """A customer, its saved card and two invoices."""
    buyer = customer(store.partner_id)
    await uow.customers.add(buyer)
    method = card(store.partner_id, buyer.id)
    await uow.payment_methods.add(method)
    invoices = [invoice(store.partner_id, buyer.id) for _ in range(2)]
    for inv in invoices:
        await uow.invoices.add(inv)
    return buyer.id, method.id, [i.id for i in invoices]


def scheduled(
    store: Store, customer_id: str, method_id: str, invoice_ids: list[str], **overrides: object
) -> ScheduledPayment:
    fields: dict[str, object] = {
        "partner_id": store.partner_id,
        "customer_id": customer_id,
        "payment_method_id": method_id,
        "allocations": tuple(Allocation(i, 1_000 * (n + 1)) for n, i in enumerate(invoice_ids)),
        "currency": "USD",
        "scheduled_for": date(2026, 11, 20),
        "created_at": AT,
    }
    return ScheduledPayment(**{**fields, **overrides})  # type: ignore[arg-type]


async def test_a_scheduled_payment_reads_back_with_its_allocations(store: Store) -> None:
    async with store.open() as uow:
        buyer, method, invoices = await payer(uow, store)
        added = scheduled(store, buyer, method, invoices)
        await uow.scheduled_payments.add(added)
        await uow.commit()
    async with store.open() as uow:
        assert await uow.scheduled_payments.get(added.id) == added
        assert await uow.scheduled_payments.get(added.id, lock=True) == added
        assert added.amount == 3_000
        with pytest.raises(NotFound):
            await uow.scheduled_payments.get("sch_missing")


async def test_adding_a_scheduled_payment_stores_what_scheduling_decided_only(store: Store) -> None:
    async with store.open() as uow:
        buyer, method, invoices = await payer(uow, store)
        added = scheduled(store, buyer, method, invoices)
        ran = dataclasses.replace(added, failure_message="x", executed_at=LATER, canceled_at=LATER, canceled_by="me")
        await uow.scheduled_payments.add(ran)
        await uow.commit()
    async with store.open() as uow:
        assert await uow.scheduled_payments.get(added.id) == added


async def test_saving_a_scheduled_payment_writes_its_lifecycle_only(store: Store) -> None:
    async with store.open() as uow:
        buyer, method, invoices = await payer(uow, store)
        added = scheduled(store, buyer, method, invoices)
        await uow.scheduled_payments.add(added)
        await uow.commit()
    ran = dataclasses.replace(
        added,
        status=ScheduledStatus.FAILED,
        failure_message="Declined.",
        executed_at=LATER,
        canceled_at=LATER,
        canceled_by="customer",
    )
    async with store.open() as uow:
        await uow.scheduled_payments.save(dataclasses.replace(ran, scheduled_for=date(2027, 1, 1), currency="CAD"))
        await uow.commit()
    async with store.open() as uow:
        assert await uow.scheduled_payments.get(added.id) == ran


async def test_scheduled_payments_list_by_customer_and_status_and_wait_per_customer(store: Store) -> None:
    async with store.open() as uow:
        buyer, method, invoices = await payer(uow, store)
        other, other_method, other_invoices = await payer(uow, store)
        first, second, third = ids("sch", 3)
        made = {
            first: scheduled(store, buyer, method, invoices[:1], id=first),
            second: scheduled(store, buyer, method, invoices[1:], id=second, status=ScheduledStatus.CANCELED),
            third: scheduled(store, other, other_method, other_invoices, id=third),
        }
        for s in made.values():
            await uow.scheduled_payments.add(s)
        await uow.commit()
    async with store.open() as uow:

        async def listed(**filters: object) -> list[str]:
            page = await uow.scheduled_payments.list(PageRequest(), **filters)  # type: ignore[arg-type]
            assert page.items == [made[s.id] for s in page.items]
            return [s.id for s in page.items]

        assert await listed(customer_id=buyer) == [second, first]
        assert await listed(status=ScheduledStatus.CANCELED) == [second]
        assert await listed(customer_id=buyer, status=ScheduledStatus.SCHEDULED) == [first]
        assert [s.id for s in await uow.scheduled_payments.waiting_for_customer(buyer)] == [first]
        page = await uow.scheduled_payments.list(PageRequest(limit=1, before_id=second))
        assert ([s.id for s in page.items], page.has_more) == ([first], False)


async def test_a_portal_user_is_found_by_id_and_email(store: Store) -> None:
    user = PortalUser(store.partner_id, "bea@acme.example", AT, AT, name="Bea", recovery_codes=["h1", "h2"])
    async with store.open() as uow:
        await uow.portal_users.add(user)
        await uow.commit()
    async with store.open() as uow:
        assert await uow.portal_users.find(user.id) == user
        assert await uow.portal_users.get(user.id) == user
        assert await uow.portal_users.by_email("bea@acme.example") == user
        assert await uow.portal_users.find("pus_missing") is None


async def test_customers_are_found_by_their_email_or_a_contacts(store: Store) -> None:
    """The contacts are a JSON array: each database reads it with its own JSON functions."""
    wanted = unique("pat") + "@acme.example"
    by_email = customer(store.partner_id, name="A", email=wanted.upper())
    by_contact = customer(
        store.partner_id, name="B", contacts=[Contact("x@other.example"), Contact(wanted.title(), "Pat")]
    )
    archived = customer(store.partner_id, name="C", email=wanted, archived=True)
    neither = customer(store.partner_id, name="D", email="x" + wanted, contacts=[Contact("no@acme.example")])
    async with store.open() as uow:
        for c in (by_email, by_contact, archived, neither):
            await uow.customers.add(c)
        await uow.commit()
    async with store.open() as uow:
        assert await uow.portal_users.customers_with_email(wanted) == sorted([by_email.id, by_contact.id])
        assert await uow.portal_users.customers_with_email("nobody@acme.example") == []
