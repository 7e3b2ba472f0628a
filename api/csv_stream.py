"""CSV downloads written as they are read: a header, then one chunk of rows per keyset batch, never the whole table.

Cells are Excel-safe: text that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
return) is prefixed with a quote, as OWASP's CSV injection guidance says. Figures Remit formats itself (amounts,
counts, dates) are written bare so that spreadsheets still read them as numbers.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import json
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Generic, Protocol, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi.exceptions import RequestValidationError

from domain.money import CURRENCIES
from domain.pagination import Page, PageRequest

T = TypeVar("T")


class Identified(Protocol):
    @property
    def id(self) -> str: ...


Item = TypeVar("Item", bound=Identified)

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BATCH = 1000  # rows per database round trip and per chunk sent
_UTC = ZoneInfo("UTC")


def escape(text: str) -> str:
    return _text(text, _UTC)


class Figure(str):
    """Text Remit formatted itself (an amount): written as is, never escaped, so a refund's "-12.50" stays a number."""


def money(amount: int, currency: str) -> Figure:
    """Minor units as a decimal amount in the currency's own unit: 123456 USD -> 1234.56, 500 JPY -> 500."""
    digits = CURRENCIES.get(currency, 2)
    if digits == 0:
        return Figure(amount)
    units, minor = divmod(abs(amount), 10**digits)
    return Figure(f"{'-' if amount < 0 else ''}{units}.{minor:0{digits}d}")


def _when(value: datetime, zone: ZoneInfo) -> str:
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(zone).isoformat()


def _text(value: Any, _: ZoneInfo) -> str:
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


# How each type of value is written, looked up by exact type: this runs once per cell of a million-row export.
_WRITE: dict[type, Callable[[Any, ZoneInfo], str]] = {
    type(None): lambda _v, _z: "",
    bool: lambda v, _z: "true" if v else "false",
    int: lambda v, _z: str(v),
    Figure: lambda v, _z: str.__str__(v),
    Decimal: lambda v, _z: format(v, "f"),
    datetime: _when,
    date: lambda v, _z: v.isoformat(),
    str: _text,
    list: lambda v, z: _text(";".join(str(i) for i in v), z),
    dict: lambda v, z: _text(json.dumps(v, ensure_ascii=False, sort_keys=True), z) if v else "",
}


def _other(value: Any, zone: ZoneInfo) -> str:
    if isinstance(value, Enum):
        return _text(value.value, zone)
    return _text(value, zone)


def cell(value: Any, zone: ZoneInfo) -> str:
    return _WRITE.get(type(value), _other)(value, zone)


@dataclass(frozen=True)
class Columns(Generic[T]):
    """An export's columns, in their default order: each a name and how to read it from one item."""

    read: Mapping[str, Callable[[T], Any]]

    def choose(self, asked: str | None) -> list[str]:
        """The columns asked for (`a,b,c`, in that order), or all; an unknown name is a 422 naming it."""
        if asked is None or not asked.strip():
            return list(self.read)
        names = [n.strip() for n in asked.split(",") if n.strip()]
        for name in names:
            if name not in self.read:
                raise _invalid(
                    "columns", f"Unknown column '{name}'. Known columns: {', '.join(self.read)}.", "unknown_column"
                )
        if len(set(names)) != len(names):
            raise _invalid("columns", "A column is named twice.", "duplicate_column")
        return names


def zone(name: str | None) -> ZoneInfo:
    """The IANA time zone timestamps are written in (UTC by default); an unknown one is a 422."""
    if name is None:
        return ZoneInfo("UTC")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise _invalid(
            "tz", f"Unknown time zone '{name}'; use an IANA name such as America/Toronto.", "unknown_tz"
        ) from None


def _invalid(field: str, message: str, kind: str) -> RequestValidationError:
    return RequestValidationError([{"loc": ("query", field), "msg": message, "type": kind}])


async def keyset(
    list_page: Callable[[PageRequest], Awaitable[Page[Item]]], *, batch: int = BATCH
) -> AsyncIterator[list[Item]]:
    """Every item a list method answers, a page at a time, newest first, following its keyset."""
    before: str | None = None
    while True:
        page = await list_page(PageRequest(limit=batch, before_id=before))
        if page.items:
            yield page.items
        if not page.has_more or not page.items:
            return
        before = page.items[-1].id


async def read_ahead(batches: AsyncIterator[T]) -> AsyncGenerator[T, None]:
    """Asks the database for the next batch before the current one is written out, so that the database and the
    CSV writer work at the same time; at most two batches are in memory."""
    source = aiter(batches)
    pending: asyncio.Future[T] = asyncio.ensure_future(anext(source))
    try:
        while True:
            try:
                batch = await pending
            except StopAsyncIteration:
                return
            pending = asyncio.ensure_future(anext(source))
            await asyncio.sleep(0)  # let it send its query before this batch is formatted
            yield batch
    finally:
        if not pending.done():
            pending.cancel()
            with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
                await pending
        await source.aclose()  # type: ignore[attr-defined]


async def write_csv(
    names: Sequence[str],
    columns: Columns[T],
    batches: AsyncIterator[Sequence[T]],
    *,
    tz: ZoneInfo,
    bom: bool,
) -> AsyncIterator[bytes]:
    """The header, then one encoded chunk per batch."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    readers = [columns.read[name] for name in names]
    write = _WRITE.get
    writer.writerow(names)
    yield ((BOM if bom else "") + buffer.getvalue()).encode()
    async for batch in batches:
        buffer.seek(0)
        buffer.truncate()
        for item in batch:  # the hot loop of a million-row export: one dict lookup and one call per cell
            values = [read(item) for read in readers]
            writer.writerow([write(type(v), _other)(v, tz) for v in values])
        yield buffer.getvalue().encode()
