"""Bulk pending bank debits for the settlement benchmark, loaded with COPY.

Each debit gets exactly the rows the app leaves behind for a bank debit it has submitted and the sandbox has
answered `pending`: what `domain.payments.charges.pay_invoices` writes (the job path, so no idempotency key):

* the payment (`us_bank_account`, `pending`, the sandbox charge id, attempt 1) and its one allocation;
* its `payment_pending` journal entry: `pending +amount` and `receivable -amount` on the invoice;
* the invoice moved to `partially_paid` when it was `open`, with its `invoice.partially_paid` event;
* the outbox events `payment.processing` and `payment.pending`;
* the sandbox's own charge: `pending`, submitted on the sandbox date, settling two banking days later.

`check_matches_app` makes one debit through the use case and one through this module on two open invoices of
the same customer and compares every row they wrote, ids and times aside; the benchmark stops if they differ.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg
from bulk_load import JOURNAL_LINE_COLUMNS, IdFactory, roll_up

from adapters.bootstrap import Container
from adapters.processors.sandbox.network import ACH_DAYS
from domain.invoices.model import InvoiceStatus, status_for
from domain.ledger.balances import InvoiceBalance
from domain.payments.charges import PayInvoices, pay_invoices
from domain.payments.model import Allocation, MethodType
from domain.payments.processing import settles_on

# An open invoice with money pending and none paid yet: what `restate` moves it to.
RESERVED = status_for(InvoiceBalance(total=2, amount_paid=0, amount_pending=1, amount_due=1)).value

PAYMENT_COLUMNS = (
    "id",
    "partner_id",
    "customer_id",
    "method",
    "status",
    "amount",
    "fee",
    "currency",
    "reference",
    "received_on",
    "transaction_id",
    "payment_method_id",
    "processor",
    "processor_payment_id",
    "failure_code",
    "failure_message",
    "return_code",
    "retry_of",
    "attempt",
    "created_at",
    "updated_at",
    "settled_at",
    "canceled_at",
)
ALLOCATION_COLUMNS = ("id", "partner_id", "payment_id", "invoice_id", "position", "amount")
ENTRY_COLUMNS = ("id", "partner_id", "reason", "payment_id", "created_at")
CHARGE_COLUMNS = (
    "id",
    "account",
    "idempotency_key",
    "method_id",
    "behavior",
    "amount",
    "currency",
    "status",
    "failure_code",
    "failure_message",
    "amount_refunded",
    "submitted_on",
    "next_step_on",
    "metadata",
    "created_at",
    "updated_at",
)
OUTBOX_COLUMNS = ("id", "partner_id", "type", "payload", "created_at")
RESTATE = (
    "UPDATE invoices SET status = $3 WHERE id = ANY($1::varchar[]) AND partner_id = $2 AND status = $4 RETURNING id"
)


@dataclass(frozen=True)
class BankMethod:
    id: str  # ours, pm_…
    processor_method_id: str  # the sandbox's, pm_sbx_…


@dataclass
class DebitBatch:
    payments: list[tuple[object, ...]] = field(default_factory=list)
    allocations: list[tuple[object, ...]] = field(default_factory=list)
    entries: list[tuple[object, ...]] = field(default_factory=list)
    lines: list[tuple[object, ...]] = field(default_factory=list)
    charges: list[tuple[object, ...]] = field(default_factory=list)
    outbox: list[tuple[object, ...]] = field(default_factory=list)
    invoice_ids: list[str] = field(default_factory=list)
    payment_ids: list[str] = field(default_factory=list)


class DebitGenerator:
    """Rows of pending debits of `amount` each; ids in domain.ids format made in bulk (bulk_load.IdFactory)."""

    def __init__(self, partner_id: str, methods: dict[str, BankMethod], sandbox_today: date) -> None:
        self.partner_id = partner_id
        self.methods = methods
        self.sandbox_today = sandbox_today
        self.ids = IdFactory()

    def batch(self, picks: list[tuple[str, str]], amount: int = 1) -> DebitBatch:
        now = datetime.now(UTC)
        tp = self.ids.time_part(int(now.timestamp() * 1000))
        batch = DebitBatch()
        for customer_id, invoice_id in picks:
            self._debit(batch, customer_id, invoice_id, amount, now, tp)
        return batch

    def _debit(self, b: DebitBatch, customer_id: str, invoice_id: str, amount: int, now: datetime, tp: str) -> None:
        make, pid, method = self.ids.make, self.partner_id, self.methods[customer_id]
        payment_id, entry_id, charge_id = make("pay", tp), make("je", tp), make("ch_sbx", tp)
        r = self.ids.random_part()
        transaction_id = f"RM-{r[:4]}-{r[4:8]}-{r[8:12]}"  # new_transaction_id's alphabet and shape
        b.payments.append(
            (
                payment_id,
                pid,
                customer_id,
                MethodType.US_BANK_ACCOUNT.value,
                "pending",
                amount,
                0,
                "USD",
                None,
                now.date(),
                transaction_id,
                method.id,
                "sandbox",
                charge_id,
                None,
                None,
                None,
                None,
                1,
                now,
                now,
                None,
                None,
            )
        )
        b.allocations.append((make("alc", tp), pid, payment_id, invoice_id, 0, amount))
        b.entries.append((entry_id, pid, "payment_pending", payment_id, now))
        b.lines.append((make("jl", tp), pid, entry_id, 0, "pending", invoice_id, "USD", amount))
        b.lines.append((make("jl", tp), pid, entry_id, 1, "receivable", invoice_id, "USD", -amount))
        metadata = json.dumps({"payment_id": payment_id, "transaction_id": transaction_id})
        b.charges.append(
            (
                charge_id,
                pid,
                f"remit-{payment_id}",
                method.processor_method_id,
                "settle",
                amount,
                "USD",
                "pending",
                None,
                None,
                0,
                self.sandbox_today,
                settles_on(self.sandbox_today, ACH_DAYS),
                metadata,
                now,
                now,
            )
        )
        event = {  # one payload for every payment.* event (domain/events.py)
            "payment_id": payment_id,
            "transaction_id": transaction_id,
            "customer_id": customer_id,
            "amount": amount,
            "currency": "USD",
        }
        b.outbox.append((make("evt", tp), pid, "payment.processing", json.dumps(event), now))
        b.outbox.append((make("evt", tp), pid, "payment.pending", json.dumps(event), now))
        b.invoice_ids.append(invoice_id)
        b.payment_ids.append(payment_id)

    async def copy(self, conn: asyncpg.Connection, batch: DebitBatch) -> None:
        """One transaction: the rows by COPY, the invoices restated (ledger triggers on, checked at commit)."""
        async with conn.transaction():
            await conn.copy_records_to_table("payments", records=batch.payments, columns=PAYMENT_COLUMNS)
            await conn.copy_records_to_table("allocations", records=batch.allocations, columns=ALLOCATION_COLUMNS)
            await conn.copy_records_to_table("journal_entries", records=batch.entries, columns=ENTRY_COLUMNS)
            await conn.copy_records_to_table("journal_lines", records=batch.lines, columns=JOURNAL_LINE_COLUMNS)
            await conn.copy_records_to_table("sandbox_charges", records=batch.charges, columns=CHARGE_COLUMNS)
            changed = await conn.fetch(
                RESTATE, sorted(set(batch.invoice_ids)), self.partner_id, RESERVED, InvoiceStatus.OPEN.value
            )
            now = datetime.now(UTC)
            tp = self.ids.time_part(int(now.timestamp() * 1000))
            outbox = batch.outbox + [
                (
                    self.ids.make("evt", tp),
                    self.partner_id,
                    f"invoice.{RESERVED}",
                    json.dumps({"invoice_id": r["id"]}),
                    now,
                )
                for r in changed
            ]
            await conn.copy_records_to_table("outbox_events", records=outbox, columns=OUTBOX_COLUMNS)


async def sandbox_today(conn: asyncpg.Connection, account: str) -> date:
    offset = await conn.fetchval("SELECT offset_days FROM sandbox_clocks WHERE account = $1", account)
    return datetime.now(UTC).date() + timedelta(days=offset or 0)


async def load_debits(
    url: str, gen: DebitGenerator, picks: list[tuple[str, str]], batch_size: int = 5_000
) -> tuple[list[str], float]:
    """COPY one pending debit per pick, `batch_size` per transaction, then rebuild the insights rollup from the
    journal (`bulk_load.roll_up`); their payment ids and the seconds taken."""
    started = time.perf_counter()
    payment_ids: list[str] = []
    conn = await asyncpg.connect(url)
    try:
        for start in range(0, len(picks), batch_size):
            batch = gen.batch(picks[start : start + batch_size])
            await gen.copy(conn, batch)
            payment_ids += batch.payment_ids
        await roll_up(url)
        await conn.execute(
            "ANALYZE payments, allocations, journal_entries, journal_lines, invoices, sandbox_charges, outbox_events"
        )
    finally:
        await conn.close()
    return payment_ids, time.perf_counter() - started


# ------------------------------------------------------------------------------------------ fidelity check

_ID = re.compile(r"^([a-z_]+)_[0-9A-HJKMNP-TV-Z]{26}$")
_TRANSACTION_ID = re.compile(r"^RM-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")
_HEX = re.compile(r"^[0-9a-f]{32}(?:[0-9a-f]{32})?$")  # idempotency keys (uuid4().hex), request hashes
_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")


def masked(value: Any, key: str = "") -> Any:
    """Ids (by prefix), serials, transaction ids, keys, hashes and times stand out; the rest must be equal."""
    if isinstance(value, datetime) or (isinstance(value, str) and _TIMESTAMP.match(value)):
        return "<time>"
    if key == "id" and isinstance(value, int):
        return "<serial>"
    if isinstance(value, dict):
        return {k: masked(v, k) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [masked(v) for v in value]
    if isinstance(value, str):
        if value.startswith(("{", "[")):
            return masked(json.loads(value))
        if m := _ID.match(value.removeprefix("remit-")):
            return f"<{value[: value.index(m.group(1))]}{m.group(1)} id>"
        if _TRANSACTION_ID.match(value):
            return "<transaction id>"
        if _HEX.match(value):
            return f"<{len(value)} hex>"
    return value


# What one payment wrote, table by table: $1 is the payment id, $2 its one invoice.
_ROWS = {
    "payments": "SELECT * FROM payments WHERE id = $1",
    "allocations": "SELECT * FROM allocations WHERE payment_id = $1",
    "journal_entries": "SELECT * FROM journal_entries WHERE payment_id = $1 ORDER BY reason",
    "journal_lines": "SELECT l.* FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id "
    "WHERE e.payment_id = $1 ORDER BY e.reason, l.position",
    "sandbox_charges": "SELECT * FROM sandbox_charges WHERE idempotency_key = 'remit-' || $1",
    "outbox_events": "SELECT * FROM outbox_events WHERE payload->>'payment_id' = $1 OR payload->>'invoice_id' = $2 "
    "ORDER BY type",
    "invoices": "SELECT status FROM invoices WHERE id = $2 AND $1::varchar IS NOT NULL",
    "idempotency_keys": "SELECT * FROM idempotency_keys WHERE resource_id = $1",
    "processor_events": "SELECT * FROM processor_events "
    "WHERE payload->'data'->'object'->>'idempotency_key' = 'remit-' || $1",
}


async def rows_written(conn: asyncpg.Connection, payment_id: str, invoice_id: str) -> dict[str, Any]:
    """Every row one payment on one (until then untouched) invoice left, masked by `masked`."""
    out = {}
    for table, sql in _ROWS.items():
        args = (payment_id, invoice_id) if "$2" in sql else (payment_id,)
        out[table] = [masked(dict(r)) for r in await conn.fetch(sql, *args)]
    return out


def same_rows(what: str, app: dict[str, Any], other: dict[str, Any]) -> None:
    if app != other:
        diff = {t: {"app": app[t], "bench": other[t]} for t in app if app[t] != other[t]}
        raise RuntimeError(f"{what} do not write what the app writes: {json.dumps(diff, indent=1, default=str)}")


async def check_matches_app(
    container: Container,
    url: str,
    gen: DebitGenerator,
    customer_id: str,
    invoice_ids: tuple[str, str],
) -> list[str]:
    """One debit through the use case on the first (open) invoice and one by COPY on the second; raises if the
    rows they wrote differ beyond ids and times. Returns the two payment ids (both pending)."""
    method = gen.methods[customer_id]
    async with container.uow() as uow:
        uow.scope_to(gen.partner_id)
        cmd = PayInvoices(customer_id, method.id, allocations=(Allocation(invoice_ids[0], 1),))
        app_payment = await pay_invoices(
            cmd, uow, processors=container.processors, clock=container.clock, checkpoint=uow.checkpoint
        )
        await uow.commit()
    conn = await asyncpg.connect(url)
    try:
        batch = gen.batch([(customer_id, invoice_ids[1])])
        await gen.copy(conn, batch)
        same_rows(
            "Bulk debits",
            await rows_written(conn, app_payment.id, invoice_ids[0]),
            await rows_written(conn, batch.payment_ids[0], invoice_ids[1]),
        )
    finally:
        await conn.close()
    return [app_payment.id, batch.payment_ids[0]]
