"""/v1/insights against figures recomputed here from the API's own invoices and payments, on both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import httpx

from adapters.bootstrap import Container
from domain.clock import FixedClock
from domain.insights.model import bucket_for
from tests.conftest import Tenant, make_tenant
from tests.factories import make_customer, make_invoice, pay

BUCKET_FIELDS = {"current": "current", "1_30": "days_1_30", "31_60": "days_31_60", "61_90": "days_61_90"}


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


async def book(client: httpx.AsyncClient, container: Container) -> dict[str, Any]:
    """Three customers, invoices due at many distances from 2026-11-20, paid partly on different days."""
    clock = FixedClock(at(date(2026, 8, 1)))
    container.clock = clock
    customers = [(await make_customer(client, name=f"Customer {i}"))["id"] for i in range(3)]
    invoices = []
    dues = [
        date(2026, 12, 20),
        date(2026, 11, 20),
        date(2026, 11, 5),
        date(2026, 10, 1),
        date(2026, 9, 15),
        date(2026, 8, 10),
        date(2026, 8, 1),
    ]
    for n, due in enumerate(dues):
        clock.at = at(date(2026, 8, 1) + timedelta(days=10 * n))
        inv = await make_invoice(
            client, customers[n % 3], 10_000 + 1_000 * n, issue_date=str(due - timedelta(days=30)), due_date=str(due)
        )
        invoices.append(inv)
    clock.at = at(date(2026, 10, 25))
    assert (await pay(client, customers[0], [(invoices[0]["id"], 10_000)])).status_code == 201  # paid in full
    clock.at = at(date(2026, 11, 12))
    assert (await pay(client, customers[1], [(invoices[1]["id"], 2_500)], method="cash")).status_code == 201
    clock.at = at(date(2026, 11, 30))
    return {"customers": customers, "invoices": [i["id"] for i in invoices]}


async def figures(client: httpx.AsyncClient, as_of: date) -> dict[str, Any]:
    """What the summary and aging must say, recomputed from invoices and payments as the API shows them."""
    invoices = (await client.get("/v1/invoices", params={"limit": 100})).json()["data"]
    payments = (await client.get("/v1/payments", params={"limit": 100})).json()["data"]
    end = at(as_of).replace(hour=0) + timedelta(days=1)
    known = [p for p in payments if datetime.fromisoformat(p["created_at"]) < end]
    applied: dict[str, int] = {}
    last_paid: dict[str, datetime] = {}
    for p in known:
        for a in p["allocations"]:
            applied[a["invoice_id"]] = applied.get(a["invoice_id"], 0) + a["amount"]
            last_paid[a["invoice_id"]] = max(
                last_paid.get(a["invoice_id"], datetime.min.replace(tzinfo=UTC)),
                datetime.fromisoformat(p["created_at"]),
            )
    issued = [i for i in invoices if datetime.fromisoformat(i["finalized_at"]) < end]
    buckets = dict.fromkeys([*BUCKET_FIELDS.values(), "days_over_90"], 0)
    for inv in issued:
        due = inv["total"] - applied.get(inv["id"], 0)
        if due:
            bucket = bucket_for((as_of - date.fromisoformat(inv["due_date"])).days).value
            buckets[BUCKET_FIELDS.get(bucket, "days_over_90")] += due
    outstanding = sum(buckets.values())
    sales = sum(i["total"] for i in issued if datetime.fromisoformat(i["finalized_at"]) >= end - timedelta(days=90))
    recent = [p for p in known if datetime.fromisoformat(p["created_at"]) >= end - timedelta(days=30)]
    by_method: dict[str, int] = {}
    for p in recent:
        by_method[p["method"]] = by_method.get(p["method"], 0) + p["amount"]
    spans = [
        (last_paid[i["id"]].date() - date.fromisoformat(i["issue_date"])).days
        for i in issued
        if applied.get(i["id"]) == i["total"] and last_paid[i["id"]] >= end - timedelta(days=90)
    ]
    one = Decimal("0.1")
    return {
        "outstanding": outstanding,
        "overdue": outstanding - buckets["current"],
        "pending": 0,
        "collected_last_30_days": sum(by_method.values()),
        "collected_by_method": by_method,
        "dso_days": float((Decimal(outstanding) * 90 / sales).quantize(one, ROUND_HALF_EVEN)) if sales else None,
        "average_days_to_pay": float((Decimal(sum(spans)) / len(spans)).quantize(one, ROUND_HALF_EVEN))
        if spans
        else None,
        "buckets": {**buckets, "total": outstanding},
    }


async def test_summary_and_aging_match_a_recomputation(client: httpx.AsyncClient, container: Container) -> None:
    await book(client, container)
    for as_of in (date(2026, 11, 20), date(2026, 11, 11), date(2026, 10, 24), date(2026, 9, 1)):
        expected = await figures(client, as_of)
        summary = (await client.get("/v1/insights/summary", params={"as_of": str(as_of)})).json()
        assert summary["currency"] == "USD"
        assert summary["autopay_share"] is None
        for name in (
            "outstanding",
            "overdue",
            "pending",
            "collected_last_30_days",
            "collected_by_method",
            "dso_days",
            "average_days_to_pay",
        ):
            assert summary[name] == expected[name], (as_of, name, summary)
        aging = (await client.get("/v1/insights/aging", params={"as_of": str(as_of), "currency": "usd"})).json()
        assert aging["total"] == expected["buckets"], as_of
        assert sum(c["buckets"]["total"] for c in aging["data"]) == expected["outstanding"]
    assert (await figures(client, date(2026, 11, 20)))["average_days_to_pay"] is not None  # the test covers it


async def test_a_past_as_of_ignores_later_payments(client: httpx.AsyncClient, container: Container) -> None:
    book_ = await book(client, container)
    before = (await client.get("/v1/insights/summary", params={"as_of": "2026-11-15"})).json()
    aging_before = (await client.get("/v1/insights/aging", params={"as_of": "2026-11-15"})).json()
    container.clock = FixedClock(at(date(2026, 11, 18)))
    assert (await pay(client, book_["customers"][2], [(book_["invoices"][2], 4_000)])).status_code == 201
    assert (await client.get("/v1/insights/summary", params={"as_of": "2026-11-15"})).json() == before
    assert (await client.get("/v1/insights/aging", params={"as_of": "2026-11-15"})).json() == aging_before
    now = (await client.get("/v1/insights/summary", params={"as_of": "2026-11-18"})).json()
    assert now["outstanding"] == before["outstanding"] - 4_000
    assert now["collected_by_method"]["check"] == before["collected_by_method"].get("check", 0) + 4_000


async def test_aging_pages_customers_with_a_keyset_cursor(client: httpx.AsyncClient, container: Container) -> None:
    await book(client, container)
    params: dict[str, Any] = {"as_of": "2026-11-20", "limit": 2}
    first = (await client.get("/v1/insights/aging", params=params)).json()
    assert len(first["data"]) == 2 and first["next_cursor"]
    second = (await client.get("/v1/insights/aging", params={**params, "cursor": first["next_cursor"]})).json()
    assert len(second["data"]) == 1 and second["next_cursor"] is None
    rows = first["data"] + second["data"]
    assert [r["customer_id"] for r in rows] == sorted((r["customer_id"] for r in rows), reverse=True)
    for field in first["total"]:
        assert sum(r["buckets"][field] for r in rows) == first["total"][field]
    assert {r["name"] for r in rows} == {"Customer 0", "Customer 1", "Customer 2"}


async def test_series_by_month(client: httpx.AsyncClient, container: Container) -> None:
    await book(client, container)
    container.clock = FixedClock(at(date(2026, 11, 30)))
    params = {"from": "2026-09-15", "to": "2026-11-20"}
    collected = (await client.get("/v1/insights/collected", params=params)).json()
    assert [(p["period_start"], p["period_end"]) for p in collected["data"]] == [
        ("2026-09-15", "2026-09-30"),
        ("2026-10-01", "2026-10-31"),
        ("2026-11-01", "2026-11-20"),
    ]
    assert [p["by_method"] for p in collected["data"]] == [{}, {"check": 10_000}, {"cash": 2_500}]
    assert [p["total"] for p in collected["data"]] == [0, 10_000, 2_500]
    dso = (await client.get("/v1/insights/dso", params=params)).json()
    for point in dso["data"]:
        summary = (await client.get("/v1/insights/summary", params={"as_of": point["period_end"]})).json()
        assert point["dso_days"] == summary["dso_days"]
        assert point["receivables"] == summary["outstanding"] + summary["pending"]


async def test_another_partners_data_never_counts(
    client: httpx.AsyncClient, app_client: httpx.AsyncClient, container: Container
) -> None:
    await book(client, container)
    mine = {
        p: (await client.get(f"/v1/insights/{p}", params={"as_of": "2026-11-20"})).json() for p in ("summary", "aging")
    }
    other = await make_tenant(container, "Other")
    headers = {"Authorization": f"Bearer {other.api_key}"}
    customer = (await app_client.post("/v1/customers", json={"name": "Theirs"}, headers=headers)).json()
    body = {
        "customer_id": customer["id"],
        "currency": "USD",
        "issue_date": "2026-08-01",
        "due_date": "2026-08-15",
        "lines": [{"description": "x", "quantity": 1, "unit_amount": 77_700}],
    }
    invoice = (await app_client.post("/v1/invoices", json=body, headers=headers)).json()
    paid = {
        "customer_id": customer["id"],
        "method": "check",
        "allocations": [{"invoice_id": invoice["id"], "amount": 700}],
    }
    assert (await app_client.post("/v1/payments", json=paid, headers=headers)).status_code == 201
    for p in ("summary", "aging"):
        assert (await client.get(f"/v1/insights/{p}", params={"as_of": "2026-11-20"})).json() == mine[p]
    theirs = (await app_client.get("/v1/insights/summary", headers=headers)).json()
    assert theirs["outstanding"] == 77_000


async def test_currency_is_required_when_there_are_several(client: httpx.AsyncClient) -> None:
    customer = await make_customer(client)
    await make_invoice(client, customer["id"], 5_000)
    await make_invoice(client, customer["id"], 7_000, currency="CAD")
    r = await client.get("/v1/insights/summary")
    assert r.status_code == 400 and r.headers["content-type"] == "application/problem+json"
    assert "CAD, USD" in r.json()["detail"]
    assert r.json()["context"]["currencies"] == "CAD,USD"  # what a client offers to choose from
    cad = (await client.get("/v1/insights/summary", params={"currency": "cad"})).json()
    assert (cad["currency"], cad["outstanding"]) == ("CAD", 7_000)


async def test_bad_input_answers_a_problem(client: httpx.AsyncClient, container: Container) -> None:
    container.clock = FixedClock(at(date(2026, 11, 20)))
    cases = [
        ("/v1/insights/summary?currency=XXX", 400, "unknown_currency"),
        ("/v1/insights/summary?currency=US", 422, None),
        ("/v1/insights/summary?as_of=2026-13-01", 422, None),
        ("/v1/insights/summary?as_of=2026-11-21", 400, "invalid_request"),
        ("/v1/insights/aging?cursor=bm9wZQ", 400, "invalid_cursor"),
        ("/v1/insights/collected?from=2026-11-01&to=2026-10-01", 400, "invalid_request"),
        ("/v1/insights/collected?from=2020-01-01&to=2026-01-02", 400, "invalid_request"),
        ("/v1/insights/dso?from=2021-11-20&to=2026-11-21", 400, "invalid_request"),
        ("/v1/insights/dso?from=yesterday", 422, None),
        ("/v1/insights/dso?interval=year", 422, None),
    ]
    for path, status, code in cases:
        r = await client.get(path)
        assert r.status_code == status, (path, r.text)
        assert r.headers["content-type"] == "application/problem+json", path
        if code:
            assert r.json()["code"] == code, (path, r.text)
    ok = await client.get("/v1/insights/dso", params={"from": "2021-11-20", "to": "2026-11-20"})
    assert ok.status_code == 200 and len(ok.json()["data"]) == 61


async def test_insights_need_an_api_key(app_client: httpx.AsyncClient) -> None:
    for path in ("summary", "aging", "collected", "dso"):
        assert (await app_client.get(f"/v1/insights/{path}")).status_code == 401


async def test_a_written_off_invoice_is_not_counted_as_paid(
    client: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    container.clock = FixedClock(at(date(2026, 11, 1)))
    customer = await make_customer(client)
    paid = await make_invoice(client, customer["id"], 10_000, issue_date="2026-10-01", due_date="2026-10-31")
    given_up = await make_invoice(client, customer["id"], 10_000, issue_date="2026-10-11", due_date="2026-11-10")
    container.clock = FixedClock(at(date(2026, 11, 5)))
    assert (await pay(client, customer["id"], [(paid["id"], 10_000), (given_up["id"], 6_000)])).status_code == 201
    container.clock = FixedClock(at(date(2026, 11, 6)))
    written = await client.post(f"/v1/invoices/{given_up['id']}/write-off", json={"reason": "Customer closed"})
    assert written.status_code in (200, 201), written.text
    assert written.json()["status"] == "written_off"
    container.clock = FixedClock(at(date(2026, 11, 7)))
    summary = (await client.get("/v1/insights/summary", params={"as_of": "2026-11-06"})).json()
    assert summary["outstanding"] == 0
    assert summary["average_days_to_pay"] == 35.0  # the paid invoice alone: 1 October to 5 November
