"""Inbound processor events: verified, kept once in the inbox by (processor, event id), applied once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from domain.clock import Clock
from domain.errors import NotFound
from domain.payments.outcomes import ApplyChargeState, apply_charge_state
from domain.payments.processing import ProcessorEvent
from domain.ports import InboxUnitOfWork, PaymentProcessor


@dataclass(frozen=True, slots=True)
class ReceiveEvent:
    """A webhook as it arrived: which processor's endpoint, the raw body and the headers carrying its signature."""

    processor: str
    body: bytes
    headers: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Received:
    event_id: str
    type: str
    duplicate: bool
    outcome: str


def payment_id_from_key(key: str | None) -> str | None:
    """Our processor idempotency keys are `remit-<payment id>`: an event that beats our own answer still finds
    its payment."""
    if key and key.startswith("remit-pay_"):
        return key.removeprefix("remit-")
    return None


async def receive_event(
    cmd: ReceiveEvent, uow: InboxUnitOfWork, *, processors: Mapping[str, PaymentProcessor], clock: Clock
) -> Received:
    """Verify (raises InvalidSignature), store, apply. The caller commits the one transaction."""
    processor_name = cmd.processor
    event = processors[processor_name].parse_event(cmd.body, cmd.headers, now=clock.now())
    if not await uow.inbox.claim(processor_name, event, at=clock.now()):
        return Received(event.id, event.type, duplicate=True, outcome="duplicate")
    outcome = await _apply(processor_name, event, uow, clock)
    await uow.inbox.mark(processor_name, event.id, outcome, at=clock.now())
    return Received(event.id, event.type, duplicate=False, outcome=outcome)


async def _apply(processor_name: str, event: ProcessorEvent, uow: InboxUnitOfWork, clock: Clock) -> str:
    if event.charge is None:
        return "ignored: not about a charge"
    partner = await uow.partners.find_by_id(event.account)
    if partner is None:
        return "ignored: unknown account"
    scoped = uow.scope_to(partner.id)
    payment = await scoped.payments.by_processor_id(processor_name, event.charge.processor_payment_id)
    payment_id = payment.id if payment else payment_id_from_key(event.charge.idempotency_key)
    if payment_id is None:
        return "ignored: no matching payment"
    try:
        updated = await apply_charge_state(ApplyChargeState(payment_id, event.charge), scoped, clock=clock)
    except NotFound:
        return "ignored: no matching payment"
    return f"applied: {updated.id} {updated.status.value}"
