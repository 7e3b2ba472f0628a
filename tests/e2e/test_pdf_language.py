"""A French reader downloads the invoice PDF and a receipt from the portal's own links and gets them in French: the
language the portal remembered for them, with amounts as the portal shows them and a pay link they can use."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from playwright.async_api import Page, expect

from tests.e2e.mail import Inbox
from tests.e2e.portal import sign_in
from tests.e2e.seed import Partner
from tests.pdf_reading import ReadPdf


@pytest.mark.browser_context(locale="fr-FR")
async def test_a_french_reader_gets_french_pdfs(
    spa: object, page: Page, new_page: Callable[..., Awaitable[Page]], partner: Partner, inbox: Inbox
) -> None:
    await partner.set_portal_settings(notification_emails=[partner.email("billing")])
    customer = await partner.create_customer("Clinique Boréale")
    invoice = await partner.create_invoice(
        customer["id"], lines=[{"description": "Soutien informatique", "quantity": 1, "unit_amount": 98_000}]
    )
    r = await partner.api.post(
        "/v1/payments",
        json={
            "customer_id": customer["id"],
            "method": "check",
            "reference": "Chèque 1042",
            "allocations": [{"invoice_id": invoice["id"], "amount": 30_000}],
        },
    )
    assert r.status_code == 201, r.text
    payment = r.json()
    await sign_in(page, partner, inbox, customer["email"])
    await page.get_by_role("link", name=invoice["number"], exact=True).click()

    pdf_link = page.locator(f'a[href^="/portal/v1/invoices/{invoice["id"]}/pdf"]')
    await expect(pdf_link).to_be_visible()
    answer = await page.request.get(str(await pdf_link.get_attribute("href")))  # with the page's cookies
    assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
    pdf = ReadPdf(await answer.body())
    assert pdf.lang == "fr-CA" and pdf.title == f"Facture {invoice['number']} - {partner.name}"
    lines = pdf.text.splitlines()
    for line in ("FACTURER À", "Montant dû 680,00 $ US", "Payé 300,00 $ US", "Comment payer", "Paiements appliqués"):
        assert line in lines, line
    assert "Statut Payée en partie" in pdf.text and "Chèque Payé 300,00 $ US" in pdf.text
    [pay_url] = {u for u in pdf.link_uris() if "/invoice/" in u}
    assert len(pdf.images()) == 1 and pay_url in pdf.text.replace("\n", "")

    guest = await new_page(locale="fr-FR")  # no session: the link from the PDF opens the invoice for anyone
    await guest.goto(pay_url)
    await expect(guest.get_by_text(invoice["number"]).first).to_be_visible()

    receipt = await page.request.get(f"/portal/v1/payments/{payment['id']}/receipt")
    assert receipt.status == 200
    read = ReadPdf(await receipt.body())
    assert "REÇU DE PAIEMENT" in read.text and "Montant payé 300,00 $ US" in read.text
    assert f"Facture {invoice['number']} 300,00 $ US 680,00 $ US" in read.text
