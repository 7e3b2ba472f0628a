from __future__ import annotations

import pytest

from domain.constant_time import same_secret


def test_equal_secrets_match_and_others_do_not() -> None:
    assert same_secret("a1b2c3", "a1b2c3")
    assert not same_secret("a1b2c4", "a1b2c3")
    assert not same_secret("", "a1b2c3")
    assert same_secret("été", "été")


@pytest.mark.parametrize("given", ["é" * 32, "0" * 31 + "€", "\udc80" * 8, "ü", "\x00" * 32])
def test_any_text_is_simply_unequal_never_an_error(given: str) -> None:
    assert same_secret(given, "0" * 32) is False
