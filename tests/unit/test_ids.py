"""Prefixed, time-ordered ids: keyset pagination relies on id order following creation time."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.ids import PREFIXES, new_id

MAX_MS = 2**48 - 1  # ULID time range
BODY = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")  # Crockford base32: no I, L, O, U


@pytest.mark.parametrize("prefix", sorted(PREFIXES.values()))
def test_prefix_and_length(prefix: str) -> None:
    ident = new_id(prefix)
    head, _, body = ident.partition("_")
    assert head == prefix
    assert len(ident) == len(prefix) + 1 + 26
    assert BODY.match(body), ident


def test_prefixes_are_unique_per_kind() -> None:
    assert len(set(PREFIXES.values())) == len(PREFIXES)
    assert PREFIXES["invoice"] == "inv" and PREFIXES["payment"] == "pay" and PREFIXES["customer"] == "cus"


def test_ids_are_unique() -> None:
    ids = [new_id("inv", now_ms=1_700_000_000_000) for _ in range(2_000)]
    assert len(set(ids)) == len(ids)


def test_time_is_the_leading_part() -> None:
    assert new_id("x", now_ms=0).startswith("x_0000000000")
    assert new_id("x", now_ms=MAX_MS)[2:12] == "7ZZZZZZZZZ"


@given(a=st.integers(0, MAX_MS), b=st.integers(0, MAX_MS))
def test_lexicographic_order_follows_time(a: int, b: int) -> None:
    first, second = new_id("inv", now_ms=a), new_id("inv", now_ms=b)
    if a < b:
        assert first < second
    elif a > b:
        assert first > second
    else:
        assert first[:14] == second[:14]  # same millisecond: same time part, random tail


def test_default_time_is_now() -> None:
    import time

    before = int(time.time() * 1000)
    ident = new_id("evt")
    after = int(time.time() * 1000)
    assert new_id("evt", now_ms=before)[:14] <= ident[:14] <= new_id("evt", now_ms=after)[:14]
