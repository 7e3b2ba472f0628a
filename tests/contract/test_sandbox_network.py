"""The sandbox clock moves charges on: debits settle or return, disputes open and close, each with its event."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from adapters.bootstrap import Container
from adapters.processors.sandbox import SandboxProcessor, network
from adapters.processors.sandbox.tables import SandboxEventRow
from domain.clock import FixedClock
from domain.errors import Conflict, InvalidRequest, NotFound
from domain.payments.processing import ChargeState, ChargeStatus, DisputeStatus, RefundRequest
from tests.contract.conftest import MONDAY, SECRET, attached, ca_bank, card, charge, us_bank


def _events(signed: list[tuple[bytes, dict[str, str]]]) -> list[dict[str, Any]]:
    return [json.loads(body) for body, _ in signed]


def _types(signed: list[tuple[bytes, dict[str, str]]]) -> list[str]:
    return [event["type"] for event in _events(signed)]


async def _retrieve(sandbox: SandboxProcessor, account: str, made: ChargeState) -> ChargeState:
    return await sandbox.retrieve_charge(account=account, processor_payment_id=made.processor_payment_id)


async def test_the_sandbox_date_is_the_clock_plus_the_accounts_offset(sandbox: SandboxProcessor, account: str) -> None:
    assert await sandbox.today(account) == MONDAY.date()
    await sandbox.advance(account, 3)
    await sandbox.advance(account, 2)
    assert await sandbox.today(account) == MONDAY.date() + timedelta(days=5)
    assert await sandbox.today("acct_other_" + account) == MONDAY.date()


@pytest.mark.parametrize("days", [0, -1, 367])
async def test_advance_takes_one_to_366_days(sandbox: SandboxProcessor, account: str, days: int) -> None:
    with pytest.raises(InvalidRequest) as invalid:
        await sandbox.advance(account, days)
    assert invalid.value.field == "days"


async def test_an_ach_debit_settles_two_banking_days_later(sandbox: SandboxProcessor, account: str) -> None:
    made = await charge(sandbox, account, await attached(sandbox, account, us_bank("000123456789")))
    assert made.status is ChargeStatus.PENDING

    assert await sandbox.advance(account, 1) == []  # Tuesday
    settled = await sandbox.advance(account, 1)  # Wednesday

    assert _types(settled) == ["charge.succeeded"]
    event = _events(settled)[0]
    assert (event["object"], event["account"], event["data"]["object"]["id"]) == (
        "event",
        account,
        made.processor_payment_id,
    )
    assert event["data"]["object"]["status"] == "succeeded"
    assert (await _retrieve(sandbox, account, made)).status is ChargeStatus.SUCCEEDED
    assert await sandbox.advance(account, 30) == []


async def test_a_pad_debit_settles_three_banking_days_later(sandbox: SandboxProcessor, account: str) -> None:
    made = await charge(sandbox, account, await attached(sandbox, account, ca_bank("000123456789")), currency="CAD")
    assert await sandbox.advance(account, 2) == []
    assert _types(await sandbox.advance(account, 1)) == ["charge.succeeded"]
    assert (await _retrieve(sandbox, account, made)).status is ChargeStatus.SUCCEEDED


async def test_banking_days_skip_the_weekend(container: Container, account: str) -> None:
    friday = FixedClock(datetime(2026, 11, 27, 12, tzinfo=UTC))
    sandbox = SandboxProcessor(container.sessions, clock=friday, webhook_secret=SECRET)
    await charge(sandbox, account, await attached(sandbox, account, us_bank("000123456789")))
    assert await sandbox.advance(account, 3) == []  # Monday
    assert _types(await sandbox.advance(account, 1)) == ["charge.succeeded"]  # Tuesday


async def test_r01_settles_then_returns(sandbox: SandboxProcessor, account: str) -> None:
    made = await charge(sandbox, account, await attached(sandbox, account, us_bank("000111111116")))
    assert _types(await sandbox.advance(account, 2)) == ["charge.succeeded"]  # Wednesday
    assert await sandbox.advance(account, 1) == []
    returned = await sandbox.advance(account, 1)  # Friday: two banking days after settling
    assert _types(returned) == ["charge.returned"]
    assert _events(returned)[0]["data"]["object"]["return_code"] == "R01"
    state = await _retrieve(sandbox, account, made)
    assert (state.status, state.return_code) == (ChargeStatus.RETURNED, "R01")


async def test_one_long_advance_takes_every_step_in_order(sandbox: SandboxProcessor, account: str) -> None:
    made = await charge(sandbox, account, await attached(sandbox, account, us_bank("000111111116")))
    signed = await sandbox.advance(account, 30)
    assert _types(signed) == ["charge.succeeded", "charge.returned"]
    assert [e["data"]["object"]["status"] for e in _events(signed)] == ["succeeded", "returned"]
    assert (await _retrieve(sandbox, account, made)).status is ChargeStatus.RETURNED


async def test_r02_returns_instead_of_settling(sandbox: SandboxProcessor, account: str) -> None:
    made = await charge(sandbox, account, await attached(sandbox, account, us_bank("000111111113")))
    signed = await sandbox.advance(account, 2)
    assert _types(signed) == ["charge.returned"]
    state = await _retrieve(sandbox, account, made)
    assert (state.status, state.return_code) == (ChargeStatus.RETURNED, "R02")


async def _disputed(sandbox: SandboxProcessor, account: str) -> tuple[ChargeState, dict[str, Any]]:
    made = await charge(sandbox, account, await attached(sandbox, account, card("4000000000000259")))
    assert made.status is ChargeStatus.SUCCEEDED
    created = await sandbox.advance(account, 1)
    assert _types(created) == ["charge.dispute.created"]
    dispute: dict[str, Any] = _events(created)[0]["data"]["object"]["dispute"]
    return made, dispute


async def test_a_dispute_opens_the_day_after_and_is_won_with_evidence(sandbox: SandboxProcessor, account: str) -> None:
    made, dispute = await _disputed(sandbox, account)
    assert dispute["id"].startswith("dp_sbx_")
    assert (dispute["status"], dispute["amount"], dispute["reason"]) == ("needs_response", 5_000, "fraudulent")
    due = datetime.fromtimestamp(dispute["evidence_due_by"], UTC).date()
    assert due == MONDAY.date() + timedelta(days=8)
    state = await _retrieve(sandbox, account, made)
    assert state.dispute is not None and state.dispute.status is DisputeStatus.NEEDS_RESPONSE
    with pytest.raises(Conflict) as disputed:
        await sandbox.refund(RefundRequest(account, "r-1", made.processor_payment_id, 1_000, "USD"))
    assert disputed.value.code == "charge_disputed"

    review = await sandbox.submit_dispute_evidence(
        account=account, processor_dispute_id=dispute["id"], evidence="Signed delivery receipt: winning_evidence"
    )
    assert review.status is DisputeStatus.UNDER_REVIEW
    with pytest.raises(Conflict) as again:
        await sandbox.submit_dispute_evidence(account=account, processor_dispute_id=dispute["id"], evidence="more")
    assert again.value.code == "dispute_not_open"

    assert await sandbox.advance(account, 1) == []
    closed = await sandbox.advance(account, 1)
    assert _types(closed) == ["charge.dispute.closed"]
    assert _events(closed)[0]["data"]["object"]["dispute"]["status"] == "won"
    refund = await sandbox.refund(RefundRequest(account, "r-2", made.processor_payment_id, 1_000, "USD"))
    assert refund.amount == 1_000  # a won dispute leaves the money refundable


async def test_weak_evidence_loses(sandbox: SandboxProcessor, account: str) -> None:
    made, dispute = await _disputed(sandbox, account)
    await sandbox.submit_dispute_evidence(account=account, processor_dispute_id=dispute["id"], evidence="It was fine.")
    closed = await sandbox.advance(account, 2)
    assert _events(closed)[0]["data"]["object"]["dispute"]["status"] == "lost"
    with pytest.raises(Conflict) as lost:
        await sandbox.refund(RefundRequest(account, "r-1", made.processor_payment_id, 1_000, "USD"))
    assert lost.value.code == "charge_disputed"


async def test_no_evidence_by_the_due_date_loses(sandbox: SandboxProcessor, account: str) -> None:
    made, dispute = await _disputed(sandbox, account)
    assert await sandbox.advance(account, 6) == []
    closed = await sandbox.advance(account, 1)
    assert _types(closed) == ["charge.dispute.closed"]
    state = await _retrieve(sandbox, account, made)
    assert state.dispute is not None and state.dispute.status is DisputeStatus.LOST
    with pytest.raises(Conflict) as late:
        await sandbox.submit_dispute_evidence(
            account=account, processor_dispute_id=dispute["id"], evidence="winning_evidence"
        )
    assert late.value.code == "dispute_not_open"
    with pytest.raises(NotFound):
        await sandbox.submit_dispute_evidence(account="acct_other", processor_dispute_id=dispute["id"], evidence="x")


async def test_evidence_after_the_deadline_is_refused_even_before_the_clock_closes_it(
    container: Container, clock: FixedClock, account: str
) -> None:
    sandbox = SandboxProcessor(container.sessions, clock=clock, webhook_secret=SECRET)
    _, dispute = await _disputed(sandbox, account)
    clock.at += timedelta(days=7)  # the wall clock passes the due day; no advance has run
    with pytest.raises(Conflict) as late:
        await sandbox.submit_dispute_evidence(account=account, processor_dispute_id=dispute["id"], evidence="x")
    assert late.value.code == "dispute_not_open"
    assert _types(await sandbox.catch_up(account)) == ["charge.dispute.closed"]


async def test_every_emitted_event_is_kept(sandbox: SandboxProcessor, account: str, container: Container) -> None:
    _, dispute = await _disputed(sandbox, account)
    await sandbox.submit_dispute_evidence(account=account, processor_dispute_id=dispute["id"], evidence="x")
    await sandbox.advance(account, 2)
    async with container.sessions() as session:
        query = select(SandboxEventRow).where(SandboxEventRow.account == account).order_by(SandboxEventRow.id)
        rows = (await session.execute(query)).scalars().all()
    assert [r.type for r in rows] == ["charge.dispute.created", "charge.dispute.updated", "charge.dispute.closed"]
    assert all(r.payload["id"] == r.id for r in rows)


async def test_charges_move_on_in_batches_in_id_order(
    sandbox: SandboxProcessor, account: str, clock: FixedClock, container: Container
) -> None:
    method = await attached(sandbox, account, us_bank("000123456789"))
    made = [await charge(sandbox, account, method) for _ in range(10)]
    events = await network.move_on(container.sessions, clock, account, date(2026, 12, 31), batch_size=3)
    assert [e["data"]["object"]["id"] for e in events] == sorted(c.processor_payment_id for c in made)
    assert {e["type"] for e in events} == {"charge.succeeded"}
    assert await sandbox.advance(account, 30) == []


async def test_concurrent_advances_move_each_charge_on_once(sandbox: SandboxProcessor, account: str) -> None:
    method = await attached(sandbox, account, us_bank("000123456789"))
    made = [await charge(sandbox, account, method) for _ in range(30)]
    results = await asyncio.gather(*(sandbox.advance(account, 2) for _ in range(4)))
    moved = [event["data"]["object"]["id"] for signed in results for event in _events(signed)]
    assert sorted(moved) == sorted(c.processor_payment_id for c in made)
    assert await sandbox.today(account) == MONDAY.date() + timedelta(days=8)
