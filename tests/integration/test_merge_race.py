"""A merge racing what else writes for the duplicate, on PostgreSQL with real parallel connections (decision 0015).

Invoice creation and method attachment hold the customer row (FOR SHARE), which the merge's FOR NO KEY UPDATE
waits for; a payment holds its invoices, which the merge locks before moving anything. Whatever the order, nothing
is left on the merged customer: the loser is refused with a clear 4xx or its row lands on the survivor."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, cast

import httpx
import pytest
from sqlalchemy import func, select

from adapters.bootstrap import Container, build
from adapters.db.tables import InvoiceRow, PaymentMethodRow, PaymentRow
from adapters.db.unit_of_work import CommitCheckpoint, SqlUnitOfWork
from adapters.settings import Settings
from api.app import create_app
from domain.customers.use_cases import MergeCustomer, Merged, MergeUnitOfWork, merge_customer
from domain.errors import Conflict, ErrorCode, InvalidRequest
from domain.invoices.model import InvoiceLine
from domain.invoices.use_cases import CreateInvoice, create_invoice
from domain.payment_methods.model import PaymentMethod
from domain.payment_methods.use_cases import AttachMethod, attach_method
from domain.payments.model import Allocation, MethodType, Payment
from domain.payments.offline import RecordOfflinePayment, record_offline_payment
from domain.ports import PaymentProcessor
from tests.conftest import Tenant, make_tenant
from tests.factories import charge_saved, make_customer, make_invoice, pay, save_test_method, token_for

WAIT = 0.5  # long enough for the second transaction to reach its lock; it must still be waiting after


@pytest.fixture
async def pg_container(own_pg_url: str) -> AsyncIterator[Container]:
    c = build(Settings(database_url=own_pg_url, env="test", db_pool_size=25))
    try:
        yield c
    finally:
        await c.close()


@pytest.fixture
async def pg_tenant(pg_container: Container) -> Tenant:
    return await make_tenant(pg_container)


@pytest.fixture
async def pg_client(pg_container: Container, pg_tenant: Tenant) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(pg_container))
    async with httpx.AsyncClient(
        transport=transport,
        base_url="http://remit.test",
        timeout=60,
        headers={"Authorization": f"Bearer {pg_tenant.api_key}"},
    ) as client:
        yield client


async def _left_on(container: Container, customer_id: str) -> dict[str, int]:
    """What still names the merged customer: nothing may."""
    counts = {}
    async with container.sessions() as session:
        for kind, table in (("invoices", InvoiceRow), ("payments", PaymentRow), ("methods", PaymentMethodRow)):
            counts[kind] = int(
                await session.scalar(select(func.count()).select_from(table).where(table.customer_id == customer_id))
                or 0
            )
    return counts


NOTHING = {"invoices": 0, "payments": 0, "methods": 0}


async def _merging(container: Container, tenant: Tenant, dup: str, into: str) -> Merged:
    async with container.uow() as uow:
        merged = await merge_customer(
            MergeCustomer(dup, into, actor="test"),
            cast(MergeUnitOfWork, uow.scope_to(tenant.partner_id)),
            clock=container.clock,
        )
        await uow.commit()
    return merged


async def _first_holds_second_waits(
    container: Container,
    first: Callable[[SqlUnitOfWork], Awaitable[Any]],
    second: Callable[[], Awaitable[Any]],
) -> tuple[Any, asyncio.Task[Any]]:
    """Run `first` in a transaction, start `second` while it is open, check that it waits, then commit `first`."""
    async with container.uow() as uow:
        result = await first(uow)
        racing = asyncio.ensure_future(second())
        await asyncio.sleep(WAIT)
        assert not racing.done(), "the second transaction should wait for the first's locks"
        await uow.commit()
    await asyncio.wait([racing], timeout=30)
    return result, racing


async def _pair(client: httpx.AsyncClient) -> tuple[str, str]:
    dup = await make_customer(client, name="Acme (dup)")
    into = await make_customer(client, name="Acme")
    return dup["id"], into["id"]


def _new_invoice(customer_id: str) -> CreateInvoice:
    return CreateInvoice(customer_id=customer_id, currency="USD", lines=(InvoiceLine("Cleaning", 1, 5_000),))


# Invoice creation


async def test_an_invoice_created_before_the_merge_commits_moves_with_it(
    pg_client: httpx.AsyncClient, pg_container: Container, pg_tenant: Tenant
) -> None:
    dup, into = await _pair(pg_client)

    async def create(uow: SqlUnitOfWork) -> str:
        invoice = await create_invoice(_new_invoice(dup), uow.scope_to(pg_tenant.partner_id), clock=pg_container.clock)
        return invoice.id

    invoice_id, merge = await _first_holds_second_waits(
        pg_container, create, lambda: _merging(pg_container, pg_tenant, dup, into)
    )

    assert merge.result().moved["invoices"] == 1
    assert (await pg_client.get(f"/v1/invoices/{invoice_id}")).json()["customer_id"] == into
    assert await _left_on(pg_container, dup) == NOTHING


async def test_an_invoice_for_a_duplicate_being_merged_waits_and_is_refused(
    pg_client: httpx.AsyncClient, pg_container: Container, pg_tenant: Tenant
) -> None:
    dup, into = await _pair(pg_client)

    async def merge(uow: SqlUnitOfWork) -> Merged:
        scoped = cast(MergeUnitOfWork, uow.scope_to(pg_tenant.partner_id))
        return await merge_customer(MergeCustomer(dup, into, actor="test"), scoped, clock=pg_container.clock)

    async def create() -> None:
        async with pg_container.uow() as uow:
            await create_invoice(_new_invoice(dup), uow.scope_to(pg_tenant.partner_id), clock=pg_container.clock)
            await uow.commit()

    _, creating = await _first_holds_second_waits(pg_container, merge, create)

    error = creating.exception()
    assert isinstance(error, Conflict) and error.code is ErrorCode.CUSTOMER_MERGED
    assert await _left_on(pg_container, dup) == NOTHING


# Method attachment


async def test_a_method_attached_while_the_merge_waits_moves_with_it(
    pg_client: httpx.AsyncClient, pg_container: Container, pg_tenant: Tenant
) -> None:
    """After the processor call the attachment holds the customer again; a merge then waits and takes the method."""
    dup, into = await _pair(pg_client)
    token = await token_for(pg_client)
    async with pg_container.uow() as uow:
        scoped = uow.scope_to(pg_tenant.partner_id)
        method = await attach_method(
            AttachMethod(dup, token),
            scoped,
            processor=pg_container.sandbox,
            clock=pg_container.clock,
            checkpoint=CommitCheckpoint(uow),
        )
        merge = asyncio.ensure_future(_merging(pg_container, pg_tenant, dup, into))
        await asyncio.sleep(WAIT)
        assert not merge.done()
        await uow.commit()
    merged = await asyncio.wait_for(merge, 30)

    assert merged.moved["payment_methods"] == 1
    got = (await pg_client.get(f"/v1/customers/{into}/payment-methods")).json()["data"]
    assert [m["id"] for m in got] == [method.id]
    assert await _left_on(pg_container, dup) == NOTHING


async def test_a_merge_during_the_processor_call_takes_the_method_to_the_survivor(
    pg_client: httpx.AsyncClient, pg_container: Container, pg_tenant: Tenant
) -> None:
    """The processor is called outside any transaction: a merge that commits meanwhile has moved the duplicate's
    methods, and the new one follows them."""
    dup, into = await _pair(pg_client)
    token = await token_for(pg_client)

    class MergeDuringCall:
        def __getattr__(self, name: str) -> Any:
            return getattr(pg_container.sandbox, name)

        async def attach_method(self, **kwargs: Any) -> Any:
            await _merging(pg_container, pg_tenant, dup, into)  # would wait forever if the attachment held a lock
            return await pg_container.sandbox.attach_method(**kwargs)

    async with pg_container.uow() as uow:
        method: PaymentMethod = await asyncio.wait_for(
            attach_method(
                AttachMethod(dup, token),
                uow.scope_to(pg_tenant.partner_id),
                processor=cast(PaymentProcessor, MergeDuringCall()),
                clock=pg_container.clock,
                checkpoint=CommitCheckpoint(uow),
            ),
            30,
        )
        await uow.commit()

    assert method.customer_id == into and method.is_default
    got = (await pg_client.get(f"/v1/customers/{into}/payment-methods")).json()["data"]
    assert [m["id"] for m in got] == [method.id]
    assert await _left_on(pg_container, dup) == NOTHING


async def test_a_method_for_a_duplicate_being_merged_waits_and_is_refused(
    pg_client: httpx.AsyncClient, pg_container: Container, pg_tenant: Tenant
) -> None:
    dup, into = await _pair(pg_client)
    token = await token_for(pg_client)

    async def merge(uow: SqlUnitOfWork) -> Merged:
        scoped = cast(MergeUnitOfWork, uow.scope_to(pg_tenant.partner_id))
        return await merge_customer(MergeCustomer(dup, into, actor="test"), scoped, clock=pg_container.clock)

    async def attach() -> None:
        async with pg_container.uow() as uow:
            await attach_method(
                AttachMethod(dup, token),
                uow.scope_to(pg_tenant.partner_id),
                processor=pg_container.sandbox,
                clock=pg_container.clock,
                checkpoint=CommitCheckpoint(uow),
            )
            await uow.commit()

    _, attaching = await _first_holds_second_waits(pg_container, merge, attach)

    error = attaching.exception()
    assert isinstance(error, Conflict) and error.code is ErrorCode.CUSTOMER_MERGED
    assert await _left_on(pg_container, dup) == NOTHING


# Payments


async def test_a_payment_holding_the_invoice_finishes_first_and_moves_with_it(
    pg_client: httpx.AsyncClient, pg_container: Container, pg_tenant: Tenant
) -> None:
    dup, into = await _pair(pg_client)
    invoice = await make_invoice(pg_client, dup, amount=5_000)

    async def record(uow: SqlUnitOfWork) -> Payment:
        cmd = RecordOfflinePayment(dup, MethodType.CHECK, (Allocation(invoice["id"], 2_000),), reference="#7")
        return await record_offline_payment(cmd, uow.scope_to(pg_tenant.partner_id), clock=pg_container.clock)

    payment, merge = await _first_holds_second_waits(
        pg_container, record, lambda: _merging(pg_container, pg_tenant, dup, into)
    )

    assert (merge.result().moved["invoices"], merge.result().moved["payments"]) == (1, 1)
    assert (await pg_client.get(f"/v1/payments/{payment.id}")).json()["customer_id"] == into
    assert (await pg_client.get(f"/v1/invoices/{invoice['id']}")).json()["amount_paid"] == 2_000
    assert await _left_on(pg_container, dup) == NOTHING


async def test_a_payment_waiting_for_a_merge_finds_the_invoice_moved_and_is_refused(
    pg_client: httpx.AsyncClient, pg_container: Container, pg_tenant: Tenant
) -> None:
    dup, into = await _pair(pg_client)
    invoice = await make_invoice(pg_client, dup, amount=5_000)

    async def merge(uow: SqlUnitOfWork) -> Merged:
        scoped = cast(MergeUnitOfWork, uow.scope_to(pg_tenant.partner_id))
        return await merge_customer(MergeCustomer(dup, into, actor="test"), scoped, clock=pg_container.clock)

    async def record() -> None:
        async with pg_container.uow() as uow:
            cmd = RecordOfflinePayment(dup, MethodType.CHECK, (Allocation(invoice["id"], 2_000),))
            await record_offline_payment(cmd, uow.scope_to(pg_tenant.partner_id), clock=pg_container.clock)
            await uow.commit()

    _, recording = await _first_holds_second_waits(pg_container, merge, record)

    error = recording.exception()
    assert isinstance(error, InvalidRequest) and error.code is ErrorCode.INVOICE_CUSTOMER_MISMATCH
    r = await pay(pg_client, dup, [(invoice["id"], 2_000)])  # the same refusal, as the API answers it
    assert (r.status_code, r.json()["code"]) == (400, "invoice_customer_mismatch")
    assert (await pg_client.get(f"/v1/invoices/{invoice['id']}")).json()["amount_paid"] == 0
    assert await _left_on(pg_container, dup) == NOTHING


async def test_a_payment_between_the_merges_customer_and_invoice_locks_does_not_deadlock(
    pg_client: httpx.AsyncClient, pg_container: Container, pg_tenant: Tenant
) -> None:
    """The merge has locked the customers, not yet the invoices, when a payment locks one and inserts its row:
    the payment's foreign-key check (FOR KEY SHARE) must not wait for the merge, which is about to wait for it."""
    dup, into = await _pair(pg_client)
    invoice = await make_invoice(pg_client, dup, amount=5_000)

    async with pg_container.uow() as merging, pg_container.uow() as paying:
        scoped = cast(MergeUnitOfWork, merging.scope_to(pg_tenant.partner_id))
        for customer_id in sorted((dup, into)):
            await scoped.customers.lock(customer_id)
        cmd = RecordOfflinePayment(dup, MethodType.CASH, (Allocation(invoice["id"], 1_000),))
        payment = await asyncio.wait_for(
            record_offline_payment(cmd, paying.scope_to(pg_tenant.partner_id), clock=pg_container.clock), 10
        )
        merge = asyncio.ensure_future(
            merge_customer(MergeCustomer(dup, into, actor="test"), scoped, clock=pg_container.clock)
        )
        await asyncio.sleep(WAIT)
        assert not merge.done()  # waiting for the payment's invoice lock
        await paying.commit()
        merged = await asyncio.wait_for(merge, 30)
        await merging.commit()

    assert merged.moved["payments"] == 1
    assert (await pg_client.get(f"/v1/payments/{payment.id}")).json()["customer_id"] == into
    assert await _left_on(pg_container, dup) == NOTHING


