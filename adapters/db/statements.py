"""How a repository sends the statements that run on every request, and the SQL that differs between databases.

Repositories define each statement once, in SQLAlchemy, and send it through `_fetch_all`, `_fetch_one`, `_fetch_value`,
`_execute` and `_insert_rows`. This class sends them through the session (SQLite); `PgStatements`
(adapters/db/pg/) compiles the same statements once for asyncpg. No repository method asks which database it is
on: the composition root builds the SQLite or the PostgreSQL class of each (adapters/db/repositories.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

from sqlalchemy import Executable, Table, insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

# A row read by column name: SQLAlchemy's RowMapping here, an asyncpg Record on PostgreSQL.
Record = Mapping[Any, Any]
# Bind parameter values by name; a list fills an expanding IN. Pass them in the same order on every call.
Params = Mapping[str, Any]


class Statements:
    session: AsyncSession

    # The database's own INSERT, for ON CONFLICT: the clause is the same on both, SQLAlchemy's construct is not.
    dialect_insert: ClassVar[Callable[..., Any]] = staticmethod(sqlite_insert)
    # The elements of a JSON array column as rows named `alias`, each element in `alias.value` (format with
    # column= and alias=): as JSON values, or as text.
    json_elements: ClassVar[str] = "json_each({column}) AS {alias}"
    json_texts: ClassVar[str] = "json_each({column}) AS {alias}"

    async def _fetch_all(self, stmt: Executable, params: Params) -> Sequence[Record]:
        return (await self.session.execute(stmt, params)).mappings().all()

    async def _fetch_one(self, stmt: Executable, params: Params) -> Record | None:
        return (await self.session.execute(stmt, params)).mappings().first()

    async def _fetch_value(self, stmt: Executable, params: Params) -> Any:
        return await self.session.scalar(stmt, params)

    async def _execute(self, stmt: Executable, params: Params) -> None:
        await self.session.execute(stmt, params)

    async def _insert_rows(self, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
        """Insert rows that all name the same columns, in one statement."""
        if rows:
            await self.session.execute(insert(table), list(rows))
