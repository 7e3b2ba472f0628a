"""The database limit of the payments engine: what a saved-method payment and a debit settlement write, as raw
SQL through asyncpg.

Each function runs the statements the app needs for the same work, in the same transactions, in their lean
form: one plain statement per step, no ORM, no re-reading what the code already holds. A payment is three
transactions as in the app (api/v1/payments.py): the reservation (committed before the processor is called),
the sandbox processor's charge in its own transaction (adapters/processors/sandbox), and the outcome. A
settlement is the sandbox moving its due charges on (one transaction per batch of 1,000, as
adapters/processors/sandbox/network.py) and our side applying each `charge.succeeded` event in its own
transaction (domain/payments/processor_events.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import asyncpg
import raw_sql

from adapters.processors.sandbox import network, payloads, signing
from domain.ids import new_id
from domain.invoices.model import PAYABLE, status_for
from domain.ledger.balances import AccountSums, balance_of
from domain.ledger.model import Account, JournalEntry, JournalLine, Reason
from domain.payments.fees import FeeContext, card_fee
from domain.payments.model import DEBIT_CURRENCY, MethodType, new_transaction_id
from domain.payments.processing import ChargeStatus, Funding
from domain.payments.settings import DisputeLostAction, PaymentSettings

RawSqlError = raw_sql.RawSqlError

if TYPE_CHECKING:
    from raw_sql import Conn

SETTINGS = "SELECT * FROM payment_settings WHERE partner_id = $1"
METHOD = "SELECT * FROM payment_methods WHERE id = $1 AND partner_id = $2"
CUSTOMER_FLAGS = "SELECT archived, card_fee_exempt FROM customers WHERE id = $1 AND partner_id = $2"
# The resource id goes in with the claim: the app links it later in the same transaction.
CLAIM_IDEMPOTENCY = (
    "INSERT INTO idempotency_keys (partner_id, api_key_id, key, request_hash, resource_id, created_at) "
    "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (partner_id, api_key_id, key) DO NOTHING RETURNING id"
)
INSERT_PAYMENT = (
    "INSERT INTO payments (id, partner_id, customer_id, method, status, amount, fee, currency, received_on, "
    "transaction_id, payment_method_id, processor, attempt, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, 'processing', $5, $6, $7, $8, $9, $10, $11, 1, $12, $12)"
)
INSERT_ENTRY = (
    "INSERT INTO journal_entries (id, partner_id, reason, payment_id, created_at) VALUES ($1, $2, $3, $4, $5)"
)
# Every entry written here has two lines: one allocation, no card fee (checked before writing).
INSERT_TWO_LINES = (
    "INSERT INTO journal_lines (id, partner_id, entry_id, position, account, invoice_id, currency, amount) "
    "VALUES ($1, $2, $3, 0, $4, $5, $6, $7), ($8, $2, $3, 1, $9, $10, $6, $11)"
)
LOCK_INVOICE_FIGURES = (
    "SELECT id, status, total FROM invoices WHERE id = ANY($1::varchar[]) AND partner_id = $2 ORDER BY id FOR UPDATE"
)
LOCK_PAYMENT = "SELECT status FROM payments WHERE id = $1 AND partner_id = $2 FOR UPDATE"
UPDATE_PAYMENT = (
    "UPDATE payments SET status = $3, processor_payment_id = $4, updated_at = $5, settled_at = $6 "
    "WHERE id = $1 AND partner_id = $2"
)
# The sandbox processor's books.
SANDBOX_METHOD = "SELECT account, type, behavior, detached_at FROM sandbox_methods WHERE attached_id = $1"
SANDBOX_OFFSET = "SELECT offset_days FROM sandbox_clocks WHERE account = $1"
INSERT_CHARGE = (
    "INSERT INTO sandbox_charges (id, account, idempotency_key, method_id, behavior, amount, currency, status, "
    "failure_code, failure_message, amount_refunded, submitted_on, next_step_on, metadata, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $11, $12, $13::jsonb, $14, $14) "
    "ON CONFLICT (account, idempotency_key) DO NOTHING RETURNING id, status, failure_code, failure_message"
)
ADD_DAYS = (
    "INSERT INTO sandbox_clocks (account, offset_days) VALUES ($1, $2) "
    "ON CONFLICT (account) DO UPDATE SET offset_days = sandbox_clocks.offset_days + $2 RETURNING offset_days"
)
# One batch of due bank debits that settle: locked in id order, moved on, returned (the sandbox's `step`).
SETTLE_DUE_BATCH = (
    "UPDATE sandbox_charges SET status = 'succeeded', next_step_on = NULL, updated_at = $4 WHERE id IN ("
    "SELECT id FROM sandbox_charges WHERE account = $1 AND next_step_on <= $2 AND id > $3 "
    "AND status = 'pending' AND behavior = 'settle' ORDER BY id LIMIT $5 FOR UPDATE) RETURNING *"
)
INSERT_SANDBOX_EVENT = (
    "INSERT INTO sandbox_events (id, account, type, payload, created_at) VALUES ($1, $2, $3, $4::jsonb, $5)"
)
# Our side of an inbound event.
CLAIM_EVENT = (
    "INSERT INTO processor_events (processor, event_id, type, account, payload, received_at) "
    "VALUES ($1, $2, $3, $4, $5::jsonb, $6) ON CONFLICT (processor, event_id) DO NOTHING RETURNING id"
)
LOCK_PAYMENT_BY_CHARGE = (
    "SELECT id, status, method, amount, fee, currency, transaction_id, customer_id FROM payments "
    "WHERE processor = $1 AND processor_payment_id = $2 AND partner_id = $3 FOR UPDATE"
)
ALLOCATIONS = "SELECT invoice_id, amount FROM allocations WHERE payment_id = $1 AND partner_id = $2 ORDER BY position"
SETTLE_PAYMENT = (
    "UPDATE payments SET status = 'settled', updated_at = $3, settled_at = $3 WHERE id = $1 AND partner_id = $2"
)
MARK_EVENT = "UPDATE processor_events SET processed_at = $2, outcome = $3 WHERE id = $1"

Payload = dict[str, object]
Events = list[tuple[str, Payload]]


def settings_of(row: asyncpg.Record | None) -> PaymentSettings:
    """The partner's payment settings, or the defaults when it never changed them (as the app)."""
    if row is None:
        return PaymentSettings()
    plain = {
        name: row[name]
        for name in PaymentSettings.__dataclass_fields__
        if name not in ("enabled_methods", "dispute_lost_action")
    }
    methods = row["enabled_methods"]
    return PaymentSettings(
        **plain,
        enabled_methods=frozenset(
            MethodType(m) for m in (json.loads(methods) if isinstance(methods, str) else methods)
        ),
        dispute_lost_action=DisputeLostAction(row["dispute_lost_action"]),
    )


