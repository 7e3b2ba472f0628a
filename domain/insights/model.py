"""What the insights compute from ledger sums: pure arithmetic on dates and minor units, no database.

"As of" a date means what was known at the end of that day (UTC): an entry counts when it was created before
midnight after `as_of`, whatever date it speaks of.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum

from domain.errors import InvalidRequest

DSO_DAYS = 90  # DSO's window: receivables against the sales of the last 90 days
DAYS_TO_PAY_WINDOW = 90  # average days to pay: invoices fully paid in the last 90 days
COLLECTED_WINDOW = 30  # the summary's "collected in the last 30 days"
MAX_RANGE_YEARS = 5


class Bucket(StrEnum):
    """Aging by days past due at `as_of` (0 or less is current)."""

    CURRENT = "current"
    DAYS_1_30 = "1_30"
    DAYS_31_60 = "31_60"
    DAYS_61_90 = "61_90"
    OVER_90 = "over_90"


# Each bucket's last day past due; OVER_90 has none.
_UPPER = ((Bucket.CURRENT, 0), (Bucket.DAYS_1_30, 30), (Bucket.DAYS_31_60, 60), (Bucket.DAYS_61_90, 90))


def bucket_for(days_past_due: int) -> Bucket:
    for bucket, last in _UPPER:
        if days_past_due <= last:
            return bucket
    return Bucket.OVER_90


def due_date_floors(as_of: date) -> list[tuple[Bucket, date | None]]:
    """Each bucket with the earliest due date it holds (None: no limit), newest first: an invoice falls in the
    first bucket whose floor its due date reaches. The database buckets by comparing due dates with these, so no
    date arithmetic differs between SQLite and PostgreSQL."""
    floors: list[tuple[Bucket, date | None]] = [(b, as_of - timedelta(days=last)) for b, last in _UPPER]
    return [*floors, (Bucket.OVER_90, None)]


def bucket_by_due_date(due: date, as_of: date) -> Bucket:
    for bucket, floor in due_date_floors(as_of):
        if floor is None or due >= floor:
            return bucket
    raise AssertionError("the last bucket has no floor")


@dataclass(frozen=True, slots=True)
class Aging:
    amounts: dict[Bucket, int] = field(default_factory=dict)

    def of(self, bucket: Bucket) -> int:
        return self.amounts.get(bucket, 0)

    @property
    def total(self) -> int:
        return sum(self.amounts.values())

    @property
    def overdue(self) -> int:
        return self.total - self.of(Bucket.CURRENT)


def cutoff(as_of: date) -> datetime:
    """The first instant not yet known on `as_of`: midnight UTC after it."""
    return datetime.combine(as_of + timedelta(days=1), time(), tzinfo=UTC)


def days_sales_outstanding(receivables: int, sales: int, days: int = DSO_DAYS) -> Decimal | None:
    """Receivables divided by the period's sales, times its days, to one decimal; None when nothing was sold."""
    if sales <= 0:
        return None
    return (Decimal(receivables) * days / Decimal(sales)).quantize(Decimal("0.1"), rounding=ROUND_HALF_EVEN)


def average_days(spans: Iterable[int]) -> Decimal | None:
    """The mean of whole-day spans, to one decimal; None when there are none."""
    return average_days_counted((span, 1) for span in spans)


def average_days_counted(counted: Iterable[tuple[int, int]]) -> Decimal | None:
    """The mean of whole-day spans given as (span, how many have it), to one decimal; None when there are none."""
    total = count = 0
    for span, n in counted:
        total += span * n
        count += n
    if count <= 0:
        return None
    return (Decimal(total) / count).quantize(Decimal("0.1"), rounding=ROUND_HALF_EVEN)


@dataclass(frozen=True, slots=True)
class Period:
    """A run of whole days, `start` to `end` inclusive."""

    start: date
    end: date


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def check_range(start: date, end: date) -> None:
    if start > end:
        raise InvalidRequest("`from` must not be after `to`.", field="from")
    if end > _add_years(start, MAX_RANGE_YEARS):
        raise InvalidRequest(f"The range may cover at most {MAX_RANGE_YEARS} years.", field="to")


def months(start: date, end: date) -> list[Period]:
    """Calendar months covering `start`..`end`, the first and last cut to the range."""
    check_range(start, end)
    out: list[Period] = []
    first = start
    while first <= end:
        following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        out.append(Period(first, min(end, following - timedelta(days=1))))
        first = following
    return out


def boundaries(instants: Iterable[datetime]) -> list[datetime]:
    """Sorted, distinct: the edges of the segments the database sums entries into."""
    return sorted(set(instants))


def segment_of(edges: Sequence[datetime], at: datetime) -> int:
    """The segment an entry created `at` falls in: 0 before the first edge, i before edge i; len(edges) after the
    last (which the sums leave out)."""
    for i, edge in enumerate(edges):
        if at < edge:
            return i
    return len(edges)


def sum_between(sums: Sequence[int], edges: Sequence[datetime], start: datetime | None, end: datetime) -> int:
    """What the segments from `start` (None: the beginning) to `end` add up to; both must be edges."""
    first = 0 if start is None else edges.index(start) + 1
    return sum(sums[first : edges.index(end) + 1])


@dataclass(frozen=True, slots=True)
class DsoPoint:
    receivables: int
    sales: int
    days: Decimal | None


def dso_at(edges: Sequence[datetime], receivables: Sequence[int], sales: Sequence[int], at: datetime) -> DsoPoint:
    """DSO known at instant `at` (an edge, as is `at` minus 90 days) from per-segment sums over the whole history:
    receivables are everything before `at`, sales those of the 90 days before it."""
    owed = sum_between(receivables, edges, None, at)
    sold = sum_between(sales, edges, at - timedelta(days=DSO_DAYS), at)
    return DsoPoint(owed, sold, days_sales_outstanding(owed, sold))
