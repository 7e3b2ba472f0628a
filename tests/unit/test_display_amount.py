"""Amounts in emails and PDFs read exactly as the portal shows them (Intl's en-US and fr-CA)."""

from __future__ import annotations

import pytest

from domain.money import display_amount

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("amount", "currency", "language", "shown"),
    [
        (98000, "CAD", "en", "CA$980.00"),
        (98000, "CAD", "fr", f"980,00{NBSP}$"),
        (-123456750, "USD", "fr", f"-1{NBSP}234{NBSP}567,50{NBSP}${NBSP}US"),
        (123456750, "EUR", "fr", f"1{NBSP}234{NBSP}567,50{NBSP}€"),
        (1234568, "JPY", "fr", f"1{NBSP}234{NBSP}568{NBSP}¥"),
        (5, "USD", "en", "$0.05"),
        (5, "USD", "fr", f"0,05{NBSP}${NBSP}US"),
        (100, "CHF", "fr", f"1,00{NBSP}CHF"),
    ],
)
def test_amounts_match_the_portal(amount: int, currency: str, language: str, shown: str) -> None:
    assert display_amount(amount, currency, language) == shown


def test_an_unknown_language_falls_back_to_english() -> None:
    assert display_amount(98000, "CAD", "de") == "CA$980.00"
