"""The portal's invoice and payment views in the one status vocabulary, what the customer owes in all (every payable
invoice, not one page), and the payments behind an invoice's "Paid" and "Pending"."""

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


async def get(c: PortalCustomer, path: str, **params: Any) -> Any:
    r = await c.browser.get(path, params=params)
    assert r.status_code == 200, r.text
    return r.json()


async def test_invoices_carry_their_standing_and_description(portals: Portals, container: Container) -> None:
    c = await portals.customer()
    today = container.clock.today()
    due = await c.invoice(1_000, issue_date=day(today, -5), due_date=day(today, 20))
    late_partly = await c.invoice(3_000, issue_date=day(today, -40), due_date=day(today, -10))
    assert (await pay(c.partner, c.id, [(late_partly["id"], 1_000)])).status_code == 201
    debit_only = await c.invoice(5_000, issue_date=day(today, -5), due_date=day(today, 25))
    bank = await save_test_method(c.partner, c.id, "settles")
    r = await charge_saved(c.partner, c.id, bank["id"], [(debit_only["id"], 2_000)])
    assert r.status_code == 201 and r.json()["status"] == "pending", r.text
    covered = await c.invoice(700, issue_date=day(today, -5), due_date=day(today, 25))
    assert (await charge_saved(c.partner, c.id, bank["id"], [(covered["id"], 700)])).status_code == 201

    rows = {row["id"]: row for row in (await get(c, "/portal/v1/invoices", status="all", limit=100))["data"]}
    standing = {i: (row["standing"], row["standing_qualifiers"]) for i, row in rows.items()}
    assert standing == {
        due["id"]: ("open", []),
        late_partly["id"]: ("overdue", ["partly_paid"]),
        # Money on its way is pending, never "partly paid".
        debit_only["id"]: ("open", ["pending"]),
        covered["id"]: ("payment_pending", []),
    }
    assert rows[due["id"]]["description"] == "Managed services"

    detail = await get(c, f"/portal/v1/invoices/{late_partly['id']}")
    assert (detail["standing"], detail["standing_qualifiers"]) == ("overdue", ["partly_paid"])


async def test_summary_adds_every_payable_invoice_per_currency(portals: Portals, container: Container) -> None:
    c = await portals.customer()
    today = container.clock.today()
    overdue = [await c.invoice(1_000 + n, issue_date=day(today, -60), due_date=day(today, -30 + n)) for n in range(3)]
    assert (await pay(c.partner, c.id, [(overdue[0]["id"], 400)])).status_code == 201
    soon = await c.invoice(2_000, issue_date=day(today, -5), due_date=day(today, 4))
    later = await c.invoice(3_000, issue_date=day(today, -5), due_date=day(today, 30))
    bank = await save_test_method(c.partner, c.id, "settles")
    assert (await charge_saved(c.partner, c.id, bank["id"], [(later["id"], 500)])).status_code == 201
    paid = await c.invoice(9_000, issue_date=day(today, -5), due_date=day(today, 1))
    assert (await pay(c.partner, c.id, [(paid["id"], 9_000)])).status_code == 201
    await c.invoice(6_000, draft=True)
    cad = await c.invoice(4_500, currency="CAD", issue_date=day(today, -5), due_date=day(today, 10))

    # A page of two does not change the sums: they are over every payable invoice.
    assert len((await get(c, "/portal/v1/invoices", limit=2))["data"]) == 2
    summary = await get(c, "/portal/v1/invoices/summary")
    assert summary["object"] == "invoice_summary"
    assert summary["data"] == [
        {
            "currency": "CAD",
            "amount_due": 4_500,
            "amount_overdue": 0,
            "amount_pending": 0,
            "next_due_date": cad["due_date"],
            "overdue_invoice_ids": [],
        },
        {
            "currency": "USD",
            "amount_due": (1_000 - 400) + 1_001 + 1_002 + 2_000 + (3_000 - 500),
            "amount_overdue": (1_000 - 400) + 1_001 + 1_002,
            "amount_pending": 500,
            "next_due_date": soon["due_date"],
            "overdue_invoice_ids": [i["id"] for i in overdue],
        },
    ]


async def test_summary_of_a_customer_who_owes_nothing_is_empty(portals: Portals) -> None:
    c = await portals.customer()
    assert (await get(c, "/portal/v1/invoices/summary"))["data"] == []
    other = await portals.customer("ap@other.example", name="Other Co")
    await other.invoice(5_000)
    assert (await get(c, "/portal/v1/invoices/summary"))["data"] == []


async def test_detail_lists_the_payments_behind_paid_and_pending(portals: Portals, container: Container) -> None:
    c = await portals.customer()
    invoice = await c.invoice(10_000)
    declined = await save_test_method(c.partner, c.id, "declined")
    r = await charge_saved(c.partner, c.id, declined["id"], [(invoice["id"], 3_000)])
    assert r.status_code == 402, r.text
    card = await save_test_method(c.partner, c.id, "visa")
    r = await charge_saved(c.partner, c.id, card["id"], [(invoice["id"], 3_000)])
    assert r.status_code == 201, r.text
    card_payment = r.json()
    bank = await save_test_method(c.partner, c.id, "settles")
    r = await charge_saved(c.partner, c.id, bank["id"], [(invoice["id"], 2_000)])
    assert r.status_code == 201, r.text
    debit = r.json()

    detail = await get(c, f"/portal/v1/invoices/{invoice['id']}")
    behind = detail["payments"]
    # The declined attempt moved no money: it is not behind either figure.
    assert [(p["id"], p["standing"], p["amount"], p["has_receipt"]) for p in behind] == [
        (card_payment["id"], "paid", 3_000, True),
        (debit["id"], "pending", 2_000, True),
    ]
    assert behind[0]["transaction_id"] == card_payment["transaction_id"]
    assert behind[0]["method_label"].endswith("4242") and behind[0]["received_on"]
    assert (detail["amount_paid"], detail["amount_pending"]) == (3_000, 2_000)

    history = {p["id"]: p for p in (await get(c, "/portal/v1/payments"))["data"]}
    assert len(history) == 3
    assert sorted(p["standing"] for p in history.values()) == ["not_charged", "paid", "pending"]
    one = await get(c, f"/portal/v1/payments/{card_payment['id']}")
    assert (one["status"], one["standing"]) == ("succeeded", "paid")
