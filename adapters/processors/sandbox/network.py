"""The sandbox's clock and bank network: a charge's fate at submission, then its steps as sandbox days pass."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.db.tables import core
from adapters.processors.sandbox.payloads import charge_object, event_object
from adapters.processors.sandbox.tables import SandboxChargeRow, SandboxClockRow, SandboxEventRow
from adapters.processors.sandbox.test_numbers import REFUSALS, Behavior
from domain.clock import Clock
from domain.ids import new_id
from domain.payments.processing import ChargeStatus, DisputeStatus, settles_on

CHARGES = core(SandboxChargeRow)
CLOCKS = core(SandboxClockRow)
EVENTS = core(SandboxEventRow)

BATCH_SIZE = 1000
ACH_DAYS = 2  # banking days from submission to settlement
PAD_DAYS = 3
R01_DAYS = 2  # banking days from settlement until the R01 return arrives
DISPUTE_RESPONSE_DAYS = 7
DISPUTE_REVIEW_DAYS = 2
WINNING_EVIDENCE = "winning_evidence"

# What a step may change, written back for each charge of a batch in one executemany.
STEPPED = (
    "status",
    "return_code",
    "next_step_on",
    "settled_on",
    "dispute_id",
    "dispute_status",
    "dispute_due_on",
    "updated_at",
)
_WRITE_BACK = (
    update(CHARGES)
    .where(CHARGES.c.id == bindparam("b_id"))
    .values({name: bindparam(f"b_{name}", type_=CHARGES.c[name].type) for name in STEPPED})
)


def dialect_insert(session: AsyncSession) -> Any:
    """The dialect's INSERT, which has ON CONFLICT on both SQLite and PostgreSQL."""
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


async def sandbox_today(session: AsyncSession, clock: Clock, account: str) -> date:
    offset = await session.scalar(select(CLOCKS.c.offset_days).where(CLOCKS.c.account == account))
    return clock.today() + timedelta(days=offset or 0)


async def add_days(session: AsyncSession, account: str, days: int) -> int:
    """Moves the account's sandbox clock on; returns its new offset in days."""
    stmt = (
        dialect_insert(session)(CLOCKS)
        .values(account=account, offset_days=days)
        .on_conflict_do_update(index_elements=["account"], set_={"offset_days": CLOCKS.c.offset_days + days})
        .returning(CLOCKS.c.offset_days)
    )
    return int((await session.execute(stmt)).scalar_one())


def on_submission(method_type: str, behavior: str, today: date) -> dict[str, Any]:
    """The columns a new charge starts with: refused at once, captured, or pending until settlement."""
    refusal = REFUSALS.get(Behavior(behavior))
    if refusal is not None:
        code, message = refusal
        return {
            "status": ChargeStatus.FAILED.value,
            "failure_code": code,
            "failure_message": message,
            "next_step_on": None,
            "settled_on": None,
        }
    if method_type == "card":
        next_step = today + timedelta(days=1) if behavior == Behavior.DISPUTE else None
        return {
            "status": ChargeStatus.SUCCEEDED.value,
            "failure_code": None,
            "failure_message": None,
            "next_step_on": next_step,
            "settled_on": today,  # a card is captured at once
        }
    days = ACH_DAYS if method_type == "us_bank_account" else PAD_DAYS
    return {
        "status": ChargeStatus.PENDING.value,
        "failure_code": None,
        "failure_message": None,
        "next_step_on": settles_on(today, days),
        "settled_on": None,
    }


def step(charge: dict[str, Any]) -> str | None:
    """Moves one charge one step, as of its next_step_on; returns the event type it emits, if any."""
    day: date = charge["next_step_on"]
    behavior = charge["behavior"]
    status = charge["status"]
    charge["next_step_on"] = None
    if status == ChargeStatus.PENDING:
        if behavior == Behavior.RETURN_R02:
            charge.update(status=ChargeStatus.RETURNED.value, return_code="R02")
            return "charge.returned"
        charge["status"] = ChargeStatus.SUCCEEDED.value
        charge["settled_on"] = day  # the simulated banking day, not the machine's
        if behavior == Behavior.SETTLE_THEN_RETURN_R01:
            charge["next_step_on"] = settles_on(day, R01_DAYS)
        return "charge.succeeded"
    if status == ChargeStatus.SUCCEEDED and behavior == Behavior.SETTLE_THEN_RETURN_R01:
        charge.update(status=ChargeStatus.RETURNED.value, return_code="R01")
        return "charge.returned"
    if status == ChargeStatus.SUCCEEDED and behavior == Behavior.DISPUTE:
        return _dispute_step(charge, day)
    return None


def _dispute_step(charge: dict[str, Any], day: date) -> str | None:
    dispute = charge["dispute_status"]
    if dispute is None:
        due_on = day + timedelta(days=DISPUTE_RESPONSE_DAYS)
        charge.update(
            dispute_id=new_id("dp_sbx"),
            dispute_status=DisputeStatus.NEEDS_RESPONSE.value,
            dispute_due_on=due_on,
            next_step_on=due_on,
        )
        return "charge.dispute.created"
    if dispute == DisputeStatus.NEEDS_RESPONSE:
        charge["dispute_status"] = DisputeStatus.LOST.value  # no evidence by the deadline
        return "charge.dispute.closed"
    if dispute == DisputeStatus.UNDER_REVIEW:
        won = WINNING_EVIDENCE in (charge["dispute_evidence"] or "")
        charge["dispute_status"] = (DisputeStatus.WON if won else DisputeStatus.LOST).value
        return "charge.dispute.closed"
    return None


async def move_on(
    sessions: async_sessionmaker[AsyncSession], clock: Clock, account: str, until: date, *, batch_size: int = BATCH_SIZE
) -> list[dict[str, Any]]:
    """Steps every charge of the account due by `until`, in id order, one transaction per batch.

    Returns the emitted events in order (each already stored in sandbox_events).
    """
    events: list[dict[str, Any]] = []
    after = ""
    while True:
        async with sessions() as session, session.begin():
            due = (
                select(CHARGES)
                .where(CHARGES.c.account == account, CHARGES.c.next_step_on <= until, CHARGES.c.id > after)
                .order_by(CHARGES.c.id)
                .limit(batch_size)
                # A concurrent advance waits here, then skips what this one already moved on.
                .with_for_update()
            )
            rows = (await session.execute(due)).mappings().all()
            if not rows:
                return events
            now = clock.now()
            batch: list[dict[str, Any]] = []
            changes = []
            for row in rows:
                charge = dict(row)
                while charge["next_step_on"] is not None and charge["next_step_on"] <= until:
                    event_type = step(charge)
                    if event_type is not None:
                        batch.append(event_object(event_type, account, charge_object(charge), at=now))
                charge["updated_at"] = now
                changes.append({"b_id": charge["id"], **{f"b_{name}": charge[name] for name in STEPPED}})
            await session.execute(_WRITE_BACK, changes)
            await record_events(session, batch, at=now)
        events.extend(batch)
        after = rows[-1]["id"]


async def record_events(session: AsyncSession, events: Sequence[dict[str, Any]], *, at: datetime) -> None:
    if events:
        await session.execute(
            insert(EVENTS),
            [
                {"id": e["id"], "account": e["account"], "type": e["type"], "payload": e, "created_at": at}
                for e in events
            ],
        )
