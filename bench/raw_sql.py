"""The database limit: the invoice-list and payment work of the API as raw SQL through an asyncpg pool.

Each function runs, in one transaction, the statements the API needs for the same request in their lean form
(one plain statement per step, no ORM), so the ratio API/raw shows what the app layers cost.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any, TypeAlias

import asyncpg
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect

from adapters.db.insights_rollup import IN_ONE_PARAMS, entry_params, touched_invoices, writes
from domain.ids import new_id
from domain.invoices.model import InvoiceStatus, status_for
from domain.ledger.balances import AccountSums, balance_of
from domain.ledger.model import Account, JournalEntry, JournalLine, Reason
from domain.payments.model import new_transaction_id

if TYPE_CHECKING:
    from asyncpg.pool import PoolConnectionProxy

    Conn: TypeAlias = asyncpg.Connection[asyncpg.Record] | PoolConnectionProxy[asyncpg.Record]

TOUCH_INTERVAL = timedelta(seconds=60)  # as api/auth.py: last_used_at is refreshed at most this often
PER_INVOICE = ["receivable", "pending", "revenue"]

KEY_BY_HASH = (
    "SELECT id, partner_id, livemode, secret_hash, display, name, created_at, revoked_at, last_used_at "
    "FROM api_keys WHERE secret_hash = $1"
)
TOUCH_KEY = "UPDATE api_keys SET last_used_at = $2 WHERE id = $1"
CUSTOMER = "SELECT * FROM customers WHERE id = $1 AND partner_id = $2"
INVOICE_PAGE = "SELECT * FROM invoices WHERE partner_id = $1 AND customer_id = $2 ORDER BY id DESC LIMIT $3"
INVOICE_LINES = (
    "SELECT * FROM invoice_lines WHERE invoice_id = ANY($1::varchar[]) AND partner_id = $2 "
    "ORDER BY invoice_id, position"
)
LEDGER_SUMS = (
    "SELECT invoice_id, account, SUM(amount) AS total FROM journal_lines "
    "WHERE invoice_id = ANY($1::varchar[]) AND account = ANY($2::varchar[]) AND partner_id = $3 "
    "GROUP BY invoice_id, account"
)
CLAIM_IDEMPOTENCY = (
    "INSERT INTO idempotency_keys (partner_id, api_key_id, key, request_hash, created_at) "
    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (partner_id, api_key_id, key) DO NOTHING RETURNING id"
)
LOCK_INVOICES = "SELECT * FROM invoices WHERE id = ANY($1::varchar[]) AND partner_id = $2 ORDER BY id FOR UPDATE"
# Since the payments engine, every payment has a transaction id, unique per partner (fee and attempt default).
INSERT_PAYMENT = (
    "INSERT INTO payments (id, partner_id, customer_id, method, status, amount, currency, reference, "
    "received_on, created_at, transaction_id) VALUES ($1, $2, $3, $4, 'succeeded', $5, $6, NULL, $7, $8, $9)"
)
INSERT_ALLOCATION = (
    "INSERT INTO allocations (id, partner_id, payment_id, invoice_id, position, amount) VALUES ($1, $2, $3, $4, 0, $5)"
)
INSERT_ENTRY = (
    "INSERT INTO journal_entries (id, partner_id, reason, payment_id, created_at) "
    "VALUES ($1, $2, 'payment_applied', $3, $4)"
)
INSERT_ENTRY_LINES = (
    "INSERT INTO journal_lines (id, partner_id, entry_id, position, account, invoice_id, currency, amount) "
    "VALUES ($1, $2, $3, 0, 'cash', NULL, $4, $5), ($6, $2, $3, 1, 'receivable', $7, $4, $8)"
)
UPDATE_STATUS = "UPDATE invoices SET status = $2 WHERE id = $1 AND partner_id = $3"
INSERT_OUTBOX = (
    "INSERT INTO outbox_events (id, partner_id, type, payload, created_at) VALUES ($1, $2, $3, $4::jsonb, $5)"
)
COMPLETE_IDEMPOTENCY = "UPDATE idempotency_keys SET response_status = $2, response_body = $3 WHERE id = $1"


@dataclass(frozen=True)
class Key:
    id: str
    partner_id: str


class RawSqlError(Exception):
    """The raw-SQL request could not do what the API would have answered 2xx for."""


async def authenticate(conn: Conn, secret_hash: str) -> Key:
    row = await conn.fetchrow(KEY_BY_HASH, secret_hash)
    if row is None or row["revoked_at"] is not None:
        raise RawSqlError("unknown or revoked key")
    now = datetime.now(UTC)
    if row["last_used_at"] is None or now - row["last_used_at"] > TOUCH_INTERVAL:
        await conn.execute(TOUCH_KEY, row["id"], now)
    return Key(row["id"], row["partner_id"])


async def _customer(conn: Conn, customer_id: str, partner_id: str) -> asyncpg.Record:
    row = await conn.fetchrow(CUSTOMER, customer_id, partner_id)
    if row is None:
        raise RawSqlError(f"customer {customer_id} not found")
    return row


async def ledger_sums(conn: Conn, ids: list[str], partner_id: str) -> dict[str, dict[str, int]]:
    sums: dict[str, dict[str, int]] = {i: {} for i in ids}
    for row in await conn.fetch(LEDGER_SUMS, ids, PER_INVOICE, partner_id):
        sums[row["invoice_id"]][row["account"]] = int(row["total"])
    return sums


async def list_invoices(pool: asyncpg.Pool, secret_hash: str, customer_id: str, limit: int = 20) -> int:
    """The first page of a customer's invoices with lines and ledger figures; returns the row count."""
    async with pool.acquire() as conn, conn.transaction():
        key = await authenticate(conn, secret_hash)
        rows = await conn.fetch(INVOICE_PAGE, key.partner_id, customer_id, limit + 1)
        ids = [r["id"] for r in rows[:limit]]
        if not ids:  # as the API: the customer is looked up only to tell "unknown" (404) from "no invoices"
            await _customer(conn, customer_id, key.partner_id)
            return 0
        await conn.fetch(INVOICE_LINES, ids, key.partner_id)
        await ledger_sums(conn, ids, key.partner_id)
        return len(ids)


