"""The insights rollup never disagrees with the journal, on both databases.

Hypothesis posts random entries (payments applied, pending, settled and returned, refunds, voids, write-offs,
extra billing) dated over many days and in any order of creation, then reads every insight for several as-of
dates from the rollup (adapters/db/insights.py) and recomputes it from the journal lines (journal_insights.py,
the statements the insights ran before the rollup existed). The migration's backfill, run over the same journal,
must give the rows the journal writes kept.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Table, column, insert, select
from sqlalchemy import table as sa_table
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.bootstrap import build
from adapters.db.engine import make_engine
from adapters.db.insights import SqlInsights
from adapters.db.insights_rollup import FLOWS, INVOICE_DAYS, PAID, backfill
from adapters.db.migrate import upgrade
from adapters.db.tables import (
    CustomerRow,
    InvoiceRow,
    JournalEntryRow,
    JournalLineRow,
    PartnerRow,
    PaymentRow,
    core,
)
from adapters.settings import Settings
from api.app import create_app
from domain.clock import FixedClock
from domain.insights.model import DSO_DAYS, boundaries, cutoff
from domain.ledger.model import Account, JournalEntry, JournalLine, Reason
from tests.conftest import make_tenant
from tests.factories import make_customer, make_invoice, pay
from tests.integration.journal_insights import SqlInsights as JournalInsights
from tests.services import acreate_pg_database, adrop_pg_database

START = date(2026, 6, 1)
DAYS = 75
TOTALS = [10_000, 25_000, 7_500, 4_000]

# kind -> (reason, debit account, credit account); the invoice side names the invoice.
KINDS: dict[str, tuple[Reason, Account, Account]] = {
    "applied": (Reason.PAYMENT_APPLIED, Account.CASH, Account.RECEIVABLE),
    "pending": (Reason.PAYMENT_PENDING, Account.PENDING, Account.RECEIVABLE),
    "settled": (Reason.PAYMENT_SETTLED, Account.CASH, Account.PENDING),
    "returned": (Reason.PAYMENT_RETURNED, Account.RECEIVABLE, Account.PENDING),
    "refund": (Reason.REFUND_ISSUED, Account.RECEIVABLE, Account.CASH),
    "voided": (Reason.INVOICE_VOIDED, Account.REVENUE, Account.RECEIVABLE),
    "written_off": (Reason.INVOICE_WRITTEN_OFF, Account.WRITE_OFF, Account.RECEIVABLE),
    "billed": (Reason.INVOICE_ISSUED, Account.RECEIVABLE, Account.REVENUE),
}
INVOICE_SIDE = {Account.RECEIVABLE, Account.PENDING, Account.REVENUE, Account.WRITE_OFF}

ops = st.lists(
    st.tuples(
        st.sampled_from([*KINDS, "pay_rest", "pay_rest", "pend_rest", "settle_pending"]),
        st.integers(0, len(TOTALS) - 1),  # invoice
        st.integers(1, 9_000),  # amount (the *_rest kinds take the invoice's balance)
        st.integers(0, DAYS),  # day it is created on
        st.integers(0, 23),  # hour
        st.integers(0, 1),  # which payment (check or cash)
    ),
    max_size=18,
)
as_ofs = st.lists(st.integers(0, DAYS + 100), min_size=1, max_size=4)


def at(day: int, hour: int = 12) -> datetime:
    return datetime(START.year, START.month, START.day, hour, tzinfo=UTC) + timedelta(days=day)


def _entry(partner_id: str, kind: str, invoice: str, amount: int, created: datetime, payment: str) -> JournalEntry:
    reason, debit, credit = KINDS[kind]
    lines = tuple(
        JournalLine(account, signed, "USD", invoice if account in INVOICE_SIDE else None)
        for account, signed in ((debit, amount), (credit, -amount))
    )
    paid = reason in (Reason.PAYMENT_APPLIED, Reason.PAYMENT_SETTLED, Reason.PAYMENT_RETURNED, Reason.REFUND_ISSUED)
    return JournalEntry(partner_id, reason, lines, created, payment_id=payment if paid else None)


async def _scenario(url: str, steps: list[tuple[str, int, int, int, int, int]], days: list[int]) -> None:
    container = build(Settings(database_url=url, env="test"))
    clock = FixedClock(at(0, 9))
    container.clock = clock
    try:
        tenant = await make_tenant(container)
        app = create_app(container)
        headers = {"Authorization": f"Bearer {tenant.api_key}"}
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t", headers=headers) as c:
            customers = [(await make_customer(c, name=f"C{i}"))["id"] for i in range(2)]
            invoices = []
            for n, total in enumerate(TOTALS):
                clock.at = at(n * 3, 9)
                due = START + timedelta(days=n * 3 + 15 * n)
                inv = await make_invoice(
                    c, customers[n % 2], total, issue_date=str(START + timedelta(days=n * 3)), due_date=str(due)
                )
                invoices.append(inv["id"])
            clock.at = at(1, 10)
            payments = []
            for method in ("check", "cash"):
                r = await pay(c, customers[0], [(invoices[0], 100)], method=method)
                assert r.status_code == 201, r.text
                payments.append(r.json()["id"])
        receivable = {i: t for i, t in zip(invoices, TOTALS, strict=True)}
        receivable[invoices[0]] -= 200
        pending = dict.fromkeys(invoices, 0)
        for kind, n, amount, day, hour, which in steps:
            invoice = invoices[n]
            if kind == "pay_rest":
                kind, amount = "applied", receivable[invoice]
            elif kind == "pend_rest":
                kind, amount = "pending", receivable[invoice]
            elif kind == "settle_pending":
                kind, amount = "settled", pending[invoice]
            if amount <= 0:
                continue
            entry = _entry(tenant.partner_id, kind, invoice, amount, at(day, hour), payments[which])
            for line in entry.lines:
                if line.account is Account.RECEIVABLE:
                    receivable[invoice] += line.amount
                elif line.account is Account.PENDING:
                    pending[invoice] += line.amount
            async with container.uow() as uow:
                uow.scope_to(tenant.partner_id)
                await uow.ledger.add(entry)
                await uow.commit()
        async with container.uow() as uow:
            uow.scope_to(tenant.partner_id)
            rolled = SqlInsights(uow.session, tenant.partner_id)
            journal = JournalInsights(uow.session, tenant.partner_id)
            for offset in days:
                await _compare(rolled, journal, START + timedelta(days=offset))
            await _compare_backfill(uow.session, tenant.partner_id)
    finally:
        await container.close()


async def _compare(rolled: SqlInsights, journal: JournalInsights, as_of: date) -> None:
    end = cutoff(as_of)
    got, want = await rolled.position("USD", as_of), await journal.position("USD", as_of, end)
    assert (got.aging, got.pending) == (want.aging, want.pending), as_of
    for edges, since in (
        ([end - timedelta(days=30), end], end - timedelta(days=DSO_DAYS)),
        (
            [cutoff(as_of - timedelta(days=40)), cutoff(as_of - timedelta(days=10)), end],
            cutoff(as_of - timedelta(days=41)),
        ),
        (boundaries([end, end - timedelta(days=DSO_DAYS), cutoff(as_of - timedelta(days=31))]), None),
    ):
        got_flows, want_flows = (
            await rolled.flows("USD", edges, since=since),
            await journal.flows("USD", edges, since=since),
        )
        assert got_flows.receivables == want_flows.receivables, (as_of, edges)
        assert got_flows.sales == want_flows.sales, (as_of, edges)
        assert [{m: a for m, a in s.items() if a} for s in got_flows.collected] == [
            {m: a for m, a in s.items() if a} for s in want_flows.collected
        ], (as_of, edges)
    spans = Counter[int]()
    for span, count in await rolled.paid_spans("USD", end - timedelta(days=90), end):
        spans[span] += count
    assert +spans == Counter(await journal.paid_spans("USD", end - timedelta(days=90), end)), as_of
    for limit in (1, 20):
        got_pages, want_pages = [], []
        for source, pages in ((rolled, got_pages), (journal, want_pages)):
            after = None
            while True:
                if source is rolled:
                    rows, more = await rolled.aging_by_customer("USD", as_of, before_customer=after, limit=limit)
                else:
                    rows, more = await journal.aging_by_customer("USD", as_of, end, before_customer=after, limit=limit)
                pages.append([(r.customer_id, r.aging) for r in rows])
                if not more:
                    break
                after = rows[-1].customer_id
        assert got_pages == want_pages, as_of


def _values(rows: Any, keys: int) -> set[tuple[Any, ...]]:
    """Rows as tuples, without those whose figures are all zero (a write can leave a row summing to nothing)."""
    return {tuple(r) for r in rows if any(v not in (0, None) for v in tuple(r)[keys:])}


async def _compare_backfill(session: Any, partner_id: str) -> None:
    """The migration's INSERT … SELECTs, read for this partner, give the rows the journal writes kept."""
    dialect = session.get_bind().dialect.name
    for table, statement, keys in zip((FLOWS, INVOICE_DAYS, PAID), backfill(dialect), (5, 3, 5), strict=True):
        rebuilt = statement.select.subquery()  # type: ignore[attr-defined]
        columns = [c.name for c in table.c]
        fresh = select(*(rebuilt.c[n] for n in columns)).where(rebuilt.c.partner_id == partner_id)
        kept = select(*(table.c[n] for n in columns)).where(table.c.partner_id == partner_id)
        assert _values((await session.execute(fresh)).all(), keys) == _values(
            (await session.execute(kept)).all(), keys
        ), table.name


