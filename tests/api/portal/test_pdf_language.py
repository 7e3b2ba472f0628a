"""The portal's invoice PDF and receipt in the reader's language (`?language=`, else the portal user's, else the
customer's, else English), and an invoice PDF that can be paid from: its pay link (reused, never one per download)
opens the invoice for a guest."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import update

from adapters.bootstrap import Container
from adapters.db.tables import PayLinkRow
from tests.conftest import Tenant
from tests.factories import charge_saved, pay, save_test_method
from tests.pdf_reading import ReadPdf
from tests.portal_customers import PortalCustomer, Portals


@pytest.fixture
async def portals(client: httpx.AsyncClient, container: Container, tenant: Tenant) -> AsyncIterator[Portals]:
    async with Portals(client, container, tenant) as p:
        yield p


async def _invoice_pdf(c: PortalCustomer, invoice_id: str, **params: str) -> ReadPdf:
    r = await c.browser.get(f"/portal/v1/invoices/{invoice_id}/pdf", params=params)
    assert r.status_code == 200, r.text
    return ReadPdf(r.content)


async def _receipt(c: PortalCustomer, payment_id: str, **params: str) -> ReadPdf:
    r = await c.browser.get(f"/portal/v1/payments/{payment_id}/receipt", params=params)
    assert r.status_code == 200, r.text
    return ReadPdf(r.content)


async def test_the_language_asked_for_else_the_customers(portals: Portals) -> None:
    c = await portals.customer()
    invoice = await c.invoice(98_000, currency="CAD")
    english = await _invoice_pdf(c, invoice["id"])
    assert english.lang == "en" and "Amount due CA$980.00" in english.text
    french = await _invoice_pdf(c, invoice["id"], language="fr")
    assert french.lang == "fr-CA" and "Montant dû 980,00 $" in french.text and "FACTURE" in french.text

    r = await c.partner.patch(f"/v1/customers/{c.id}", json={"language": "fr"})
    assert r.status_code == 200, r.text
    assert "Montant dû 980,00 $" in (await _invoice_pdf(c, invoice["id"])).text  # the customer's language
    assert "Amount due CA$980.00" in (await _invoice_pdf(c, invoice["id"], language="en")).text  # asked for wins


async def test_the_portal_users_language_before_the_customers(portals: Portals) -> None:
    c = await portals.customer()
    invoice = await c.invoice(10_000)
    paid = await pay(c.partner, c.id, [(invoice["id"], 1_000)])
    assert paid.status_code == 201, paid.text
    assert (await c.partner.patch(f"/v1/customers/{c.id}", json={"language": "en"})).status_code == 200
    r = await c.browser.patch("/portal/v1/me", json={"language": "fr"})
    assert r.status_code == 200, r.text
    assert "FACTURE" in (await _invoice_pdf(c, invoice["id"])).text
    assert "REÇU DE PAIEMENT" in (await _receipt(c, paid.json()["id"])).text
    assert "INVOICE" in (await _invoice_pdf(c, invoice["id"], language="en")).text


async def test_an_unknown_language_is_a_422_problem(portals: Portals) -> None:
    c = await portals.customer()
    invoice = await c.invoice(10_000)
    paid = await pay(c.partner, c.id, [(invoice["id"], 1_000)])
    assert paid.status_code == 201, paid.text
    for url in (f"/portal/v1/invoices/{invoice['id']}/pdf", f"/portal/v1/payments/{paid.json()['id']}/receipt"):
        r = await c.browser.get(url, params={"language": "de"})
        assert r.status_code == 422, r.text
        assert r.headers["content-type"].startswith("application/problem+json")


async def test_the_invoice_pdf_carries_its_pay_link_reused_and_working(
    portals: Portals, client: httpx.AsyncClient
) -> None:
    c = await portals.customer()
    invoice = await c.invoice(25_000, number="INV-PAYME")
    first = await _invoice_pdf(c, invoice["id"])
    [url] = {u for u in first.link_uris() if "/invoice/" in u}
    assert url.startswith("http") and f"/pay/{portals.tenant.slug}/invoice/" in url
    assert url in first.text.replace("\n", "") and len(first.images()) == 1  # the address and its QR code
    assert {u for u in (await _invoice_pdf(c, invoice["id"])).link_uris() if "/invoice/" in u} == {url}  # reused

    token = url.rsplit("/", 1)[1]
    r = await client.get(f"/portal/v1/pay-links/{token}")  # a guest, without the partner's key or a session
    assert r.status_code == 200, r.text
    assert r.json()["number"] == "INV-PAYME"

    from_api = await c.partner.post(f"/v1/invoices/{invoice['id']}/pay-link")
    assert from_api.status_code == 200 and from_api.json()["url"] == url  # the same link the partner hands out


async def test_once_the_pay_link_expired_the_pdf_sends_the_customer_to_sign_in(
    portals: Portals, container: Container
) -> None:
    c = await portals.customer()
    invoice = await c.invoice(10_000)
    first = await _invoice_pdf(c, invoice["id"])
    assert any("/invoice/" in u for u in first.link_uris())
    async with container.sessions() as session:  # the partner's expiry setting has run out
        await session.execute(
            update(PayLinkRow)
            .where(PayLinkRow.invoice_id == invoice["id"])
            .values(expires_at=datetime(2020, 1, 1, tzinfo=UTC))
        )
        await session.commit()
    later = await _invoice_pdf(c, invoice["id"])
    assert {u.rsplit("/pay/", 1)[1] for u in later.link_uris()} == {f"{portals.tenant.slug}/invoices/{invoice['id']}"}
    assert "sign in to your account at this address" in later.text


async def test_nothing_to_pay_no_pay_link(portals: Portals) -> None:
    c = await portals.customer()
    invoice = await c.invoice(10_000)
    assert (await pay(c.partner, c.id, [(invoice["id"], 10_000)])).status_code == 201
    pdf = await _invoice_pdf(c, invoice["id"])
    assert "Status Paid" in pdf.text and "How to pay" not in pdf.text and pdf.images() == []
    assert "Payments applied" in pdf.text and "Check Paid $100.00" in pdf.text
    assert "Chèque Payé 100,00 $ US" in (await _invoice_pdf(c, invoice["id"], language="fr")).text


async def test_a_pending_debit_on_the_invoice_and_its_receipt(portals: Portals) -> None:
    c = await portals.customer()
    invoice = await c.invoice(150_000, number="INV-DEBIT")
    bank = await save_test_method(c.partner, c.id, "settles")
    r = await charge_saved(c.partner, c.id, bank["id"], [(invoice["id"], 50_000)])
    assert r.status_code == 201 and r.json()["status"] == "pending", r.text

    pdf = await _invoice_pdf(c, invoice["id"])
    assert "Status Due · Payment pending" in pdf.text
    assert "Partially paid" not in pdf.text and "Partly paid" not in pdf.text
    assert "Pending $500.00" in pdf.text and "Amount due $1,000.00" in pdf.text

    receipt = await _receipt(c, r.json()["id"])
    assert "Amount pending $500.00" in receipt.text and "Invoices it is for" in receipt.text
    assert "Invoice INV-DEBIT $500.00 $1,000.00" in receipt.text  # what it gives, what is still due
    assert "charged" not in receipt.text.lower() and "Invoices paid" not in receipt.text

    french = await _receipt(c, r.json()["id"], language="fr")
    assert "Montant en attente 500,00 $ US" in french.text and "Factures visées" in french.text
    assert "Facture INV-DEBIT 500,00 $ US 1 000,00 $ US" in french.text
