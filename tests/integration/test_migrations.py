"""Alembic on both databases: empty to head, down and up again; the ledger guards the migration installs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from adapters.db.engine import make_engine
from adapters.db.migrate import current_revision, downgrade, head_revision, upgrade
from tests.services import acreate_pg_database, adrop_pg_database


@pytest.fixture(params=["sqlite", "postgresql"])
async def empty_db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    url = await acreate_pg_database()
    try:
        yield url
    finally:
        await adrop_pg_database(url)


async def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            if url.startswith("sqlite"):
                rows = await conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'"))
            else:
                rows = await conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
            return {r[0] for r in rows} - {"alembic_version", "sqlite_sequence"}
    finally:
        await engine.dispose()


async def test_upgrade_downgrade_round_trip(empty_db: str) -> None:
    assert await current_revision(empty_db) is None
    await upgrade(empty_db)
    assert await current_revision(empty_db) == head_revision()
    tables = await _tables(empty_db)
    assert {"partners", "customers", "invoices", "journal_entries", "journal_lines", "idempotency_keys"} <= tables
    await downgrade(empty_db, "base")
    assert await current_revision(empty_db) is None
    assert await _tables(empty_db) == set()
    await upgrade(empty_db)
    assert await _tables(empty_db) == tables


async def _seed_entry(conn: object, entry_id: str, amounts: list[int]) -> None:
    execute = conn.execute  # type: ignore[attr-defined]
    await execute(
        text(
            "INSERT INTO partners (id, name, slug, invoice_sequence, created_at) "
            "VALUES ('ptr_guard', 'G', 'guard', 0, CURRENT_TIMESTAMP) ON CONFLICT DO NOTHING"
        )
    )
    await execute(
        text(
            "INSERT INTO journal_entries (id, partner_id, reason, created_at) "
            "VALUES (:id, 'ptr_guard', 'payment_applied', CURRENT_TIMESTAMP)"
        ),
        {"id": entry_id},
    )
    for i, amount in enumerate(amounts):
        await execute(
            text(
                "INSERT INTO journal_lines (id, partner_id, entry_id, position, account, currency, amount) "
                "VALUES (:id, 'ptr_guard', :entry, :pos, 'cash', 'USD', :amount)"
            ),
            {"id": f"{entry_id}_{i}", "entry": entry_id, "pos": i, "amount": amount},
        )


async def test_journal_is_append_only(empty_db: str) -> None:
    await upgrade(empty_db)
    engine = make_engine(empty_db)
    try:
        async with engine.begin() as conn:
            await _seed_entry(conn, "je_ok", [500, -500])
        for statement in (
            "UPDATE journal_lines SET amount = 7 WHERE entry_id = 'je_ok'",
            "DELETE FROM journal_lines WHERE entry_id = 'je_ok'",
            "DELETE FROM journal_entries WHERE id = 'je_ok'",
        ):
            with pytest.raises(DBAPIError, match="append-only"):
                async with engine.begin() as conn:
                    await conn.execute(text(statement))
    finally:
        await engine.dispose()


async def test_postgres_refuses_unbalanced_entries_at_commit(empty_db: str) -> None:
    if empty_db.startswith("sqlite"):
        pytest.skip("the balance trigger is PostgreSQL's; SQLite relies on the domain constructor")
    await upgrade(empty_db)
    engine = make_engine(empty_db)
    try:
        for amounts in ([500, -499], [500], []):
            with pytest.raises(DBAPIError, match="journal entry"):
                async with engine.begin() as conn:
                    await _seed_entry(conn, f"je_bad_{len(amounts)}", amounts)
        async with engine.connect() as conn:
            count = await conn.scalar(text("SELECT count(*) FROM journal_entries"))
        assert count == 0
    finally:
        await engine.dispose()


async def test_one_off_methods_move_from_their_marker_to_their_own_column(empty_db: str) -> None:
    await upgrade(empty_db, "0003")
    engine = make_engine(empty_db)
    marker = "Given for one payment only; not saved, not for automatic charges."
    try:
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO partners (id, name, slug, invoice_sequence, created_at) "
                    "VALUES ('ptr_m', 'M', 'm', 0, CURRENT_TIMESTAMP)"
                )
            )
            await conn.execute(
                text(
                    "INSERT INTO customers (id, partner_id, name, contacts, tags, billing_terms, external_ids, "
                    "metadata, archived, created_at, updated_at) VALUES ('cus_m', 'ptr_m', 'C', '[]', '[]', "
                    "'net_30', '{}', '{}', false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
            methods = [("pm_once", marker), ("pm_returned", "The bank returned a debit."), ("pm_ok", None)]
            for method_id, reason in methods:
                await conn.execute(
                    text(
                        "INSERT INTO payment_methods (id, partner_id, customer_id, type, processor, "
                        "processor_method_id, last4, country, is_default, autopay_blocked_reason, created_at) "
                        "VALUES (:id, 'ptr_m', 'cus_m', 'card', 'sandbox', :id, '4242', 'US', false, :reason, "
                        "CURRENT_TIMESTAMP)"
                    ),
                    {"id": method_id, "reason": reason},
                )
        await upgrade(empty_db)
        async with engine.connect() as conn:
            rows = await conn.execute(
                text("SELECT id, one_off, autopay_blocked_reason FROM payment_methods ORDER BY id")
            )
            assert [tuple(r) for r in rows] == [
                ("pm_ok", False, None),
                ("pm_once", True, None),
                ("pm_returned", False, "The bank returned a debit."),
            ]
    finally:
        await engine.dispose()
