"""SandboxProcessor: the default, deterministic PaymentProcessor, keeping its own books in sandbox_* tables.

It stands in for an outside system: every call is its own short transaction, never the caller's.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.db.tables import core
from adapters.processors.sandbox import network, payloads, signing, tokens
from adapters.processors.sandbox.faults import SandboxFaults
from adapters.processors.sandbox.network import CHARGES
from adapters.processors.sandbox.tables import SandboxMethodRow, SandboxRefundRow
from domain.clock import Clock
from domain.errors import Conflict, ErrorCode, InvalidRequest, NotFound
from domain.ids import new_id
from domain.money import CURRENCIES, MAX_AMOUNT
from domain.payments.model import DEBIT_CURRENCY, MethodType
from domain.payments.processing import (
    ChargeRequest,
    ChargeState,
    ChargeStatus,
    DisputeState,
    DisputeStatus,
    InvalidSignature,
    MethodDetails,
    ProcessorEvent,
    RefundRequest,
    RefundState,
    RefundStatus,
)

METHODS = core(SandboxMethodRow)
REFUNDS = core(SandboxRefundRow)
OPEN_OR_LOST = frozenset({DisputeStatus.NEEDS_RESPONSE, DisputeStatus.UNDER_REVIEW, DisputeStatus.LOST})


class SandboxProcessor:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        clock: Clock,
        webhook_secret: str,
        faults: SandboxFaults | None = None,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._secret = webhook_secret
        self.faults = faults or SandboxFaults()

    @property
    def name(self) -> str:
        return "sandbox"

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[AsyncSession]:
        async with self._sessions() as session, session.begin():
            yield session

    # Tokens and methods

    async def tokenize(self, details: Mapping[str, Any]) -> dict[str, Any]:
        """Turns test card or bank details into a single-use token; refuses anything but published test numbers."""
        values = tokens.method_values(details, today=self._clock.today(), secret=self._secret)
        now = self._clock.now()
        token_id = new_id("tok")
        async with self._transaction() as session:
            await session.execute(insert(METHODS).values(id=token_id, created_at=now, **values))
        return tokens.token_object(values, token_id=token_id, created=payloads.unix(now))

    async def token_type(self, *, token: str) -> MethodType:
        async with self._transaction() as session:
            row = (
                await session.execute(select(METHODS.c.type, METHODS.c.attached_id).where(METHODS.c.id == token))
            ).one_or_none()
        if row is None:
            raise InvalidRequest(f"No such token: '{token}'.", code=ErrorCode.INVALID_TOKEN, field="token")
        if row.attached_id is not None:
            raise InvalidRequest(
                "This token has already been used; tokens are single use.",
                code=ErrorCode.TOKEN_ALREADY_USED,
                field="token",
            )
        return MethodType(row.type)

    async def attach_method(self, *, account: str, token: str, customer_id: str) -> MethodDetails:
        attached_id = new_id("pm_sbx")
        async with self._transaction() as session:
            # Tokens are single use: of two racing attaches, only one finds attached_id still empty.
            result = await session.execute(
                update(METHODS)
                .where(METHODS.c.id == token, METHODS.c.attached_id.is_(None))
                .values(account=account, customer_ref=customer_id, attached_id=attached_id)
            )
            if _rowcount(result) == 0:
                exists = await session.scalar(select(METHODS.c.id).where(METHODS.c.id == token))
                if exists is None:
                    raise InvalidRequest(f"No such token: '{token}'.", code=ErrorCode.INVALID_TOKEN, field="token")
                raise InvalidRequest(
                    "This token has already been used; tokens are single use.",
                    code=ErrorCode.TOKEN_ALREADY_USED,
                    field="token",
                )
            row = (await session.execute(select(METHODS).where(METHODS.c.id == token))).mappings().one()
        return payloads.method_details(row)

    async def detach_method(self, *, account: str, processor_method_id: str) -> None:
        async with self._transaction() as session:
            mine = (METHODS.c.attached_id == processor_method_id, METHODS.c.account == account)
            result = await session.execute(
                update(METHODS).where(*mine, METHODS.c.detached_at.is_(None)).values(detached_at=self._clock.now())
            )
            if _rowcount(result) == 0 and await session.scalar(select(METHODS.c.id).where(*mine)) is None:
                raise NotFound("payment method", processor_method_id)

    # Charges

    async def charge(self, request: ChargeRequest) -> ChargeState:
        self.faults.before("charge")
        currency = _checked_amount(request.amount, request.currency)
        async with self._transaction() as session:
            row = await self._charge_by_key(session, request.account, request.idempotency_key)
            if row is None:
                row = await self._submit(session, request, currency)
            _same_charge(row, request, currency)
        self.faults.after("charge")
        return payloads.charge_state(payloads.charge_object(row))

    async def _submit(self, session: AsyncSession, request: ChargeRequest, currency: str) -> payloads.Row:
        method = (
            (await session.execute(select(METHODS).where(METHODS.c.attached_id == request.processor_method_id)))
            .mappings()
            .first()
        )
        if method is None or method["account"] != request.account or method["detached_at"] is not None:
            raise InvalidRequest(
                f"No usable payment method '{request.processor_method_id}' on this account.",
                code=ErrorCode.INVALID_PAYMENT_METHOD,
                field="payment_method",
            )
        only = DEBIT_CURRENCY.get(MethodType(method["type"]))
        if only is not None and currency != only:
            raise InvalidRequest(
                f"A {method['type']} debit can only be in {only}.",
                code=ErrorCode.CURRENCY_NOT_SUPPORTED,
                field="currency",
            )
        today = await network.sandbox_today(session, self._clock, request.account)
        now = self._clock.now()
        # A racing call with the same key inserts nothing here; the caller then reads the winner's charge.
        await session.execute(
            network.dialect_insert(session)(CHARGES)
            .values(
                id=new_id("ch_sbx"),
                account=request.account,
                idempotency_key=request.idempotency_key,
                method_id=request.processor_method_id,
                behavior=method["behavior"],
                amount=request.amount,
                currency=currency,
                amount_refunded=0,
                submitted_on=today,
                metadata=dict(request.metadata),
                created_at=now,
                updated_at=now,
                **network.on_submission(method["type"], method["behavior"], today),
            )
            .on_conflict_do_nothing(index_elements=["account", "idempotency_key"])
        )
        return (await session.execute(_key_query(request.account, request.idempotency_key))).mappings().one()

    async def _charge_by_key(self, session: AsyncSession, account: str, key: str) -> payloads.Row | None:
        return (await session.execute(_key_query(account, key))).mappings().first()

    async def retrieve_charge(self, *, account: str, processor_payment_id: str) -> ChargeState:
        self.faults.before("retrieve")
        async with self._transaction() as session:
            row = await self._charge(session, account, processor_payment_id)
        self.faults.after("retrieve")
        return payloads.charge_state(payloads.charge_object(row))

    async def _charge(self, session: AsyncSession, account: str, charge_id: str) -> payloads.Row:
        query = select(CHARGES).where(CHARGES.c.id == charge_id, CHARGES.c.account == account)
        row = (await session.execute(query)).mappings().first()
        if row is None:
            raise NotFound("charge", charge_id)
        return row

    async def cancel_charge(self, *, account: str, processor_payment_id: str) -> ChargeState:
        self.faults.before("cancel")
        async with self._transaction() as session:
            await session.execute(
                update(CHARGES)
                .where(
                    CHARGES.c.id == processor_payment_id,
                    CHARGES.c.account == account,
                    CHARGES.c.status == ChargeStatus.PENDING.value,
                )
                .values(status=ChargeStatus.CANCELED.value, next_step_on=None, updated_at=self._clock.now())
            )
            row = await self._charge(session, account, processor_payment_id)
            if row["status"] != ChargeStatus.CANCELED:
                raise Conflict(
                    f"Charge '{processor_payment_id}' is {row['status']}; only a pending bank debit can be canceled.",
                    code=ErrorCode.CHARGE_NOT_CANCELABLE,
                    status=row["status"],
                )
        self.faults.after("cancel")
        return payloads.charge_state(payloads.charge_object(row))

    # Refunds and disputes

    async def refund(self, request: RefundRequest) -> RefundState:
        self.faults.before("refund")
        currency = _checked_amount(request.amount, request.currency)
        async with self._transaction() as session:
            charge = await self._charge(session, request.account, request.processor_payment_id)
            inserted = await session.scalar(
                network.dialect_insert(session)(REFUNDS)
                .values(
                    id=new_id("re_sbx"),
                    account=request.account,
                    idempotency_key=request.idempotency_key,
                    charge_id=request.processor_payment_id,
                    amount=request.amount,
                    status=RefundStatus.SUCCEEDED.value,
                    created_at=self._clock.now(),
                )
                .on_conflict_do_nothing(index_elements=["account", "idempotency_key"])
                .returning(REFUNDS.c.id)
            )
            if inserted is not None:
                if currency != charge["currency"]:
                    raise InvalidRequest(
                        f"The charge is in {charge['currency']}; refund in the same currency.",
                        code=ErrorCode.CURRENCY_MISMATCH,
                        field="currency",
                    )
                await self._take_refund(session, charge, request.amount)
            refund = (
                (
                    await session.execute(
                        select(REFUNDS).where(
                            REFUNDS.c.account == request.account, REFUNDS.c.idempotency_key == request.idempotency_key
                        )
                    )
                )
                .mappings()
                .one()
            )
            if (refund["charge_id"], refund["amount"]) != (request.processor_payment_id, request.amount):
                raise _key_reused("refund")
        self.faults.after("refund")
        return payloads.refund_state(refund)

    async def _take_refund(self, session: AsyncSession, charge: payloads.Row, amount: int) -> None:
        _refund_refusal(charge, amount)
        # Guarded, so concurrent refunds can never add up to more than the charge.
        result = await session.execute(
            update(CHARGES)
            .where(
                CHARGES.c.id == charge["id"],
                CHARGES.c.status == ChargeStatus.SUCCEEDED.value,
                CHARGES.c.amount - CHARGES.c.amount_refunded >= amount,
                CHARGES.c.dispute_status.is_(None) | CHARGES.c.dispute_status.not_in([s.value for s in OPEN_OR_LOST]),
            )
            .values(amount_refunded=CHARGES.c.amount_refunded + amount, updated_at=self._clock.now())
        )
        if _rowcount(result) == 0:
            _refund_refusal(await self._charge(session, charge["account"], charge["id"]), amount)
            raise Conflict("The charge changed while refunding; retry.", code=ErrorCode.CHARGE_NOT_REFUNDABLE)

    async def submit_dispute_evidence(self, *, account: str, processor_dispute_id: str, evidence: str) -> DisputeState:
        async with self._transaction() as session:
            query = select(CHARGES).where(CHARGES.c.account == account, CHARGES.c.dispute_id == processor_dispute_id)
            found = (await session.execute(query)).mappings().first()
            if found is None:
                raise NotFound("dispute", processor_dispute_id)
            if found["dispute_status"] != DisputeStatus.NEEDS_RESPONSE:
                raise _dispute_not_open(processor_dispute_id, found["dispute_status"])
            today = await network.sandbox_today(session, self._clock, account)
            if today >= found["dispute_due_on"]:
                raise Conflict("The deadline for this dispute's evidence has passed.", code=ErrorCode.DISPUTE_NOT_OPEN)
            now = self._clock.now()
            # Guarded: a concurrent submission or the clock closing it first leaves nothing to update.
            result = await session.execute(
                update(CHARGES)
                .where(CHARGES.c.id == found["id"], CHARGES.c.dispute_status == DisputeStatus.NEEDS_RESPONSE.value)
                .values(
                    dispute_status=DisputeStatus.UNDER_REVIEW.value,
                    dispute_evidence=evidence,
                    next_step_on=today + timedelta(days=network.DISPUTE_REVIEW_DAYS),
                    updated_at=now,
                )
            )
            charge = await self._charge(session, account, found["id"])
            if _rowcount(result) == 0:
                raise _dispute_not_open(processor_dispute_id, charge["dispute_status"])
            obj = payloads.charge_object(charge)
            event = payloads.event_object("charge.dispute.updated", account, obj, at=now)
            await network.record_events(session, [event], at=now)
        return payloads.dispute_state(obj["dispute"])

    # The sandbox clock and its events

    async def today(self, account: str) -> date:
        async with self._transaction() as session:
            return await network.sandbox_today(session, self._clock, account)

    async def advance(self, account: str, days: int) -> list[tuple[bytes, dict[str, str]]]:
        """Moves the account's sandbox date on by `days` and every charge due with it; returns the signed events."""
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 366:
            raise InvalidRequest(
                "days must be a whole number from 1 to 366.", code=ErrorCode.INVALID_DAYS, field="days"
            )
        async with self._transaction() as session:
            offset = await network.add_days(session, account, days)
        return await self._move_on(account, self._clock.today() + timedelta(days=offset))

    async def catch_up(self, account: str) -> list[tuple[bytes, dict[str, str]]]:
        """Moves on the charges due by the account's sandbox date as it is (the wall clock may have passed days)."""
        return await self._move_on(account, await self.today(account))

    async def _move_on(self, account: str, until: date) -> list[tuple[bytes, dict[str, str]]]:
        events = await network.move_on(self._sessions, self._clock, account, until)
        now = self._clock.now()
        signed = []
        for event in events:
            body = json.dumps(event, separators=(",", ":")).encode()
            signed.append((body, self.sign(body, at=now)))
        return signed

    def sign(self, body: bytes, *, at: datetime) -> dict[str, str]:
        return signing.sign(body, secret=self._secret, at=at)

    def parse_event(self, body: bytes, headers: Mapping[str, str], *, now: datetime) -> ProcessorEvent:
        signing.verify(body, headers, secret=self._secret, now=now)
        try:
            event = json.loads(body)
        except (UnicodeDecodeError, ValueError):
            raise InvalidSignature("The event body is not JSON.") from None
        try:
            return _event(event)
        except (KeyError, TypeError, ValueError, OverflowError) as exc:
            raise InvalidSignature(f"The event is malformed: {exc}.") from None


