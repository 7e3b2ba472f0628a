"""Emails from the transaction that queues them to a real SMTP server (aiosmtpd), on SQLite and PostgreSQL:
delivery after commit, redaction, retries with backoff, no double sends under races, and the payment emails
that `outbox.notify` derives from payment events made through the API with the sandbox."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from adapters.bootstrap import Container
from adapters.db.tables import EmailRow, OutboxEventRow
from adapters.mail.delivery import BACKOFF, LEASE, MAX_ATTEMPTS
from adapters.mail.smtp import SmtpConfig, SmtpMailer
from domain.clock import FixedClock
from domain.event_handlers import MAX_EVENT_AGE
from domain.events import PaymentFailed
from domain.ids import new_id
from domain.mail import Email, Template
from tests.conftest import Tenant
from tests.factories import charge_saved, make_customer, make_invoice, pay, save_test_method
from tests.mail_server import MailServer, free_port, queue_emails, smtp_server
from workers.context import JobContext
from workers.emails import deliver_emails, sweep_emails
from workers.outbox import notify_outbox

FROM = "Remit <no-reply@remit.test>"


class RecordingQueue:
    def __init__(self) -> None:
        self.jobs: list[tuple[str, dict[str, Any]]] = []

    async def enqueue(self, name: str, /, **kwargs: Any) -> None:
        self.jobs.append((name, kwargs))

    def ids(self, name: str = "emails.deliver") -> list[str]:
        return [i for job, kwargs in self.jobs if job == name for i in kwargs["ids"]]


@pytest.fixture
async def mail(container: Container) -> AsyncIterator[MailServer]:
    async with smtp_server(refuse={"bounce@nowhere.example"}) as server:
        container.mailer = SmtpMailer(SmtpConfig("127.0.0.1", server.port), mail_from=FROM, timeout=5)
        yield server


def _ctx(container: Container, queue: RecordingQueue | None = None) -> JobContext:
    return JobContext(container=container, queue=queue or RecordingQueue())


def _address(name: str = "ap") -> str:
    return f"{name}-{uuid.uuid4().hex[:10]}@acme.example"


async def _row(container: Container, ident: str) -> EmailRow:
    async with container.sessions() as session:
        row = await session.get(EmailRow, ident)
        assert row is not None
        return row


async def _rows_to(container: Container, to: str) -> list[EmailRow]:
    async with container.sessions() as session:
        return list(await session.scalars(select(EmailRow).where(EmailRow.to_address == to).order_by(EmailRow.id)))


def _code_email(to: str, tenant: Tenant, code: str = "482913") -> Email:
    return Email(
        to=to, template=Template.SIGN_IN_CODE, context={"code": code, "minutes": 10}, partner_id=tenant.partner_id
    )


async def test_queued_emails_are_sent_after_commit_and_codes_do_not_stay(
    container: Container, tenant: Tenant, mail: MailServer
) -> None:
    to = _address()
    changed = Email(to=to, template=Template.PASSWORD_CHANGED, partner_id=tenant.partner_id)
    code_id, changed_id = await queue_emails(container, _code_email(to, tenant), changed)

    outcome = await deliver_emails(_ctx(container), ids=[code_id, changed_id])
    assert outcome == {"sent": 2}

    messages = mail.to(to)
    assert len(messages) == 2
    code_mail = next(m for m in messages if "sign-in code" in m["Subject"])
    assert "482913" in code_mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "482913" in code_mail.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert code_mail["From"].addresses[0].display_name == "Partner via Remit"

    code_row = await _row(container, code_id)
    assert (code_row.status, code_row.attempts, code_row.error, code_row.next_attempt_at) == ("sent", 1, None, None)
    assert code_row.sent_at is not None and code_row.subject == "Your sign-in code for Partner"
    assert (code_row.context, code_row.text_body, code_row.html_body) == ({}, None, None)  # the code is gone
    changed_row = await _row(container, changed_id)
    assert changed_row.status == "sent" and changed_row.text_body and "password" in changed_row.text_body

    again = await deliver_emails(_ctx(container), ids=[code_id, changed_id])
    assert again == {"skipped": 2} and len(mail.to(to)) == 2  # delivered once, however often asked


async def test_without_smtp_the_outbox_keeps_everything(container: Container, tenant: Tenant) -> None:
    [ident] = await queue_emails(container, _code_email(_address(), tenant))
    assert await deliver_emails(_ctx(container), ids=[ident]) == {"stored": 1}
    row = await _row(container, ident)
    assert row.status == "stored" and row.sent_at is not None
    assert row.context["code"] == "482913" and row.text_body and "482913" in row.text_body  # readable at /dev/mailbox


async def test_a_rolled_back_transaction_queues_nothing(container: Container, tenant: Tenant) -> None:
    to = _address()
    container.queue = handed = RecordingQueue()
    async with container.uow() as uow:
        await uow.emails.queue(_code_email(to, tenant))
        await uow.rollback()
        await uow.commit()  # nothing left to hand to delivery
    assert handed.ids() == []
    async with container.uow() as uow:
        await uow.emails.queue(_code_email(to, tenant))
        # leaving without commit (an exception in a request) rolls back as well
    assert handed.ids() == []
    assert await _rows_to(container, to) == []


async def test_a_dedupe_key_queues_once(container: Container, tenant: Tenant) -> None:
    to = _address()
    key = f"test:{uuid.uuid4().hex}"
    email = Email(to=to, template=Template.PASSWORD_CHANGED, partner_id=tenant.partner_id, dedupe_key=key)
    first = await queue_emails(container, email)
    second = await queue_emails(container, email, email)
    assert len(first) == 1 and second == []
    assert len(await _rows_to(container, to)) == 1


async def test_a_temporary_failure_backs_off_then_sends(container: Container, tenant: Tenant) -> None:
    start = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
    clock = FixedClock(start)
    container.clock = clock
    to = _address()
    [ident] = await queue_emails(container, _code_email(to, tenant))
    container.mailer = SmtpMailer(SmtpConfig("127.0.0.1", free_port()), mail_from=FROM, timeout=2)

    assert await deliver_emails(_ctx(container), ids=[ident]) == {"queued": 1}
    row = await _row(container, ident)
    assert (row.status, row.attempts, row.next_attempt_at) == ("queued", 1, start + BACKOFF[0])
    assert row.error is not None and "unreachable" in row.error
    assert row.text_body is not None  # kept until it is actually sent

    assert await deliver_emails(_ctx(container), ids=[ident]) == {"skipped": 1}  # not due yet
    early = RecordingQueue()
    await sweep_emails(_ctx(container, early))
    assert ident not in early.ids()

    clock.at = start + BACKOFF[0]
    due = RecordingQueue()
    assert await sweep_emails(_ctx(container, due)) >= 1
    assert ident in due.ids()

    async with smtp_server() as server:
        container.mailer = SmtpMailer(SmtpConfig("127.0.0.1", server.port), mail_from=FROM)
        assert await deliver_emails(_ctx(container), ids=[ident]) == {"sent": 1}
        message = await server.wait_for(to)
    assert "482913" in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    row = await _row(container, ident)
    assert (row.status, row.attempts, row.error, row.text_body) == ("sent", 2, None, None)


async def test_temporary_failures_give_up_after_the_last_retry(container: Container, tenant: Tenant) -> None:
    clock = FixedClock(datetime(2026, 11, 23, 15, 0, tzinfo=UTC))
    container.clock = clock
    container.mailer = SmtpMailer(SmtpConfig("127.0.0.1", free_port()), mail_from=FROM, timeout=2)
    [ident] = await queue_emails(container, _code_email(_address(), tenant))
    waits = []
    for _ in range(MAX_ATTEMPTS):
        await deliver_emails(_ctx(container), ids=[ident])
        row = await _row(container, ident)
        if row.next_attempt_at is not None:
            waits.append(row.next_attempt_at - clock.at)
            clock.at = row.next_attempt_at
    assert (
        waits
        == list(BACKOFF)
        == [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2)]
    )
    assert (row.status, row.attempts, row.next_attempt_at) == ("failed", MAX_ATTEMPTS, None)
    assert row.error and "unreachable" in row.error
    assert (row.context, row.text_body) == ({}, None)  # a code that was never sent does not stay either


async def test_a_refused_recipient_fails_at_once(container: Container, tenant: Tenant, mail: MailServer) -> None:
    [ident] = await queue_emails(container, _code_email("bounce@nowhere.example", tenant))
    assert await deliver_emails(_ctx(container), ids=[ident]) == {"failed": 1}
    row = await _row(container, ident)
    assert row.status == "failed" and row.attempts == 1 and row.error and "550" in row.error


async def test_a_template_missing_a_value_fails_the_row_not_the_job(
    container: Container, tenant: Tenant, mail: MailServer
) -> None:
    to = _address()
    broken = Email(
        to=to, template=Template.PORTAL_INVITE, context={"customer_name": "Acme"}, partner_id=tenant.partner_id
    )
    fine = Email(to=to, template=Template.PASSWORD_CHANGED, partner_id=None)
    broken_id, fine_id = await queue_emails(container, broken, fine)
    assert await deliver_emails(_ctx(container), ids=[broken_id, fine_id]) == {"failed": 1, "sent": 1}
    row = await _row(container, broken_id)
    assert row.status == "failed" and row.error and "activation_url" in row.error
    platform = await mail.wait_for(to)
    assert str(platform["From"]) == FROM and platform["Reply-To"] is None  # no partner: plain Remit


async def test_racing_deliveries_send_once(container: Container, tenant: Tenant, mail: MailServer) -> None:
    to = _address()
    [ident] = await queue_emails(container, _code_email(to, tenant))
    outcomes = await asyncio.gather(*(deliver_emails(_ctx(container), ids=[ident]) for _ in range(6)))
    assert sorted(o for outcome in outcomes for o in outcome) == ["sent"] + ["skipped"] * 5
    await mail.wait_for(to)
    await asyncio.sleep(0.2)
    assert len(mail.to(to)) == 1


async def test_a_claim_whose_worker_died_is_retried_after_the_lease(container: Container, tenant: Tenant) -> None:
    clock = FixedClock(datetime(2026, 11, 23, 15, 0, tzinfo=UTC))
    container.clock = clock
    [ident] = await queue_emails(container, _code_email(_address(), tenant))
    async with container.sessions() as session, session.begin():  # what a crashed worker's claim leaves behind
        row = await session.get(EmailRow, ident)
        assert row is not None
        row.attempts, row.next_attempt_at = 1, clock.at + LEASE
    swept = RecordingQueue()
    await sweep_emails(_ctx(container, swept))
    assert ident not in swept.ids()
    clock.at += LEASE
    await sweep_emails(_ctx(container, swept))
    assert ident in swept.ids()


# Payment emails derived from outbox events, with payments made through the API and the sandbox.


async def _notify(container: Container) -> None:
    await notify_outbox(_ctx(container))


async def _deliver_to(container: Container, to: str) -> list[EmailRow]:
    rows = await _rows_to(container, to)
    await deliver_emails(_ctx(container), ids=[r.id for r in rows])
    return await _rows_to(container, to)


async def test_a_card_payment_gets_exactly_one_receipt(
    container: Container, client: httpx.AsyncClient, mail: MailServer
) -> None:
    to = _address("card")
    customer = await make_customer(client, email=to)
    invoice = await make_invoice(client, customer["id"], amount=100_000)
    card = await save_test_method(client, customer["id"], "visa")
    r = await charge_saved(client, customer["id"], card["id"], [(invoice["id"], 100_000)])
    assert r.status_code == 201, r.text
    payment = r.json()

    await asyncio.gather(_notify(container), _notify(container))
    await _notify(container)
    rows = await _deliver_to(container, to)
    assert [(row.template, row.status) for row in rows] == [("payment_confirmation", "sent")]
    assert rows[0].context["transaction_id"] == payment["transaction_id"]

    message = await mail.wait_for(to)
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert payment["transaction_id"] in text
    assert "Visa •••• 4242" in text and "$1,029.30" in text and "Card fee: $29.30" in text
    assert f"Invoice {invoice['number']}: $1,000.00" in text
    assert message["Subject"] == "Payment received: $1,029.30 to Partner"


async def test_the_receipt_goes_to_the_receipt_address_when_given(
    container: Container, client: httpx.AsyncClient, mail: MailServer
) -> None:
    customer = await make_customer(client, email=_address("customer"))
    invoice = await make_invoice(client, customer["id"], amount=5_000)
    receipt_to = _address("receipts")
    r = await pay(client, customer["id"], [(invoice["id"], 5_000)], receipt_email=receipt_to)
    assert r.status_code == 201, r.text
    await _notify(container)
    rows = await _deliver_to(container, receipt_to)
    assert [row.template for row in rows] == ["payment_confirmation"]
    assert await _rows_to(container, customer["email"]) == []
    text = (await mail.wait_for(receipt_to)).get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Paid with: Check" in text and r.json()["transaction_id"] in text


async def test_no_email_for_a_declined_card_or_a_customer_without_an_address(
    container: Container, client: httpx.AsyncClient
) -> None:
    to = _address("declined")
    customer = await make_customer(client, email=to)
    invoice = await make_invoice(client, customer["id"], amount=5_000)
    card = await save_test_method(client, customer["id"], "declined")
    r = await charge_saved(client, customer["id"], card["id"], [(invoice["id"], 5_000)])
    assert r.status_code == 402, r.text
    silent = await make_customer(client, email=None)
    other = await make_invoice(client, silent["id"], amount=5_000)
    assert (await pay(client, silent["id"], [(other["id"], 5_000)])).status_code == 201
    await _notify(container)
    assert await _rows_to(container, to) == []


async def test_a_bank_debit_is_announced_then_confirmed_when_it_settles(
    container: Container, client: httpx.AsyncClient, mail: MailServer
) -> None:
    to = _address("ach")
    customer = await make_customer(client, email=to)
    invoice = await make_invoice(client, customer["id"], amount=20_000)
    bank = await save_test_method(client, customer["id"], "settles")
    r = await charge_saved(client, customer["id"], bank["id"], [(invoice["id"], 20_000)])
    assert r.status_code == 201 and r.json()["status"] == "pending", r.text
    transaction = r.json()["transaction_id"]

    await _notify(container)
    rows = await _deliver_to(container, to)
    assert [(row.template, row.status) for row in rows] == [("bank_debit_pending", "sent")]
    pending = (await mail.wait_for(to)).get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert transaction in pending and "4 business days" in pending and "Sandbox Bank (US) •••• 6789" in pending

    advanced = await client.post("/v1/sandbox/clock/advance", json={"days": 5})
    assert advanced.status_code == 200, advanced.text
    assert (await client.get(f"/v1/payments/{r.json()['id']}")).json()["status"] == "settled"
    await _notify(container)
    await _notify(container)
    rows = await _deliver_to(container, to)
    assert [(row.template, row.status) for row in rows] == [
        ("bank_debit_pending", "sent"),
        ("bank_debit_settled", "sent"),
    ]
    await asyncio.sleep(0)
    settled = [m for m in mail.to(to) if m["Subject"].startswith("Bank payment cleared")]
    assert len(settled) == 1 and transaction in settled[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert len(mail.to(to)) == 2


async def test_a_returned_debit_says_why(container: Container, client: httpx.AsyncClient, mail: MailServer) -> None:
    to = _address("pad")
    customer = await make_customer(client, email=to)
    invoice = await make_invoice(client, customer["id"], amount=20_000, currency="CAD")
    bank = await save_test_method(client, customer["id"], "returns_r02", country="CA")
    r = await charge_saved(client, customer["id"], bank["id"], [(invoice["id"], 20_000)])
    assert r.status_code == 201 and r.json()["status"] == "pending", r.text
    assert (await client.post("/v1/sandbox/clock/advance", json={"days": 7})).status_code == 200
    assert (await client.get(f"/v1/payments/{r.json()['id']}")).json()["status"] == "returned"

    await _notify(container)
    rows = await _deliver_to(container, to)
    assert [row.template for row in rows] == ["bank_debit_pending", "bank_debit_failed"]
    assert rows[0].status == "sent" and "5 business days" in (rows[0].text_body or "")
    assert rows[1].context["return_code"] == "R02"
    failed = [m for m in mail.to(to) if "did not go through" in m["Subject"]]
    assert len(failed) == 1
    text = failed[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "The bank account is closed. (bank return code R02)" in text and "CA$200.00" in text


async def test_a_debit_failing_after_submission_is_told_but_a_refusal_at_submission_is_not(
    container: Container, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    to = _address("failing")
    customer = await make_customer(client, email=to)
    refused_invoice = await make_invoice(client, customer["id"], amount=5_000)
    closed = await save_test_method(client, customer["id"], "fails")
    refused = await charge_saved(client, customer["id"], closed["id"], [(refused_invoice["id"], 5_000)])
    assert refused.status_code == 402, refused.text  # the payer saw this answer on screen

    invoice = await make_invoice(client, customer["id"], amount=7_000)
    bank = await save_test_method(client, customer["id"], "settles")
    r = await charge_saved(client, customer["id"], bank["id"], [(invoice["id"], 7_000)])
    assert r.json()["status"] == "pending"
    await _notify(container)
    # A processor reporting a failure after submission (the sandbox's debits settle or return instead).
    async with container.sessions() as session, session.begin():
        session.add(
            OutboxEventRow(
                id=new_id("evt"),
                partner_id=tenant.partner_id,
                type="payment.failed",
                payload=PaymentFailed(
                    payment_id=r.json()["id"],
                    transaction_id=r.json()["transaction_id"],
                    customer_id=customer["id"],
                    amount=r.json()["amount"],
                    currency="USD",
                ).payload(),
                created_at=container.clock.now(),
            )
        )
    await _notify(container)
    rows = await _rows_to(container, to)
    assert [row.template for row in rows] == ["bank_debit_pending", "bank_debit_failed"]
    assert rows[1].context["transaction_id"] == r.json()["transaction_id"]
    assert rows[1].context["return_code"] is None and rows[1].context["reason"]


async def test_old_events_are_marked_without_an_email(container: Container, client: httpx.AsyncClient) -> None:
    """A first run over a database with history must not mail customers about payments long past."""
    to = _address("history")
    customer = await make_customer(client, email=to)
    invoice = await make_invoice(client, customer["id"], amount=5_000)
    assert (await pay(client, customer["id"], [(invoice["id"], 5_000)])).status_code == 201
    container.clock = FixedClock(datetime.now(UTC) + MAX_EVENT_AGE + timedelta(minutes=1))
    await _notify(container)
    assert await _rows_to(container, to) == []
    async with container.sessions() as session:
        left = await session.scalar(select(OutboxEventRow.id).where(OutboxEventRow.notified_at.is_(None)).limit(1))
    assert left is None