def request_fingerprint(body: bytes, path: str = "/v1/payments") -> str:
    """The request hash the API stores with an idempotency key (api/idempotency.py): method, path, body."""
    return hashlib.sha256(b"POST\0" + path.encode() + b"\0" + body).hexdigest()


@dataclass(frozen=True)
class PaymentRequest:
    customer_id: str
    invoice_id: str
    amount: int
    idempotency_key: str
    method: str = "check"

    def body(self) -> bytes:
        allocations = [{"invoice_id": self.invoice_id, "amount": self.amount}]
        return json.dumps({"customer_id": self.customer_id, "method": self.method, "allocations": allocations}).encode()


async def _claim(conn: Conn, key: Key, req: PaymentRequest, now: datetime) -> int:
    row_id = await conn.fetchval(
        CLAIM_IDEMPOTENCY, key.partner_id, key.id, req.idempotency_key, request_fingerprint(req.body()), now
    )
    if row_id is None:
        raise RawSqlError(f"idempotency key {req.idempotency_key} already used")
    return int(row_id)


async def _new_status(conn: Conn, invoice: asyncpg.Record, amount: int, partner_id: str) -> str:
    """Check the allocation fits what is due; return the status the invoice moves to."""
    s = (await ledger_sums(conn, [invoice["id"]], partner_id))[invoice["id"]]
    due = s.get("receivable", 0)
    if invoice["status"] not in (InvoiceStatus.OPEN, InvoiceStatus.PARTIALLY_PAID) or amount > due:
        raise RawSqlError(f"invoice {invoice['id']} cannot take {amount} (status {invoice['status']}, due {due})")
    after = AccountSums(receivable=due - amount, pending=s.get("pending", 0), revenue=s.get("revenue", 0))
    return status_for(balance_of(int(invoice["total"]), after)).value


