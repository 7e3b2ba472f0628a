"""The asyncpg hot path (adapters/db/pg/): same transaction, same errors, same rows as SQLAlchemy."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError, OperationalError

from adapters.bootstrap import Container
from adapters.db.pg.driver import pg
from adapters.db.pg.repositories import PgInvoices
from adapters.db.tables import OutboxEventRow, core
from adapters.db.unit_of_work import SqlUnitOfWork
from domain.ids import new_id
from tests.conftest import Tenant

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def _event(partner_id: str, payload: dict[str, object]) -> dict[str, object]:
    return {
        "id": new_id("evt"),
        "partner_id": partner_id,
        "type": "test.event",
        "payload": payload,
        "created_at": NOW,
    }


async def insert_rows(uow: SqlUnitOfWork, rows: list[dict[str, object]]) -> None:
    """The insert the outbox, payments and the journal use: asyncpg's on PostgreSQL, a Core insert on SQLite."""
    await uow.outbox._insert_rows(core(OutboxEventRow), rows)


async def test_driver_is_postgresql_only(container: Container, tenant: Tenant, db_url: str) -> None:
    async with container.uow() as uow:
        driver = isinstance(uow.scope_to(tenant.partner_id).invoices, PgInvoices)
        assert driver == db_url.startswith("postgresql")


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)  # the asyncpg path exists there only
async def test_raw_statements_share_the_sessions_transaction(container: Container) -> None:
    async with container.uow() as uow:
        seen = []
        for _ in range(2):  # a commit ends the transaction: the next statements belong to a new one
            driver = await pg(uow.session)  # the first statement of a transaction: the driver starts it
            assert driver is not None
            raw_txid = await driver.fetchval("SELECT txid_current()")
            assert (await pg(uow.session)) is driver
            orm_txid = (await uow.session.execute(text("SELECT txid_current()"))).scalar_one()
            assert raw_txid == orm_txid
            seen.append(raw_txid)
            await uow.session.commit()
        assert seen[0] != seen[1]


async def test_rows_inserted_raw_roll_back_and_commit_with_the_session(container: Container, tenant: Tenant) -> None:
    rolled_back = _event(tenant.partner_id, {"n": 1})
    committed = _event(tenant.partner_id, {"nested": {"amount": 2**53 + 1}, "list": [1, "two", None]})
    async with container.uow() as uow:
        await insert_rows(uow, [rolled_back])
        await uow.session.rollback()
    async with container.uow() as uow:
        await insert_rows(uow, [committed])
        await uow.session.commit()
    async with container.uow() as uow:
        table = core(OutboxEventRow)
        rows = (
            await uow.session.execute(
                select(table.c.id, table.c.payload, table.c.created_at).where(
                    table.c.id.in_([rolled_back["id"], committed["id"]])
                )
            )
        ).all()
    assert [(r.id, r.payload, r.created_at) for r in rows] == [(committed["id"], committed["payload"], NOW)]


async def test_a_constraint_violation_is_sqlalchemys_integrity_error(container: Container, tenant: Tenant) -> None:
    event = _event(tenant.partner_id, {})
    async with container.uow() as uow:
        await insert_rows(uow, [event])
        with pytest.raises(IntegrityError):
            await insert_rows(uow, [event, _event(tenant.partner_id, {})])


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_a_lock_timeout_is_sqlalchemys_operational_error_with_its_sqlstate(
    container: Container, tenant: Tenant
) -> None:
    event = _event(tenant.partner_id, {})
    async with container.uow() as uow:
        await insert_rows(uow, [event])
        await uow.session.commit()
    lock = "SELECT id FROM outbox_events WHERE id = $1 FOR UPDATE"
    async with container.uow() as holder, container.uow() as waiter:
        held = await pg(holder.session)
        assert held is not None
        await held.fetchval(lock, event["id"])
        driver = await pg(waiter.session)
        assert driver is not None
        await driver.execute("SET LOCAL lock_timeout = '50ms'")  # begins the transaction through SQLAlchemy
        with pytest.raises(OperationalError) as raised:
            await driver.fetchval(lock, event["id"])  # sent to asyncpg directly
        assert raised.value.orig.sqlstate == "55P03"  # type: ignore[union-attr]
        assert not raised.value.connection_invalidated
