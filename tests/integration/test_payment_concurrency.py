"""Charging, refunding and processor events under real parallel connections on PostgreSQL.

Money never goes wrong: however many requests race, one invoice is charged once, one idempotency key makes one
charge, refunds never exceed the capture, one event changes state once, and a crash between the processor's
success and our commit is recovered into exactly one charge and one ledger entry.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from adapters.bootstrap import Container, build
from adapters.db.verify import verify_ledger
from adapters.processors.sandbox.faults import SimulatedCrash
from adapters.settings import Settings
from api.app import create_app
from api.idempotency import ABANDONED_AFTER
from domain.payments import charges, recovery
from domain.payments.model import Allocation, PaymentStatus
from tests.conftest import UNLIMITED, Tenant, make_tenant
from tests.factories import charge_saved as charge
from tests.factories import make_customer, make_invoice, save_test_method
from workers import jobs
from workers.context import JobContext
from workers.payments import sweep_in_flight

BUSY = {"amount_exceeds_due", "resource_busy", "invoice_not_payable"}  # what a losing payment may be told
SECONDS = 20  # each race must settle well within this


@dataclass
class Rig:
    container: Container
    tenant: Tenant
    client: httpx.AsyncClient

    @property
    def partner_id(self) -> str:
        return self.tenant.partner_id

    async def scalar(self, sql: str, **params: Any) -> Any:
        async with self.container.sessions() as session:
            return (await session.execute(text(sql), params)).scalar_one()

    async def execute(self, sql: str, **params: Any) -> None:
        async with self.container.sessions() as session, session.begin():
            await session.execute(text(sql), params)

    async def charges_for_invoice(self, invoice_id: str) -> int:
        """The sandbox's own charges made for any payment of ours allocated to the invoice."""
        return int(
            await self.scalar(
                "SELECT count(*) FROM sandbox_charges c WHERE c.account = :account AND c.idempotency_key IN "
                "(SELECT 'remit-' || a.payment_id FROM allocations a WHERE a.invoice_id = :invoice)",
                account=self.partner_id,
                invoice=invoice_id,
            )
        )

    async def sandbox_charges(self) -> int:
        return int(await self.scalar("SELECT count(*) FROM sandbox_charges WHERE account = :a", a=self.partner_id))

    async def entries(self, payment_id: str, reason: str) -> int:
        return int(
            await self.scalar(
                "SELECT count(*) FROM journal_entries WHERE payment_id = :p AND reason = :r", p=payment_id, r=reason
            )
        )

    async def payment(self, payment_id: str) -> dict[str, Any]:
        r = await self.client.get(f"/v1/payments/{payment_id}")
        assert r.status_code == 200, r.text
        return dict(r.json())

    async def invoice(self, invoice_id: str) -> dict[str, Any]:
        r = await self.client.get(f"/v1/invoices/{invoice_id}")
        assert r.status_code == 200, r.text
        return dict(r.json())

    async def payments_of(self, invoice_id: str) -> list[dict[str, Any]]:
        r = await self.client.get("/v1/payments", params={"invoice_id": invoice_id, "limit": 100})
        assert r.status_code == 200, r.text
        return list(r.json()["data"])

    async def ledger_is_clean(self) -> None:
        async with self.container.sessions() as session:
            assert await verify_ledger(session) == []


@pytest.fixture
async def rig(own_pg_url: str) -> AsyncIterator[Rig]:
    # 25 pooled connections plus 25 overflow for 200 requests: most wait for a connection, as they would in
    # production; rate limits are lifted (tests/api/test_rate_limits.py covers them).
    container = build(Settings(database_url=own_pg_url, env="test", db_pool_size=25, **UNLIMITED))
    tenant = await make_tenant(container)
    transport = httpx.ASGITransport(app=create_app(container))
    try:
        async with httpx.AsyncClient(
            transport=transport,
            base_url="http://remit.test",
            timeout=60,
            headers={"Authorization": f"Bearer {tenant.api_key}"},
        ) as client:
            yield Rig(container, tenant, client)
    finally:
        container.sandbox.faults.clear()
        await container.close()


