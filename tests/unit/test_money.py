"""Currency codes: normalised to upper case, unknown ones refused with the supported list."""

from __future__ import annotations

import pytest

from domain.errors import InvalidRequest
from domain.money import normalize_currency


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
