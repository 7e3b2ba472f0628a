"""The repositories' statements on PostgreSQL: compiled once by SQLAlchemy, sent to asyncpg (driver.py).

A statement is compiled for asyncpg the first time it runs with lists of given lengths; later calls only put
their values in order. What each repository sends is the very statement SQLite runs, tenant predicate included:
nothing is written twice. Statements must be built once (module constants, or cached builders), as the cache
keeps each one it sees.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import JSON, Executable, Table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg
from sqlalchemy.sql.compiler import SQLCompiler

from adapters.db.pg.driver import pg
from adapters.db.statements import Params, Record, Statements

_DIALECT = PGDialect_asyncpg()  # type: ignore[no-untyped-call]
_MOST_PREPARED = 4096  # statements times list lengths; more means statements built per call: a bug, not a leak


class _Slot(NamedTuple):
    """Where a bound value comes from: params[name], or params[name][at] for an expanding list."""

    name: str
    at: int | None


_prepared: dict[tuple[Any, ...], tuple[Executable, str, Callable[[Params], list[Any]]]] = {}


def prepared(stmt: Executable, params: Params) -> tuple[str, list[Any]]:
    """The asyncpg SQL of a statement, and its arguments in order."""
    key = (id(stmt), *((name, len(v)) for name, v in params.items() if type(v) is list))
    found = _prepared.get(key)
    if found is None:
        if len(_prepared) >= _MOST_PREPARED:
            _prepared.clear()
        slots = {
            name: [_Slot(name, i) for i in range(len(v))] if type(v) is list else _Slot(name, None)
            for name, v in params.items()
        }
        compiled = stmt.compile(dialect=_DIALECT)  # type: ignore[attr-defined]
        assert isinstance(compiled, SQLCompiler)
        state = compiled.construct_expanded_state(slots)  # expands each IN list to one $n per element
        found = _prepared[key] = (stmt, state.statement, _arguments(state.positional_parameters))
    _, sql, arguments = found
    return sql, arguments(params)


def _arguments(order: Sequence[Any]) -> Callable[[Params], list[Any]]:
    """What puts a call's values in the statement's order: each a slot, or a constant the statement holds."""
    if all(type(a) is _Slot and a.at is None for a in order):  # the usual case: one value per name
        names = [a.name for a in order]
        return lambda params: [params[name] for name in names]
    return lambda params: [_value(a, params) if type(a) is _Slot else a for a in order]


def _value(slot: _Slot, params: Params) -> Any:
    value = params[slot.name]
    return value if slot.at is None else value[slot.at]


@cache
def _insert_sql(table: Table, columns: tuple[str, ...]) -> tuple[str, frozenset[int]]:
    """The INSERT for these columns, and the positions of JSON columns (asyncpg's codec takes JSON text)."""
    placeholders = ", ".join(f"${i}" for i in range(1, len(columns) + 1))
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({placeholders})"
    return sql, frozenset(i for i, c in enumerate(columns) if isinstance(table.c[c].type, JSON))


class PgStatements(Statements):
    dialect_insert = staticmethod(pg_insert)
    json_elements = "jsonb_array_elements({column}) AS {alias}(value)"
    json_texts = "jsonb_array_elements_text({column}) AS {alias}(value)"

    async def _fetch_all(self, stmt: Executable, params: Params) -> Sequence[Record]:
        sql, args = prepared(stmt, params)
        return await (await pg(self.session)).fetch(sql, *args)

    async def _fetch_one(self, stmt: Executable, params: Params) -> Record | None:
        sql, args = prepared(stmt, params)
        found: Record | None = await (await pg(self.session)).fetchrow(sql, *args)
        return found

    async def _fetch_value(self, stmt: Executable, params: Params) -> Any:
        sql, args = prepared(stmt, params)
        return await (await pg(self.session)).fetchval(sql, *args)

    async def _execute(self, stmt: Executable, params: Params) -> None:
        sql, args = prepared(stmt, params)
        await (await pg(self.session)).execute(sql, *args)

    async def _insert_rows(self, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
        if not rows:
            return
        sql, json_at = _insert_sql(table, tuple(rows[0]))
        values = [tuple(row.values()) for row in rows]
        if json_at:
            values = [tuple(json.dumps(v) if i in json_at else v for i, v in enumerate(row)) for row in values]
        driver = await pg(self.session)
        if len(values) == 1:
            await driver.execute(sql, *values[0])
        else:
            await driver.executemany(sql, values)