async def _restate(conn: Conn, invoice_ids: list[str], partner_id: str, events: Events) -> None:
    """Lock the invoices, read their ledger sums and move each to the status they call for (as restate)."""
    invoices = await conn.fetch(LOCK_INVOICE_FIGURES, invoice_ids, partner_id)
    sums = await raw_sql.ledger_sums(conn, invoice_ids, partner_id)
    for invoice in invoices:
        s = sums[invoice["id"]]
        target = status_for(balance_of(int(invoice["total"]), AccountSums.from_totals(s))).value
        if target != invoice["status"]:
            await conn.execute(raw_sql.UPDATE_STATUS, invoice["id"], target, partner_id)
            events.append((f"invoice.{target}", {"invoice_id": invoice["id"]}))


async def _two_line_entry(
    conn: Conn,
    partner_id: str,
    reason: str,
    payment_id: str,
    currency: str,
    first: tuple[str, str | None, int],
    second: tuple[str, str | None, int],
    now: datetime,
) -> None:
    entry_id = new_id("je")
    await conn.execute(INSERT_ENTRY, entry_id, partner_id, reason, payment_id, now)
    await conn.execute(
        INSERT_TWO_LINES,
        new_id("jl"),
        partner_id,
        entry_id,
        first[0],
        first[1],
        currency,
        first[2],
        new_id("jl"),
        second[0],
        second[1],
        second[2],
    )
    lines = tuple(
        JournalLine(Account(account), amount, currency, invoice) for account, invoice, amount in (first, second)
    )
    await raw_sql.roll_up_entry(conn, JournalEntry(partner_id, Reason(reason), lines, now, payment_id, id=entry_id))


# ------------------------------------------------------------------------------------------------ a payment


@dataclass(frozen=True)
class SavedMethodPayment:
    """POST /v1/payments with a saved card or bank account, one allocation."""

    customer_id: str
    payment_method_id: str
    invoice_id: str
    amount: int
    idempotency_key: str

    def body(self) -> bytes:
        allocations = [{"invoice_id": self.invoice_id, "amount": self.amount}]
        return json.dumps(
            {"customer_id": self.customer_id, "payment_method_id": self.payment_method_id, "allocations": allocations}
        ).encode()


