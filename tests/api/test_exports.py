"""CSV exports: the lists' filters and rows, chosen columns, time zones, Excel safety, tenants, bad input, streaming."""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import insert, select

from adapters.bootstrap import Container
from adapters.db.tables import AuditLogRow, CustomerRow, core
from api.app import create_app
from api.csv_stream import escape, read_ahead
from domain.ids import new_id
from tests.conftest import Tenant, make_tenant
from tests.factories import charge_saved, make_customer, make_invoice, pay, save_test_method


def _rows(r: httpx.Response) -> list[dict[str, str]]:
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"), newline="")))


async def _export(client: httpx.AsyncClient, name: str, **params: Any) -> list[dict[str, str]]:
    return _rows(await client.get(f"/v1/exports/{name}.csv", params=params))


async def _listed(client: httpx.AsyncClient, path: str, **params: Any) -> list[str]:
    ids: list[str] = []
    cursor = None
    while True:
        r = await client.get(path, params={**params, "limit": 100, **({"cursor": cursor} if cursor else {})})
        assert r.status_code == 200, r.text
        body = r.json()
        ids += [item["id"] for item in body["data"]]
        cursor = body["next_cursor"]
        if cursor is None:
            return ids


async def test_invoice_export_has_the_lists_rows_for_every_filter(client: httpx.AsyncClient) -> None:
    today = date.today()
    first = await make_customer(client, name="First")
    second = await make_customer(client, name="Second")
    late = await make_invoice(
        client, first["id"], issue_date=str(today - timedelta(days=60)), due_date=str(today - timedelta(days=30))
    )
    paid = await make_invoice(client, first["id"], amount=4_000, due_date=str(today + timedelta(days=30)))
    assert (await pay(client, first["id"], [(paid["id"], 4_000)])).status_code == 201
    await make_invoice(client, second["id"], amount=12_345, due_date=str(today + timedelta(days=10)))
    await make_invoice(client, second["id"], draft=True)

    for filters in (
        {},
        {"status": "open"},
        {"status": "paid"},
        {"customer_id": first["id"]},
        {"due_before": str(today)},
        {"due_after": str(today)},
        {"overdue": "true"},
        {"overdue": "false"},
        {"customer_id": second["id"], "status": "draft"},
    ):
        exported = [row["id"] for row in await _export(client, "invoices", **filters)]
        assert exported == await _listed(client, "/v1/invoices", **filters), filters

    rows = {row["id"]: row for row in await _export(client, "invoices")}
    assert rows[late["id"]]["overdue"] == "true"
    assert (rows[paid["id"]]["status"], rows[paid["id"]]["amount_paid"], rows[paid["id"]]["amount_due"]) == (
        "paid",
        "40.00",
        "0.00",
    )
    assert (rows[late["id"]]["total"], rows[late["id"]]["currency"]) == ("100.00", "USD")
    assert rows[late["id"]]["due_date"] == str(today - timedelta(days=30))


async def test_customer_payment_refund_and_dispute_exports_match_their_lists(client: httpx.AsyncClient) -> None:
    tagged = await make_customer(client, name="Tagged", tags=["vip"])
    plain = await make_customer(client, name="Plain", email="plain@example.com")
    archived = await make_customer(client, name="Gone")
    assert (await client.post(f"/v1/customers/{archived['id']}/archive")).status_code == 200
    for filters in ({}, {"tag": "VIP"}, {"email": "plain@example.com"}, {"archived": "true"}):
        exported = [row["id"] for row in await _export(client, "customers", **filters)]
        assert exported == await _listed(client, "/v1/customers", **filters), filters
    assert {row["id"] for row in await _export(client, "customers")} == {tagged["id"], plain["id"]}

    invoice = await make_invoice(client, tagged["id"], amount=10_000)
    other = await make_invoice(client, plain["id"], amount=3_000)
    payment = (await pay(client, tagged["id"], [(invoice["id"], 10_000)])).json()
    (await pay(client, plain["id"], [(other["id"], 1_000)], method="cash", reference=None)).json()
    carded = await make_invoice(client, plain["id"], amount=4_000)
    method = await save_test_method(client, plain["id"], "disputed")
    card = await charge_saved(client, plain["id"], method["id"], [(carded["id"], 4_000)])
    assert card.status_code == 201, card.text
    assert (await client.post("/v1/sandbox/clock/advance", json={"days": 1})).status_code == 200
    for filters in ({}, {"customer_id": tagged["id"]}, {"invoice_id": other["id"]}, {"status": "disputed"}):
        exported = [row["id"] for row in await _export(client, "payments", **filters)]
        assert exported == await _listed(client, "/v1/payments", **filters), filters
    rows = {row["id"]: row for row in await _export(client, "payments")}
    assert (rows[payment["id"]]["amount"], rows[payment["id"]]["invoice_ids"]) == ("100.00", invoice["id"])

    refund = await client.post(f"/v1/payments/{payment['id']}/refunds", json={"amount": 2_550, "reason": "Dup"})
    assert refund.status_code == 201, refund.text
    refunds = await _export(client, "refunds")
    assert [(r["id"], r["amount"], r["currency"]) for r in refunds] == [(refund.json()["id"], "25.50", "USD")]
    assert await _export(client, "refunds", payment_id=card.json()["id"]) == []

    for filters in ({}, {"status": "needs_response"}, {"payment_id": card.json()["id"]}, {"status": "won"}):
        exported = [row["id"] for row in await _export(client, "disputes", **filters)]
        assert exported == await _listed(client, "/v1/disputes", **filters), filters
    assert len(await _export(client, "disputes")) == 1


