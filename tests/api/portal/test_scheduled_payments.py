"""Scheduled payments: the days allowed, what is resolved when scheduling, cancellation by either side, and the
jobs that charge them on the day: exactly once however often they run, and failing cleanly."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from adapters.bootstrap import Container
from adapters.db.tables import OutboxEventRow
from adapters.processors.sandbox.faults import SimulatedCrash
from adapters.processors.sandbox.tables import SandboxChargeRow
from domain.clock import FixedClock
from tests.conftest import Tenant
from tests.factories import pay
from tests.portal_customers import PortalCustomer, Portals, row_counts
from tests.portal_helpers import last_email
from workers import jobs
from workers.outbox import notify_outbox
from workers.queue import InProcessQueue


@pytest.fixture
async def portals(client: httpx.AsyncClient, container: Container, tenant: Tenant) -> AsyncIterator[Portals]:
    async with Portals(client, container, tenant) as p:
        yield p


def iso(d: date) -> str:
    return d.isoformat()


async def schedule(c: PortalCustomer, **body: Any) -> httpx.Response:
    return await c.browser.post("/portal/v1/scheduled-payments", json=body)


def on(container: Container, day: date) -> Container:
    """The same installation, as its workers see it on `day`."""
    return dataclasses.replace(container, clock=FixedClock(datetime.combine(day, time(0, 5), UTC)))


async def execute(container: Container, tenant: Tenant, ident: str) -> str:
    """The job, then what its commit hands to the queue: its events' handling (the emails it causes)."""
    ctx = InProcessQueue(container).context
    status = await jobs.JOBS["scheduled_payments.execute"](ctx, partner_id=tenant.partner_id, ident=ident)
    await notify_outbox(ctx)
    return str(status)


async def run_cron(container: Container) -> int:
    queue = InProcessQueue(container)
    fanned = int(await jobs.JOBS["scheduled_payments.run_due"](queue.context))
    await queue.drain()
    return fanned


async def sandbox_charges(container: Container, tenant: Tenant) -> int:
    async with container.sessions() as session:
        count = await session.scalar(
            select(func.count()).select_from(SandboxChargeRow).where(SandboxChargeRow.account == tenant.partner_id)
        )
    return int(count or 0)


async def scheduled_view(c: PortalCustomer, ident: str) -> dict[str, Any]:
    rows = (await c.browser.get("/portal/v1/scheduled-payments", params={"limit": 100})).json()["data"]
    return next(r for r in rows if r["id"] == ident)


async def test_an_overdue_invoice_is_scheduled_up_to_the_partners_days_ahead(
    portals: Portals, container: Container
) -> None:
    c = await portals.customer()
    today = container.clock.today()
    overdue = await c.invoice(
        1_000, issue_date=iso(today - timedelta(days=30)), due_date=iso(today - timedelta(days=1))
    )
    card = await c.method("visa")
    body = {"payment_method_id": card["id"], "amount": 1_000, "invoice_ids": [overdue["id"]]}

    too_far = await schedule(c, **body, scheduled_for=iso(today + timedelta(days=8)))
    assert too_far.status_code == 400, too_far.text
    assert too_far.json()["code"] == "invalid_scheduled_date"
    assert iso(today + timedelta(days=7)) in too_far.json()["detail"], "the refusal names the last day allowed"

    r = await c.partner.patch("/v1/settings/payments", json={"overdue_schedule_days": 0})
    assert r.status_code == 200 and r.json()["overdue_schedule_days"] == 0, r.text
    refused = await schedule(c, **body, scheduled_for=iso(today + timedelta(days=1)))
    assert refused.status_code == 400 and "pay it now" in refused.json()["detail"], refused.text

    r = await c.partner.patch("/v1/settings/payments", json={"overdue_schedule_days": 7})
    assert r.status_code == 200, r.text
    made = await schedule(c, **body, scheduled_for=iso(today + timedelta(days=7)))
    assert made.status_code == 201, made.text
    assert made.json()["scheduled_for"] == iso(today + timedelta(days=7))


async def test_the_days_ahead_setting_is_bounded(portals: Portals) -> None:
    for bad in (-1, 61, "7", 1.5):
        r = await portals.partner.patch("/v1/settings/payments", json={"overdue_schedule_days": bad})
        assert r.status_code == 422, (bad, r.text)
    assert (await portals.partner.get("/v1/settings/payments")).json()["overdue_schedule_days"] == 7


