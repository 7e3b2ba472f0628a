"""The portal's invoices: what a signed-in customer sees (filters, sorts, keyset pages), one invoice, its PDF."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from adapters.bootstrap import Container
from tests.conftest import Tenant
from tests.factories import charge_saved, pay, save_test_method
from tests.portal_customers import PortalCustomer, Portals


@pytest.fixture
async def portals(client: httpx.AsyncClient, container: Container, tenant: Tenant) -> AsyncIterator[Portals]:
    async with Portals(client, container, tenant) as p:
        yield p


def day(today: date, offset: int) -> str:
    return (today + timedelta(days=offset)).isoformat()


async def listed(c: PortalCustomer, **params: Any) -> list[dict[str, Any]]:
    r = await c.browser.get("/portal/v1/invoices", params={"limit": 100, **params})
    assert r.status_code == 200, r.text
    assert r.json()["next_cursor"] is None
    return list(r.json()["data"])


async def test_filters_show_what_each_word_means_and_never_drafts(portals: Portals, container: Container) -> None:
    c = await portals.customer()
    today = container.clock.today()
    open_ = await c.invoice(1_000, issue_date=day(today, -5), due_date=day(today, 20))
    overdue = await c.invoice(2_000, issue_date=day(today, -40), due_date=day(today, -10))
    partial = await c.invoice(3_000, issue_date=day(today, -5), due_date=day(today, 15))
    assert (await pay(c.partner, c.id, [(partial["id"], 1_000)])).status_code == 201
    paid = await c.invoice(4_000, issue_date=day(today, -5), due_date=day(today, 10))
    assert (await pay(c.partner, c.id, [(paid["id"], 4_000)])).status_code == 201
    pending = await c.invoice(5_000, issue_date=day(today, -5), due_date=day(today, 25))
    bank = await save_test_method(c.partner, c.id, "settles")
    r = await charge_saved(c.partner, c.id, bank["id"], [(pending["id"], 2_000)])
    assert r.status_code == 201 and r.json()["status"] == "pending", r.text
    await c.invoice(6_000, draft=True)
    voided = await c.invoice(7_000)
    assert (await c.partner.post(f"/v1/invoices/{voided['id']}/void")).status_code == 200

    def ids(rows: list[dict[str, Any]]) -> list[str]:
        return [r["id"] for r in rows]

    default = await listed(c)
    assert ids(default) == [overdue["id"], partial["id"], open_["id"], pending["id"]]  # by due date
    assert ids(await listed(c, status="open")) == ids(default)
    assert ids(await listed(c, status="overdue")) == [overdue["id"]]
    assert ids(await listed(c, status="pending")) == [pending["id"]]
    assert ids(await listed(c, status="paid")) == [paid["id"]]
    everything = await listed(c, status="all")
    assert set(ids(everything)) == {open_["id"], overdue["id"], partial["id"], paid["id"], pending["id"], voided["id"]}

    by_id = {row["id"]: row for row in everything}
    assert by_id[overdue["id"]]["overdue"] is True and by_id[open_["id"]]["overdue"] is False
    p = by_id[partial["id"]]
    assert (p["status"], p["total"], p["amount_paid"], p["amount_pending"], p["amount_due"]) == (
        "partially_paid",
        3_000,
        1_000,
        0,
        2_000,
    )
    q = by_id[pending["id"]]
    assert (q["amount_paid"], q["amount_pending"], q["amount_due"]) == (0, 2_000, 3_000)
    assert by_id[paid["id"]]["pay_allowed"] is False and by_id[voided["id"]]["pay_allowed"] is False
    assert by_id[open_["id"]]["pay_allowed"] is True and by_id[open_["id"]]["questioned"] is False
    assert set(by_id[open_["id"]]) == {
        "id",
        "object",
        "number",
        "status",
        "standing",
        "standing_qualifiers",
        "description",
        "currency",
        "issue_date",
        "due_date",
        "total",
        "amount_paid",
        "amount_pending",
        "amount_due",
        "amount_written_off",
        "overdue",
        "questioned",
        "pay_allowed",
    }


async def test_every_sort_pages_through_each_invoice_once(portals: Portals, container: Container) -> None:
    c = await portals.customer()
    today = container.clock.today()
    made = []
    for n, offset in enumerate([9, 3, 3, 12, 3, 1, 9]):  # ties on the due date: the id breaks them
        made.append(await c.invoice(1_000 + n, number=f"N-{(7 - n):02d}", due_date=day(today, offset)))
    expected = {
        "due_date": [i["id"] for i in sorted(made, key=lambda i: (i["due_date"], i["id"]))],
        "-due_date": [i["id"] for i in sorted(made, key=lambda i: (i["due_date"], i["id"]), reverse=True)],
        "number": [i["id"] for i in sorted(made, key=lambda i: i["number"])],
        "-created": [i["id"] for i in reversed(made)],
    }
    for sort, order in expected.items():
        seen: list[str] = []
        cursor = None
        for _ in range(10):
            params: dict[str, Any] = {"sort": sort, "limit": 2, **({"cursor": cursor} if cursor else {})}
            r = await c.browser.get("/portal/v1/invoices", params=params)
            assert r.status_code == 200, r.text
            seen += [row["id"] for row in r.json()["data"]]
            cursor = r.json()["next_cursor"]
            if cursor is None:
                break
        assert seen == order, sort

    first = (await c.browser.get("/portal/v1/invoices", params={"sort": "number", "limit": 2})).json()
    other_sort = await c.browser.get("/portal/v1/invoices", params={"sort": "due_date", "cursor": first["next_cursor"]})
    assert other_sort.status_code == 400 and other_sort.json()["code"] == "invalid_cursor"
    garbage = await c.browser.get("/portal/v1/invoices", params={"cursor": "bm90LWEtY3Vyc29y"})
    assert garbage.status_code == 400
    assert (await c.browser.get("/portal/v1/invoices", params={"sort": "total"})).status_code == 422
    assert (await c.browser.get("/portal/v1/invoices", params={"status": "draft"})).status_code == 422


async def test_one_invoice_with_lines_and_its_pdf(portals: Portals) -> None:
    c = await portals.customer()
    invoice = await c.invoice(
        lines=[
            {"description": "Managed services", "quantity": 1, "unit_amount": 250_000},
            {"description": "On-site hours", "quantity": 3, "unit_amount": 12_500},
        ],
        number='INV/2026 "Nov"',
        memo="Thank you.",
    )
    r = await c.browser.get(f"/portal/v1/invoices/{invoice['id']}")
    assert r.status_code == 200, r.text
    body = r.json()
    assert [(ln["description"], ln["amount"]) for ln in body["lines"]] == [
        ("Managed services", 250_000),
        ("On-site hours", 37_500),
    ]
    assert (body["total"], body["amount_due"], body["memo"], body["number"]) == (
        287_500,
        287_500,
        "Thank you.",
        'INV/2026 "Nov"',
    )
    assert "metadata" not in body and "customer_id" not in body

    pdf = await c.browser.get(f"/portal/v1/invoices/{invoice['id']}/pdf")
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-disposition"] == 'attachment; filename="INV_2026_Nov.pdf"'


async def test_drafts_and_other_customers_invoices_are_not_there(portals: Portals, container: Container) -> None:
    c = await portals.customer()
    draft = await c.invoice(draft=True)
    neighbour = await portals.customer("ap@neighbour.example", name="Neighbour")
    theirs = await neighbour.invoice()
    unknown = "inv_01JD3M7K2B0000000000000000"
    for ident in (draft["id"], theirs["id"], unknown):
        for suffix in ("", "/pdf", "/questions"):
            r = await c.browser.get(f"/portal/v1/invoices/{ident}{suffix}")
            assert r.status_code == 404, (suffix, r.text)
            assert r.json()["code"] == "resource_missing"
    assert theirs["id"] not in {i["id"] for i in await listed(c, status="all")}


async def test_signed_out_browsers_see_nothing(portals: Portals) -> None:
    c = await portals.customer()
    invoice = await c.invoice()
    stranger = await portals.browser()
    for path in (
        "/portal/v1/invoices",
        f"/portal/v1/invoices/{invoice['id']}",
        f"/portal/v1/invoices/{invoice['id']}/pdf",
    ):
        r = await stranger.get(path)
        assert r.status_code == 401, r.text
