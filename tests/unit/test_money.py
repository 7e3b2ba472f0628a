"""Money: integer minor units, one currency at a time."""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import CurrencyMismatch, InvalidRequest
from domain.money import CURRENCIES, MAX_AMOUNT, Money, normalize_currency

amounts = st.integers(-MAX_AMOUNT, MAX_AMOUNT)
currencies = st.sampled_from(sorted(CURRENCIES))


def test_arithmetic_in_one_currency() -> None:
    a, b = Money(1_050, "USD"), Money(-50, "USD")
    assert a + b == Money(1_000, "USD")
    assert a - b == Money(1_100, "USD")
    assert -a == Money(-1_050, "USD")
    assert Money.zero("CAD") == Money(0, "CAD")
    assert Money.zero("CAD").is_zero() and not a.is_zero()
    assert b < a and b <= a and a > b and a >= b and a <= a and a >= a


@pytest.mark.parametrize("op", [operator.add, operator.sub, operator.lt, operator.le, operator.gt, operator.ge])
def test_mixing_currencies_raises(op: Callable[[Money, Money], Any]) -> None:
    with pytest.raises(CurrencyMismatch) as err:
        op(Money(100, "USD"), Money(100, "CAD"))
    assert err.value.code == "currency_mismatch"
    assert err.value.context["left"] == "USD" and err.value.context["right"] == "CAD"
    assert isinstance(err.value, InvalidRequest)


def test_equality_includes_the_currency() -> None:
    assert Money(100, "USD") != Money(100, "CAD")
    assert Money(100, "USD") == Money(100, "USD")
    assert len({Money(100, "USD"), Money(100, "USD"), Money(100, "CAD")}) == 2


def test_money_is_frozen() -> None:
    m = Money(1, "USD")
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.amount = 2  # type: ignore[misc]


@pytest.mark.parametrize("code", ["XXX", "usd", "", "US", "BTC"])
def test_unknown_currency_is_refused(code: str) -> None:
    with pytest.raises(InvalidRequest) as err:
        Money(100, code)
    assert err.value.code == "unknown_currency"


@pytest.mark.parametrize(("raw", "expected"), [("usd", "USD"), (" cad ", "CAD"), ("JpY", "JPY"), ("EUR", "EUR")])
def test_normalize_currency(raw: str, expected: str) -> None:
    assert normalize_currency(raw) == expected


@pytest.mark.parametrize("raw", ["", "dollars", "XXX", "U SD"])
def test_normalize_currency_refuses_unknown_codes(raw: str) -> None:
    with pytest.raises(InvalidRequest) as err:
        normalize_currency(raw)
    assert err.value.code == "unknown_currency"
    assert err.value.field == "currency"
    assert "USD" in err.value.detail  # tells people what is supported


@pytest.mark.parametrize("amount", [1.0, 10.5, Decimal("1"), "100", True, False, None])
def test_non_int_amounts_are_refused(amount: Any) -> None:
    with pytest.raises(TypeError):
        Money(amount, "USD")


@pytest.mark.parametrize(
    ("money", "text"),
    [
        (Money(123_456, "USD"), "1,234.56 USD"),
        (Money(5, "USD"), "0.05 USD"),
        (Money(0, "EUR"), "0.00 EUR"),
        (Money(-123_456, "CAD"), "-1,234.56 CAD"),
        (Money(-5, "USD"), "-0.05 USD"),
        (Money(100_000_000, "USD"), "1,000,000.00 USD"),
        (Money(1_234, "JPY"), "1,234 JPY"),
        (Money(-7, "JPY"), "-7 JPY"),
    ],
)
def test_format(money: Money, text: str) -> None:
    assert money.format() == text


@given(a=amounts, b=amounts, c=amounts, currency=currencies)
def test_addition_laws(a: int, b: int, c: int, currency: str) -> None:
    x, y, z = Money(a, currency), Money(b, currency), Money(c, currency)
    assert x + y == y + x
    assert (x + y) + z == x + (y + z)
    assert x + Money.zero(currency) == x
    assert x - y + y == x
    assert x + (-x) == Money.zero(currency)
    assert (x < y) == (a < b) and (x >= y) == (a >= b)


@given(amount=amounts, currency=currencies)
def test_format_round_trips_to_the_amount(amount: int, currency: str) -> None:
    text = Money(amount, currency).format()
    number, code = text.split(" ")
    assert code == currency
    digits = CURRENCIES[currency]
    whole, _, frac = number.replace(",", "").lstrip("-").partition(".")
    assert len(frac) == digits
    parsed = int(whole) * 10**digits + (int(frac) if frac else 0)
    assert parsed * (-1 if number.startswith("-") else 1) == amount