async def test_days_from_tomorrow_to_the_earliest_due_date(portals: Portals, container: Container) -> None:
    c = await portals.customer()
    today = container.clock.today()
    soon = await c.invoice(2_000, due_date=iso(today + timedelta(days=5)))
    later = await c.invoice(3_000, due_date=iso(today + timedelta(days=20)))
    card = await c.method("visa")
    both = {"payment_method_id": card["id"], "amount": 5_000, "invoice_ids": [soon["id"], later["id"]]}
    for bad in (today, today + timedelta(days=6), today - timedelta(days=1)):
        r = await schedule(c, **both, scheduled_for=iso(bad))
        assert r.status_code == 400 and r.json()["code"] == "invalid_scheduled_date", (bad, r.text)

    r = await schedule(c, **both, scheduled_for=iso(today + timedelta(days=5)))
    assert r.status_code == 201, r.text
    made = r.json()
    assert (made["status"], made["amount"], made["scheduled_for"], made["method_label"]) == (
        "scheduled",
        5_000,
        iso(today + timedelta(days=5)),
        "Visa •••• 4242",
    )
    assert [(a["invoice_id"], a["invoice_number"], a["amount"]) for a in made["allocations"]] == [
        (soon["id"], soon["number"], 2_000),
        (later["id"], later["number"], 3_000),
    ]
    # One at a time per invoice; nothing is held meanwhile
    r = await schedule(
        c,
        payment_method_id=card["id"],
        amount=1_000,
        invoice_ids=[later["id"]],
        scheduled_for=iso(today + timedelta(days=2)),
    )
    assert r.status_code == 409 and r.json()["code"] == "already_scheduled", r.text
    inv = (await c.browser.get(f"/portal/v1/invoices/{later['id']}")).json()
    assert (inv["amount_due"], inv["amount_pending"]) == (3_000, 0)
    # The method it will use cannot be removed until it is canceled
    r = await c.browser.delete(f"/portal/v1/payment-methods/{card['id']}")
    assert r.status_code == 409 and r.json()["code"] == "method_scheduled", r.text
    # Partner rules apply when scheduling too
    assert (await c.partner.patch("/v1/settings/payments", json={"partial_payments": False})).status_code == 200
    third = await c.invoice(9_000, due_date=iso(today + timedelta(days=9)))
    r = await schedule(
        c,
        payment_method_id=card["id"],
        allocations=[{"invoice_id": third["id"], "amount": 100}],
        scheduled_for=iso(today + timedelta(days=3)),
    )
    assert r.status_code == 409 and r.json()["code"] == "partial_payments_disabled", r.text


async def test_it_runs_on_its_day_once_however_often_the_jobs_run(
    portals: Portals, container: Container, tenant: Tenant
) -> None:
    c = await portals.customer()
    today = container.clock.today()
    invoice = await c.invoice(10_000, due_date=iso(today + timedelta(days=10)))
    card = await c.method("visa")
    day = today + timedelta(days=3)
    r = await schedule(
        c,
        payment_method_id=card["id"],
        allocations=[{"invoice_id": invoice["id"], "amount": 10_000}],
        scheduled_for=iso(day),
    )
    assert r.status_code == 201, r.text
    ident = r.json()["id"]

    # The day before, nothing happens, whether the cron or the job itself runs
    await run_cron(on(container, day - timedelta(days=1)))
    assert await execute(on(container, day - timedelta(days=1)), tenant, ident) == "scheduled"
    assert await sandbox_charges(container, tenant) == 0

    assert await run_cron(on(container, day)) >= 1  # other tests' schedules may be due too
    assert (await scheduled_view(c, ident))["status"] == "executed"
    await run_cron(on(container, day))
    assert await execute(on(container, day), tenant, ident) == "executed"
    assert await sandbox_charges(container, tenant) == 1

    done = await scheduled_view(c, ident)
    assert done["status"] == "executed" and done["payment_id"] and done["executed_at"]
    payment = (await c.browser.get(f"/portal/v1/payments/{done['payment_id']}")).json()
    assert (payment["status"], payment["fee"], payment["amount"], payment["received_on"]) == (
        "succeeded",
        320,
        10_320,
        iso(day),
    )
    assert (await c.browser.get(f"/portal/v1/invoices/{invoice['id']}")).json()["status"] == "paid"
    mail = await last_email(container, c.email, "scheduled_payment_executed")
    assert mail.context == {
        "customer_id": c.customer["id"],
        "transaction_id": payment["transaction_id"],
        "amount": 10_320,
        "currency": "USD",
        "scheduled_for": iso(day),
        "status": "succeeded",
        "invoices": [
            {
                "number": invoice["number"],
                "amount": 10_000,
                "due": 0,
                "pending": 0,
                "standing": "paid",
                "qualifiers": [],
            }
        ],
    }
    r = await c.browser.post(f"/portal/v1/scheduled-payments/{ident}/cancel")
    assert r.status_code == 409 and r.json()["code"] == "scheduled_payment_not_cancelable", r.text