async def test_aging_buckets_days_past_due_at_as_of(client: httpx.AsyncClient) -> None:
    """The export counts as `GET /v1/insights/aging` does: what was owed at the end of `as_of`, as known then."""
    as_of = datetime.now(UTC).date()
    customer = await make_customer(client)
    due = {days: as_of - timedelta(days=days) for days in (-5, 0, 1, 30, 31, 60, 61, 90, 91, 400)}
    made = {
        days: await make_invoice(client, customer["id"], issue_date="2025-01-01", due_date=str(day))
        for days, day in due.items()
    }
    part = made[31]
    assert (await pay(client, customer["id"], [(part["id"], 2_500)])).status_code == 201
    settled = await make_invoice(client, customer["id"], issue_date="2025-01-01", due_date="2026-01-01")
    assert (await pay(client, customer["id"], [(settled["id"], 10_000)])).status_code == 201
    await make_invoice(client, customer["id"], currency="CAD", issue_date="2025-01-01", due_date="2026-06-01")

    rows = {r["invoice_id"]: r for r in await _export(client, "aging", as_of=str(as_of), currency="usd")}
    expected = {
        -5: "current",
        0: "current",
        1: "1_30",
        30: "1_30",
        31: "31_60",
        60: "31_60",
        61: "61_90",
        90: "61_90",
        91: "over_90",
        400: "over_90",
    }
    assert {r["bucket"] for r in rows.values()} == set(expected.values())
    assert set(rows) == {inv["id"] for inv in made.values()}
    for days, invoice in made.items():
        row = rows[invoice["id"]]
        assert (row["bucket"], row["days_past_due"]) == (expected[days], str(max(days, 0))), days
    assert rows[part["id"]]["amount_due"] == "75.00"
    assert len(await _export(client, "aging", as_of=str(as_of))) == len(made) + 1  # and the CAD one
    # the day before, none of it was known yet: the export and the insight agree that nothing was owed
    yesterday = str(as_of - timedelta(days=1))
    assert await _export(client, "aging", as_of=yesterday) == []
    insight = (await client.get("/v1/insights/aging", params={"currency": "USD", "as_of": yesterday})).json()
    assert insight["data"] == [] and insight["total"]["total"] == 0
    totals = (await client.get("/v1/insights/aging", params={"currency": "USD", "as_of": str(as_of)})).json()
    exported_total = sum(round(float(r["amount_due"]) * 100) for r in rows.values())
    assert exported_total == totals["total"]["total"], totals


