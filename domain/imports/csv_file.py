"""Reading an uploaded CSV file: UTF-8 (a byte order mark is skipped), a header row naming the columns, then one
record per row. Cells are text exactly as written: nothing is evaluated, so `=1+1` stays those four characters."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from domain.errors import ContentTooLarge, ErrorCode, InvalidRequest
from domain.imports.model import MAX_BYTES


@dataclass(frozen=True, slots=True)
class Columns:
    """The columns a kind of import takes: named ones, families by prefix (`metadata.region`), and groups of which
    the header must name exactly one (`customer_id` or `customer_external_id`)."""

    named: tuple[str, ...]
    required: tuple[str, ...]
    one_of: tuple[tuple[str, ...], ...] = ()
    prefixes: tuple[str, ...] = ()

    def describe(self) -> str:
        return ", ".join([*self.named, *(f"{p}<key>" for p in self.prefixes)])


@dataclass(frozen=True, slots=True)
class Record:
    row: int  # as a spreadsheet numbers it: the header is row 1
    cells: dict[str, str]  # by column; a missing trailing cell reads as empty
    extra_cells: int  # cells beyond the header's columns


def _invalid(detail: str) -> InvalidRequest:
    return InvalidRequest(detail, code=ErrorCode.INVALID_CSV, field="file")


def decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise ContentTooLarge(
            f"Import files are limited to {MAX_BYTES // (1024 * 1024)} MB.", code=ErrorCode.PAYLOAD_TOO_LARGE
        )
    if not data.strip():
        raise _invalid("The file is empty: it needs a header row naming the columns, then one row per record.")
    if b"\x00" in data:
        raise _invalid("The file is not CSV text (it contains NUL bytes); export it from the spreadsheet as CSV.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _invalid(
            f"The file is not UTF-8 text (byte {exc.start} cannot be read); save it as 'CSV UTF-8'."
        ) from None
    return text.removeprefix("\ufeff")


def _column_name(raw: str, columns: Columns) -> str:
    name = raw.strip()
    for prefix in columns.prefixes:
        if name.lower().startswith(prefix):
            return prefix + name[len(prefix) :].strip()  # a metadata key keeps its case
    return name.lower()


@dataclass(frozen=True, slots=True)
class Table:
    header: tuple[str, ...]
    text: str
    total_rows: int

    def records(self) -> Iterator[Record]:
        """Every non-blank row after the header, in order."""
        reader = csv.reader(io.StringIO(self.text, newline=""), strict=True)
        next(reader)
        width = len(self.header)
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            padded = [*cells[:width], *([""] * (width - len(cells)))]
            yield Record(number, dict(zip(self.header, padded, strict=True)), max(0, len(cells) - width))


def read_table(data: bytes, columns: Columns) -> Table:
    """Decode and check the whole file once (its header, that every row parses) and count its rows."""
    text = decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        raw_header = next(reader)
        total = sum(1 for cells in reader if any(cell.strip() for cell in cells))
    except csv.Error as exc:
        raise _invalid(f"The file is not valid CSV near line {reader.line_num}: {exc}.") from None
    header = tuple(_column_name(name, columns) for name in raw_header)
    unknown = [
        raw
        for raw, name in zip(raw_header, header, strict=True)
        if name not in columns.named and not any(name.startswith(p) and len(name) > len(p) for p in columns.prefixes)
    ]
    if unknown:
        shown = ", ".join(repr(u[:40]) for u in unknown[:5])
        raise _invalid(
            f"The first row must be a header naming the columns; not known: {shown}. "
            f"Columns taken: {columns.describe()}."
        )
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise _invalid(f"Columns named more than once: {', '.join(repeated)}.")
    missing = [name for name in columns.required if name not in header]
    for group in columns.one_of:
        named = [name for name in group if name in header]
        if len(named) > 1:
            raise _invalid(f"Name only one of the columns {' and '.join(named)}.")
        if not named:
            missing.append(" or ".join(group))
    if missing:
        raise _invalid(f"The header lacks the required columns: {', '.join(missing)}.")
    if total == 0:
        raise _invalid("The file has a header but no rows.")
    return Table(header=header, text=text, total_rows=total)