@dataclass
class _Reserved:
    partner_id: str
    claim: int
    payment_id: str
    transaction_id: str
    method: MethodType
    processor_method_id: str
    currency: str
    amount: int  # what is charged: the allocation plus the card fee
    created_at: datetime


def _payment_event(payment_id: str, transaction_id: str, customer_id: str, amount: int, currency: str) -> Payload:
    """A `payment.*` event's payload, as domain/events.py's PaymentEvent has it wherever it is recorded."""
    return {
        "payment_id": payment_id,
        "transaction_id": transaction_id,
        "customer_id": customer_id,
        "amount": amount,
        "currency": currency,
    }


def _check_method(method: asyncpg.Record | None, req: SavedMethodPayment, settings: PaymentSettings) -> MethodType:
    if method is None or method["customer_id"] != req.customer_id or method["detached_at"] is not None:
        raise RawSqlError(f"payment method {req.payment_method_id} not usable for {req.customer_id}")
    today = datetime.now(UTC).date()
    if method["exp_year"] is not None and (method["exp_year"], method["exp_month"]) < (today.year, today.month):
        raise RawSqlError("card expired")
    kind = MethodType(method["type"])
    if not settings.allows(kind):
        raise RawSqlError(f"{kind} not enabled")
    return kind


async def _reserve(conn: Conn, secret_hash: str, req: SavedMethodPayment) -> _Reserved:
    """Transaction 1: the payment stored as processing, its allocation moved receivable -> pending."""
    now = datetime.now(UTC)
    payment_id, transaction_id = new_id("pay"), new_transaction_id()
    key = await raw_sql.authenticate(conn, secret_hash)
    pid = key.partner_id
    claim = await conn.fetchval(
        CLAIM_IDEMPOTENCY, pid, key.id, req.idempotency_key, raw_sql.request_fingerprint(req.body()), payment_id, now
    )
    if claim is None:
        raise RawSqlError(f"idempotency key {req.idempotency_key} already used")
    settings = settings_of(await conn.fetchrow(SETTINGS, pid))
    method = await conn.fetchrow(METHOD, req.payment_method_id, pid)
    kind = _check_method(method, req, settings)
    assert method is not None
    locked = await conn.fetch(raw_sql.LOCK_INVOICES, [req.invoice_id], pid)
    if len(locked) != 1 or locked[0]["customer_id"] != req.customer_id or locked[0]["status"] not in PAYABLE:
        raise RawSqlError(f"invoice {req.invoice_id} not payable by {req.customer_id}")
    invoice = locked[0]
    currency = invoice["currency"]
    await conn.fetch(raw_sql.INVOICE_LINES, [req.invoice_id], pid)
    sums = (await raw_sql.ledger_sums(conn, [req.invoice_id], pid))[req.invoice_id]
    before = AccountSums.from_totals(sums)
    if req.amount > before.receivable:
        raise RawSqlError(f"invoice {req.invoice_id} owes {before.receivable}, not {req.amount}")
    if DEBIT_CURRENCY.get(kind, currency) != currency:
        raise RawSqlError(f"{kind} cannot pay {currency}")
    customer = await conn.fetchrow(CUSTOMER_FLAGS, req.customer_id, pid)
    if customer is None or customer["archived"]:
        raise RawSqlError(f"customer {req.customer_id} not active")
    funding = Funding(method["funding"]) if method["funding"] else None
    fee = card_fee(req.amount, FeeContext(kind, method["brand"], funding, customer["card_fee_exempt"]), settings)
    if fee:
        raise RawSqlError("a card fee would add a third ledger line; the bench pays with fee-free amounts")
    await conn.execute(
        INSERT_PAYMENT,
        payment_id,
        pid,
        req.customer_id,
        kind.value,
        req.amount + fee,
        fee,
        currency,
        now.date(),
        transaction_id,
        req.payment_method_id,
        method["processor"],
        now,
    )
    await conn.execute(raw_sql.INSERT_ALLOCATION, new_id("alc"), pid, payment_id, req.invoice_id, req.amount)
    await _two_line_entry(
        conn,
        pid,
        "payment_pending",
        payment_id,
        currency,
        ("pending", req.invoice_id, req.amount),
        ("receivable", req.invoice_id, -req.amount),
        now,
    )
    events: Events = [
        ("payment.processing", _payment_event(payment_id, transaction_id, req.customer_id, req.amount + fee, currency))
    ]
    after = AccountSums(before.receivable - req.amount, before.pending + req.amount, before.revenue)
    target = status_for(balance_of(int(invoice["total"]), after)).value
    if target != invoice["status"]:
        await conn.execute(raw_sql.UPDATE_STATUS, req.invoice_id, target, pid)
        events.append((f"invoice.{target}", {"invoice_id": req.invoice_id}))
    await raw_sql.insert_outbox(conn, pid, events, now)
    return _Reserved(
        pid,
        int(claim),
        payment_id,
        transaction_id,
        kind,
        method["processor_method_id"],
        currency,
        req.amount + fee,
        now,
    )


