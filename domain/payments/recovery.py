"""Resolving what is left in flight: payments and refunds whose processor answer never reached us."""

from __future__ import annotations

from collections.abc import Mapping

from domain.clock import Clock
from domain.payments.charges import charge_request
from domain.payments.model import IN_FLIGHT, Payment
from domain.payments.outcomes import apply_charge_state
from domain.payments.processing import ChargeState, ProcessorUnavailable
from domain.ports import PaymentProcessor, UnitOfWork
from domain.refunds.model import Refund
from domain.refunds.use_cases import submit_refund


async def refresh_payment(
    payment_id: str, uow: UnitOfWork, *, processors: Mapping[str, PaymentProcessor], clock: Clock
) -> Payment:
    """Ask the processor where an in-flight payment stands and converge on it.

    Without a processor id the first answer was lost: charging again with the same idempotency key returns
    the charge the processor already made (or makes it, if the first call never arrived)."""
    payment = await uow.payments.get(payment_id)
    if payment.status not in IN_FLIGHT or payment.processor is None:
        return payment
    processor = processors[payment.processor]
    request = None
    if payment.processor_payment_id is None and payment.payment_method_id is not None:
        request = charge_request(payment, await uow.payment_methods.get(payment.payment_method_id))
    await uow.commit()  # never hold a transaction across the call
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
    return await apply_charge_state(payment.id, state, uow, clock=clock)


async def refresh_refund(
    refund_id: str, uow: UnitOfWork, *, processors: Mapping[str, PaymentProcessor], clock: Clock
) -> Refund:
    refund = await uow.refunds.get(refund_id)
    return await submit_refund(refund, uow, processors=processors, clock=clock)