@pytest.mark.parametrize("database", ["sqlite_url", "pg_url"])
def test_the_rollup_agrees_with_the_journal(database: str, request: pytest.FixtureRequest) -> None:
    url = str(request.getfixturevalue(database))

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(steps=ops, days=as_ofs)
    def check(steps: list[tuple[str, int, int, int, int, int]], days: list[int]) -> None:
        asyncio.run(_scenario(url, steps, days))

    check()


async def test_racing_writers_lose_nothing(pg_url: str) -> None:
    """Forty entries posted at once from parallel connections on PostgreSQL, all on one day, to invoices that
    share due dates and each other: every rollup row they share adds every one of them."""
    container = build(Settings(database_url=pg_url, env="test", db_pool_size=25))
    clock = FixedClock(at(0, 9))
    container.clock = clock
    try:
        tenant = await make_tenant(container)
        app = create_app(container)
        headers = {"Authorization": f"Bearer {tenant.api_key}"}
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t", headers=headers) as c:
            customer = (await make_customer(c))["id"]
            # The first and last end fully paid by the racing entries (1,180 and 1,210 after the 100 below).
            invoices = [
                (await make_invoice(c, customer, total, issue_date=str(START), due_date=str(START)))["id"]
                for total in (1_280, 100_000, 100_000, 1_210)
            ]
            r = await pay(c, customer, [(invoices[0], 100)])
            assert r.status_code == 201, r.text
            payment = r.json()["id"]

        async def post(n: int) -> None:
            kind = ("applied", "pending", "written_off", "applied")[n % 4]
            entry = _entry(tenant.partner_id, kind, invoices[n % 4], 100 + n, at(5, n % 24), payment)
            async with container.uow() as uow:
                uow.scope_to(tenant.partner_id)
                await uow.ledger.add(entry)
                await uow.commit()

        await asyncio.gather(*(post(n) for n in range(40)))
        async with container.uow() as uow:
            uow.scope_to(tenant.partner_id)
            rolled = SqlInsights(uow.session, tenant.partner_id)
            journal = JournalInsights(uow.session, tenant.partner_id)
            assert sorted(await rolled.paid_spans("USD", cutoff(START), cutoff(START + timedelta(days=5)))) == [(5, 2)]
            for offset in (0, 5, 30):
                await _compare(rolled, journal, START + timedelta(days=offset))
            await _compare_backfill(uow.session, tenant.partner_id)
    finally:
        await container.close()