async def _sandbox_charge(conn: Conn, r: _Reserved) -> asyncpg.Record:
    """Transaction 2, the processor's: its charge, refused, captured or pending by the method's behaviour."""
    method = await conn.fetchrow(SANDBOX_METHOD, r.processor_method_id)
    if method is None or method["account"] != r.partner_id or method["detached_at"] is not None:
        raise RawSqlError(f"no usable sandbox method {r.processor_method_id}")
    today = datetime.now(UTC).date() + timedelta(days=await conn.fetchval(SANDBOX_OFFSET, r.partner_id) or 0)
    fate = network.on_submission(method["type"], method["behavior"], today)
    now = datetime.now(UTC)
    metadata = json.dumps({"payment_id": r.payment_id, "transaction_id": r.transaction_id})
    charge = await conn.fetchrow(
        INSERT_CHARGE,
        new_id("ch_sbx"),
        r.partner_id,
        f"remit-{r.payment_id}",
        r.processor_method_id,
        method["behavior"],
        r.amount,
        r.currency,
        fate["status"],
        fate["failure_code"],
        fate["failure_message"],
        today,
        fate["next_step_on"],
        metadata,
        now,
    )
    if charge is None:
        raise RawSqlError(f"charge key remit-{r.payment_id} already used")
    return charge


async def _record_outcome(conn: Conn, r: _Reserved, req: SavedMethodPayment, charge: asyncpg.Record) -> str:
    """Transaction 3: the payment moves on the processor's answer; the response is stored for the key."""
    now = datetime.now(UTC)
    pid = r.partner_id
    if await conn.fetchval(LOCK_PAYMENT, r.payment_id, pid) != "processing":
        raise RawSqlError(f"payment {r.payment_id} moved on meanwhile")
    events: Events = []
    settled_at = None
    if charge["status"] == ChargeStatus.SUCCEEDED and r.method is MethodType.CARD:
        status, settled_at = "succeeded", now
        await _two_line_entry(
            conn,
            pid,
            "payment_settled",
            r.payment_id,
            r.currency,
            ("cash", None, r.amount),
            ("pending", req.invoice_id, -req.amount),
            now,
        )
        await _restate(conn, [req.invoice_id], pid, events)
    elif charge["status"] == ChargeStatus.PENDING and r.method is not MethodType.CARD:
        status = "pending"
    else:
        raise RawSqlError(f"charge {charge['id']} is {charge['status']}: {charge['failure_message']}")
    await conn.execute(UPDATE_PAYMENT, r.payment_id, pid, status, charge["id"], now, settled_at)
    event = _payment_event(r.payment_id, r.transaction_id, req.customer_id, r.amount, r.currency)
    events.insert(0, (f"payment.{status}", event))
    await raw_sql.insert_outbox(conn, pid, events, now)
    body = json.dumps(_payment_out(r, req, status, charge["id"], settled_at))
    await conn.execute(raw_sql.COMPLETE_IDEMPOTENCY, r.claim, 201, body)
    return status


def _payment_out(r: _Reserved, req: SavedMethodPayment, status: str, charge_id: str, settled: datetime | None) -> Any:
    """The response body, field for field as PaymentOut."""
    return {
        "id": r.payment_id,
        "object": "payment",
        "transaction_id": r.transaction_id,
        "customer_id": req.customer_id,
        "method": r.method.value,
        "status": status,
        "amount": r.amount,
        "fee": r.amount - req.amount,
        "currency": r.currency,
        "reference": None,
        "received_on": r.created_at.date().isoformat(),
        "payment_method_id": req.payment_method_id,
        "processor": "sandbox",
        "processor_payment_id": charge_id,
        "failure_code": None,
        "failure_message": None,
        "return_code": None,
        "retry_of": None,
        "attempt": 1,
        "allocations": [{"invoice_id": req.invoice_id, "amount": req.amount}],
        "created_at": r.created_at.isoformat(),
        "settled_at": settled.isoformat() if settled else None,
        "canceled_at": None,
        "receipt_email": None,
    }


