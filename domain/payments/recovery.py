"""Resolving payments left in flight: their processor's answer never reached us (refunds: domain/refunds)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from domain.clock import Clock
from domain.payments.model import IN_FLIGHT, Payment
from domain.payments.outcomes import ApplyChargeState, apply_charge_state
from domain.payments.processing import ChargeRequest, ChargeState, ProcessorUnavailable
from domain.ports import Checkpoint, CheckpointReason, PaymentProcessor, UnitOfWork


@dataclass(frozen=True, slots=True)
class RefreshPayment:
    """A payment in flight: one the recovery job found, or one an earlier attempt of the same request left."""

    payment_id: str


async def refresh_payment(
    cmd: RefreshPayment,
    uow: UnitOfWork,
    *,
    processors: Mapping[str, PaymentProcessor],
    clock: Clock,
    checkpoint: Checkpoint,
) -> Payment:
    """Ask the processor where an in-flight payment stands and converge on it.

    Without a processor id the first answer was lost: charging again with the same idempotency key returns
    the charge the processor already made (or makes it, if the first call never arrived)."""
    payment = await uow.payments.get(cmd.payment_id)
    if payment.status not in IN_FLIGHT or payment.processor is None:
        return payment
    processor = processors[payment.processor]
    request = None
    if payment.processor_payment_id is None and payment.payment_method_id is not None:
        method = await uow.payment_methods.get(payment.payment_method_id)
        request = ChargeRequest.of(payment, method.processor_method_id)
    await checkpoint(CheckpointReason.CALLING_PROCESSOR, payment.id)
    try:
        state: ChargeState
        if payment.processor_payment_id is not None:
            state = await processor.retrieve_charge(
                account=payment.partner_id, processor_payment_id=payment.processor_payment_id
            )
        elif request is not None:
            state = await processor.charge(request)
        else:
            return payment
    except ProcessorUnavailable:
        return payment
    return await apply_charge_state(ApplyChargeState(payment.id, state), uow, clock=clock)