# Everything at once, through the API


async def test_a_merge_racing_every_write_for_the_duplicate_leaves_nothing_behind(
    pg_client: httpx.AsyncClient, pg_container: Container
) -> None:
    dup, into = await _pair(pg_client)
    invoices = [await make_invoice(pg_client, dup, amount=10_000) for _ in range(4)]
    card = await save_test_method(pg_client, dup)
    tokens = [await token_for(pg_client) for _ in range(3)]

    writes = [
        *(make_invoice_response(pg_client, dup) for _ in range(4)),
        *(pg_client.post(f"/v1/customers/{dup}/payment-methods", json={"token": t}) for t in tokens),
        *(pay(pg_client, dup, [(i["id"], 1_000)], method="cash") for i in invoices),
        *(charge_saved(pg_client, dup, card["id"], [(i["id"], 500)]) for i in invoices[:2]),
    ]
    merge, *responses = await asyncio.gather(
        pg_client.post(f"/v1/customers/{dup}/merge", json={"into_customer_id": into}), *writes
    )

    assert merge.status_code == 200, merge.text
    statuses = [r.status_code for r in responses]
    assert all(s < 500 for s in statuses), [(r.status_code, r.text) for r in responses]
    refused = {r.json()["code"] for r in responses if r.status_code >= 400}
    assert refused <= {"customer_merged", "invoice_customer_mismatch"}, refused
    assert await _left_on(pg_container, dup) == NOTHING
    created = [r.json()["id"] for r in responses[:4] if r.status_code == 201]
    for invoice_id in created:
        assert (await pg_client.get(f"/v1/invoices/{invoice_id}")).json()["customer_id"] == into


async def make_invoice_response(client: httpx.AsyncClient, customer_id: str) -> httpx.Response:
    line = {"description": "Cleaning", "quantity": 1, "unit_amount": 5_000}
    return await client.post("/v1/invoices", json={"customer_id": customer_id, "currency": "USD", "lines": [line]})
