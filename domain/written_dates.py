"""Dates written out for people, in English or French, the same in emails and PDFs: nobody reads them month-first
or day-first."""

from __future__ import annotations

from datetime import date

FRENCH_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def long_date(day: date, language: str = "en") -> str:
    """`December 1, 2026` / `1 décembre 2026`."""
    if language == "fr":
        return f"{day.day} {FRENCH_MONTHS[day.month - 1]} {day.year}"
    return f"{day:%B} {day.day}, {day.year}"