async def test_a_crash_after_the_charge_is_resumed_not_repeated(
    portals: Portals, container: Container, tenant: Tenant
) -> None:
    c = await portals.customer()
    today = container.clock.today()
    invoice = await c.invoice(10_000, due_date=iso(today + timedelta(days=10)))
    bank = await c.method("settles")
    day = today + timedelta(days=1)
    r = await schedule(c, payment_method_id=bank["id"], amount=10_000, scheduled_for=iso(day))
    assert r.status_code == 201, r.text
    ident = r.json()["id"]

    container.sandbox.faults.inject("charge", "crash_after")
    try:
        with pytest.raises(SimulatedCrash):
            await execute(on(container, day), tenant, ident)
    finally:
        container.sandbox.faults.clear()
    crashed = await scheduled_view(c, ident)
    assert crashed["status"] == "processing" and crashed["payment_id"]
    assert await sandbox_charges(container, tenant) == 1

    assert await execute(on(container, day), tenant, ident) == "executed"
    assert await execute(on(container, day), tenant, ident) == "executed"
    assert await sandbox_charges(container, tenant) == 1
    done = await scheduled_view(c, ident)
    assert done["payment_id"] == crashed["payment_id"]
    payments = (await c.browser.get("/portal/v1/payments")).json()["data"]
    assert [(p["id"], p["status"]) for p in payments] == [(done["payment_id"], "pending")]
    inv = (await c.browser.get(f"/portal/v1/invoices/{invoice['id']}")).json()
    assert (inv["amount_pending"], inv["amount_due"]) == (10_000, 0)


async def test_canceled_by_either_side_before_it_runs(portals: Portals, container: Container, tenant: Tenant) -> None:
    c = await portals.customer()
    today = container.clock.today()
    first = await c.invoice(1_000, due_date=iso(today + timedelta(days=10)))
    second = await c.invoice(2_000, due_date=iso(today + timedelta(days=10)))
    card = await c.method("visa")
    day = today + timedelta(days=2)
    mine = (
        await schedule(c, payment_method_id=card["id"], amount=1_000, invoice_ids=[first["id"]], scheduled_for=iso(day))
    ).json()
    theirs = (
        await schedule(
            c, payment_method_id=card["id"], amount=2_000, invoice_ids=[second["id"]], scheduled_for=iso(day)
        )
    ).json()

    r = await c.browser.post(f"/portal/v1/scheduled-payments/{mine['id']}/cancel")
    assert r.status_code == 200 and r.json()["status"] == "canceled", r.text
    r = await c.partner.post(f"/v1/scheduled-payments/{theirs['id']}/cancel")
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["canceled_by"]) == ("canceled", f"api_key:{tenant.api_key_id}")
    r = await c.partner.post(f"/v1/scheduled-payments/{theirs['id']}/cancel")
    assert r.status_code == 409, r.text

    assert await execute(on(container, day), tenant, mine["id"]) == "canceled"
    assert await execute(on(container, day), tenant, theirs["id"]) == "canceled"
    assert await sandbox_charges(container, tenant) == 0
    listed = (await c.partner.get("/v1/scheduled-payments", params={"customer_id": c.id})).json()["data"]
    assert [(s["id"], s["status"]) for s in listed] == [(theirs["id"], "canceled"), (mine["id"], "canceled")]
    one = (await c.partner.get(f"/v1/scheduled-payments/{mine['id']}")).json()
    assert one["canceled_by"].startswith("portal:pus_") and one["portal_user_id"]
    # Canceled, the invoice can be scheduled again
    r = await schedule(c, payment_method_id=card["id"], amount=1_000, invoice_ids=[first["id"]], scheduled_for=iso(day))
    assert r.status_code == 201, r.text


