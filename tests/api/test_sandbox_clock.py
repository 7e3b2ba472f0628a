"""The sandbox clock through /v1 on both databases: reading it and moving it never waits on the request's own
transaction (on SQLite a request's transaction holds the one write lock the sandbox's own books need)."""

from __future__ import annotations

import asyncio
from datetime import date

import httpx

from tests.factories import charge_saved, make_customer, make_invoice, save_test_method

WITHIN = 5.0  # seconds; SQLite's busy timeout is 30 s, so a request waiting on its own lock would take that long


async def test_the_clock_is_read_at_once_and_moves_with_an_advance(client: httpx.AsyncClient) -> None:
    before = await asyncio.wait_for(client.get("/v1/sandbox/clock"), timeout=WITHIN)
    assert before.status_code == 200, before.text
    start = date.fromisoformat(before.json()["date"])

    moved = await asyncio.wait_for(client.post("/v1/sandbox/clock/advance", json={"days": 3}), timeout=WITHIN)
    assert moved.status_code == 200, moved.text

    after = await asyncio.wait_for(client.get("/v1/sandbox/clock"), timeout=WITHIN)
    assert after.status_code == 200, after.text
    assert (date.fromisoformat(after.json()["date"]) - start).days == 3
    assert after.json() == {"object": "sandbox_clock", "date": moved.json()["date"], "events": []}


async def test_a_token_is_made_at_once(client: httpx.AsyncClient) -> None:
    body = {"type": "card", "number": "4242424242424242", "exp_month": 12, "exp_year": 2040, "cvc": "123"}
    r = await asyncio.wait_for(client.post("/sandbox/v1/tokens", json=body), timeout=WITHIN)
    assert r.status_code in (200, 201), r.text


async def test_a_debit_settles_on_the_sandbox_day_not_the_machine_day(client: httpx.AsyncClient) -> None:
    customer = await make_customer(client)
    invoice = await make_invoice(client, customer["id"], amount=20_000)
    bank = await save_test_method(client, customer["id"], "settles")
    paid = await charge_saved(client, customer["id"], bank["id"], [(invoice["id"], 20_000)])
    assert paid.status_code == 201, paid.text

    moved = await client.post("/v1/sandbox/clock/advance", json={"days": 10})
    assert moved.status_code == 200, moved.text
    sandbox_today = date.fromisoformat(moved.json()["date"])

    payment = (await client.get(f"/v1/payments/{paid.json()['id']}")).json()
    assert payment["status"] == "settled"
    settled_on = date.fromisoformat(payment["settled_at"][:10])
    # ACH settles two banking days after submission: well after the machine's today, on or before the sandbox's.
    assert date.today() < settled_on <= sandbox_today, (settled_on, sandbox_today)