@dataclass
class Bill:
    """One customer with one $100 invoice and one saved method: what a test charges, with or without a key."""

    rig: Rig
    customer: dict[str, Any]
    invoice: dict[str, Any]
    method: dict[str, Any]

    def pay(self, key: str | None = None) -> Any:
        """The POST /v1/payments paying the whole invoice with the method (a coroutine, to await or to race)."""
        headers = {"Idempotency-Key": key} if key else None
        return charge(
            self.rig.client, self.customer["id"], self.method["id"], [(self.invoice["id"], 10_000)], headers=headers
        )


async def _bill(rig: Rig, kind: str = "visa_debit") -> Bill:
    """The default debit card adds no fee, so its payments are exactly $100."""
    customer = await make_customer(rig.client)
    invoice = await make_invoice(rig.client, customer["id"], amount=10_000)
    return Bill(rig, customer, invoice, await save_test_method(rig.client, customer["id"], kind))


async def _race(requests: list[Any]) -> tuple[list[httpx.Response], float]:
    started = time.monotonic()
    responses = await asyncio.gather(*requests)
    elapsed = time.monotonic() - started
    assert elapsed < SECONDS, f"the race took {elapsed:.1f} s"
    return list(responses), elapsed


def _no_server_errors(responses: list[httpx.Response]) -> None:
    errors = [(r.status_code, r.text) for r in responses if r.status_code >= 500]
    assert not errors, errors[:3]


# Races ----------------------------------------------------------------------------------------------------------


async def test_two_hundred_card_payments_for_one_invoice_charge_it_once(rig: Rig) -> None:
    bill = await _bill(rig, "visa")
    invoice = bill.invoice

    responses, _ = await _race([bill.pay(f"race-{i}") for i in range(200)])

    _no_server_errors(responses)
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 1, 409: 199}, statuses
    won = next(r.json() for r in responses if r.status_code == 201)
    assert won["status"] == "succeeded", won
    codes = Counter(r.json()["code"] for r in responses if r.status_code == 409)
    assert set(codes) <= BUSY, codes
    assert [p["id"] for p in await rig.payments_of(invoice["id"])] == [won["id"]]
    assert await rig.charges_for_invoice(invoice["id"]) == 1
    assert await rig.sandbox_charges() == 1
    assert await rig.entries(won["id"], "payment_settled") == 1
    final = await rig.invoice(invoice["id"])
    assert (final["amount_due"], final["amount_paid"], final["status"]) == (0, 10_000, "paid")
    await rig.ledger_is_clean()


async def test_two_hundred_identical_requests_with_one_key_charge_once(rig: Rig) -> None:
    bill = await _bill(rig)
    invoice, key = bill.invoice, f"one-key-{uuid.uuid4()}"

    responses, _ = await _race([bill.pay(key) for _ in range(200)])

    _no_server_errors(responses)
    assert {r.status_code for r in responses} <= {201, 409}, Counter(r.status_code for r in responses)
    busy = {r.json()["code"] for r in responses if r.status_code == 409}
    assert busy <= {"idempotency_key_in_use"}, busy
    created = [r for r in responses if r.status_code == 201]
    assert created, "no request was answered 201"
    assert len({r.json()["id"] for r in created}) == 1
    assert {r.json()["status"] for r in created} == {"succeeded"}
    first = [r for r in created if r.headers.get("idempotent-replayed") != "true"]
    assert len(first) == 1, "exactly one request did the work; the other 201s are replays"
    assert all(r.json() == first[0].json() for r in created)

    payment_id = first[0].json()["id"]
    assert [p["id"] for p in await rig.payments_of(invoice["id"])] == [payment_id]
    assert await rig.sandbox_charges() == 1
    assert await rig.entries(payment_id, "payment_pending") == 1
    assert await rig.entries(payment_id, "payment_settled") == 1
    assert (await rig.invoice(invoice["id"]))["status"] == "paid"
    # After the race the key answers with the stored response.
    replay = await bill.pay(key)
    assert replay.status_code == 201 and replay.headers.get("idempotent-replayed") == "true"
    assert replay.json() == first[0].json()
    await rig.ledger_is_clean()