def _event(event: Any) -> ProcessorEvent:
    if not isinstance(event, dict):
        raise TypeError("the body must be a JSON object")
    for key in ("id", "type", "account"):
        if not isinstance(event.get(key), str):
            raise TypeError(f"{key} must be a string")
    created = event.get("created")
    if isinstance(created, bool) or not isinstance(created, int):
        raise TypeError("created must be a unix timestamp")
    data = event.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    if not isinstance(obj, dict):
        raise TypeError("data.object must be an object")
    return ProcessorEvent(
        id=event["id"],
        type=event["type"],
        account=event["account"],
        created_at=datetime.fromtimestamp(created, UTC),
        charge=payloads.charge_state(obj) if obj.get("object") == "charge" else None,
        raw=event,
    )


def _key_query(account: str, key: str) -> Select[*tuple[Any, ...]]:
    return select(CHARGES).where(CHARGES.c.account == account, CHARGES.c.idempotency_key == key)


def _checked_amount(amount: int, currency: str) -> str:
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= MAX_AMOUNT:
        raise InvalidRequest(
            "amount must be a positive integer of minor units.", code=ErrorCode.INVALID_AMOUNT, field="amount"
        )
    upper = currency.upper()
    if upper not in CURRENCIES:
        raise InvalidRequest(
            f"The sandbox does not process {currency!r}; use one of {', '.join(sorted(CURRENCIES))}.",
            code=ErrorCode.CURRENCY_NOT_SUPPORTED,
            field="currency",
        )
    return upper