async def _write_payment(conn: Conn, key: Key, req: PaymentRequest, currency: str, now: datetime) -> tuple[str, str]:
    """The payment, its allocation and its journal entry; returns the payment's id and transaction id."""
    pid, payment_id, entry_id, transaction_id = key.partner_id, new_id("pay"), new_id("je"), new_transaction_id()
    await conn.execute(
        INSERT_PAYMENT,
        payment_id,
        pid,
        req.customer_id,
        req.method,
        req.amount,
        currency,
        now.date(),
        now,
        transaction_id,
    )
    await conn.execute(INSERT_ALLOCATION, new_id("alc"), pid, payment_id, req.invoice_id, req.amount)
    await conn.execute(INSERT_ENTRY, entry_id, pid, payment_id, now)
    await conn.execute(
        INSERT_ENTRY_LINES, new_id("jl"), pid, entry_id, currency, req.amount, new_id("jl"), req.invoice_id, -req.amount
    )
    lines = (
        JournalLine(Account.CASH, req.amount, currency),
        JournalLine(Account.RECEIVABLE, -req.amount, currency, req.invoice_id),
    )
    await roll_up_entry(conn, JournalEntry(pid, Reason.PAYMENT_APPLIED, lines, now, payment_id, id=entry_id))
    return payment_id, transaction_id


@cache
def _rollup_sql(invoices: int) -> tuple[str, tuple[str, ...], dict[str, Any]]:
    """The statement the app's PostgreSQL ledger sends with every journal entry to keep the insights rollup
    (adapters.db.insights_rollup.Writes.in_one) for `invoices` invoices, compiled for asyncpg: its SQL, the
    order of its parameters and their constant values."""
    compiled = writes(pg_insert).in_one.compile(dialect=asyncpg_dialect())
    state = compiled.construct_expanded_state({**dict.fromkeys(IN_ONE_PARAMS), "ids": [""] * invoices})
    return state.statement, tuple(state.positiontup or ()), dict(state.parameters)


async def roll_up_entry(conn: Conn, entry: JournalEntry) -> None:
    """The insights rollup rows the app adds with `entry` (whose lines are written), in one statement as it does:
    COPY and raw SQL write the journal past the repository, and `remit ledger verify` checks the rollup."""
    invoice_ids = touched_invoices(entry)
    if not invoice_ids:
        return
    sql, order, constants = _rollup_sql(len(invoice_ids))
    values = {**constants, **entry_params(entry), **{f"ids_{i}": v for i, v in enumerate(invoice_ids, 1)}}
    await conn.execute(sql, *(values[name] for name in order))


async def insert_outbox(conn: Conn, pid: str, events: list[tuple[str, dict[str, object]]], now: datetime) -> None:
    await conn.executemany(INSERT_OUTBOX, [(new_id("evt"), pid, t, json.dumps(p), now) for t, p in events])


async def record_payment(pool: asyncpg.Pool, secret_hash: str, req: PaymentRequest) -> str:
    """An offline payment allocated to one invoice, with the same rows the API writes; returns its id."""
    async with pool.acquire() as conn, conn.transaction():
        now = datetime.now(UTC)
        key = await authenticate(conn, secret_hash)
        claim = await _claim(conn, key, req, now)
        locked = await conn.fetch(LOCK_INVOICES, [req.invoice_id], key.partner_id)
        if len(locked) != 1 or locked[0]["customer_id"] != req.customer_id:
            raise RawSqlError(f"invoice {req.invoice_id} not found for customer {req.customer_id}")
        # The invoice names the customer, so (as in the API) the customer row is not read.
        invoice = locked[0]
        await conn.fetch(INVOICE_LINES, [req.invoice_id], key.partner_id)
        status = await _new_status(conn, invoice, req.amount, key.partner_id)
        payment_id, transaction_id = await _write_payment(conn, key, req, invoice["currency"], now)
        events: list[tuple[str, dict[str, object]]] = [
            (
                "payment.succeeded",
                {
                    "payment_id": payment_id,
                    "transaction_id": transaction_id,
                    "amount": req.amount,
                    "currency": invoice["currency"],
                    "customer_id": req.customer_id,
                },
            )
        ]
        if status != invoice["status"]:
            await conn.execute(UPDATE_STATUS, req.invoice_id, status, key.partner_id)
            events.append((f"invoice.{status}", {"invoice_id": req.invoice_id}))
        await insert_outbox(conn, key.partner_id, events, now)
        body = json.dumps(
            {
                "id": payment_id,
                "object": "payment",
                "customer_id": req.customer_id,
                "allocations": [{"invoice_id": req.invoice_id, "amount": req.amount}],
            }
        )
        await conn.execute(COMPLETE_IDEMPOTENCY, claim, 201, body)
        return payment_id
