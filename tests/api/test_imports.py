"""CSV imports of customers and invoices: dry runs, applying, idempotent re-uploads, per-row errors, bad files,
large files as jobs, tenants."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import func, select

from adapters.bootstrap import Container
from adapters.db.tables import AuditLogRow, CustomerRow, ImportRow, InvoiceRow, JournalEntryRow
from api.app import create_app
from domain.clock import FixedClock
from domain.errors import ErrorCode
from domain.ids import new_id
from domain.imports import use_cases
from domain.imports.model import ImportKind, RowOutcome
from tests.conftest import Tenant, make_tenant
from tests.factories import make_customer
from workers.context import JobContext
from workers.imports import run_import, sweep_imports
from workers.queue import InProcessQueue

CUSTOMERS = (
    "external_id,name,email,language,metadata.region\r\n"
    "C-1,Acme Dental,ap@acme.example,en,west\r\n"
    "C-2,Beta Clinics,billing@beta.example,fr,east\r\n"
)
INVOICES = (
    "number,customer_external_id,currency,due_date,description,quantity,unit_amount,memo\r\n"
    "A-100,C-1,USD,2027-01-31,Managed services,1,2500.00,Thanks\r\n"
    "A-100,,,,On-site hours,3,125.00,\r\n"
    "A-101,C-2,CAD,2027-02-28,Backup,1,99.99,\r\n"
)


async def _upload(
    client: httpx.AsyncClient, kind: str, text: str | bytes, *, dry_run: bool = False, expect: int = 201
) -> dict[str, Any]:
    content = text.encode() if isinstance(text, str) else text
    r = await client.post(
        f"/v1/imports/{kind}",
        content=content,
        headers={"Content-Type": "text/csv"},
        params={"dry_run": "true"} if dry_run else {},
    )
    assert r.status_code == expect, r.text
    return dict(r.json())


def _outcomes(report: dict[str, Any]) -> list[tuple[int, str]]:
    return [(row["row"], row["outcome"]) for row in report["rows"]]


def _errors(report: dict[str, Any]) -> dict[int, list[tuple[str | None, str]]]:
    return {row["row"]: [(e["field"], e["code"]) for e in row["errors"]] for row in report["rows"] if row["errors"]}


async def _count(container: Container, table: Any, partner_id: str) -> int:
    async with container.sessions() as session:
        return int(
            await session.scalar(select(func.count()).select_from(table).where(table.partner_id == partner_id)) or 0
        )


async def test_a_dry_run_reports_every_row_and_writes_nothing(
    client: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    report = await _upload(client, "customers", CUSTOMERS, dry_run=True)
    assert report["status"] == "succeeded" and report["dry_run"] is True
    assert _outcomes(report) == [(2, "created"), (3, "created")]
    assert all(row["resource_id"] is None for row in report["rows"])
    assert await _count(container, CustomerRow, tenant.partner_id) == 0
    async with container.sessions() as session:
        audited = await session.scalar(
            select(func.count())
            .select_from(AuditLogRow)
            .where(AuditLogRow.partner_id == tenant.partner_id, AuditLogRow.action == "import.applied")
        )
    assert audited == 0


async def test_customers_are_created_then_unchanged_then_updated(
    client: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    first = await _upload(client, "customers", CUSTOMERS)
    assert _outcomes(first) == [(2, "created"), (3, "created")]
    assert first["counts"] == {"created": 2, "updated": 0, "unchanged": 0, "failed": 0}
    acme = (await client.get(f"/v1/customers/{first['rows'][0]['resource_id']}")).json()
    assert (acme["name"], acme["email"], acme["language"], acme["metadata"], acme["external_id"]) == (
        "Acme Dental",
        "ap@acme.example",
        "en",
        {"region": "west"},
        "C-1",
    )

    again = await _upload(client, "customers", CUSTOMERS)
    assert _outcomes(again) == [(2, "unchanged"), (3, "unchanged")]
    assert await _count(container, CustomerRow, tenant.partner_id) == 2

    changed = CUSTOMERS.replace("Beta Clinics,billing@beta.example", "Beta Clinics Inc,ap@beta.example")
    third = await _upload(client, "customers", changed)
    assert _outcomes(third) == [(2, "unchanged"), (3, "updated")]
    beta = (await client.get(f"/v1/customers/{third['rows'][1]['resource_id']}")).json()
    assert (beta["name"], beta["email"], beta["language"]) == ("Beta Clinics Inc", "ap@beta.example", "fr")
    assert third["rows"][1]["resource_id"] == first["rows"][1]["resource_id"]

    async with container.sessions() as session:
        details = list(
            await session.scalars(
                select(AuditLogRow.details)
                .where(AuditLogRow.partner_id == tenant.partner_id, AuditLogRow.action == "import.applied")
                .order_by(AuditLogRow.id)
            )
        )
    assert [(d["created"], d["updated"], d["unchanged"], d["failed"]) for d in details] == [
        (2, 0, 0, 0),
        (0, 0, 2, 0),
        (0, 1, 1, 0),
    ]


async def test_invoices_are_created_through_the_ledger_and_reimported_unchanged(
    client: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    await _upload(client, "customers", CUSTOMERS)
    dry = await _upload(client, "invoices", INVOICES, dry_run=True)
    assert _outcomes(dry) == [(2, "created"), (3, "created"), (4, "created")]
    assert await _count(container, InvoiceRow, tenant.partner_id) == 0
    assert await _count(container, JournalEntryRow, tenant.partner_id) == 0

    report = await _upload(client, "invoices", INVOICES)
    assert _outcomes(report) == [(2, "created"), (3, "created"), (4, "created")]
    invoice = (await client.get(f"/v1/invoices/{report['rows'][0]['resource_id']}")).json()
    assert invoice["number"] == "A-100" and invoice["status"] == "open"
    assert (invoice["currency"], invoice["total"], invoice["amount_due"], invoice["due_date"]) == (
        "USD",
        287_500,
        287_500,
        "2027-01-31",
    )
    assert [(ln["description"], ln["quantity"], ln["unit_amount"]) for ln in invoice["lines"]] == [
        ("Managed services", 1, 250_000),
        ("On-site hours", 3, 12_500),
    ]
    assert invoice["memo"] == "Thanks"
    assert report["rows"][1]["resource_id"] == invoice["id"]
    assert await _count(container, JournalEntryRow, tenant.partner_id) == 2

    again = await _upload(client, "invoices", INVOICES)
    assert _outcomes(again) == [(2, "unchanged"), (3, "unchanged"), (4, "unchanged")]
    assert await _count(container, InvoiceRow, tenant.partner_id) == 2
    assert await _count(container, JournalEntryRow, tenant.partner_id) == 2

    changed = await _upload(client, "invoices", INVOICES.replace("99.99", "89.99"))
    assert _outcomes(changed) == [(2, "unchanged"), (3, "unchanged"), (4, "failed")]
    assert _errors(changed) == {4: [("number", "invoice_number_taken")]}


async def test_bad_customer_rows_get_their_own_errors_and_the_good_ones_apply(
    client: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    text = (
        "external_id,name,email,language\r\n"
        "C-1,,ap@acme.example,en\r\n"  # missing name
        "C-2,Beta,not-an-email,en\r\n"
        'C-3,=HYPERLINK("http://evil.example"),x@c.example,en\r\n'  # kept as text
        "C-4,Delta,d@d.example,de\r\n"
        "C-5,Echo,e@e.example,en\r\n"
        "C-5,Echo again,e@e.example,en\r\n"
        "C-6,Foxtrot,f@f.example,en,extra\r\n"
    )
    report = await _upload(client, "customers", text)
    assert _outcomes(report) == [
        (2, "failed"),
        (3, "failed"),
        (4, "created"),
        (5, "failed"),
        (6, "failed"),
        (7, "failed"),
        (8, "failed"),
    ]
    assert _errors(report) == {
        2: [("name", "missing_field")],
        3: [("email", "invalid_email")],
        5: [("language", "invalid_request")],
        6: [("external_id", "duplicate_key")],
        7: [("external_id", "duplicate_key")],
        8: [(None, "invalid_csv")],
    }
    assert all(e["message"] for row in report["rows"] for e in row["errors"])
    formula = (await client.get(f"/v1/customers/{report['rows'][2]['resource_id']}")).json()
    assert formula["name"] == '=HYPERLINK("http://evil.example")'
    assert report["counts"] == {"created": 1, "updated": 0, "unchanged": 0, "failed": 6}
    assert await _count(container, CustomerRow, tenant.partner_id) == 1


async def test_bad_invoice_rows_get_clear_errors_and_fail_their_whole_invoice(
    client: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    await _upload(client, "customers", CUSTOMERS)
    text = (
        "number,customer_external_id,currency,due_date,description,unit_amount\r\n"
        "B-1,C-1,XYZ,2027-01-31,Services,10.00\r\n"  # bad currency
        "B-2,C-1,USD,2027-01-31,Refund,-10.00\r\n"  # negative total
        "B-3,C-404,USD,2027-01-31,Services,10.00\r\n"  # unknown customer
        "B-4,C-1,USD,31/01/2027,Services,10.00\r\n"  # bad date
        "B-5,C-1,USD,2027-01-31,Services,10.00\r\n"
        "B-6,C-1,USD,2027-01-31,Services,10.00\r\n"
        "B-5,C-1,USD,2027-01-31,More services,5.00\r\n"  # B-5 again, away from its first line
        "B-7,C-1,USD,2027-01-31,Services,10.005\r\n"  # too many decimals
        "B-8,C-1,USD,2027-01-31,Services,12.50\r\n"
        "B-8,,,,Extra,abc\r\n"  # one bad line fails the invoice
        "B-9,C-1,JPY,2027-01-31,Services,500\r\n"
    )
    report = await _upload(client, "invoices", text)
    assert _errors(report) == {
        2: [("currency", "unknown_currency")],
        3: [("unit_amount", "invalid_total")],
        4: [("customer_external_id", "resource_missing")],
        5: [("due_date", "invalid_date")],
        6: [("number", "duplicate_key")],
        8: [("number", "duplicate_key")],
        9: [("unit_amount", "invalid_amount")],
        10: [(None, "row_not_applied")],
        11: [("unit_amount", "invalid_amount")],
    }
    assert dict(_outcomes(report))[7] == "created" and dict(_outcomes(report))[12] == "created"
    assert await _count(container, InvoiceRow, tenant.partner_id) == 2
    listed = (await client.get("/v1/invoices")).json()["data"]
    assert sorted((i["number"], i["currency"], i["total"]) for i in listed) == [
        ("B-6", "USD", 1000),
        ("B-9", "JPY", 500),
    ]


async def test_a_file_that_is_not_a_csv_with_a_header_is_refused(
    client: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    headerless = "C-1,Acme Dental,ap@acme.example\r\nC-2,Beta,b@beta.example\r\n"
    problem = await _upload(client, "customers", headerless, expect=400)
    assert problem["code"] == "invalid_csv" and "header" in problem["detail"]
    for body in (b"", b"\x89PNG\r\n\x1a\n\x00\x00binary", "name,email\r\nA,a@a.example\r\n".encode("utf-16")):
        assert (await _upload(client, "customers", body, expect=400))["code"] == "invalid_csv"
    lacking = await _upload(client, "invoices", "number,currency,description\r\nX,USD,Y\r\n", expect=400)
    assert "customer_external_id or customer_id" in lacking["detail"]
    r = await client.post("/v1/imports/customers", json={"name": "Acme"})
    assert r.status_code == 415, r.text
    assert await _count(container, ImportRow, tenant.partner_id) == 0


async def test_multipart_uploads_and_a_byte_order_mark_are_taken(client: httpx.AsyncClient) -> None:
    r = await client.post(
        "/v1/imports/customers",
        files={"file": ("clients.csv", ("\ufeff" + CUSTOMERS.replace("Beta", "Crème Ünïcode")).encode(), "text/csv")},
    )
    assert r.status_code == 201, r.text
    assert r.json()["filename"] == "clients.csv"
    assert _outcomes(r.json()) == [(2, "created"), (3, "created")]
    accented = (await client.get(f"/v1/customers/{r.json()['rows'][1]['resource_id']}")).json()
    assert (accented["name"], accented["metadata"]) == ("Crème Ünïcode Clinics", {"region": "east"})
    missing = await client.post("/v1/imports/customers", files={"other": ("a.csv", b"x", "text/csv")})
    assert missing.status_code == 400 and missing.json()["code"] == "missing_field"


async def test_a_file_over_the_limit_is_413(client: httpx.AsyncClient) -> None:
    body = CUSTOMERS.encode() + b"C-9,x,x@x.example,en,west\r\n" * 400_000  # about 11 MB
    r = await client.post("/v1/imports/customers", content=body, headers={"Content-Type": "text/csv"})
    assert r.status_code == 413, r.text


async def test_a_large_file_runs_as_a_job_and_reports_by_page(container: Container, tenant: Tenant) -> None:
    queue = InProcessQueue(container)
    container.queue = queue
    try:
        app = create_app(container)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://remit.test",
            headers={"Authorization": f"Bearer {tenant.api_key}"},
        ) as client:
            lines = ["external_id,name,email"]
            lines += [f"K-{i},Customer {i},c{i}@example.com" for i in range(1, 1200)]
            lines.append("K-bad,,bad@example.com")
            r = await client.post(
                "/v1/imports/customers", content="\r\n".join(lines) + "\r\n", headers={"Content-Type": "text/csv"}
            )
            assert r.status_code == 202, r.text
            queued = r.json()
            assert (queued["status"], queued["total_rows"], queued["processed_rows"]) == ("queued", 1200, 0)
            await queue.drain()
            done = (await client.get(f"/v1/imports/{queued['id']}")).json()
            assert done["status"] == "succeeded" and done["finished_at"] is not None
            assert done["processed_rows"] == 1200
            assert done["counts"] == {"created": 1199, "updated": 0, "unchanged": 0, "failed": 1}
            rows: list[dict[str, Any]] = []
            cursor = None
            while True:
                page = (
                    await client.get(
                        f"/v1/imports/{queued['id']}/rows",
                        params={"limit": 100, **({"cursor": cursor} if cursor else {})},
                    )
                ).json()
                rows += page["data"]
                cursor = page["next_cursor"]
                if cursor is None:
                    break
            assert [row["row"] for row in rows] == list(range(2, 1202))
            assert rows[-1]["errors"][0]["field"] == "name"
            listed = (await client.get("/v1/imports")).json()["data"]
            assert [i["id"] for i in listed] == [queued["id"]]
            assert await _count(container, CustomerRow, tenant.partner_id) == 1199
    finally:
        container.queue = None


async def test_the_job_is_harmless_to_run_twice(
    container: Container, tenant: Tenant, client: httpx.AsyncClient
) -> None:
    lines = ["external_id,name"] + [f"J-{i},Customer {i}" for i in range(600)]
    r = await client.post("/v1/imports/customers", content="\n".join(lines), headers={"Content-Type": "text/csv"})
    assert r.status_code == 202, r.text
    queue = InProcessQueue(container)
    for _ in range(2):
        await queue.enqueue("imports.run", partner_id=tenant.partner_id, ident=r.json()["id"])
        await queue.drain()
    done = (await client.get(f"/v1/imports/{r.json()['id']}")).json()
    assert done["status"] == "succeeded"
    assert done["counts"] == {"created": 600, "updated": 0, "unchanged": 0, "failed": 0}
    assert await _count(container, CustomerRow, tenant.partner_id) == 600


async def test_another_partner_cannot_see_an_import(client: httpx.AsyncClient, container: Container) -> None:
    report = await _upload(client, "customers", CUSTOMERS)
    other = await make_tenant(container, "Other")
    headers = {"Authorization": f"Bearer {other.api_key}"}
    for path in (f"/v1/imports/{report['id']}", f"/v1/imports/{report['id']}/rows"):
        r = await client.get(path, headers=headers)
        assert r.status_code == 404, r.text
    assert (await client.get("/v1/imports", headers=headers)).json()["data"] == []
    # The other partner's own file with the same external ids makes its own customers.
    theirs = await _upload_as(client, headers, CUSTOMERS)
    assert _outcomes(theirs) == [(2, "created"), (3, "created")]


async def _upload_as(client: httpx.AsyncClient, headers: dict[str, str], text: str) -> dict[str, Any]:
    r = await client.post("/v1/imports/customers", content=text, headers={**headers, "Content-Type": "text/csv"})
    assert r.status_code == 201, r.text
    return dict(r.json())


async def test_a_run_hands_on_past_its_budget_and_the_sweep_finds_lost_runs(
    container: Container, tenant: Tenant, client: httpx.AsyncClient
) -> None:
    lines = ["external_id,name"] + [f"S-{i},Customer {i}" for i in range(700)]
    r = await client.post("/v1/imports/customers", content="\n".join(lines), headers={"Content-Type": "text/csv"})
    assert r.status_code == 202, r.text  # this app has no queue: the enqueue is lost, as when Redis is down
    ident = r.json()["id"]
    first = JobContext(container=container, queue=InProcessQueue(container))
    assert await run_import(first, partner_id=tenant.partner_id, ident=ident, budget=0.0) == "running"
    halfway = (await client.get(f"/v1/imports/{ident}")).json()
    assert (halfway["status"], halfway["processed_rows"], halfway["counts"]["created"]) == ("running", 200, 200)

    # Ten minutes later the run has not reported: the sweep hands it to a new job, which goes on from row 202.
    later = dataclasses.replace(container, clock=FixedClock(datetime.now(UTC) + timedelta(minutes=10)))
    queue = InProcessQueue(later)
    assert await sweep_imports(queue.context) >= 1
    await queue.drain()
    done = (await client.get(f"/v1/imports/{ident}")).json()
    assert done["status"] == "succeeded"
    assert (done["processed_rows"], done["counts"]) == (
        700,
        {"created": 700, "updated": 0, "unchanged": 0, "failed": 0},
    )
    assert await _count(container, CustomerRow, tenant.partner_id) == 700
    assert await sweep_imports(queue.context) == 0


async def test_invoices_may_name_customers_by_id_and_give_one_amount_a_line(client: httpx.AsyncClient) -> None:
    live = await make_customer(client, name="Live")
    gone = await make_customer(client, name="Gone")
    assert (await client.post(f"/v1/customers/{gone['id']}/archive")).status_code == 200
    unknown = new_id("cus")
    text = (
        "Number,Customer_ID,Currency,Amount,Description,Issue_Date\r\n"
        f"D-1,{live['id']},usd,10,Thing,2026-11-01\r\n"
        f"D-2,{gone['id']},USD,10,Thing,\r\n"
        f"D-3,{unknown},USD,10,Thing,\r\n"
        f"D-4,{live['id']},USD,10,Thing,2026-11-01\r\n"
        "D-4,,,5,Other thing,2026-11-02\r\n"
    )
    report = await _upload(client, "invoices", text)
    assert _outcomes(report)[0] == (2, "created")
    assert _errors(report) == {
        3: [("customer_id", "customer_archived")],
        4: [("customer_id", "resource_missing")],
        6: [("issue_date", "invalid_request")],
        5: [(None, "row_not_applied")],
    }
    invoice = (await client.get(f"/v1/invoices/{report['rows'][0]['resource_id']}")).json()
    assert (invoice["customer_id"], invoice["currency"], invoice["total"], invoice["issue_date"]) == (
        live["id"],
        "USD",
        1000,
        "2026-11-01",
    )
    assert invoice["due_date"] == "2026-12-01"  # the customer's net 30


async def test_a_large_dry_run_runs_as_a_job_and_writes_nothing(container: Container, tenant: Tenant) -> None:
    queue = InProcessQueue(container)
    container.queue = queue
    try:
        app = create_app(container)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://remit.test",
            headers={"Authorization": f"Bearer {tenant.api_key}"},
        ) as client:
            lines = ["external_id,name"] + [f"R-{i},Customer {i}" for i in range(501)]
            r = await client.post(
                "/v1/imports/customers",
                content="\n".join(lines),
                headers={"Content-Type": "text/csv"},
                params={"dry_run": "true"},
            )
            assert r.status_code == 202, r.text
            await queue.drain()
            done = (await client.get(f"/v1/imports/{r.json()['id']}")).json()
    finally:
        container.queue = None
    assert (done["status"], done["dry_run"], done["counts"]["created"]) == ("succeeded", True, 501)
    assert await _count(container, CustomerRow, tenant.partner_id) == 0


async def test_two_imports_racing_make_each_customer_once(container: Container, tenant: Tenant) -> None:
    ids = []
    for _ in range(2):
        async with container.uow() as uow:
            cmd = use_cases.StartImport(ImportKind.CUSTOMERS, CUSTOMERS.encode(), dry_run=False, actor="test")
            started = await use_cases.start_import(cmd, uow.scope_to(tenant.partner_id), clock=container.clock)
            ids.append(started.id)
            await uow.commit()

    async def second_run() -> None:
        async with container.uow() as second:
            await use_cases.run_import(
                use_cases.RunImport(ids[1]), second.scope_to(tenant.partner_id), clock=container.clock
            )
            await second.commit()

    async with container.uow() as first:
        await use_cases.run_import(
            use_cases.RunImport(ids[0]), first.scope_to(tenant.partner_id), clock=container.clock
        )
        racing = asyncio.create_task(second_run())
        await asyncio.sleep(0.5)  # the second waits for the first: its rows (PostgreSQL) or its transaction (SQLite)
        await first.commit()
    await racing
    assert await _count(container, CustomerRow, tenant.partner_id) == 2
    async with container.uow() as uow:
        page = await uow.scope_to(tenant.partner_id).imports.results(ids[1], after_row=None, limit=10)
    # The database settles it: the later import finds the customers (SQLite serialises writers) or is refused by
    # the unique index (PostgreSQL); never a second customer with the same external_id.
    for result in page.items:
        assert result.outcome in (RowOutcome.UNCHANGED, RowOutcome.FAILED)
        if result.outcome is RowOutcome.FAILED:
            assert [(e.field, e.code) for e in result.errors] == [("external_id", ErrorCode.CONFLICT)]
