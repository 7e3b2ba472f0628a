"""Amounts are int minor units beside an ISO 4217 currency code, never a float: the currencies Remit settles, the
largest amount it takes, and how an amount is shown to people."""

from __future__ import annotations

from domain.errors import ErrorCode, InvalidRequest

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
            code=ErrorCode.UNKNOWN_CURRENCY,
            field="currency",
        )
    return upper


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


# French (Canada) as the portal shows it (Intl's fr-CA): "1 234,50 $", "1 234,50 $ US".
FRENCH_SYMBOLS: dict[str, str] = {
    "USD": "$\u00a0US",
    "CAD": "$",
    "EUR": "€",
    "GBP": "£",
    "AUD": "$\u00a0AU",
    "NZD": "$\u00a0NZ",
    "CHF": "CHF",
    "MXN": "MXN",
    "JPY": "¥",
}
LANGUAGES = ("en", "fr")


def display_amount(amount: int, currency: str, language: str = "en") -> str:
    """`102930, "USD"` -> `$1,029.30`; `"CAD"` -> `CA$1,029.30`; in French `1 029,30 $`. The same figures the
    portal shows for that language. Integer arithmetic only, so no float ever rounds a cent away; unknown
    currencies are shown with their code."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError("amounts are int minor units")
    code = currency.upper()
    digits = CURRENCIES.get(code, 2)
    whole, frac = divmod(abs(amount), 10**digits)
    sign = "-" if amount < 0 else ""
    if language == "fr":
        grouped = f"{whole:,}".replace(",", "\u00a0")
        number = f"{grouped},{frac:0{digits}d}" if digits else grouped
        return f"{sign}{number}\u00a0{FRENCH_SYMBOLS.get(code, code)}"
    number = f"{whole:,}.{frac:0{digits}d}" if digits else f"{whole:,}"
    symbol = SYMBOLS.get(code)
    return f"{sign}{symbol}{number}" if symbol else f"{sign}{number}\u00a0{code}"
