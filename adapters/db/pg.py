"""Hot-path statements sent straight to asyncpg, inside the session's own transaction (PostgreSQL only).

SQLAlchemy costs 0.3-0.6 ms of CPU per statement on top of the round trip (statement caching, cache keys,
result processing, the ORM's tenant hook), which made a payment several times dearer than its SQL. The few
repository methods every request or payment runs therefore have a second form for PostgreSQL: hand-written SQL
with an explicit `partner_id` predicate (the tenant hook does not see these statements; tests/api's isolation
suite runs on PostgreSQL and guards them), executed on the asyncpg connection under the session's transaction.
SQLite keeps the SQLAlchemy form. Errors are raised as SQLAlchemy's own exceptions, so the API's handlers (409
`resource_busy` on a lock timeout, 409 `conflict` on an integrity error) see no difference.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

import asyncpg
from sqlalchemy import JSON, RowMapping, Table, insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

# What a row mapper reads by column name: an asyncpg record, or a SQLAlchemy row's mapping.
Row = asyncpg.Record | RowMapping | Mapping[str, Any]


class Pg:
    """The asyncpg connection of one transaction, with SQLAlchemy's error translation."""

    __slots__ = ("_adapted", "_conn", "transaction")

    def __init__(self, adapted: Any, transaction: object) -> None:
        self._adapted = adapted
        self.transaction = transaction  # the session transaction this connection belongs to
        self._conn: asyncpg.Connection = adapted._connection

    def _error(self, sql: str, args: Sequence[Any], error: Exception) -> Exception:
        try:
            self._adapted._handle_exception(error)  # raises the DBAPI-level form of the asyncpg error
        except Exception as translated:
            dbapi = self._adapted.dbapi
            return DBAPIError.instance(sql, tuple(args), translated, dbapi.Error)
        return error  # pragma: no cover - _handle_exception always raises

    async def _run(self, call: Any, sql: str, args: Sequence[Any]) -> Any:
        try:
            return await call(sql, *args)
        except asyncpg.PostgresError as error:
            raise self._error(sql, args, error) from error

    async def fetch(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        return await self._run(self._conn.fetch, sql, args)  # type: ignore[no-any-return]

    async def fetchrow(self, sql: str, *args: Any) -> asyncpg.Record | None:
        return await self._run(self._conn.fetchrow, sql, args)  # type: ignore[no-any-return]

    async def fetchval(self, sql: str, *args: Any) -> Any:
        return await self._run(self._conn.fetchval, sql, args)

    async def execute(self, sql: str, *args: Any) -> str:
        return await self._run(self._conn.execute, sql, args)  # type: ignore[no-any-return]

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        await self._run(self._conn.executemany, sql, (rows,))


_PG = "remit.pg"


async def pg(session: AsyncSession) -> Pg | None:
    """The session's transaction as asyncpg, or None on SQLite. Starts the transaction if nothing has yet."""
    known: Pg | None = session.info.get(_PG)
    # Kept for one session transaction only: after a commit the connection goes back to the pool.
    if known is not None and known.transaction is session.sync_session.get_transaction():
        return known
    if session.get_bind().dialect.name != "postgresql":
        return None
    connection = await session.connection()
    adapted: Any = (await connection.get_raw_connection()).dbapi_connection
    if adapted._transaction is None:  # SQLAlchemy begins lazily, at its first statement
        async with adapted._execute_mutex:
            await adapted._start_transaction()
    driver = Pg(adapted, session.sync_session.get_transaction())
    session.info[_PG] = driver
    return driver


@cache
def _insert_sql(table: Table, columns: tuple[str, ...]) -> tuple[str, frozenset[int]]:
    """The INSERT for these columns, and the positions of JSON columns (asyncpg's codec takes JSON text)."""
    placeholders = ", ".join(f"${i}" for i in range(1, len(columns) + 1))
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({placeholders})"
    return sql, frozenset(i for i, c in enumerate(columns) if isinstance(table.c[c].type, JSON))


async def insert_rows(session: AsyncSession, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert rows that all name the same columns: one asyncpg statement on PostgreSQL, a Core insert otherwise."""
    if not rows:
        return
    driver = await pg(session)
    if driver is None:
        await session.execute(insert(table), list(rows))
        return
    sql, json_at = _insert_sql(table, tuple(rows[0]))
    values = [tuple(row.values()) for row in rows]
    if json_at:
        values = [tuple(json.dumps(v) if i in json_at else v for i, v in enumerate(row)) for row in values]
    if len(values) == 1:
        await driver.execute(sql, *values[0])
    else:
        await driver.executemany(sql, values)
