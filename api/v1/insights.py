"""/v1/insights: receivables figures for the dashboard, all derived from the ledger and readable as of any past
date (entries created after that day are left out)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from adapters.db.insights import SqlInsights
from api.deps import Read, ReadContext, json_response
from api.errors import problems
from api.pagination import Cursor, Limit, decode_cursor, encode_cursor
from api.v1.fields import Day
from domain.errors import InvalidRequest
from domain.insights.model import (
    COLLECTED_WINDOW,
    DAYS_TO_PAY_WINDOW,
    DSO_DAYS,
    Aging,
    Bucket,
    average_days_counted,
    boundaries,
    cutoff,
    days_sales_outstanding,
    dso_at,
    months,
)
from domain.money import normalize_currency

router = APIRouter(prefix="/v1/insights", tags=["insights"])

DEFAULT_CURRENCY = "USD"  # what a partner with no invoice yet reads its (zero) figures in

CurrencyQuery = Annotated[
    str | None,
    Query(
        min_length=3,
        max_length=3,
        description="ISO 4217 code, any case. Required when the partner has invoices in several currencies.",
        examples=["USD"],
    ),
]
AsOfQuery = Annotated[
    Day | None,
    Query(
        description="Read the figures as known at the end of this day (UTC); default today.", examples=["2026-09-30"]
    ),
]
FromQuery = Annotated[
    Day | None,
    Query(alias="from", description="First day; default the first of the month 11 months before `to`."),
]
ToQuery = Annotated[Day | None, Query(alias="to", description="Last day; default today. At most 5 years after `from`.")]
IntervalQuery = Annotated[
    Literal["month"], Query(description="Calendar months; the first and last are cut to the range.")
]


def _days(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


class BucketsOut(BaseModel):
    current: int = Field(description="Not yet due (0 days past due or fewer).")
    days_1_30: int
    days_31_60: int
    days_61_90: int
    days_over_90: int
    total: int

    @classmethod
    def of(cls, aging: Aging) -> BucketsOut:
        return cls(
            current=aging.of(Bucket.CURRENT),
            days_1_30=aging.of(Bucket.DAYS_1_30),
            days_31_60=aging.of(Bucket.DAYS_31_60),
            days_61_90=aging.of(Bucket.DAYS_61_90),
            days_over_90=aging.of(Bucket.OVER_90),
            total=aging.total,
        )


_BUCKETS_EXAMPLE: Any = {
    "current": 120000,
    "days_1_30": 45000,
    "days_31_60": 0,
    "days_61_90": 9900,
    "days_over_90": 25000,
    "total": 199900,
}


class SummaryOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "object": "insights_summary",
                    "currency": "USD",
                    "as_of": "2026-11-30",
                    "outstanding": 199900,
                    "overdue": 79900,
                    "pending": 15000,
                    "collected_last_30_days": 310000,
                    "collected_by_method": {"card": 210000, "check": 100000},
                    "dso_days": 41.3,
                    "average_days_to_pay": 27.5,
                    "autopay_share": None,
                }
            ]
        }
    )
    object: str = "insights_summary"
    currency: str
    as_of: date
    outstanding: int = Field(description="Still receivable: billed, not paid and not on its way.")
    overdue: int = Field(description="The part of `outstanding` past its due date.")
    pending: int = Field(description="On its way (processor payments and bank debits not settled yet).")
    collected_last_30_days: int = Field(
        description="Settled money applied to invoices in the 30 days up to `as_of`, net of returned debits."
    )
    collected_by_method: dict[str, int] = Field(description="`collected_last_30_days` by payment method.")
    dso_days: float | None = Field(
        description="Days sales outstanding over 90 days: (outstanding + pending) ÷ net sales of the last 90 days "
        "x 90, one decimal; null when nothing was billed in those 90 days."
    )
    average_days_to_pay: float | None = Field(
        description="Mean days from issue date to the payment that left nothing due, over invoices fully paid in "
        "the last 90 days (voided ones aside); null when there are none."
    )
    autopay_share: float | None = Field(
        description="Share of customers enrolled in auto-pay. Always null for now: Remit has no auto-pay "
        "enrolment yet, and saved methods carry no auto-pay flag to count instead."
    )


class CustomerAgingOut(BaseModel):
    customer_id: str
    name: str
    buckets: BucketsOut


class AgingOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "object": "insights_aging",
                    "currency": "USD",
                    "as_of": "2026-11-30",
                    "total": _BUCKETS_EXAMPLE,
                    "data": [
                        {
                            "customer_id": "cus_01JD3M7K2B0000000000000000",
                            "name": "Acme Dental",
                            "buckets": _BUCKETS_EXAMPLE,
                        }
                    ],
                    "next_cursor": None,
                }
            ]
        }
    )
    object: str = "insights_aging"
    currency: str
    as_of: date
    total: BucketsOut = Field(description="All customers together (this does not depend on the page).")
    data: list[CustomerAgingOut] = Field(description="Customers with something outstanding, newest first.")
    next_cursor: str | None = Field(description="Pass as `cursor` to get the next page; null on the last page.")


class CollectedPoint(BaseModel):
    period_start: date
    period_end: date
    total: int
    by_method: dict[str, int]


class CollectedOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "object": "insights_collected",
                    "currency": "USD",
                    "interval": "month",
                    "data": [
                        {
                            "period_start": "2026-10-01",
                            "period_end": "2026-10-31",
                            "total": 310000,
                            "by_method": {"card": 210000, "check": 100000},
                        }
                    ],
                }
            ]
        }
    )
    object: str = "insights_collected"
    currency: str
    interval: Literal["month"]
    data: list[CollectedPoint]


class DsoPointOut(BaseModel):
    period_start: date
    period_end: date
    receivables: int = Field(description="Outstanding + pending at the end of the period.")
    sales: int = Field(description="Net sales of the 90 days up to the end of the period.")
    dso_days: float | None


class DsoOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "object": "insights_dso",
                    "currency": "USD",
                    "interval": "month",
                    "data": [
                        {
                            "period_start": "2026-10-01",
                            "period_end": "2026-10-31",
                            "receivables": 214900,
                            "sales": 468000,
                            "dso_days": 41.3,
                        }
                    ],
                }
            ]
        }
    )
    object: str = "insights_dso"
    currency: str
    interval: Literal["month"]
    data: list[DsoPointOut]


async def _insights(ctx: ReadContext) -> SqlInsights:
    return SqlInsights(ctx.uow.session, ctx.uow.partner_id)


async def _currency(insights: SqlInsights, currency: str | None) -> str:
    if currency is not None:
        return normalize_currency(currency)
    held = await insights.currencies()
    if len(held) > 1:
        raise InvalidRequest(
            f"This account has invoices in {', '.join(held)}: name one with `currency`.",
            field="currency",
            currencies=",".join(held),  # for a client's currency picker (the dashboard's Home)
        )
    return held[0] if held else DEFAULT_CURRENCY


def _not_future(ctx: ReadContext, day: date, name: str) -> None:
    if day > ctx.clock.today():
        raise InvalidRequest(f"`{name}` is in the future: nothing is known about it yet.", field=name)


def _range(ctx: ReadContext, start: date | None, end: date | None) -> tuple[date, date]:
    end = end or ctx.clock.today()
    _not_future(ctx, end, "to")
    if start is None:
        start = date(end.year - 1, end.month + 1, 1) if end.month < 12 else date(end.year, 1, 1)
    return start, end


@router.get(
    "/summary",
    operation_id="insights_summary",
    summary="Receivables summary",
    description="Outstanding, overdue and pending amounts, collections of the last 30 days by method, DSO and "
    "average days to pay, as known at the end of `as_of` (UTC). Amounts are minor units of `currency`.",
    response_model=SummaryOut,
    responses=problems(400, 401, 422),
)
async def summary(ctx: Read, currency: CurrencyQuery = None, as_of: AsOfQuery = None) -> Response:
    as_of = as_of or ctx.clock.today()
    _not_future(ctx, as_of, "as_of")
    insights = await _insights(ctx)
    cur = await _currency(insights, currency)
    end = cutoff(as_of)
    position = await insights.position(cur, as_of)
    recent = end - timedelta(days=COLLECTED_WINDOW)
    flows = await insights.flows(cur, [recent, end], since=end - timedelta(days=DSO_DAYS))
    spans = await insights.paid_spans(cur, end - timedelta(days=DAYS_TO_PAY_WINDOW), end)
    collected = {m: a for m, a in sorted(flows.collected[1].items()) if a}
    out = SummaryOut(
        currency=cur,
        as_of=as_of,
        outstanding=position.aging.total,
        overdue=position.aging.overdue,
        pending=position.pending,
        collected_last_30_days=sum(collected.values()),
        collected_by_method=collected,
        dso_days=_days(days_sales_outstanding(position.aging.total + position.pending, sum(flows.sales))),
        average_days_to_pay=_days(average_days_counted(spans)),
        autopay_share=None,
    )
    return json_response(out)


@router.get(
    "/aging",
    operation_id="insights_aging",
    summary="Aging buckets",
    description="What is outstanding at the end of `as_of`, by days past due: current, 1-30, 31-60, 61-90 and "
    "over 90; in total and per customer (customers with something outstanding, paged newest first).",
    response_model=AgingOut,
    responses=problems(400, 401, 422),
)
async def aging(
    ctx: Read, currency: CurrencyQuery = None, as_of: AsOfQuery = None, limit: Limit = 20, cursor: Cursor = None
) -> Response:
    as_of = as_of or ctx.clock.today()
    _not_future(ctx, as_of, "as_of")
    after = decode_cursor(cursor)
    insights = await _insights(ctx)
    cur = await _currency(insights, currency)
    position = await insights.position(cur, as_of)
    rows, has_more = await insights.aging_by_customer(cur, as_of, before_customer=after, limit=limit)
    out = AgingOut(
        currency=cur,
        as_of=as_of,
        total=BucketsOut.of(position.aging),
        data=[CustomerAgingOut(customer_id=r.customer_id, name=r.name, buckets=BucketsOut.of(r.aging)) for r in rows],
        next_cursor=encode_cursor(rows[-1].customer_id) if has_more and rows else None,
    )
    return json_response(out)


@router.get(
    "/collected",
    operation_id="insights_collected",
    summary="Collected per period",
    description="Settled money applied to invoices in each period, net of returned debits, in total and by "
    "payment method, counted on the day it settled (entries as recorded; later ones are not in past periods).",
    response_model=CollectedOut,
    responses=problems(400, 401, 422),
)
async def collected(
    ctx: Read,
    currency: CurrencyQuery = None,
    interval: IntervalQuery = "month",
    start: FromQuery = None,
    end: ToQuery = None,
) -> Response:
    start, end = _range(ctx, start, end)
    periods = months(start, end)
    insights = await _insights(ctx)
    cur = await _currency(insights, currency)
    first = cutoff(start - timedelta(days=1))
    flows = await insights.flows(cur, [first, *(cutoff(p.end) for p in periods)], since=first)
    data = []
    for i, period in enumerate(periods, start=1):
        by_method = {m: a for m, a in sorted(flows.collected[i].items()) if a}
        data.append(
            CollectedPoint(
                period_start=period.start, period_end=period.end, total=sum(by_method.values()), by_method=by_method
            )
        )
    return json_response(CollectedOut(currency=cur, interval=interval, data=data))


@router.get(
    "/dso",
    operation_id="insights_dso",
    summary="DSO per period",
    description="Days sales outstanding as known at the end of each period: (outstanding + pending) ÷ net sales "
    "of the 90 days before x 90, one decimal; null for a period with no sales in its 90 days.",
    response_model=DsoOut,
    responses=problems(400, 401, 422),
)
async def dso(
    ctx: Read,
    currency: CurrencyQuery = None,
    interval: IntervalQuery = "month",
    start: FromQuery = None,
    end: ToQuery = None,
) -> Response:
    start, end = _range(ctx, start, end)
    periods = months(start, end)
    insights = await _insights(ctx)
    cur = await _currency(insights, currency)
    ends = [cutoff(p.end) for p in periods]
    edges = boundaries([*ends, *(e - timedelta(days=DSO_DAYS) for e in ends)])
    flows = await insights.flows(cur, edges)
    data = []
    for period, at in zip(periods, ends, strict=True):
        point = dso_at(edges, flows.receivables, flows.sales, at)
        data.append(
            DsoPointOut(
                period_start=period.start,
                period_end=period.end,
                receivables=point.receivables,
                sales=point.sales,
                dso_days=_days(point.days),
            )
        )
    return json_response(DsoOut(currency=cur, interval=interval, data=data))
