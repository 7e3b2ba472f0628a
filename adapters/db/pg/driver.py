"""The asyncpg connection of the session's own transaction, for the PostgreSQL repositories (adapters/db/pg/).

SQLAlchemy costs 0.3-0.6 ms of CPU per statement on top of the round trip (statement caching, cache keys,
result processing, the ORM's tenant hook), which made a payment several times dearer than its SQL. The
statements every request or payment runs are therefore sent to asyncpg directly, on the connection and inside
the transaction of the session, by `PgStatements` (statements.py).

Only SQLAlchemy's public API is used. SQLAlchemy begins a transaction lazily, at its first statement, so the
first statement of each transaction is sent through `exec_driver_sql`: SQLAlchemy then starts the transaction it
will commit, and if the pooled connection turns out dead it discards the whole pool, as for any statement of its
own. Later statements go to the driver; their errors are raised as SQLAlchemy's exception classes, so the API's
handlers (409 `resource_busy` on a lock timeout, 409 `conflict` on an integrity error, 503 on a lost connection)
see no difference, and a connection lost mid-transaction is invalidated so the pool never hands it out again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, cast

import asyncpg
from sqlalchemy import Row
from sqlalchemy import exc as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession


class _RowRecord(Sequence[Any]):
    """A SQLAlchemy row read as an asyncpg record is: by position, by column name, or unpacked."""

    __slots__ = ("_row",)

    def __init__(self, row: Row[Any]) -> None:
        self._row = row

    def __getitem__(self, key: Any) -> Any:
        return self._row._mapping[key] if isinstance(key, str) else self._row[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._row)

    def __len__(self) -> int:
        return len(self._row)


# SQLSTATE classes as SQLAlchemy's exception classes (what its own asyncpg adapter raises for the same errors).
_ERROR_BY_SQLSTATE_CLASS: dict[str, type[sa.DBAPIError]] = {
    "23": sa.IntegrityError,
    "22": sa.DataError,
    "42": sa.ProgrammingError,
    "0A": sa.NotSupportedError,
    "XX": sa.InternalError,
}


def _translated(sql: str, args: Sequence[Any], error: Exception, *, lost: bool) -> sa.DBAPIError:
    if lost:
        return sa.OperationalError(sql, tuple(args), error, connection_invalidated=True)
    if isinstance(error, asyncpg.InterfaceError):  # misuse (wrong argument count): a bug, not a database state
        return sa.InterfaceError(sql, tuple(args), error)
    state = str(getattr(error, "sqlstate", "") or "")
    return _ERROR_BY_SQLSTATE_CLASS.get(state[:2], sa.OperationalError)(sql, tuple(args), error)


class Pg:
    """The asyncpg connection of one session transaction."""

    __slots__ = ("_connection", "_driver", "transaction")

    def __init__(self, connection: AsyncConnection, driver: asyncpg.Connection, transaction: object) -> None:
        self._connection = connection
        self._driver = driver
        self.transaction = transaction  # the session transaction this connection belongs to

    async def _run(
        self, sql: str, args: Sequence[Any], direct: Callable[..., Any], through: Callable[[Any], Any]
    ) -> Any:
        if not self._driver.is_in_transaction():
            return through(await self._connection.exec_driver_sql(sql, tuple(args)))
        try:
            return await direct(sql, *args)
        except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as error:
            lost = self._driver.is_closed() or isinstance(error, asyncpg.PostgresConnectionError | OSError)
            if lost:
                await self._connection.invalidate(error)
            raise _translated(sql, args, error, lost=lost) from error

    async def fetch(self, sql: str, *args: Any) -> list[Any]:  # records, read by position or column name
        return await self._run(sql, args, self._driver.fetch, _all)  # type: ignore[no-any-return]

    async def fetchrow(self, sql: str, *args: Any) -> Any:
        return await self._run(sql, args, self._driver.fetchrow, _first)

    async def fetchval(self, sql: str, *args: Any) -> Any:
        return await self._run(sql, args, self._driver.fetchval, _scalar)

    async def execute(self, sql: str, *args: Any) -> None:
        await self._run(sql, args, self._driver.execute, _nothing)

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if not self._driver.is_in_transaction():
            await self._connection.exec_driver_sql(sql, [tuple(row) for row in rows])
            return
        await self._run(sql, (rows,), self._driver.executemany, _nothing)


def _all(result: Any) -> list[Any]:
    return [_RowRecord(row) for row in result]


def _first(result: Any) -> Any:
    row = result.first()
    return None if row is None else _RowRecord(row)


def _scalar(result: Any) -> Any:
    return result.scalar()


def _nothing(_: Any) -> None:
    return None


_PG = "remit.pg"


async def pg(session: AsyncSession) -> Pg:
    """The session's transaction as asyncpg (the session must be bound to PostgreSQL)."""
    known: Pg | None = session.info.get(_PG)
    # Kept for one session transaction only: after a commit the connection goes back to the pool.
    if known is not None and known.transaction is session.sync_session.get_transaction():
        return known
    connection = await session.connection()
    driver = cast(asyncpg.Connection, (await connection.get_raw_connection()).driver_connection)
    found = Pg(connection, driver, session.sync_session.get_transaction())
    session.info[_PG] = found
    return found