async def pay_with_saved_method(pool: asyncpg.Pool, secret_hash: str, req: SavedMethodPayment) -> tuple[str, str]:
    """A card payment (succeeded) or a bank debit (pending), three transactions on one connection: its id and
    status."""
    async with pool.acquire() as conn:
        async with conn.transaction():
            reserved = await _reserve(conn, secret_hash, req)
        async with conn.transaction():
            charge = await _sandbox_charge(conn, reserved)
        async with conn.transaction():
            return reserved.payment_id, await _record_outcome(conn, reserved, req, charge)


# --------------------------------------------------------------------------------------------- a settlement

Signed = list[tuple[bytes, dict[str, str]]]


async def advance_sandbox(conn: Conn, account: str, days: int, secret: str, batch_size: int = 1000) -> Signed:
    """The sandbox clock moved on by `days`: its due bank debits settle, one transaction per batch, each
    emitting a stored `charge.succeeded` event; returns the events signed, as SandboxProcessor.advance."""
    async with conn.transaction():
        offset = int(await conn.fetchval(ADD_DAYS, account, days))
    until: date = datetime.now(UTC).date() + timedelta(days=offset)
    events: list[dict[str, Any]] = []
    after = ""
    while True:
        now = datetime.now(UTC)
        async with conn.transaction():
            rows = sorted(
                await conn.fetch(SETTLE_DUE_BATCH, account, until, after, now, batch_size), key=lambda r: r["id"]
            )
            if not rows:
                break
            batch = []
            for row in rows:
                charge = {**dict(row), "metadata": json.loads(row["metadata"])}
                batch.append(payloads.event_object("charge.succeeded", account, payloads.charge_object(charge), at=now))
            await conn.executemany(
                INSERT_SANDBOX_EVENT, [(e["id"], account, e["type"], json.dumps(e), now) for e in batch]
            )
        events.extend(batch)
        after = rows[-1]["id"]
    now = datetime.now(UTC)
    signed = []
    for event in events:
        body = json.dumps(event, separators=(",", ":")).encode()
        signed.append((body, signing.sign(body, secret=secret, at=now)))
    return signed


async def apply_settlement(conn: Conn, body: bytes, headers: dict[str, str], secret: str) -> str:
    """One `charge.succeeded` for a pending bank debit, in its own transaction: inbox, payment settled with its
    ledger entry, invoices restated, outbox. Returns the outcome, as receive_event."""
    now = datetime.now(UTC)
    signing.verify(body, headers, secret=secret, now=now)
    event = json.loads(body)
    charge = event["data"]["object"]
    account = event["account"]
    async with conn.transaction():
        claimed = await conn.fetchval(CLAIM_EVENT, "sandbox", event["id"], event["type"], account, body.decode(), now)
        if claimed is None:
            return "duplicate"
        payment = await conn.fetchrow(LOCK_PAYMENT_BY_CHARGE, "sandbox", charge["id"], account)
        if payment is None or payment["status"] != "pending" or charge["status"] != ChargeStatus.SUCCEEDED:
            outcome = "ignored"
        else:
            allocations = await conn.fetch(ALLOCATIONS, payment["id"], account)
            if len(allocations) != 1 or payment["fee"]:
                raise RawSqlError("the bench settles one-allocation, fee-free debits only")
            invoice_id, amount = allocations[0]["invoice_id"], allocations[0]["amount"]
            await _two_line_entry(
                conn,
                account,
                "payment_settled",
                payment["id"],
                payment["currency"],
                ("cash", None, payment["amount"]),
                ("pending", invoice_id, -amount),
                now,
            )
            events: Events = []
            await _restate(conn, [invoice_id], account, events)
            await conn.execute(SETTLE_PAYMENT, payment["id"], account, now)
            event = _payment_event(
                payment["id"], payment["transaction_id"], payment["customer_id"], payment["amount"], payment["currency"]
            )
            events.insert(0, ("payment.settled", event))
            await raw_sql.insert_outbox(conn, account, events, now)
            outcome = f"applied: {payment['id']} settled"
        await conn.execute(MARK_EVENT, claimed, now, outcome)
    return outcome