async def test_a_second_writer_on_the_same_invoice_waits_for_the_first(pg_url: str) -> None:
    """The paid state of an invoice is recomputed from its days: a writer that read them while another had not
    committed would undo the other's change. It waits for the invoice's row instead."""
    container = build(Settings(database_url=pg_url, env="test", db_pool_size=5))
    container.clock = FixedClock(at(0, 9))
    try:
        tenant = await make_tenant(container)
        app = create_app(container)
        headers = {"Authorization": f"Bearer {tenant.api_key}"}
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t", headers=headers) as c:
            customer = (await make_customer(c))["id"]
            invoice = (await make_invoice(c, customer, 5_000, issue_date=str(START), due_date=str(START)))["id"]
            r = await pay(c, customer, [(invoice, 100)])
            assert r.status_code == 201, r.text
            payment = r.json()["id"]
        paying = _entry(tenant.partner_id, "applied", invoice, 4_900, at(5), payment)
        refund = _entry(tenant.partner_id, "refund", invoice, 700, at(6), payment)
        async with container.uow() as first:
            first.scope_to(tenant.partner_id)
            await first.ledger.add(paying)

            async def second() -> None:
                async with container.uow() as uow:
                    uow.scope_to(tenant.partner_id)
                    await uow.ledger.add(refund)
                    await uow.commit()

            waiting = asyncio.create_task(second())
            await asyncio.sleep(0.5)
            assert not waiting.done()
            await first.commit()
        await waiting
        async with container.uow() as uow:
            uow.scope_to(tenant.partner_id)
            rolled = SqlInsights(uow.session, tenant.partner_id)
            journal = JournalInsights(uow.session, tenant.partner_id)
            for offset in (5, 6):
                await _compare(rolled, journal, START + timedelta(days=offset))
            await _compare_backfill(uow.session, tenant.partner_id)
    finally:
        await container.close()