async def test_an_invoice_paid_meanwhile_or_a_decline_fails_it_with_the_reason(
    portals: Portals, container: Container, tenant: Tenant
) -> None:
    c = await portals.customer()
    today = container.clock.today()
    day = today + timedelta(days=1)
    paid_by_check = await c.invoice(1_000, due_date=iso(today + timedelta(days=10)))
    declined = await c.invoice(2_000, due_date=iso(today + timedelta(days=10)))
    card = await c.method("visa")
    bad_card = await c.method("declined")
    first = (
        await schedule(
            c, payment_method_id=card["id"], amount=1_000, invoice_ids=[paid_by_check["id"]], scheduled_for=iso(day)
        )
    ).json()
    second = (
        await schedule(
            c, payment_method_id=bad_card["id"], amount=2_000, invoice_ids=[declined["id"]], scheduled_for=iso(day)
        )
    ).json()
    assert (await pay(c.partner, c.id, [(paid_by_check["id"], 1_000)])).status_code == 201

    before = await row_counts(container, tenant)
    assert await execute(on(container, day), tenant, first["id"]) == "failed"
    after = await row_counts(container, tenant)
    assert (after["payments"], after["journal_entries"]) == (before["payments"], before["journal_entries"])
    failed = await scheduled_view(c, first["id"])
    assert "paid" in failed["failure_message"] and failed["payment_id"] is None
    mail = await last_email(container, c.email, "scheduled_payment_failed")
    assert mail.context["reason"] == failed["failure_message"] and mail.context["amount"] == 1_000

    assert await execute(on(container, day), tenant, second["id"]) == "failed"
    assert await execute(on(container, day), tenant, second["id"]) == "failed"
    failed = await scheduled_view(c, second["id"])
    assert failed["failure_message"] == "The card was declined." and failed["payment_id"]
    assert (await c.browser.get(f"/portal/v1/invoices/{declined['id']}")).json()["amount_due"] == 2_000
    mails = await last_email(container, c.email, "scheduled_payment_failed")
    assert mails.context["reason"] == "The card was declined."


@pytest.mark.parametrize(
    ("take_back", "scheduled_amount", "reason"),
    [
        ({"write_off": None}, 10_000, "was written off."),
        ({"write_off": 3_000}, 10_000, "was partly written off"),
        ({"void": True}, 10_000, "was voided."),
    ],
)
async def test_a_schedule_whose_invoice_was_taken_back_is_canceled_on_its_day(
    portals: Portals,
    container: Container,
    tenant: Tenant,
    take_back: dict[str, Any],
    scheduled_amount: int,
    reason: str,
) -> None:
    c = await portals.customer()
    today = container.clock.today()
    invoice = await c.invoice(10_000, due_date=iso(today + timedelta(days=10)))
    card = await c.method("visa")
    day = today + timedelta(days=2)
    r = await schedule(
        c,
        payment_method_id=card["id"],
        allocations=[{"invoice_id": invoice["id"], "amount": scheduled_amount}],
        scheduled_for=iso(day),
    )
    assert r.status_code == 201, r.text
    ident = r.json()["id"]
    if "void" in take_back:
        done = await c.partner.post(f"/v1/invoices/{invoice['id']}/void")
    else:
        amount = take_back["write_off"]
        body = {"reason": "Out of business", **({"amount": amount} if amount else {})}
        done = await c.partner.post(f"/v1/invoices/{invoice['id']}/write-off", json=body)
    assert done.status_code == 200, done.text
    assert (await scheduled_view(c, ident))["status"] == "scheduled", "canceled on its day, not before"

    assert await execute(on(container, day), tenant, ident) == "canceled"
    assert await execute(on(container, day), tenant, ident) == "canceled"  # again: nothing more happens
    assert await sandbox_charges(container, tenant) == 0
    view = await scheduled_view(c, ident)
    assert (view["status"], view["failure_message"], view["payment_id"]) == ("canceled", None, None)
    assert reason in view["cancel_reason"] and invoice["number"] in view["cancel_reason"]
    partner_view = (await c.partner.get("/v1/scheduled-payments", params={"customer_id": c.id})).json()["data"]
    assert [(s["status"], s["canceled_by"], s["cancel_reason"]) for s in partner_view] == [
        ("canceled", "system", view["cancel_reason"])
    ]
    async with container.sessions() as session:
        events = list(
            await session.scalars(
                select(OutboxEventRow.payload).where(
                    OutboxEventRow.partner_id == tenant.partner_id,
                    OutboxEventRow.type == "scheduled_payment.canceled",
                )
            )
        )
    assert [(e["scheduled_payment_id"], e["canceled_by"]) for e in events] == [(ident, "system")]


async def test_a_partial_write_off_that_leaves_enough_due_still_charges(
    portals: Portals, container: Container, tenant: Tenant
) -> None:
    c = await portals.customer()
    today = container.clock.today()
    invoice = await c.invoice(10_000, due_date=iso(today + timedelta(days=10)))
    card = await c.method("visa")
    day = today + timedelta(days=2)
    r = await schedule(
        c,
        payment_method_id=card["id"],
        allocations=[{"invoice_id": invoice["id"], "amount": 4_000}],
        scheduled_for=iso(day),
    )
    assert r.status_code == 201, r.text
    written = await c.partner.post(
        f"/v1/invoices/{invoice['id']}/write-off", json={"reason": "Goodwill", "amount": 3_000}
    )
    assert written.status_code == 200, written.text
    assert await execute(on(container, day), tenant, r.json()["id"]) == "executed"
    assert await sandbox_charges(container, tenant) == 1
    assert (await c.partner.get(f"/v1/invoices/{invoice['id']}")).json()["amount_due"] == 3_000
