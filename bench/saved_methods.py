"""For bench_payments.py: every customer saves a sandbox card and a US bank account through the API, and the
raw-SQL payments (raw_payments.py) are checked to write the same rows as the API's."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg
import bulk_load
import bulk_payments
import raw_payments
from harness.database import Tenant
from harness.runtime import console, run
from harness.servers import Server, serve_api
from http_clients import make_pool

from adapters.bootstrap import build
from adapters.settings import Settings

CARD = {
    "type": "card",
    "number": "4242424242424242",
    "exp_month": 12,
    "exp_year": datetime.now(UTC).year + 3,
    "cvc": "123",
}
BANK_ACCOUNT = {
    "type": "us_bank_account",
    "routing_number": "110000000",
    "account_number": "000123456789",
    "account_holder_name": "Accounts Payable",
}
MANDATE = {"ip_address": "203.0.113.7"}


@dataclass
class SavedMethods:
    card: dict[str, str]  # customer id -> payment method id
    bank: dict[str, bulk_payments.BankMethod]

    def ids(self, workload: str) -> dict[str, str]:
        return self.card if workload == "card" else {c: m.id for c, m in self.bank.items()}


async def _attach_all(
    url: str, http_client: str, clients: int, tenant: Tenant, customer_ids: list[str], server: Server
) -> SavedMethods:
    container = build(Settings(database_url=url, env="test"))
    http = make_pool(http_client, server.base_url, clients, {"Authorization": f"Bearer {tenant.secret}"})
    card: dict[str, str] = {}
    bank: dict[str, str] = {}
    todo = list(reversed(customer_ids))

    async def attach(customer_id: str, details: dict[str, Any], extra: dict[str, Any]) -> str:
        token = await container.sandbox.tokenize(details)  # the browser's tokenizer; the full number stops there
        body = json.dumps({"token": token["id"], **extra}).encode()
        path = f"/v1/customers/{customer_id}/payment-methods"
        status, payload = await http.request("POST", path, body=body, headers={"Idempotency-Key": uuid.uuid4().hex})
        if status != 201:
            raise RuntimeError(f"attaching a {details['type']} to {customer_id}: HTTP {status} {payload[:300]!r}")
        return str(json.loads(payload)["id"])

    async def worker(bar: Any, task: Any) -> None:
        while todo:
            customer_id = todo.pop()
            card[customer_id] = await attach(customer_id, CARD, {})  # the first saved becomes the default
            bank[customer_id] = await attach(customer_id, BANK_ACCOUNT, {"mandate": MANDATE})
            bar.advance(task)

    try:
        with bulk_load._progress() as bar:
            task = bar.add_task("Save a card and a bank account", total=len(customer_ids), rate="")
            await asyncio.gather(*(worker(bar, task) for _ in range(clients)))
    finally:
        await http.aclose()
        await container.close()
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch("SELECT id, processor_method_id FROM payment_methods WHERE type = 'us_bank_account'")
    finally:
        await conn.close()
    processor_ids = {r["id"]: r["processor_method_id"] for r in rows}
    return SavedMethods(card, {c: bulk_payments.BankMethod(m, processor_ids[m]) for c, m in bank.items()})


async def _check_raw_payments(
    url: str, http_client: str, tenant: Tenant, data: bulk_load.Dataset, methods: SavedMethods, server: Server
) -> list[str]:
    """A card payment and a bank debit through the API and the same through raw_payments, each pair on two
    untouched invoices of one customer: the rows they write must match, ids and times aside. Returns the ids of
    the two bank debits, pending until the settlement."""
    index = max(range(len(data.customer_ids)), key=lambda i: len(data.invoices_by_customer[i]))
    customer_id, invoices = data.customer_ids[index], data.invoices_by_customer[index]
    if len(invoices) < 6:
        raise RuntimeError("the check needs a customer with 6 invoices; load more invoices per customer")
    http = make_pool(http_client, server.base_url, 1, {"Authorization": f"Bearer {tenant.secret}"})
    pool = await asyncpg.create_pool(url, min_size=1, max_size=1)
    pending = []
    try:
        for n, workload in enumerate(("card", "bank")):
            api_invoice, sql_invoice = invoices[2 + 2 * n : 4 + 2 * n]  # the first two are the debits' check
            method_id = methods.ids(workload)[customer_id]
            allocations = [{"invoice_id": api_invoice, "amount": 1}]
            payload = {"customer_id": customer_id, "payment_method_id": method_id, "allocations": allocations}
            status, body = await http.request(
                "POST", "/v1/payments", body=json.dumps(payload).encode(), headers={"Idempotency-Key": uuid.uuid4().hex}
            )
            if status != 201:
                raise RuntimeError(f"API {workload} payment: HTTP {status} {body[:300]!r}")
            req = raw_payments.SavedMethodPayment(customer_id, method_id, sql_invoice, 1, uuid.uuid4().hex)
            sql_id, _ = await raw_payments.pay_with_saved_method(pool, tenant.secret_hash, req)
            api_id = json.loads(body)["id"]
            async with pool.acquire() as conn:
                bulk_payments.same_rows(
                    f"Raw-SQL {workload} payments",
                    await bulk_payments.rows_written(conn, api_id, api_invoice),
                    await bulk_payments.rows_written(conn, sql_id, sql_invoice),
                )
            if workload == "bank":
                pending += [api_id, sql_id]
    finally:
        await pool.close()
        await http.aclose()
    return pending


def attach_phase(
    url: str, tenant: Tenant, data: bulk_load.Dataset, *, http_client: str, clients: int
) -> tuple[SavedMethods, float, list[str]]:
    """Save the methods through the API, `clients` requests at a time (and check the raw-SQL payments against it
    while it is up); the methods, the seconds taken and the bank debits the check left pending."""
    with serve_api(url, name="api-setup", workers=1) as server:
        started = time.perf_counter()
        methods = run(_attach_all(url, http_client, clients, tenant, data.customer_ids, server))
        seconds = time.perf_counter() - started
        console.print(
            f"Saved {2 * len(methods.card):,} methods through the API in {seconds:.1f}s "
            f"({2 * len(methods.card) / seconds:,.0f}/s, tokenizing included)"
        )
        pending = run(_check_raw_payments(url, http_client, tenant, data, methods, server))
        console.print("Raw-SQL card payments and bank debits write the same rows as the API's (one of each checked)")
    return methods, seconds, pending