async def test_fifty_ten_dollar_refunds_of_a_hundred_dollars_ten_succeed(rig: Rig) -> None:
    r = await (await _bill(rig)).pay()
    assert r.status_code == 201 and r.json()["amount"] == 10_000, r.text
    payment = r.json()
    url = f"/v1/payments/{payment['id']}/refunds"

    responses, _ = await _race(
        [rig.client.post(url, json={"amount": 1_000}, headers={"Idempotency-Key": f"refund-{i}"}) for i in range(50)]
    )

    _no_server_errors(responses)
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 10, 409: 40}, (statuses, [r.text for r in responses if r.status_code != 201][:3])
    assert {r.json()["status"] for r in responses if r.status_code == 201} == {"succeeded"}
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"amount_exceeds_refundable"}
    refunded = await rig.scalar(
        "SELECT amount_refunded FROM sandbox_charges WHERE id = :id", id=payment["processor_payment_id"]
    )
    assert refunded == 10_000
    assert (
        await rig.scalar(
            "SELECT count(*) FROM sandbox_refunds WHERE charge_id = :id", id=payment["processor_payment_id"]
        )
        == 10
    )
    assert await rig.entries(payment["id"], "refund_issued") == 10
    assert (await rig.payment(payment["id"]))["status"] == "refunded"
    listed = (await rig.client.get(url)).json()["data"]
    assert sorted((x["amount"], x["status"]) for x in listed) == [(1_000, "succeeded")] * 10
    await rig.ledger_is_clean()


async def test_one_event_delivered_ten_times_at_once_settles_once(rig: Rig) -> None:
    bill = await _bill(rig, "settles")
    invoice = bill.invoice
    r = await bill.pay()
    assert r.status_code == 201 and r.json()["status"] == "pending", r.text
    payment = r.json()
    pending = await rig.invoice(invoice["id"])
    assert (pending["amount_pending"], pending["amount_paid"]) == (10_000, 0)
    assert pending["status"] != "paid"  # never shown paid before the debit settles

    # Five days always hold two banking days; the sandbox hands back its signed events instead of delivering them.
    signed = await rig.container.sandbox.advance(rig.partner_id, 5)
    settled = [(body, headers) for body, headers in signed if b'"charge.succeeded"' in body]
    assert len(settled) == 1, [body for body, _ in signed]
    body, headers = settled[0]

    async def deliver() -> httpx.Response:
        return await rig.client.post(
            "/webhooks/sandbox", content=body, headers={**headers, "Content-Type": "application/json"}
        )

    responses, _ = await _race([deliver() for _ in range(10)])

    _no_server_errors(responses)
    assert [r.status_code for r in responses] == [200] * 10, [r.text for r in responses]
    assert sorted(r.json()["duplicate"] for r in responses) == [False] + [True] * 9
    event_id = json.loads(body)["id"]
    assert await rig.scalar("SELECT count(*) FROM processor_events WHERE event_id = :e", e=event_id) == 1
    assert await rig.entries(payment["id"], "payment_settled") == 1
    assert (await rig.payment(payment["id"]))["status"] == "settled"
    final = await rig.invoice(invoice["id"])
    assert (final["status"], final["amount_paid"], final["amount_pending"]) == ("paid", 10_000, 0)
    # Delivered again later, or delivered late after the payment moved on: still one change.
    again = await deliver()
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert await rig.entries(payment["id"], "payment_settled") == 1
    await rig.ledger_is_clean()


