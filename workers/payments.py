"""Payments and refunds left in flight: the sweep that finds them, and one refresh each that asks the processor."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from domain.payments import recovery
from domain.refunds import use_cases as refunding
from workers.context import JobContext
from workers.fan_out import fan_out

# A payment younger than this may still be waiting for its processor's answer in the request that made it.
IN_FLIGHT_GRACE = timedelta(minutes=2)


async def sweep_in_flight(ctx: JobContext, *, grace_seconds: float | None = None) -> int:
    """Fan out one refresh per payment or refund still in flight (lost answers, crashes, debits awaiting
    settlement when a webhook went missing). Exactly-once lives in the use cases, so a repeat is harmless."""
    grace = IN_FLIGHT_GRACE if grace_seconds is None else timedelta(seconds=grace_seconds)
    cutoff = ctx.container.clock.now() - grace
    payments = await fan_out(
        ctx,
        lambda uow, after: uow.sweeps.in_flight_payments(started_before=cutoff, after_id=after),
        "payments.refresh",
    )
    refunds = await fan_out(
        ctx,
        lambda uow, after: uow.sweeps.pending_refunds(started_before=cutoff, after_id=after),
        "refunds.refresh",
    )
    return payments + refunds


async def _refresh(ctx: JobContext, partner_id: str, cmd: Any, use_case: Callable[..., Awaitable[Any]]) -> str:
    """One in-flight payment or refund, in its own unit of work scoped to its partner; returns its status."""
    container = ctx.container
    async with container.uow() as uow:
        resolved = await use_case(
            cmd,
            uow.scope_to(partner_id),
            processors=container.processors,
            clock=container.clock,
            checkpoint=uow.checkpoint,
        )
        await uow.commit()
    return str(resolved.status.value)


async def refresh_payment(ctx: JobContext, *, partner_id: str, ident: str) -> str:
    return await _refresh(ctx, partner_id, recovery.RefreshPayment(ident), recovery.refresh_payment)


async def refresh_refund(ctx: JobContext, *, partner_id: str, ident: str) -> str:
    return await _refresh(ctx, partner_id, refunding.RefreshRefund(ident), refunding.refresh_refund)
