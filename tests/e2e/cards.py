"""Find card numbers where none may be: 13 to 19 Luhn-valid digits, contiguous or in groups of three or more
separated by one space or dash (`4242 4242 4242 4242`, `3782-822463-10005`), starting as card brands do (2 to 6),
and not glued to letters or further digits, directly or by a dash (so hashes, UUIDs and ids do not count)."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# Runs of digits joined by single spaces or dashes, not touching letters or other digits, nor joined by a dash to
# more of a token (a UUID's all-digit leading groups are part of an identifier); see card_numbers().
RUN = re.compile(r"(?<![A-Za-z0-9])(?<![A-Za-z0-9]-)\d+(?:[ -]\d+)*(?![A-Za-z0-9]|-[A-Za-z0-9])")


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def card_numbers(text: str) -> list[str]:
    """Every card-number-looking string in `text`, as written: within each run of digit groups, any consecutive
    groups (each of 3+ digits when there are several) holding 13 to 19 digits, first digit 2 to 6, Luhn-valid."""
    found = []
    for run in RUN.finditer(text):
        written = run.group(0)
        groups = re.split(r"[ -]", written)
        starts = [0]
        for group in groups[:-1]:
            starts.append(starts[-1] + len(group) + 1)
        for first in range(len(groups)):
            size = 0
            for last in range(first, len(groups)):
                if last > first and (len(groups[last]) < 3 or len(groups[first]) < 3):
                    break
                size += len(groups[last])
                if size > 19:
                    break
                digits = "".join(groups[first : last + 1])
                if size >= 13 and digits[0] in "23456" and luhn_valid(digits):
                    found.append(written[starts[first] : starts[last] + len(groups[last])])
    return found


@dataclass(frozen=True)
class Leak:
    where: str
    number: str

    def __str__(self) -> str:
        masked = re.sub(r"\d(?=(?:[ -]?\d){4})", "•", self.number)  # the report itself shows only the last four
        return f"{self.where}: {masked}"


def scan_sqlite(path: Path) -> Iterator[Leak]:
    """Every text (and integer) value of every table, read through SQLite (the WAL included)."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        tables = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            cursor = connection.execute(f'SELECT * FROM "{table}"')  # names from sqlite_master
            columns = [d[0] for d in cursor.description]
            for row_number, row in enumerate(cursor, 1):
                for column, value in zip(columns, row, strict=True):
                    if isinstance(value, bytes):
                        value = value.decode("latin-1")
                    if isinstance(value, int) and not isinstance(value, bool):
                        value = str(value)
                    if isinstance(value, str):
                        for number in card_numbers(value):
                            yield Leak(f"{table}.{column} (row {row_number})", number)
    finally:
        connection.close()


def scan_file(path: Path, label: str | None = None) -> Iterator[Leak]:
    """The raw bytes of a file: the server log, or a database file with its free pages (deleted rows linger)."""
    if not path.exists():
        return
    text = path.read_bytes().decode("latin-1")
    for number in card_numbers(text):
        yield Leak(label or path.name, number)
