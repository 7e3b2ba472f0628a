"""Paying from the portal under real parallel connections on PostgreSQL: a double (or twentyfold) click pays
once, racing pay screens never pay an invoice twice, and racing runs of one scheduled payment charge it once."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from adapters.bootstrap import Container, build
from adapters.db.verify import verify_ledger
from adapters.settings import Settings
from api.app import create_app
from domain.clock import FixedClock
from tests.conftest import Tenant, make_tenant
from tests.portal_customers import PortalCustomer, Portals
from workers import jobs
from workers.queue import InProcessQueue

UNLIMITED: dict[str, Any] = {
    "rate_limit_per_second": 100_000,
    "rate_limit_burst": 1_000_000,
    "auth_failures_per_minute": 100_000,
}


@dataclasses.dataclass
class Rig:
    container: Container
    tenant: Tenant
    portals: Portals

    async def scalar(self, sql: str, **params: Any) -> Any:
        async with self.container.sessions() as session:
            return (await session.execute(text(sql), params)).scalar_one()

    async def payments(self) -> int:
        return int(await self.scalar("SELECT count(*) FROM payments WHERE partner_id = :p", p=self.tenant.partner_id))

    async def sandbox_charges(self) -> int:
        return int(
            await self.scalar("SELECT count(*) FROM sandbox_charges WHERE account = :a", a=self.tenant.partner_id)
        )

    async def ledger_is_clean(self) -> None:
        async with self.container.sessions() as session:
            assert await verify_ledger(session) == []


@pytest.fixture
async def rig(own_pg_url: str) -> AsyncIterator[Rig]:
    container = build(Settings(database_url=own_pg_url, env="test", db_pool_size=25, **UNLIMITED))
    tenant = await make_tenant(container)
    transport = httpx.ASGITransport(app=create_app(container))
    try:
        async with (
            httpx.AsyncClient(
                transport=transport,
                base_url="http://remit.test",
                timeout=60,
                headers={"Authorization": f"Bearer {tenant.api_key}"},
            ) as partner,
            Portals(partner, container, tenant) as portals,
        ):
            yield Rig(container, tenant, portals)
    finally:
        container.sandbox.faults.clear()
        await container.close()


async def _race(requests: list[Any]) -> list[httpx.Response]:
    responses = list(await asyncio.gather(*requests))
    errors = [(r.status_code, r.text) for r in responses if r.status_code >= 500]
    assert not errors, errors[:3]
    return responses


def _pay(c: PortalCustomer, body: dict[str, Any], key: str) -> Any:
    return c.browser.post("/portal/v1/payments", json=body, headers={"Idempotency-Key": key})


async def test_twenty_identical_clicks_pay_once(rig: Rig) -> None:
    c = await rig.portals.customer()
    invoice = await c.invoice(10_000)
    card = await c.method("visa")
    body = {"allocations": [{"invoice_id": invoice["id"], "amount": 10_000}], "payment_method_id": card["id"]}
    key = str(uuid.uuid4())

    responses = await _race([_pay(c, body, key) for _ in range(20)])

    assert {r.status_code for r in responses} <= {201, 409}, Counter(r.status_code for r in responses)
    assert {r.json()["code"] for r in responses if r.status_code == 409} <= {"idempotency_key_in_use"}
    created = [r for r in responses if r.status_code == 201]
    assert created and len({r.json()["id"] for r in created}) == 1
    first = [r for r in created if r.headers.get("idempotent-replayed") != "true"]
    assert len(first) == 1, "one request did the work; the other 201s are replays"
    assert await rig.payments() == 1
    assert await rig.sandbox_charges() == 1
    replay = await _pay(c, body, key)
    assert replay.status_code == 201 and replay.json() == first[0].json()
    final = (await c.browser.get(f"/portal/v1/invoices/{invoice['id']}")).json()
    assert (final["status"], final["amount_paid"], final["amount_due"]) == ("paid", 10_000, 0)
    await rig.ledger_is_clean()


async def test_twenty_pay_screens_racing_for_one_invoice_pay_it_once(rig: Rig) -> None:
    c = await rig.portals.customer(contacts=[{"email": "boss@acme.example"}])
    boss = await rig.portals.sign_in("boss@acme.example")
    invoice = await c.invoice(10_000)
    card = await c.method("visa_debit")
    body = {"amount": 10_000, "payment_method_id": card["id"]}
    browsers = [c.browser, boss] * 10

    responses = await _race(
        [b.post("/portal/v1/payments", json=body, headers={"Idempotency-Key": str(uuid.uuid4())}) for b in browsers]
    )

    statuses = Counter(r.status_code for r in responses)
    assert statuses[201] == 1 and statuses[409] == 19, (
        statuses,
        [r.text for r in responses if r.status_code != 201][:3],
    )
    assert {r.json()["code"] for r in responses if r.status_code == 409} <= {
        "amount_exceeds_due",
        "resource_busy",
        "invoice_not_payable",
        "nothing_due",
    }
    assert await rig.payments() == 1 and await rig.sandbox_charges() == 1
    final = (await boss.get(f"/portal/v1/invoices/{invoice['id']}")).json()
    assert (final["status"], final["amount_paid"], final["amount_due"]) == ("paid", 10_000, 0)
    await rig.ledger_is_clean()


async def test_ten_racing_runs_of_one_scheduled_payment_charge_it_once(rig: Rig) -> None:
    c = await rig.portals.customer()
    today = rig.container.clock.today()
    invoice = await c.invoice(10_000, due_date=(today + timedelta(days=10)).isoformat())
    card = await c.method("visa")
    day = today + timedelta(days=2)
    r = await c.browser.post(
        "/portal/v1/scheduled-payments",
        json={"payment_method_id": card["id"], "amount": 10_000, "scheduled_for": day.isoformat()},
    )
    assert r.status_code == 201, r.text
    ident = r.json()["id"]
    on_the_day = dataclasses.replace(rig.container, clock=FixedClock(datetime.combine(day, time(0, 5), UTC)))
    execute = jobs.JOBS["scheduled_payments.execute"]
    ctx = InProcessQueue(on_the_day).context

    outcomes = await asyncio.gather(*[execute(ctx, partner_id=rig.tenant.partner_id, ident=ident) for _ in range(10)])

    assert set(outcomes) <= {"executed", "processing"}, outcomes
    assert await execute(ctx, partner_id=rig.tenant.partner_id, ident=ident) == "executed"
    assert await rig.payments() == 1 and await rig.sandbox_charges() == 1
    final = (await c.browser.get(f"/portal/v1/invoices/{invoice['id']}")).json()
    assert final["status"] == "paid"
    await rig.ledger_is_clean()
