"""The insights' pure arithmetic against brute force: aging buckets, DSO, segment sums and month periods."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InvalidRequest
from domain.insights.model import (
    Aging,
    Bucket,
    average_days,
    average_days_counted,
    boundaries,
    bucket_by_due_date,
    bucket_for,
    cutoff,
    days_sales_outstanding,
    dso_at,
    months,
    segment_of,
)

days = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))
instants = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 1, 1), timezones=st.just(UTC))


def brute_bucket(days_past_due: int) -> Bucket:
    if days_past_due <= 0:
        return Bucket.CURRENT
    if days_past_due <= 30:
        return Bucket.DAYS_1_30
    if days_past_due <= 60:
        return Bucket.DAYS_31_60
    if days_past_due <= 90:
        return Bucket.DAYS_61_90
    return Bucket.OVER_90


@given(due=days, as_of=days)
def test_the_due_date_floors_the_database_compares_bucket_like_days_past_due(due: date, as_of: date) -> None:
    expected = brute_bucket((as_of - due).days)
    assert bucket_for((as_of - due).days) is expected
    assert bucket_by_due_date(due, as_of) is expected


@pytest.mark.parametrize(
    ("dpd", "bucket"),
    [
        (-5, "current"),
        (0, "current"),
        (1, "1_30"),
        (30, "1_30"),
        (31, "31_60"),
        (60, "31_60"),
        (61, "61_90"),
        (90, "61_90"),
        (91, "over_90"),
    ],
)
def test_bucket_edges(dpd: int, bucket: str) -> None:
    assert bucket_for(dpd).value == bucket


@given(st.dictionaries(st.sampled_from(list(Bucket)), st.integers(0, 10**12)))
def test_aging_totals(amounts: dict[Bucket, int]) -> None:
    aging = Aging(amounts)
    assert aging.total == sum(amounts.values())
    assert aging.overdue == aging.total - amounts.get(Bucket.CURRENT, 0)


@given(receivables=st.integers(0, 10**12), sales=st.integers(1, 10**12))
def test_dso_is_receivables_over_sales_times_90_to_a_tenth(receivables: int, sales: int) -> None:
    dso = days_sales_outstanding(receivables, sales)
    assert dso is not None
    exact = Decimal(receivables) * 90 / Decimal(sales)
    assert abs(dso - exact) <= Decimal("0.05")
    assert dso == dso.quantize(Decimal("0.1"))


@given(receivables=st.integers(0, 10**12), sales=st.integers(-(10**6), 0))
def test_no_dso_without_sales(receivables: int, sales: int) -> None:
    assert days_sales_outstanding(receivables, sales) is None


@given(a=st.integers(0, 10**9), b=st.integers(0, 10**9), sales=st.integers(1, 10**9))
def test_dso_grows_with_receivables(a: int, b: int, sales: int) -> None:
    low, high = sorted((a, b))
    assert days_sales_outstanding(low, sales) <= days_sales_outstanding(high, sales)  # type: ignore[operator]


def test_average_days() -> None:
    assert average_days([]) is None
    assert average_days([10, 20, 31]) == Decimal("20.3")


@given(st.lists(st.tuples(st.integers(0, 400), st.integers(1, 50)), max_size=20))
def test_counted_spans_average_as_the_spans_they_stand_for(counted: list[tuple[int, int]]) -> None:
    assert average_days_counted(counted) == average_days([span for span, n in counted for _ in range(n)])


@given(
    entries=st.lists(st.tuples(instants, st.integers(-(10**6), 10**6), st.integers(-(10**6), 10**6)), max_size=40),
    ats=st.lists(st.dates(min_value=date(2025, 2, 1), max_value=date(2026, 12, 30)), min_size=1, max_size=6),
)
def test_dso_from_segment_sums_matches_brute_force(entries: list[tuple[datetime, int, int]], ats: list[date]) -> None:
    ends = [cutoff(d) for d in ats]
    edges = boundaries([*ends, *(e - timedelta(days=90) for e in ends)])
    receivables = [0] * len(edges)
    sales = [0] * len(edges)
    for created, owed, sold in entries:
        seg = segment_of(edges, created)
        if seg < len(edges):
            receivables[seg] += owed
            sales[seg] += sold
    for end in ends:
        point = dso_at(edges, receivables, sales, end)
        assert point.receivables == sum(o for c, o, _ in entries if c < end)
        sold = sum(s for c, _, s in entries if end - timedelta(days=90) <= c < end)
        assert point.sales == sold
        assert point.days == days_sales_outstanding(point.receivables, sold)


@given(start=days, length=st.integers(0, 5 * 365))
def test_months_cover_the_range_without_gaps(start: date, length: int) -> None:
    end = start + timedelta(days=length)
    periods = months(start, end)
    assert periods[0].start == start and periods[-1].end == end
    for before, after in itertools.pairwise(periods):
        assert after.start == before.end + timedelta(days=1) and after.start.day == 1
    assert all(p.start.month == p.end.month and p.start <= p.end for p in periods)


def test_ranges_are_checked() -> None:
    with pytest.raises(InvalidRequest):
        months(date(2026, 2, 1), date(2026, 1, 1))
    with pytest.raises(InvalidRequest):
        months(date(2020, 1, 1), date(2025, 1, 2))
    assert len(months(date(2020, 1, 1), date(2025, 1, 1))) == 61
    assert len(months(date(2024, 2, 29), date(2029, 2, 28))) == 61


def test_as_of_means_the_end_of_the_day_in_utc() -> None:
    assert cutoff(date(2026, 11, 30)) == datetime(2026, 12, 1, tzinfo=UTC)
