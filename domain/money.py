"""Money in integer minor units with an ISO 4217 currency; never a float."""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import CurrencyMismatch, InvalidRequest

# ISO 4217 code -> number of minor-unit digits. Only currencies Remit can settle are listed.
CURRENCIES: dict[str, int] = {
    "USD": 2,
    "CAD": 2,
    "EUR": 2,
    "GBP": 2,
    "AUD": 2,
    "NZD": 2,
    "CHF": 2,
    "MXN": 2,
    "JPY": 0,
}

# Largest amount accepted anywhere: 10^12 minor units (ten billion dollars); well inside BIGINT.
MAX_AMOUNT = 10**12


def normalize_currency(code: str) -> str:
    """Upper-case a currency code and refuse the ones Remit does not know."""
    upper = code.strip().upper()
    if upper not in CURRENCIES:
        raise InvalidRequest(
            f"Unknown or unsupported currency '{code}'. Supported: {', '.join(sorted(CURRENCIES))}.",
            code="unknown_currency",
            field="currency",
        )
    return upper


@dataclass(frozen=True, slots=True)
class Money:
    amount: int
    currency: str

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise TypeError("Money.amount must be an int of minor units")
        if self.currency not in CURRENCIES:
            raise InvalidRequest(f"Unknown currency '{self.currency}'.", code="unknown_currency")

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    def _same(self, other: Money) -> None:
        if self.currency != other.currency:
            raise CurrencyMismatch(self.currency, other.currency)

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._same(other)
        return self.amount >= other.amount

    def is_zero(self) -> bool:
        return self.amount == 0

    def format(self) -> str:
        digits = CURRENCIES[self.currency]
        sign = "-" if self.amount < 0 else ""
        whole, frac = divmod(abs(self.amount), 10**digits) if digits else (abs(self.amount), 0)
        return f"{sign}{whole:,}.{frac:0{digits}d} {self.currency}" if digits else f"{sign}{whole:,} {self.currency}"


# How amounts are shown to people (emails, PDFs): a symbol that cannot be mistaken for another currency's.
SYMBOLS: dict[str, str] = {
    "USD": "$",
    "CAD": "CA$",
    "EUR": "€",
    "GBP": "£",
    "AUD": "A$",
    "NZD": "NZ$",
    "CHF": "CHF\u00a0",
    "MXN": "MX$",
    "JPY": "¥",
}


def display_amount(amount: int, currency: str) -> str:
    """`102930, "USD"` -> `$1,029.30`; `"CAD"` -> `CA$1,029.30`. Integer arithmetic only, so no float ever
    rounds a cent away; unknown currencies are shown with their code."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError("amounts are int minor units")
    code = currency.upper()
    digits = CURRENCIES.get(code, 2)
    whole, frac = divmod(abs(amount), 10**digits)
    number = f"{whole:,}.{frac:0{digits}d}" if digits else f"{whole:,}"
    sign = "-" if amount < 0 else ""
    symbol = SYMBOLS.get(code)
    return f"{sign}{symbol}{number}" if symbol else f"{sign}{number}\u00a0{code}"
