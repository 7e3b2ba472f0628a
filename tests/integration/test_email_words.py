"""Payment emails from real payments made through the API with the sandbox, rendered by the real templates: each
invoice's line says what it received and what it still owes (a partial payment is never "paid", a pending debit
never "paid" or "charged"), in the recipient's language."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import select

from adapters.bootstrap import Container
from adapters.db.tables import EmailRow
from tests.factories import charge_saved, make_customer, make_invoice, save_test_method
from workers.context import JobContext
from workers.emails import deliver_emails
from workers.outbox import notify_outbox


class _Queue:
    async def enqueue(self, name: str, /, **kwargs: Any) -> None:
        return None


def _address(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:10]}@acme.example"


async def _emails_to(container: Container, to: str) -> list[EmailRow]:
    """Handles the outbox, delivers (the test mailer keeps the bodies) and reads back what was sent to `to`."""
    ctx = JobContext(container=container, queue=_Queue())
    await notify_outbox(ctx)
    async with container.sessions() as session:
        ids = list(await session.scalars(select(EmailRow.id).where(EmailRow.to_address == to)))
    await deliver_emails(ctx, ids=ids)
    async with container.sessions() as session:
        return list(await session.scalars(select(EmailRow).where(EmailRow.to_address == to).order_by(EmailRow.id)))


async def test_a_partial_bank_debit_says_what_is_still_due_when_pending_and_when_cleared(
    container: Container, client: httpx.AsyncClient
) -> None:
    to = _address("partial")
    customer = await make_customer(client, email=to)
    invoice = await make_invoice(client, customer["id"], amount=150_000)
    bank = await save_test_method(client, customer["id"], "settles")
    r = await charge_saved(client, customer["id"], bank["id"], [(invoice["id"], 50_000)])
    assert r.status_code == 201 and r.json()["status"] == "pending", r.text
    number = invoice["number"]

    [pending] = await _emails_to(container, to)
    assert pending.template == "bank_debit_pending"
    text = pending.text_body or ""
    assert f"Invoice {number}: $500.00 pending, $1,000.00 still due" in text
    for part in (pending.subject or "", text, pending.html_body or ""):
        assert "paid" not in part.lower() and "charged" not in part.lower(), part

    assert (await client.post("/v1/sandbox/clock/advance", json={"days": 5})).status_code == 200
    rows = await _emails_to(container, to)
    [settled] = [row for row in rows if row.template == "bank_debit_settled"]
    text = settled.text_body or ""
    assert f"Invoice {number}: $500.00 received, $1,000.00 still due (Partly paid)" in text
    assert "are paid" not in text and "are paid" not in (settled.html_body or "")
    assert "what it still owes" in text


async def test_a_debit_that_pays_the_invoice_in_full_says_so(container: Container, client: httpx.AsyncClient) -> None:
    to = _address("full")
    customer = await make_customer(client, email=to)
    invoice = await make_invoice(client, customer["id"], amount=47_950, currency="CAD")
    bank = await save_test_method(client, customer["id"], "settles", country="CA")
    r = await charge_saved(client, customer["id"], bank["id"], [(invoice["id"], 47_950)])
    assert r.status_code == 201, r.text
    assert (await client.post("/v1/sandbox/clock/advance", json={"days": 7})).status_code == 200
    [settled] = [row for row in await _emails_to(container, to) if row.template == "bank_debit_settled"]
    text = settled.text_body or ""
    assert f"Invoice {invoice['number']}: CA$479.50 received, nothing left to pay (Paid)" in text
    assert "paid in full" in text


async def test_a_french_customers_receipt_is_in_french_and_an_english_ones_is_not(
    container: Container, client: httpx.AsyncClient
) -> None:
    french_to, english_to = _address("fr"), _address("en")
    for to, language in ((french_to, "fr"), (english_to, "en")):
        customer = await make_customer(client, email=to, language=language)
        invoice = await make_invoice(client, customer["id"], amount=98_000, currency="CAD")
        card = await save_test_method(client, customer["id"], "visa", country="CA")
        r = await charge_saved(client, customer["id"], card["id"], [(invoice["id"], 98_000)])
        assert r.status_code == 201 and r.json()["status"] == "succeeded", r.text

    [french] = await _emails_to(container, french_to)
    assert french.subject is not None and french.subject.startswith("Paiement reçu")
    assert "980,00\u00a0$ reçu, plus rien à payer (Payée)" in (french.text_body or "")
    assert '<html lang="fr">' in (french.html_body or "")
    [english] = await _emails_to(container, english_to)
    assert english.subject is not None and english.subject.startswith("Payment received: CA$")
    assert "CA$980.00 received, nothing left to pay (Paid)" in (english.text_body or "")
    assert '<html lang="en">' in (english.html_body or "")


async def test_a_contacts_language_wins_over_the_customers(container: Container, client: httpx.AsyncClient) -> None:
    contact = _address("contact")
    customer = await make_customer(client, language="en", contacts=[{"email": contact, "language": "fr"}])
    invoice = await make_invoice(client, customer["id"], amount=10_000)
    card = await save_test_method(client, customer["id"], "visa")
    r = await charge_saved(client, customer["id"], card["id"], [(invoice["id"], 10_000)], receipt_email=contact)
    assert r.status_code == 201, r.text
    [receipt] = await _emails_to(container, contact)
    assert receipt.subject is not None and receipt.subject.startswith("Paiement reçu")