@pytest.fixture(params=["sqlite", "postgresql"])
async def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'rollup.db'}"
        return
    url = await acreate_pg_database()
    try:
        yield url
    finally:
        await adrop_pg_database(url)


def _old(table: Table, **values: Any) -> Any:
    """An INSERT of just these columns (the ORM would add those of later revisions, with their defaults)."""
    return insert(sa_table(table.name, *(column(n, table.c[n].type) for n in values))).values(**values)


async def test_the_migration_rolls_up_the_journal_it_finds(empty_url: str) -> None:
    """A database with a journal, upgraded to the rollup's revision, answers the insights at once. The rows go in
    as revision 0007 knew them (only its columns), the way test_migrations seeds older schemas."""
    await upgrade(empty_url, "0007")
    engine = make_engine(empty_url)
    partner, customer, invoice, payment = "ptr_r", "cus_r", "inv_r", "pay_r"
    issued, paid = at(0), at(3)

    def entry(entry_id: str, reason: Reason, when: datetime, lines: list[tuple[str, int]]) -> list[Any]:
        head = _old(
            core(JournalEntryRow),
            id=entry_id,
            partner_id=partner,
            reason=reason.value,
            created_at=when,
            payment_id=payment if reason is Reason.PAYMENT_APPLIED else None,
        )
        rows = [
            _old(
                core(JournalLineRow),
                id=f"{entry_id}_{n}",
                partner_id=partner,
                entry_id=entry_id,
                position=n,
                account=account,
                invoice_id=None if account == "cash" else invoice,
                currency="USD",
                amount=amount,
            )
            for n, (account, amount) in enumerate(lines)
        ]
        return [head, *rows]

    try:
        async with engine.begin() as conn:
            for statement in (
                _old(core(PartnerRow), id=partner, name="R", slug="r", invoice_sequence=1, created_at=issued),
                _old(
                    core(CustomerRow),
                    id=customer,
                    partner_id=partner,
                    name="C",
                    email=None,
                    contacts=[],
                    tags=[],
                    billing_terms="net_30",
                    external_ids={},
                    metadata={},
                    archived=False,
                    created_at=issued,
                    updated_at=issued,
                ),
                _old(
                    core(InvoiceRow),
                    id=invoice,
                    partner_id=partner,
                    customer_id=customer,
                    number="INV-1",
                    currency="USD",
                    status="paid",
                    issue_date=START,
                    due_date=START,
                    total=5_000,
                    metadata={},
                    created_at=issued,
                    finalized_at=issued,
                ),
                _old(
                    core(PaymentRow),
                    id=payment,
                    partner_id=partner,
                    customer_id=customer,
                    method="cash",
                    status="succeeded",
                    amount=5_000,
                    fee=0,
                    currency="USD",
                    received_on=paid.date(),
                    transaction_id="T-1",
                    attempt=1,
                    created_at=paid,
                ),
                *entry("je_1", Reason.INVOICE_ISSUED, issued, [("receivable", 5_000), ("revenue", -5_000)]),
                *entry("je_2", Reason.PAYMENT_APPLIED, paid, [("cash", 5_000), ("receivable", -5_000)]),
            ):
                await conn.execute(statement)
        await upgrade(empty_url, "0008")
        async with AsyncSession(engine) as session:
            rolled = SqlInsights(session, partner)
            assert (await rolled.position("USD", START)).aging.total == 5_000
            assert (await rolled.position("USD", START + timedelta(days=3))).aging.total == 0
            end = cutoff(START + timedelta(days=3))
            assert await rolled.paid_spans("USD", end - timedelta(days=90), end) == [(3, 1)]
            flows = await rolled.flows("USD", [end - timedelta(days=30), end])
            assert flows.collected[1] == {"cash": 5_000}
            assert flows.sales[1] == 5_000
    finally:
        await engine.dispose()
