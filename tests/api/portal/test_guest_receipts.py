"""After paying from a pay link: the answer says what each invoice received and still owes; the receipt and the
invoice are PDFs for whoever holds the link (a payment the link does not own answers 404); a copy of the receipt
goes once to each address the payer names; the card fee's basis is in the quote."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from adapters.bootstrap import Container
from tests.conftest import Tenant
from tests.factories import token_for
from tests.pdf_reading import ReadPdf
from tests.portal_customers import Portals


@pytest.fixture
async def portals(client: httpx.AsyncClient, container: Container, tenant: Tenant) -> AsyncIterator[Portals]:
    async with Portals(client, container, tenant) as p:
        yield p


def key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


async def guest_pays(
    client: httpx.AsyncClient, guest: httpx.AsyncClient, invoice_id: str, amount: int, kind: str = "visa", **pay: Any
) -> tuple[str, httpx.Response]:
    link = (await client.post(f"/v1/invoices/{invoice_id}/pay-link")).json()
    body: dict[str, Any] = {"token": await token_for(client, kind), "amount": amount}
    if kind != "visa":
        body["accept_mandate"] = True
    q = await guest.post(f"/portal/v1/pay-links/{link['token']}/quote", json=body)
    assert q.status_code == 200, q.text
    r = await guest.post(
        f"/portal/v1/pay-links/{link['token']}/payments",
        json={"method_ref": q.json()["method_ref"], "amount": amount, **pay},
        headers=key(),
    )
    assert r.status_code == 201, r.text
    return link["token"], r


async def test_a_partial_payment_says_what_the_invoice_still_owes(portals: Portals, client: httpx.AsyncClient) -> None:
    c = await portals.customer()
    invoice = await c.invoice(125_000)
    _, r = await guest_pays(client, await portals.browser(), invoice["id"], 50_000)
    assert r.json()["receipt_to"] == "customer"
    [paid] = r.json()["invoices"]
    assert (paid["invoice_number"], paid["amount"], paid["amount_due"], paid["amount_pending"]) == (
        invoice["number"],
        50_000,
        75_000,
        0,
    )


async def test_a_pending_debit_is_pending_not_paid(portals: Portals, client: httpx.AsyncClient) -> None:
    c = await portals.customer()
    invoice = await c.invoice(40_000)
    _, r = await guest_pays(client, await portals.browser(), invoice["id"], 40_000, kind="settles")
    assert r.json()["status"] == "pending"
    [paid] = r.json()["invoices"]
    assert (paid["amount"], paid["amount_due"], paid["amount_pending"]) == (40_000, 0, 40_000)


async def test_the_card_fee_basis_is_in_both_quotes(portals: Portals, client: httpx.AsyncClient) -> None:
    r = await client.patch("/v1/settings/payments", json={"card_fee_bps": 290, "card_fee_fixed": 30})
    assert r.status_code == 200, r.text
    c = await portals.customer()
    invoice = await c.invoice(100_000)
    link = (await client.post(f"/v1/invoices/{invoice['id']}/pay-link")).json()
    q = await (await portals.browser()).post(
        f"/portal/v1/pay-links/{link['token']}/quote", json={"token": await token_for(client, "visa")}
    )
    assert q.status_code == 200, q.text
    assert q.json()["fee_basis"] == {"bps": 290, "fixed": 30, "cap_bps": 400}
    assert q.json()["fee"] == 2_930

    method = await c.browser.post(
        "/portal/v1/payment-methods", json={"token": await token_for(client, "visa"), "save": False}
    )
    mine = await c.browser.post(
        "/portal/v1/payments/quote",
        json={"payment_method_id": method.json()["id"], "allocations": [{"invoice_id": invoice["id"], "amount": 100}]},
    )
    assert mine.status_code == 200, mine.text
    assert mine.json()["fee_basis"]["bps"] == 290
    debit = await c.browser.post(
        "/portal/v1/payment-methods",
        json={"token": await token_for(client, "settles"), "save": False, "accept_mandate": True},
    )
    bank = await c.browser.post(
        "/portal/v1/payments/quote",
        json={"payment_method_id": debit.json()["id"], "allocations": [{"invoice_id": invoice["id"], "amount": 100}]},
    )
    assert (bank.json()["fee"], bank.json()["fee_basis"]) == (0, None)


async def test_a_portal_payment_lists_each_invoice_with_what_it_still_owes(
    portals: Portals, client: httpx.AsyncClient
) -> None:
    c = await portals.customer()
    first, second = await c.invoice(50_000), await c.invoice(100_000)
    method = await c.browser.post(
        "/portal/v1/payment-methods", json={"token": await token_for(client, "visa"), "save": False}
    )
    r = await c.browser.post(
        "/portal/v1/payments",
        json={"payment_method_id": method.json()["id"], "amount": 100_000, "invoice_ids": [first["id"], second["id"]]},
        headers=key(),
    )
    assert r.status_code == 201, r.text
    due = {a["invoice_number"]: (a["amount"], a["amount_due"]) for a in r.json()["allocations"]}
    assert due == {first["number"]: (50_000, 0), second["number"]: (50_000, 50_000)}


async def test_receipt_and_invoice_pdfs_for_the_link_that_paid(portals: Portals, client: httpx.AsyncClient) -> None:
    c = await portals.customer()
    invoice, other = await c.invoice(30_000), await c.invoice(20_000)
    guest = await portals.browser()
    token, r = await guest_pays(client, guest, invoice["id"], 10_000)
    payment_id = r.json()["id"]
    other_token, _ = await guest_pays(client, guest, other["id"], 5_000)

    receipt = await guest.get(f"/portal/v1/pay-links/{token}/payments/{payment_id}/receipt", params={"language": "fr"})
    assert receipt.status_code == 200, receipt.text
    assert receipt.headers["content-type"] == "application/pdf" and receipt.content.startswith(b"%PDF")
    pdf = await guest.get(f"/portal/v1/pay-links/{token}/pdf", params={"language": "en"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF"), pdf.text

    for url in (
        f"/portal/v1/pay-links/{other_token}/payments/{payment_id}/receipt",  # another link's payment
        f"/portal/v1/pay-links/{token}/payments/pay_01JD3M9W4E0000000000000000/receipt",
        f"/portal/v1/pay-links/{token[:-2]}xx/payments/{payment_id}/receipt",  # a tampered token
        f"/portal/v1/pay-links/{token[:-2]}xx/pdf",
    ):
        assert (await guest.get(url)).status_code == 404, url
    assert (await guest.get(f"/portal/v1/pay-links/{token}/pdf", params={"language": "de"})).status_code == 422


async def test_a_payment_made_in_the_portal_is_not_reachable_from_a_link(
    portals: Portals, client: httpx.AsyncClient
) -> None:
    c = await portals.customer()
    first, second = await c.invoice(5_000), await c.invoice(5_000)
    method = await c.browser.post(
        "/portal/v1/payment-methods", json={"token": await token_for(client, "visa"), "save": False}
    )
    paid = await c.browser.post(
        "/portal/v1/payments",
        json={"payment_method_id": method.json()["id"], "invoice_ids": [first["id"], second["id"]], "amount": 6_000},
        headers=key(),
    )
    link = (await client.post(f"/v1/invoices/{second['id']}/pay-link")).json()
    guest = await portals.browser()
    r = await guest.get(f"/portal/v1/pay-links/{link['token']}/payments/{paid.json()['id']}/receipt")
    assert r.status_code == 404, "a payment across several invoices belongs to the portal, not to one link"


async def test_a_receipt_copy_goes_once_to_each_address(
    portals: Portals, client: httpx.AsyncClient, container: Container
) -> None:
    c = await portals.customer()
    invoice = await c.invoice(30_000)
    guest = await portals.browser()
    token, r = await guest_pays(client, guest, invoice["id"], 30_000, receipt_email="payer@acme.example")
    assert r.json()["receipt_to"] == "payer"
    url = f"/portal/v1/pay-links/{token}/payments/{r.json()['id']}/receipt-email"

    first = await guest.post(url, json={"email": "Books@Acme.example"})
    assert first.status_code == 202, first.text
    assert first.json() == {"object": "receipt_copy", "email": "books@acme.example", "already_sent": False}
    again = await guest.post(url, json={"email": "books@acme.example"})
    assert again.status_code == 202 and again.json()["already_sent"] is True
    async with container.sessions() as session:
        rows = (
            await session.execute(text("SELECT template FROM emails WHERE to_address = 'books@acme.example'"))
        ).all()
    assert [r[0] for r in rows] == ["payment_confirmation"]

    bad = await guest.post(url, json={"email": "not an email"})
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")


async def test_receipt_copies_are_rate_limited(portals: Portals, client: httpx.AsyncClient) -> None:
    c = await portals.customer()
    invoice = await c.invoice(30_000)
    guest = await portals.browser()
    token, r = await guest_pays(client, guest, invoice["id"], 30_000)
    url = f"/portal/v1/pay-links/{token}/payments/{r.json()['id']}/receipt-email"
    answers = [(await guest.post(url, json={"email": f"a{i}@acme.example"})).status_code for i in range(7)]
    assert answers[:5] == [202] * 5 and answers[-1] == 429


async def test_a_link_holders_pdfs_are_in_the_customers_language_and_list_what_was_paid(
    portals: Portals, client: httpx.AsyncClient
) -> None:
    c = await portals.customer()
    r = await client.patch(f"/v1/customers/{c.id}", json={"language": "fr"})
    assert r.status_code == 200, r.text
    invoice = await c.invoice(125_000)
    guest = await portals.browser()
    token, paid = await guest_pays(client, guest, invoice["id"], 50_000)

    pdf = ReadPdf((await guest.get(f"/portal/v1/pay-links/{token}/pdf")).content)
    assert pdf.lang == "fr-CA"
    assert "500,00 $" in pdf.text and "750,00 $" in pdf.text, pdf.text  # the payment applied, what is still due
    assert any(uri.endswith(f"/invoice/{token}") for uri in pdf.link_uris()), "it pays through the link it came from"

    receipt = ReadPdf((await guest.get(f"/portal/v1/pay-links/{token}/payments/{paid.json()['id']}/receipt")).content)
    assert receipt.lang == "fr-CA" and "750,00 $" in receipt.text, receipt.text
    english = ReadPdf((await guest.get(f"/portal/v1/pay-links/{token}/pdf", params={"language": "en"})).content)
    assert english.lang == "en" and "$750.00" in english.text