async def test_columns_choose_and_order_time_zone_and_bom(client: httpx.AsyncClient) -> None:
    customer = await make_customer(client, name="Zoé Café")
    r = await client.get("/v1/exports/customers.csv", params={"columns": "name,id,created_at", "tz": "Asia/Tokyo"})
    text = r.content.decode()
    assert not text.startswith("\ufeff")
    assert text.splitlines()[0] == "name,id,created_at"
    row = _rows(r)[0]
    assert list(row) == ["name", "id", "created_at"]
    assert (row["name"], row["id"]) == ("Zoé Café", customer["id"])
    at = datetime.fromisoformat(row["created_at"])
    assert at.utcoffset() == timedelta(hours=9)
    assert at == datetime.fromisoformat(customer["created_at"].replace("Z", "+00:00"))
    utc = (await _export(client, "customers", columns="created_at"))[0]["created_at"]
    assert utc.endswith("+00:00")

    with_bom = await client.get("/v1/exports/customers.csv", params={"bom": "true"})
    assert with_bom.content.startswith("\ufeff".encode())
    assert with_bom.headers["content-disposition"].startswith('attachment; filename="customers-')


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"columns": "id,nope"}, "columns"),
        ({"columns": "id,id"}, "columns"),
        ({"tz": "Mars/Olympus"}, "tz"),
        ({"tz": "../../etc/passwd"}, "tz"),
        ({"tz": "America"}, "tz"),
    ],
)
async def test_unknown_columns_and_zones_are_422_naming_them(
    client: httpx.AsyncClient, params: dict[str, str], field: str
) -> None:
    r = await client.get("/v1/exports/invoices.csv", params=params)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    error = r.json()["errors"][0]
    assert error["field"] == field
    if params.get("columns") == "id,nope":
        assert "'nope'" in error["message"] and error["code"] == "unknown_column"


async def test_bad_parameters_are_4xx_problems(client: httpx.AsyncClient, app_client: httpx.AsyncClient) -> None:
    cases = [
        ("invoices", {"status": "bogus"}, 422),
        ("invoices", {"due_before": "yesterday"}, 422),
        ("invoices", {"overdue": "maybe"}, 422),
        ("invoices", {"customer_id": new_id("cus")}, 404),
        ("payments", {"invoice_id": new_id("inv")}, 404),
        ("refunds", {"payment_id": new_id("pay")}, 404),
        ("disputes", {"status": "lost-ish"}, 422),
        ("aging", {"currency": "XXX"}, 400),
        ("aging", {"as_of": "2026-02-30"}, 422),
        ("customers", {"columns": "x" * 2001}, 422),
    ]
    for name, params, status in cases:
        r = await client.get(f"/v1/exports/{name}.csv", params=params)
        assert r.status_code == status, (name, params, r.text)
        assert r.headers["content-type"] == "application/problem+json"
    anonymous = await app_client.get("/v1/exports/customers.csv", headers={"Authorization": ""})
    assert anonymous.status_code == 401


