"""Questions about invoices: asked from the portal (the partner is emailed, an event recorded, the invoice shows
as questioned), one open at a time, resolved by the partner (the asker is emailed)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import select

from adapters.bootstrap import Container
from adapters.db.tables import EmailRow, OutboxEventRow
from domain.invoice_questions.use_cases import is_questioned
from tests.conftest import Tenant
from tests.portal_customers import Portals, row_counts
from tests.portal_helpers import last_email


@pytest.fixture
async def portals(client: httpx.AsyncClient, container: Container, tenant: Tenant) -> AsyncIterator[Portals]:
    async with Portals(client, container, tenant) as p:
        yield p


async def questioned(container: Container, tenant: Tenant, invoice_id: str) -> bool:
    async with container.uow() as uow:
        return await is_questioned(uow.scope_to(tenant.partner_id), invoice_id)


async def test_a_question_reaches_the_partner_and_its_answer_the_customer(
    portals: Portals, container: Container, tenant: Tenant
) -> None:
    r = await portals.partner.patch(
        "/v1/settings/portal", json={"notification_emails": ["billing@partner.example", "owner@partner.example"]}
    )
    assert r.status_code == 200, r.text
    c = await portals.customer(name="Acme Dental")
    invoice = await c.invoice()

    r = await c.browser.post(
        f"/portal/v1/invoices/{invoice['id']}/questions", json={"message": "  Were the on-site hours billed twice?  "}
    )
    assert r.status_code == 201, r.text
    question = r.json()
    assert (question["status"], question["message"], question["invoice_id"]) == (
        "open",
        "Were the on-site hours billed twice?",
        invoice["id"],
    )
    for address in ("billing@partner.example", "owner@partner.example"):
        mail = await last_email(container, address, "invoice_questioned")
        assert mail.context == {
            "invoice_number": invoice["number"],
            "customer_name": "Acme Dental",
            "message": "Were the on-site hours billed twice?",
            "from_email": c.email,
        }
        assert mail.partner_id == tenant.partner_id
    async with container.sessions() as session:
        events = list(
            await session.scalars(
                select(OutboxEventRow).where(
                    OutboxEventRow.partner_id == tenant.partner_id, OutboxEventRow.type == "invoice.questioned"
                )
            )
        )
    assert [e.payload["question_id"] for e in events] == [question["id"]]
    assert await questioned(container, tenant, invoice["id"]) is True
    assert (await c.browser.get(f"/portal/v1/invoices/{invoice['id']}")).json()["questioned"] is True

    before = await row_counts(container, tenant)
    r = await c.browser.post(f"/portal/v1/invoices/{invoice['id']}/questions", json={"message": "Hello?"})
    assert r.status_code == 409 and r.json()["code"] == "question_already_open", r.text
    assert await row_counts(container, tenant) == before

    listed = (await c.partner.get("/v1/invoice-questions", params={"status": "open"})).json()["data"]
    assert [q["id"] for q in listed] == [question["id"]]
    assert listed[0]["customer_id"] == c.id and listed[0]["portal_user_id"].startswith("pus_")
    assert (await c.partner.get("/v1/invoice-questions", params={"status": "resolved"})).json()["data"] == []
    by_invoice = (await c.partner.get("/v1/invoice-questions", params={"invoice_id": invoice["id"]})).json()["data"]
    assert [q["id"] for q in by_invoice] == [question["id"]]

    r = await c.partner.post(
        f"/v1/invoice-questions/{question['id']}/resolve", json={"resolution": "Yes: a credit note follows."}
    )
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["resolution"]) == ("resolved", "Yes: a credit note follows.")
    mail = await last_email(container, c.email, "invoice_question_resolved")
    assert mail.context == {"invoice_number": invoice["number"], "resolution": "Yes: a credit note follows."}
    again = await c.partner.post(f"/v1/invoice-questions/{question['id']}/resolve", json={})
    assert again.status_code == 409, again.text
    assert await questioned(container, tenant, invoice["id"]) is False

    history = (await c.browser.get(f"/portal/v1/invoices/{invoice['id']}/questions")).json()["data"]
    assert [(q["status"], q["resolution"]) for q in history] == [("resolved", "Yes: a credit note follows.")]
    r = await c.browser.post(f"/portal/v1/invoices/{invoice['id']}/questions", json={"message": "One more thing."})
    assert r.status_code == 201, r.text
    history = (await c.browser.get(f"/portal/v1/invoices/{invoice['id']}/questions")).json()["data"]
    assert [q["status"] for q in history] == ["open", "resolved"]


async def test_messages_are_one_to_two_thousand_characters(
    portals: Portals, container: Container, tenant: Tenant
) -> None:
    c = await portals.customer()
    invoice = await c.invoice()
    url = f"/portal/v1/invoices/{invoice['id']}/questions"
    before = await row_counts(container, tenant)
    for body, status in [({"message": ""}, 422), ({"message": "x" * 2001}, 422), ({}, 422), ({"message": "   "}, 400)]:
        r = await c.browser.post(url, json=body)
        assert r.status_code == status, (body, r.text)
    assert await row_counts(container, tenant) == before
    assert (await c.browser.post(url, json={"message": "x" * 2000})).status_code == 201


async def test_without_notification_addresses_the_support_address_is_told(
    portals: Portals, container: Container, tenant: Tenant
) -> None:
    r = await portals.partner.patch("/v1/settings/portal", json={"support_email": "help@partner.example"})
    assert r.status_code == 200, r.text
    c = await portals.customer()
    invoice = await c.invoice()
    r = await c.browser.post(f"/portal/v1/invoices/{invoice['id']}/questions", json={"message": "Which PO is this?"})
    assert r.status_code == 201, r.text
    mail = await last_email(container, "help@partner.example", "invoice_questioned")
    assert mail.context["message"] == "Which PO is this?"
    async with container.sessions() as session:
        count = len(
            list(
                await session.scalars(
                    select(EmailRow.id).where(
                        EmailRow.template == "invoice_questioned", EmailRow.partner_id == tenant.partner_id
                    )
                )
            )
        )
    assert count == 1
