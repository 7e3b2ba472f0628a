"""Attaching, listing, removing and choosing the default of a customer's saved methods."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from domain.clock import Clock
from domain.errors import Conflict, ErrorCode, InvalidRequest
from domain.events import PaymentMethodAttached, PaymentMethodDefaultChanged, PaymentMethodDetached
from domain.pagination import PageRequest
from domain.payment_methods.model import MANDATE_LANGUAGES, MANDATE_TEXTS, Mandate, PaymentMethod
from domain.payments.model import BANK_DEBITS
from domain.ports import Checkpoint, CheckpointReason, PaymentProcessor, PaymentQuery, UnitOfWork


@dataclass(frozen=True, slots=True)
class AttachMethod:
    customer_id: str
    token: str
    make_default: bool = False
    # Bank debits need the customer's authorization: where and how it was given.
    mandate_ip: str | None = None
    mandate_user_agent: str | None = None
    mandate_language: str = "en"  # the language of the authorization text shown (MANDATE_LANGUAGES)
    one_off: bool = False  # a guest's method for one payment: never the default, never used by auto-pay


async def attach_method(
    cmd: AttachMethod, uow: UnitOfWork, *, processor: PaymentProcessor, clock: Clock, checkpoint: Checkpoint
) -> PaymentMethod:
    """Exchange a single-use token for a saved method."""
    customer = await uow.customers.hold(cmd.customer_id)
    customer.ensure_active()
    existing = await uow.payment_methods.for_customer(customer.id)
    await checkpoint(CheckpointReason.CALLING_PROCESSOR)  # the processor keeps its own books
    if await processor.token_type(token=cmd.token) in BANK_DEBITS and not cmd.mandate_ip:
        raise InvalidRequest(  # refused before the single-use token is spent, so a corrected retry works
            "Bank debits need the customer's authorization: send mandate.ip_address (and user_agent).",
            code=ErrorCode.MANDATE_REQUIRED,
            field="mandate",
        )
    details = await processor.attach_method(account=uow.partner_id, token=cmd.token, customer_id=customer.id)
    # The checkpoint ended the transaction: hold the customer again so a merge waits for this method. One that
    # committed during the processor call took the customer's methods to the survivor; this one follows them.
    customer = await uow.customers.hold(customer.id)
    if customer.merged_into is not None:
        customer = await uow.customers.hold(customer.merged_into)
        existing = await uow.payment_methods.for_customer(customer.id)
    customer.ensure_active()
    now = clock.now()
    method = PaymentMethod.from_details(
        details, partner_id=uow.partner_id, customer_id=customer.id, processor=processor.name, at=now
    )
    if method.is_bank_debit and cmd.mandate_ip:
        version, _ = MANDATE_TEXTS[method.type]
        language = cmd.mandate_language if cmd.mandate_language in MANDATE_LANGUAGES else "en"
        method.mandate = Mandate(version, now, cmd.mandate_ip, cmd.mandate_user_agent, language=language)
    if cmd.one_off:
        method.one_off = True
    elif cmd.make_default or not existing:
        await uow.payment_methods.clear_default(customer.id)
        method.is_default = True
    await uow.payment_methods.add(method)
    uow.record(PaymentMethodAttached(payment_method_id=method.id, customer_id=customer.id))
    return method


@dataclass(frozen=True, slots=True)
class DetachMethod:
    payment_method_id: str


async def detach_method(
    cmd: DetachMethod,
    uow: UnitOfWork,
    *,
    processors: Mapping[str, PaymentProcessor],
    clock: Clock,
    checkpoint: Checkpoint,
) -> PaymentMethod:
    method = await uow.payment_methods.get(cmd.payment_method_id)
    if not method.usable:
        return method
    in_flight = await uow.payments.list(PaymentQuery(payment_method_id=method.id, in_flight=True), PageRequest(limit=1))
    if in_flight.items:
        raise Conflict(
            "A payment on this method is still in flight; remove it once it settles.", code=ErrorCode.METHOD_IN_USE
        )
    method.detached_at = clock.now()
    method.is_default = False
    await uow.payment_methods.save(method)
    uow.record(PaymentMethodDetached(payment_method_id=method.id, customer_id=method.customer_id))
    await checkpoint(CheckpointReason.CALLING_PROCESSOR)
    await processors[method.processor].detach_method(
        account=uow.partner_id, processor_method_id=method.processor_method_id
    )
    return method


@dataclass(frozen=True, slots=True)
class MakeDefault:
    payment_method_id: str


async def make_default(cmd: MakeDefault, uow: UnitOfWork) -> PaymentMethod:
    method = await uow.payment_methods.get(cmd.payment_method_id)
    if not method.usable:
        raise Conflict("This payment method was removed.", code=ErrorCode.PAYMENT_METHOD_DETACHED)
    if not method.is_default:
        await uow.payment_methods.clear_default(method.customer_id)
        method.is_default = True
        await uow.payment_methods.save(method)
        uow.record(PaymentMethodDefaultChanged(payment_method_id=method.id, customer_id=method.customer_id))
    return method