HOSTILE = ['=HYPERLINK("http://evil.example","x")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tTab", "\rCR"]


async def test_hostile_cells_are_escaped_and_amounts_stay_numbers(client: httpx.AsyncClient) -> None:
    made = [await make_customer(client, name=name, tags=["=tag"], metadata={"k": "=1+1"}) for name in HOSTILE]
    invoice = await make_invoice(client, made[0]["id"], amount=123_456, memo="=cmd|' /C calc'!A0")
    rows = {row["id"]: row for row in await _export(client, "customers")}
    for customer in made:
        row = rows[customer["id"]]
        stored = customer["name"]  # names are trimmed, so a leading tab or CR is gone before any export
        assert row["name"] == (stored if stored in ("Tab", "CR") else "'" + stored), row
        assert row["tags"] == "'=tag"
        assert row["metadata"].startswith("{")
    assert [escape(text) for text in HOSTILE] == ["'" + text for text in HOSTILE]
    assert escape("plain") == "plain" and escape("a=b") == "a=b"
    inv = (await _export(client, "invoices", columns="memo,total"))[0]
    assert inv == {"memo": "'=cmd|' /C calc'!A0", "total": "1234.56"}
    assert invoice["total"] == 123_456


async def test_jpy_amounts_have_no_decimals(client: httpx.AsyncClient) -> None:
    customer = await make_customer(client)
    await make_invoice(client, customer["id"], currency="JPY", amount=5_000)
    assert (await _export(client, "invoices", columns="total,currency")) == [{"total": "5000", "currency": "JPY"}]


async def test_exports_hold_only_the_partners_own_rows(container: Container, client: httpx.AsyncClient) -> None:
    mine = await make_customer(client, name="Mine")
    await make_invoice(client, mine["id"])
    other = await make_tenant(container, "Other")
    as_other = {"Authorization": f"Bearer {other.api_key}"}
    theirs = (await client.post("/v1/customers", json={"name": "Theirs"}, headers=as_other)).json()
    for name in ("customers", "invoices", "payments", "refunds", "disputes", "aging"):
        r = await client.get(f"/v1/exports/{name}.csv", headers=as_other)
        ids = {cell for row in _rows(r) for cell in row.values()}
        assert mine["id"] not in ids, name
    assert [r["id"] for r in _rows(await client.get("/v1/exports/customers.csv", headers=as_other))] == [theirs["id"]]
    for name in ("invoices", "payments", "aging"):
        r = await client.get(f"/v1/exports/{name}.csv", params={"customer_id": mine["id"]}, headers=as_other)
        assert r.status_code == 404, (name, r.text)


async def test_each_export_is_audited(container: Container, client: httpx.AsyncClient, tenant: Tenant) -> None:
    await _export(client, "invoices", status="open", columns="id,total", tz="Europe/Paris")
    await _export(client, "aging")
    async with container.uow() as uow:
        rows = (
            await uow.session.scalars(
                select(AuditLogRow).where(AuditLogRow.partner_id == tenant.partner_id).order_by(AuditLogRow.id)
            )
        ).all()
        exports = [(r.action, r.actor, r.details) for r in rows if r.action.startswith("export.")]
    assert [action for action, _, _ in exports] == ["export.invoices", "export.aging"]
    assert exports[0][1] == f"api_key:{tenant.api_key_id}"
    assert exports[0][2] == {"columns": ["id", "total"], "tz": "Europe/Paris", "filters": {"status": "open"}}


async def test_a_large_export_streams_in_several_chunks(container: Container, tenant: Tenant) -> None:
    now = datetime.now(UTC)
    async with container.uow() as uow:
        await uow.session.execute(
            insert(core(CustomerRow)),
            [
                {
                    "id": new_id("cus"),
                    "partner_id": tenant.partner_id,
                    "name": f"Customer {i}",
                    "email": None,
                    "contacts": [],
                    "tags": [],
                    "billing_terms": "net_30",
                    "external_ids": {},
                    "metadata": {},
                    "archived": False,
                    "card_fee_exempt": False,
                    "language": "en",
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(5_000)
            ],
        )
        await uow.commit()

    app = create_app(container)
    chunks: list[bytes] = []
    started: dict[str, Any] = {}

    requested = False

    async def receive() -> dict[str, Any]:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()  # the client stays connected until the download ends
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            started.update(message)
        elif message["type"] == "http.response.body" and message.get("body"):
            chunks.append(message["body"])

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/v1/exports/customers.csv",
        "raw_path": b"/v1/exports/customers.csv",
        "query_string": b"columns=id,name",
        "headers": [(b"host", b"remit.test"), (b"authorization", f"Bearer {tenant.api_key}".encode())],
        "client": ("127.0.0.1", 1234),
        "server": ("remit.test", 80),
        "root_path": "",
    }
    async with app.router.lifespan_context(app):
        await app(scope, receive, send)  # type: ignore[arg-type]
    assert started["status"] == 200
    assert len(chunks) >= 5  # the header, then one chunk per batch of 1,000
    rows = list(csv.reader(io.StringIO(b"".join(chunks).decode(), newline="")))
    assert rows[0] == ["id", "name"]
    assert len(rows) == 5_001
    assert len({r[0] for r in rows[1:]}) == 5_000
    assert max(len(c) for c in chunks) < 100_000  # each chunk is a batch, never the whole file


async def test_read_ahead_keeps_order_surfaces_errors_and_closes_its_source() -> None:
    closed: list[str] = []

    async def source(fail_at: int | None = None) -> AsyncIterator[int]:
        try:
            for i in range(5):
                if i == fail_at:
                    raise RuntimeError("database gone")
                yield i
        finally:
            closed.append("closed")

    assert [b async for b in read_ahead(source())] == [0, 1, 2, 3, 4]
    with pytest.raises(RuntimeError, match="database gone"):
        [b async for b in read_ahead(source(fail_at=3))]
    closed.clear()
    early = read_ahead(source())
    assert await anext(early) == 0
    await early.aclose()  # the client went away mid-download
    assert closed == ["closed"]