async def test_events_out_of_order_and_repeated_reach_the_same_final_state(rig: Rig) -> None:
    """A debit that settles and then comes back R01: its two events delivered in order or reversed, each twice at
    once, leave the same payment, invoice and fee."""
    customer = await make_customer(rig.client)
    bank = await save_test_method(rig.client, customer["id"], "returns_r01")
    invoices, payments = [], []
    for _ in range(2):
        invoice = await make_invoice(rig.client, customer["id"], amount=10_000)
        r = await charge(rig.client, customer["id"], bank["id"], [(invoice["id"], 10_000)])
        assert r.status_code == 201 and r.json()["status"] == "pending", r.text
        invoices.append(invoice)
        payments.append(r.json())
    # Ten days hold the two banking days to settlement and the two more until the R01 return.
    signed = await rig.container.sandbox.advance(rig.partner_id, 10)
    by_charge: dict[str, list[tuple[str, bytes, dict[str, str]]]] = {}
    for body, headers in signed:
        event = json.loads(body)
        by_charge.setdefault(event["data"]["object"]["id"], []).append((event["type"], body, headers))
    in_order = by_charge[await _charge_id(rig, payments[0]["id"])]
    reversed_ = by_charge[await _charge_id(rig, payments[1]["id"])][::-1]
    assert [t for t, _, _ in in_order] == ["charge.succeeded", "charge.returned"]

    for deliveries in (in_order, reversed_):
        for _, body, headers in deliveries:
            responses, _ = await _race(
                [rig.client.post("/webhooks/sandbox", content=body, headers=headers) for _ in range(2)]
            )
            assert [r.status_code for r in responses] == [200, 200], [r.text for r in responses]
            assert sorted(r.json()["duplicate"] for r in responses) == [False, True]

    finals = []
    for payment, invoice in zip(payments, invoices, strict=True):
        got = await rig.payment(payment["id"])
        inv = await rig.invoice(invoice["id"])
        finals.append(
            (
                got["status"],
                got["return_code"],
                inv["status"],
                inv["amount_due"],
                inv["amount_paid"],
                inv["amount_pending"],
                await rig.entries(payment["id"], "payment_returned"),
                await rig.entries(payment["id"], "fee_charged"),
            )
        )
    assert finals[0] == finals[1] == ("returned", "R01", "open", 10_000, 0, 0, 1, 1), finals
    await rig.ledger_is_clean()


async def _charge_id(rig: Rig, payment_id: str) -> str:
    return str(
        await rig.scalar(
            "SELECT id FROM sandbox_charges WHERE account = :a AND idempotency_key = :k",
            a=rig.partner_id,
            k=f"remit-{payment_id}",
        )
    )


# Crashes --------------------------------------------------------------------------------------------------------


class _Queue:
    def __init__(self) -> None:
        self.jobs: list[tuple[str, dict[str, Any]]] = []

    async def enqueue(self, job: str, **kwargs: Any) -> None:
        self.jobs.append((job, kwargs))


