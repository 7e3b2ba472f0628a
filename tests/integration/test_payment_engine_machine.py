"""A hypothesis state machine over the payments engine, through the API and the sandbox, on a real database.

Pay (card, debit card, declined, bank debits that settle or return, a card that gets disputed), partially or in
full across several invoices; refund; let the sandbox clock run and deliver its events in order, reversed or
twice; answer disputes. After every step the whole ledger must verify and no invoice may be over- or underpaid.
"""

from __future__ import annotations

import asyncio
import shutil
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from adapters.bootstrap import Container, build
from adapters.db.migrate import upgrade
from adapters.db.verify import verify_ledger
from adapters.settings import Settings
from api.app import create_app
from tests.conftest import make_tenant
from tests.factories import charge_saved, make_customer, make_invoice, save_test_method

KINDS = ["visa", "visa_debit", "declined", "settles", "returns_r01", "returns_r02", "disputed"]
INVOICE_TOTALS = [10_000, 25_000, 7_500]


class PaymentEngine(RuleBasedStateMachine):
    """Each run gets its own database, so the whole-ledger check sees only what this run did."""

    template: Path

    def __init__(self) -> None:
        super().__init__()
        self.runner = asyncio.Runner()
        db = self.template.with_name(f"run-{uuid.uuid4().hex}.db")
        shutil.copyfile(self.template, db)
        self.container: Container = build(Settings(database_url=f"sqlite:///{db}", env="test"))
        self.payments: list[str] = []
        self.events: list[tuple[bytes, dict[str, str]]] = []
        self.methods: dict[str, str] = {}

    def run(self, coro: Any) -> Any:
        return self.runner.run(coro)

    def teardown(self) -> None:
        self.run(self.client.aclose())
        self.run(self.container.close())
        self.runner.close()

    @initialize()
    def world(self) -> None:
        async def make() -> None:
            self.tenant = await make_tenant(self.container)
            app = create_app(self.container)
            self.client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://remit.test")
            self.client.headers["Authorization"] = f"Bearer {self.tenant.api_key}"
            self.customer = (await make_customer(self.client))["id"]
            self.invoices = [(await make_invoice(self.client, self.customer, amount=t))["id"] for t in INVOICE_TOTALS]

        self.run(make())

    async def _invoice(self, invoice_id: str) -> dict[str, Any]:
        return dict((await self.client.get(f"/v1/invoices/{invoice_id}")).json())

    async def _method(self, kind: str) -> str:
        if kind not in self.methods:
            self.methods[kind] = (await save_test_method(self.client, self.customer, kind))["id"]
        return self.methods[kind]

    @rule(
        kind=st.sampled_from(KINDS),
        picks=st.lists(
            st.tuples(st.integers(0, 2), st.integers(1, 100)), min_size=1, max_size=3, unique_by=lambda p: p[0]
        ),
    )
    def pay(self, kind: str, picks: list[tuple[int, int]]) -> None:
        async def go() -> None:
            allocations = []
            for index, percent in picks:
                invoice = await self._invoice(self.invoices[index])
                amount = invoice["amount_due"] * percent // 100
                if invoice["status"] in ("open", "partially_paid") and amount > 0:
                    allocations.append((invoice["id"], amount))
            if not allocations:
                return
            r = await charge_saved(self.client, self.customer, await self._method(kind), allocations)
            assert r.status_code in (201, 402), r.text
            body = r.json()
            self.payments.append(body.get("id") or body["payment_id"])
            if kind == "declined":
                assert r.status_code == 402

        self.run(go())

    @precondition(lambda self: bool(self.payments))
    @rule(data=st.data(), percent=st.integers(1, 100))
    def refund(self, data: st.DataObject, percent: int) -> None:
        payment_id = data.draw(st.sampled_from(self.payments))

        async def go() -> None:
            payment = (await self.client.get(f"/v1/payments/{payment_id}")).json()
            amount = max(1, payment["amount"] * percent // 100)
            r = await self.client.post(f"/v1/payments/{payment_id}/refunds", json={"amount": amount})
            assert r.status_code in (201, 400, 409), r.text

        self.run(go())

    @rule(days=st.integers(1, 6), reverse=st.booleans())
    def clock(self, days: int, reverse: bool) -> None:
        async def go() -> None:
            events = await self.container.sandbox.advance(self.tenant.partner_id, days)
            self.events += events
            for body, headers in reversed(events) if reverse else events:
                r = await self.client.post("/webhooks/sandbox", content=body, headers=headers)
                assert r.status_code == 200, r.text

        self.run(go())

    @precondition(lambda self: bool(self.events))
    @rule(data=st.data())
    def redeliver(self, data: st.DataObject) -> None:
        body, headers = data.draw(st.sampled_from(self.events))
        r = self.run(self.client.post("/webhooks/sandbox", content=body, headers=headers))
        assert r.status_code == 200 and r.json()["duplicate"] is True

    @rule(win=st.booleans())
    def answer_disputes(self, win: bool) -> None:
        async def go() -> None:
            disputes = (await self.client.get("/v1/disputes", params={"status": "needs_response"})).json()["data"]
            for dispute in disputes:
                text = "winning_evidence" if win else "we disagree"
                r = await self.client.post(f"/v1/disputes/{dispute['id']}/evidence", json={"text": text})
                assert r.status_code in (200, 409), r.text

        self.run(go())

    @invariant()
    def ledger_holds(self) -> None:
        if not hasattr(self, "client"):
            return

        async def check() -> None:
            async with self.container.sessions() as session:
                violations = await verify_ledger(session)
            assert violations == [], violations
            for invoice_id, total in zip(self.invoices, INVOICE_TOTALS, strict=True):
                inv = await self._invoice(invoice_id)
                assert inv["amount_paid"] + inv["amount_pending"] + inv["amount_due"] == total
                assert min(inv["amount_paid"], inv["amount_pending"], inv["amount_due"]) >= 0

        self.run(check())


@pytest.fixture(scope="module")
def machine_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("machine") / "engine.db"
    asyncio.run(upgrade(f"sqlite:///{path}"))
    return path


def test_payment_engine_state_machine(machine_db: Path) -> None:
    PaymentEngine.template = machine_db
    PaymentEngine.TestCase.settings = settings(
        max_examples=25,
        stateful_step_count=15,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    PaymentEngine.TestCase().runTest()
