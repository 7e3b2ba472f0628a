"""A scripted PaymentProcessor: tests say what the next calls answer, and read back every call made.

It keeps its own books like a real processor: a charge or refund is made once per idempotency key and a repeated
call returns the first one (whatever the script says next), `retrieve_charge` returns the charge as it stands,
and `move` changes it later (a debit settles, a bank returns it, a dispute opens). Its refusals follow the
sandbox's (adapters/processors/sandbox/processor.py): only succeeded, undisputed charges are refunded, never
beyond what was captured, and only pending debits are canceled.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict, deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from domain.errors import Conflict, DomainError, InvalidRequest, NotFound
from domain.payments.model import MethodType
from domain.payments.processing import (
    ChargeRequest,
    ChargeState,
    ChargeStatus,
    DisputeState,
    DisputeStatus,
    Funding,
    InvalidSignature,
    MethodDetails,
    ProcessorEvent,
    ProcessorUnavailable,
    RefundRequest,
    RefundState,
    RefundStatus,
)

Operation = Literal[
    "token_type",
    "attach_method",
    "detach_method",
    "charge",
    "retrieve_charge",
    "cancel_charge",
    "refund",
    "submit_dispute_evidence",
]
Fault = Literal["unavailable", "lost_answer"]
FUNDS_WITH_NETWORK = frozenset({DisputeStatus.NEEDS_RESPONSE, DisputeStatus.UNDER_REVIEW, DisputeStatus.LOST})


@dataclass(frozen=True, slots=True)
class Call:
    operation: Operation
    request: Any  # the ChargeRequest or RefundRequest, or a dict of the keyword arguments


@dataclass(frozen=True, slots=True)
class _Step:
    fault: Fault | None = None  # unavailable: nothing done; lost_answer: done, then the answer is lost
    error: DomainError | None = None  # raised instead of doing anything (a refusal)
    charge: ChargeStatus | None = None
    refund: RefundStatus | None = None
    changes: Mapping[str, Any] = field(default_factory=dict)


class FakeProcessor:
    def __init__(self, name: str = "fake") -> None:
        self._name = name
        self.calls: list[Call] = []
        self.charges: dict[str, ChargeState] = {}  # by processor payment id: the charge as it stands now
        self.refunds: dict[str, RefundState] = {}  # by processor refund id
        self._charge_keys: dict[tuple[str, str], str] = {}
        self._refund_keys: dict[tuple[str, str], RefundState] = {}
        self._refunded: dict[str, int] = defaultdict(int)
        self._script: dict[str, deque[_Step]] = defaultdict(deque)
        self._tokens: dict[str, MethodDetails] = {}
        self._events: dict[bytes, ProcessorEvent] = {}
        self._made = 0

    @property
    def name(self) -> str:
        return self._name

    # Scripting the next answers (each queued per operation, used once, in order).

    def will_charge(self, status: ChargeStatus = ChargeStatus.SUCCEEDED, **changes: Any) -> None:
        """The next new charge starts in `status`, with ChargeState fields such as failure_code."""
        self._script["charge"].append(_Step(charge=status, changes=changes))

    def will_decline(self, code: str = "card_declined", message: str = "Your card was declined.") -> None:
        self.will_charge(ChargeStatus.FAILED, failure_code=code, failure_message=message)

    def will_be_unavailable(self, operation: Operation = "charge", times: int = 1) -> None:
        """A timeout or a 5xx before the processor did anything: ProcessorUnavailable."""
        for _ in range(times):
            self._script[operation].append(_Step(fault="unavailable"))

    def will_lose_answer(self, operation: Operation = "charge", **answer: Any) -> None:
        """The processor does the work, then the connection drops: ProcessorUnavailable, the work done.

        `answer` is what the work turns out to be (`charge=ChargeStatus.PENDING`, `refund=RefundStatus.FAILED`)."""
        self._script[operation].append(_Step(fault="lost_answer", **answer))

    def will_refuse(self, operation: Operation, error: DomainError) -> None:
        self._script[operation].append(_Step(error=error))

    def will_refund(self, status: RefundStatus = RefundStatus.SUCCEEDED, failure_message: str | None = None) -> None:
        changes = {"failure_message": failure_message} if failure_message else {}
        self._script["refund"].append(_Step(refund=status, changes=changes))

    def move(self, processor_payment_id: str, status: ChargeStatus, **changes: Any) -> ChargeState:
        """The charge changes at the processor later (settles, is returned, disputed); returns its new state."""
        state = dataclasses.replace(self.charges[processor_payment_id], status=status, **changes)
        self.charges[processor_payment_id] = state
        return state

    def token(self, kind: MethodType = MethodType.CARD, **details: Any) -> str:
        """A single-use token for a method; `details` override MethodDetails fields (brand, funding, last4…)."""
        self._made += 1
        card = kind is MethodType.CARD
        defaults: dict[str, Any] = {
            "processor_method_id": f"pm_fake_{self._made:04d}",
            "type": kind,
            "last4": "4242" if card else "6789",
            "country": "CA" if kind is MethodType.CA_BANK_ACCOUNT else "US",
            "brand": "visa" if card else None,
            "funding": Funding.CREDIT if card else None,
            "exp_month": 12 if card else None,
            "exp_year": 2040 if card else None,
            "bank_name": None if card else "Fake Bank",
        }
        token = f"tok_fake_{self._made:04d}"
        self._tokens[token] = MethodDetails(**{**defaults, **details})
        return token

    def event(self, charge: ChargeState, *, event_id: str, account: str, created_at: datetime) -> bytes:
        """A verified event about `charge`, as the body `parse_event` will accept."""
        body = f"event:{event_id}".encode()
        self._events[body] = ProcessorEvent(event_id, "charge.updated", account, created_at, charge)
        return body

    # Reading back what was asked.

    def calls_to(self, operation: Operation) -> list[Any]:
        return [c.request for c in self.calls if c.operation == operation]

    def charge_for(self, idempotency_key: str, account: str) -> ChargeState | None:
        ident = self._charge_keys.get((account, idempotency_key))
        return None if ident is None else self.charges[ident]

    # The PaymentProcessor port.

    def _step(self, operation: Operation, request: Any) -> _Step:
        self.calls.append(Call(operation, request))
        step = self._script[operation].popleft() if self._script[operation] else _Step()
        if step.error is not None:
            raise step.error
        if step.fault == "unavailable":
            raise ProcessorUnavailable(f"The fake processor did not answer ({operation}).")
        return step

    @staticmethod
    def _answer(step: _Step, operation: str) -> None:
        if step.fault == "lost_answer":
            raise ProcessorUnavailable(f"The fake processor's answer to {operation} was lost.")

    async def token_type(self, *, token: str) -> MethodType:
        self._step("token_type", {"token": token})
        if token not in self._tokens:
            raise InvalidRequest(f"No such token: '{token}'.", code="invalid_token", field="token")
        return self._tokens[token].type

    async def attach_method(self, *, account: str, token: str, customer_id: str) -> MethodDetails:
        self._step("attach_method", {"account": account, "token": token, "customer_id": customer_id})
        details = self._tokens.pop(token, None)
        if details is None:
            raise InvalidRequest(f"No such token: '{token}'.", code="invalid_token", field="token")
        return details

    async def detach_method(self, *, account: str, processor_method_id: str) -> None:
        self._step("detach_method", {"account": account, "processor_method_id": processor_method_id})

    async def charge(self, request: ChargeRequest) -> ChargeState:
        step = self._step("charge", request)
        key = (request.account, request.idempotency_key)
        if key not in self._charge_keys:
            self._made += 1
            ident = f"ch_fake_{self._made:04d}"
            self._charge_keys[key] = ident
            self.charges[ident] = ChargeState(
                processor_payment_id=ident,
                status=step.charge or ChargeStatus.SUCCEEDED,
                amount=request.amount,
                currency=request.currency,
                idempotency_key=request.idempotency_key,
                **step.changes,
            )
        state = self.charges[self._charge_keys[key]]
        if (state.amount, state.currency) != (request.amount, request.currency):
            raise InvalidRequest("This idempotency key was already used for a different charge.")
        self._answer(step, "charge")
        return state

    async def retrieve_charge(self, *, account: str, processor_payment_id: str) -> ChargeState:
        step = self._step("retrieve_charge", {"account": account, "processor_payment_id": processor_payment_id})
        if processor_payment_id not in self.charges:
            raise NotFound("charge", processor_payment_id)
        self._answer(step, "retrieve_charge")
        return self.charges[processor_payment_id]

    async def cancel_charge(self, *, account: str, processor_payment_id: str) -> ChargeState:
        step = self._step("cancel_charge", {"account": account, "processor_payment_id": processor_payment_id})
        charge = self.charges.get(processor_payment_id)
        if charge is None:
            raise NotFound("charge", processor_payment_id)
        if charge.status is ChargeStatus.PENDING:
            charge = self.move(processor_payment_id, ChargeStatus.CANCELED)
        if charge.status is not ChargeStatus.CANCELED:
            raise Conflict(f"Charge '{processor_payment_id}' is {charge.status.value}.", code="charge_not_cancelable")
        self._answer(step, "cancel_charge")
        return charge

    async def refund(self, request: RefundRequest) -> RefundState:
        step = self._step("refund", request)
        key = (request.account, request.idempotency_key)
        if key not in self._refund_keys:
            charge = self.charges.get(request.processor_payment_id)
            if charge is None:
                raise NotFound("charge", request.processor_payment_id)
            self._refusal(charge, request.amount)
            self._made += 1
            status = step.refund or RefundStatus.SUCCEEDED
            refund = RefundState(f"re_fake_{self._made:04d}", status, request.amount, **step.changes)
            if status is not RefundStatus.FAILED:
                self._refunded[charge.processor_payment_id] += request.amount
            self._refund_keys[key] = refund
            self.refunds[refund.processor_refund_id] = refund
        self._answer(step, "refund")
        return self._refund_keys[key]

    def _refusal(self, charge: ChargeState, amount: int) -> None:
        if charge.dispute is not None and charge.dispute.status in FUNDS_WITH_NETWORK:
            raise Conflict("The charge is disputed and cannot be refunded.", code="charge_disputed")
        if charge.status is not ChargeStatus.SUCCEEDED:
            raise Conflict(f"The charge is {charge.status.value}.", code="charge_not_refundable")
        left = charge.amount - self._refunded[charge.processor_payment_id]
        if amount > left:
            raise Conflict(f"Only {left} is left to refund.", code="refund_exceeds_captured", refundable=left)

    async def submit_dispute_evidence(self, *, account: str, processor_dispute_id: str, evidence: str) -> DisputeState:
        asked = {"account": account, "processor_dispute_id": processor_dispute_id, "evidence": evidence}
        step = self._step("submit_dispute_evidence", asked)
        for charge in self.charges.values():
            if charge.dispute is not None and charge.dispute.processor_dispute_id == processor_dispute_id:
                if charge.dispute.status is not DisputeStatus.NEEDS_RESPONSE:
                    refused = "Evidence is taken only while the dispute needs a response."
                    raise Conflict(refused, code="dispute_not_open")
                dispute = dataclasses.replace(charge.dispute, status=DisputeStatus.UNDER_REVIEW)
                self.move(charge.processor_payment_id, charge.status, dispute=dispute)
                self._answer(step, "submit_dispute_evidence")
                return dispute
        raise NotFound("dispute", processor_dispute_id)

    def parse_event(self, body: bytes, headers: Mapping[str, str], *, now: datetime) -> ProcessorEvent:
        try:
            return self._events[body]
        except KeyError:
            raise InvalidSignature("The fake processor never sent this event.") from None