@pytest.mark.parametrize("fault", ["crash_after", "lost_response", "timeout", "error"])
async def test_a_charge_interrupted_at_any_step_is_recovered_into_one_charge(rig: Rig, fault: str) -> None:
    """crash_after: the process dies after the processor charged and before we recorded it; lost_response: the
    charge was made but its answer never came; timeout and error: the processor never charged."""
    bill = await _bill(rig)
    invoice, container = bill.invoice, rig.container
    container.sandbox.faults.inject("charge", fault)  # type: ignore[arg-type]
    cmd = charges.PayInvoices(
        customer_id=bill.customer["id"],
        payment_method_id=bill.method["id"],
        allocations=(Allocation(invoice["id"], 10_000),),
    )

    async with container.uow() as uow:
        uow.scope_to(rig.partner_id)
        started = await charges.start_payment(cmd, uow, clock=container.clock)
        # submit_payment makes the reservation durable before the processor is called
        submit = charges.submit_payment(
            started, uow, processors=container.processors, clock=container.clock, checkpoint=uow.checkpoint
        )
        if fault == "crash_after":
            with pytest.raises(SimulatedCrash):
                await submit
        else:
            answered = await submit
            assert answered.status is PaymentStatus.PROCESSING
            await uow.commit()
    payment_id = started.payment.id

    # In flight: reserved on the invoice, not paid; the processor holds a charge unless it never got the call.
    assert (await rig.payment(payment_id))["status"] == "processing"
    held = await rig.invoice(invoice["id"])
    assert (held["amount_pending"], held["amount_due"], held["amount_paid"]) == (10_000, 0, 0)
    assert await rig.sandbox_charges() == (1 if fault in ("crash_after", "lost_response") else 0)
    assert await rig.entries(payment_id, "payment_settled") == 0

    # The recovery sweep finds it and its job converges on the processor's state (one charge, whatever the fault).
    queue = _Queue()
    await sweep_in_flight(JobContext(container, queue), grace_seconds=0)
    mine = [(job, kw) for job, kw in queue.jobs if kw["partner_id"] == rig.partner_id]
    assert mine == [("payments.refresh", {"partner_id": rig.partner_id, "ident": payment_id})]
    for _ in range(2):  # a repeated job changes nothing: exactly-once lives in the use case
        assert await jobs.JOBS["payments.refresh"](JobContext(container, queue), **mine[0][1]) == "succeeded"
    queue = _Queue()
    await sweep_in_flight(JobContext(container, queue), grace_seconds=0)
    assert not [kw for _, kw in queue.jobs if kw["partner_id"] == rig.partner_id], "still in flight"
    async with container.uow() as uow:  # and the use case itself, once more
        again = await recovery.refresh_payment(
            recovery.RefreshPayment(payment_id),
            uow.scope_to(rig.partner_id),
            processors=container.processors,
            clock=container.clock,
            checkpoint=uow.checkpoint,
        )
        await uow.commit()
    assert again.status is PaymentStatus.SUCCEEDED

    done = await rig.payment(payment_id)
    assert done["status"] == "succeeded" and done["processor_payment_id"], done
    assert await rig.sandbox_charges() == 1
    assert await rig.charges_for_invoice(invoice["id"]) == 1
    assert await rig.entries(payment_id, "payment_pending") == 1
    assert await rig.entries(payment_id, "payment_settled") == 1
    final = await rig.invoice(invoice["id"])
    assert (final["status"], final["amount_paid"], final["amount_pending"]) == ("paid", 10_000, 0)
    await rig.ledger_is_clean()


async def _age_key(rig: Rig, key: str) -> None:
    """Time passing for one idempotency key: its row now looks older than the 60 s after which an attempt that
    never answered counts as abandoned."""
    seconds = (ABANDONED_AFTER + timedelta(seconds=1)).total_seconds()
    await rig.execute(
        "UPDATE idempotency_keys SET created_at = created_at - make_interval(secs => :s) "
        "WHERE partner_id = :p AND key = :k",
        s=seconds,
        p=rig.partner_id,
        k=key,
    )


async def test_a_request_that_died_after_the_charge_is_resumed_by_its_retry(rig: Rig) -> None:
    bill = await _bill(rig)
    invoice, key = bill.invoice, f"died-{uuid.uuid4()}"

    rig.container.sandbox.faults.inject("charge", "crash_after")
    with pytest.raises(SimulatedCrash):  # the server process dies: the client gets no answer
        await bill.pay(key)
    assert await rig.sandbox_charges() == 1
    (stuck,) = await rig.payments_of(invoice["id"])
    assert stuck["status"] == "processing"

    # Retried at once, the first attempt might still be running: refused, nothing done.
    busy = await bill.pay(key)
    assert busy.status_code == 409 and busy.json()["code"] == "idempotency_key_in_use", busy.text
    assert busy.json()["context"]["resource_id"] == stuck["id"]

    await _age_key(rig, key)
    resumed = await bill.pay(key)
    assert resumed.status_code == 201, resumed.text
    assert resumed.json()["id"] == stuck["id"] and resumed.json()["status"] == "succeeded"
    replay = await bill.pay(key)
    assert replay.headers.get("idempotent-replayed") == "true" and replay.json() == resumed.json()

    assert await rig.sandbox_charges() == 1
    assert [p["id"] for p in await rig.payments_of(invoice["id"])] == [stuck["id"]]
    assert await rig.entries(stuck["id"], "payment_settled") == 1
    assert (await rig.invoice(invoice["id"]))["status"] == "paid"
    await rig.ledger_is_clean()