def _same_charge(row: payloads.Row, request: ChargeRequest, currency: str) -> None:
    if (row["amount"], row["currency"], row["method_id"]) != (request.amount, currency, request.processor_method_id):
        raise _key_reused("charge")


def _key_reused(kind: str) -> InvalidRequest:
    return InvalidRequest(
        f"This idempotency key was already used for a different {kind}.", code=ErrorCode.IDEMPOTENCY_KEY_REUSED
    )


def _dispute_not_open(dispute_id: str, status: str) -> Conflict:
    return Conflict(
        f"Dispute '{dispute_id}' is {status}; evidence is taken only while it needs a response.",
        code=ErrorCode.DISPUTE_NOT_OPEN,
        status=status,
    )


def _refund_refusal(charge: payloads.Row, amount: int) -> None:
    if charge["dispute_status"] in OPEN_OR_LOST:
        raise Conflict(f"Charge '{charge['id']}' is disputed and cannot be refunded.", code=ErrorCode.CHARGE_DISPUTED)
    if charge["status"] != ChargeStatus.SUCCEEDED:
        raise Conflict(
            f"Charge '{charge['id']}' is {charge['status']}; only captured or settled money can be refunded.",
            code=ErrorCode.CHARGE_NOT_REFUNDABLE,
        )
    left = charge["amount"] - charge["amount_refunded"]
    if amount > left:
        raise Conflict(
            f"Cannot refund {amount}: only {left} {charge['currency']} (minor units) of the charge is left.",
            code=ErrorCode.REFUND_EXCEEDS_CAPTURED,
            refundable=left,
        )


def _rowcount(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