async def test_concurrent_retries_of_an_abandoned_request_resume_it_once(rig: Rig) -> None:
    bill = await _bill(rig)
    key = f"died-{uuid.uuid4()}"
    rig.container.sandbox.faults.inject("charge", "crash_after")
    with pytest.raises(SimulatedCrash):
        await bill.pay(key)
    await _age_key(rig, key)

    responses, _ = await _race([bill.pay(key) for _ in range(20)])

    _no_server_errors(responses)
    assert {r.status_code for r in responses} <= {201, 409}
    assert {r.json()["code"] for r in responses if r.status_code == 409} <= {"idempotency_key_in_use"}
    created = [r for r in responses if r.status_code == 201]
    assert len([r for r in created if r.headers.get("idempotent-replayed") != "true"]) == 1
    assert {r.json()["status"] for r in created} == {"succeeded"}
    assert await rig.sandbox_charges() == 1
    (payment,) = await rig.payments_of(bill.invoice["id"])
    assert await rig.entries(payment["id"], "payment_settled") == 1
    await rig.ledger_is_clean()


async def test_a_lost_processor_answer_answers_processing_and_is_recovered(rig: Rig) -> None:
    bill = await _bill(rig)
    invoice, key = bill.invoice, f"lost-{uuid.uuid4()}"

    rig.container.sandbox.faults.inject("charge", "lost_response")
    first = await bill.pay(key)
    assert first.status_code == 201, first.text
    assert first.json()["status"] == "processing" and first.json()["processor_payment_id"] is None
    assert await rig.sandbox_charges() == 1
    held = await rig.invoice(invoice["id"])
    assert (held["amount_pending"], held["amount_due"], held["amount_paid"]) == (10_000, 0, 0)
    assert held["status"] != "paid"

    # "processing" is not a final answer, so it is not stored: an immediate retry is told the request is still in
    # flight and which payment it made, and acts on nothing.
    retry = await bill.pay(key)
    assert retry.status_code == 409, retry.text
    assert (retry.json()["code"], retry.json()["context"]["resource_id"]) == (
        "idempotency_key_in_use",
        first.json()["id"],
    )
    assert await rig.sandbox_charges() == 1

    # The recovery job asks the processor again with the same key and converges on its one charge.
    async with rig.container.uow() as uow:
        recovered = await recovery.refresh_payment(
            recovery.RefreshPayment(first.json()["id"]),
            uow.scope_to(rig.partner_id),
            processors=rig.container.processors,
            clock=rig.container.clock,
            checkpoint=uow.checkpoint,
        )
        await uow.commit()
    assert recovered.status is PaymentStatus.SUCCEEDED
    assert await rig.sandbox_charges() == 1
    assert await rig.entries(first.json()["id"], "payment_settled") == 1
    assert (await rig.invoice(invoice["id"]))["status"] == "paid"
    await rig.ledger_is_clean()


async def test_a_retry_after_a_lost_processor_answer_resumes_the_payment(rig: Rig) -> None:
    bill = await _bill(rig)
    key = f"lost-{uuid.uuid4()}"
    rig.container.sandbox.faults.inject("charge", "lost_response")
    first = await bill.pay(key)
    assert first.status_code == 201 and first.json()["status"] == "processing", first.text

    await _age_key(rig, key)
    retry = await bill.pay(key)
    assert retry.status_code == 201, retry.text
    assert retry.json()["id"] == first.json()["id"]
    assert await rig.sandbox_charges() == 1
    assert retry.json()["status"] == "succeeded", retry.json()  # today: the stored "processing", replayed
