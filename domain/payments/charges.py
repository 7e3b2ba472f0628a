"""Charging a saved card or bank account for one or more invoices: `quote_payment`, and `pay_invoices` (or
`retry_payment`), the whole two-phase payment every route and job runs.

Exactly once: `start_payment` stores the payment and reserves its allocations (receivable → pending), and
`submit_payment` makes them durable through the checkpoint before the processor is called, with a key derived from
the payment id. Whatever happens next (an answer, a timeout, a crash), `apply_charge_state` or the recovery job
converges on the processor's state, and the processor's idempotency makes a repeated call return the first charge.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from domain.clock import Clock
from domain.customers.model import Customer
from domain.errors import Conflict, DomainError, ErrorCode, InvalidRequest, NotFound
from domain.events import PaymentProcessing
from domain.invoices.model import Invoice
from domain.ledger import entries
from domain.ledger.balances import InvoiceBalance
from domain.pagination import PageRequest
from domain.payment_methods.model import PaymentMethod
from domain.payments.allocation import Owed, allocate_oldest_first
from domain.payments.common import check_payable, check_within_due, common_currency, restate
from domain.payments.fees import FeeContext, card_fee
from domain.payments.model import DEBIT_CURRENCY, Allocation, Payment, PaymentStatus
from domain.payments.outcomes import ApplyChargeState, apply_charge_state
from domain.payments.processing import ChargeRequest, ProcessorUnavailable
from domain.payments.recovery import RefreshPayment, refresh_payment
from domain.payments.settings import PaymentSettings
from domain.ports import Checkpoint, CheckpointReason, InvoiceQuery, PaymentProcessor, UnitOfWork

MAX_LUMP_SUM_INVOICES = 100


@dataclass(frozen=True, slots=True)
class PayInvoices:
    """Either explicit `allocations`, or an `amount` spread oldest-due first over `invoice_ids` (or over all of
    the customer's open invoices when none are named)."""

    customer_id: str
    payment_method_id: str
    allocations: tuple[Allocation, ...] = ()
    amount: int | None = None
    invoice_ids: tuple[str, ...] = ()
    currency: str | None = None
    receipt_email: str | None = None
    # The payer's own payment (portal, pay link): a method given for one payment only goes once charged or
    # declined, and, when it was given in this very request (`fresh_method`), also if the payment is refused.
    forget_one_off: bool = False
    fresh_method: bool = False


@dataclass(frozen=True, slots=True)
class Quote:
    customer_id: str
    currency: str
    allocations: list[Allocation]
    subtotal: int
    fee: int
    total: int
    method: PaymentMethod


@dataclass(frozen=True, slots=True)
class Started:
    payment: Payment
    method: PaymentMethod


async def _usable_method(cmd: PayInvoices, uow: UnitOfWork, settings: PaymentSettings, clock: Clock) -> PaymentMethod:
    method = await uow.payment_methods.get(cmd.payment_method_id)
    if method.customer_id != cmd.customer_id:
        raise NotFound("payment method", cmd.payment_method_id)
    if not method.usable:
        raise Conflict("This payment method was removed.", code=ErrorCode.PAYMENT_METHOD_DETACHED)
    today = clock.today()
    if method.expired(today.year, today.month):
        raise InvalidRequest(
            "This card has expired; add a new one.", code=ErrorCode.CARD_EXPIRED, field="payment_method_id"
        )
    if not settings.allows(method.type):
        raise Conflict(
            f"{method.type.value} payments are not enabled for this partner.", code=ErrorCode.METHOD_NOT_ENABLED
        )
    return method


async def _allocations(cmd: PayInvoices, uow: UnitOfWork) -> tuple[Allocation, ...]:
    if cmd.allocations and cmd.amount is not None:
        raise InvalidRequest(
            "Send either allocations or an amount, not both.", code=ErrorCode.INVALID_REQUEST, field="amount"
        )
    if cmd.allocations:
        return cmd.allocations
    if cmd.amount is None:
        raise InvalidRequest("Send allocations or an amount.", code=ErrorCode.NO_ALLOCATIONS, field="allocations")
    if cmd.invoice_ids:
        invoices = await uow.invoices.get_many(sorted(set(cmd.invoice_ids)))
        await check_payable(invoices, cmd.customer_id, uow)
    else:
        await uow.customers.get(cmd.customer_id)
        page = await uow.invoices.list(
            InvoiceQuery(customer_id=cmd.customer_id, payable=True), PageRequest(limit=MAX_LUMP_SUM_INVOICES)
        )
        invoices = page.items
    if not invoices:
        raise Conflict("This customer has no open invoices.", code=ErrorCode.NOTHING_DUE)
    common_currency(invoices, cmd.currency)
    balances = await uow.ledger.balances(invoices)
    owed = [Owed(i.id, i.due_date, balances[i.id].amount_due) for i in invoices]
    return tuple(allocate_oldest_first(cmd.amount, owed))


def _check_method_currency(method: PaymentMethod, currency: str) -> None:
    required = DEBIT_CURRENCY.get(method.type)
    if required and required != currency:
        raise InvalidRequest(
            f"{method.type.value} debits are in {required}; these invoices are in {currency}.",
            code=ErrorCode.CURRENCY_NOT_SUPPORTED,
            field="payment_method_id",
        )


def _check_partial(
    settings: PaymentSettings, allocations: Sequence[Allocation], balances: dict[str, InvoiceBalance]
) -> None:
    if settings.partial_payments:
        return
    for a in allocations:
        if a.amount != balances[a.invoice_id].amount_due:
            raise Conflict(
                "This partner takes invoices paid in full only.",
                code=ErrorCode.PARTIAL_PAYMENTS_DISABLED,
                invoice_id=a.invoice_id,
            )


def _fee(subtotal: int, method: PaymentMethod, customer: Customer, settings: PaymentSettings) -> int:
    ctx = FeeContext(method.type, method.brand, method.funding, customer.card_fee_exempt)
    return card_fee(subtotal, ctx, settings)


@dataclass(frozen=True, slots=True)
class _Priced:
    """A charge checked against the method, the partner's settings and the invoices, with its fee."""

    method: PaymentMethod
    customer: Customer
    allocations: tuple[Allocation, ...]
    invoices: list[Invoice]
    currency: str
    balances: dict[str, InvoiceBalance]
    fee: int

    @property
    def subtotal(self) -> int:
        return sum(a.amount for a in self.allocations)


async def _price(cmd: PayInvoices, uow: UnitOfWork, *, clock: Clock, lock: bool) -> _Priced:
    settings = await uow.payment_settings.get()
    method = await _usable_method(cmd, uow, settings, clock)
    allocations = await _allocations(cmd, uow)
    ids = sorted({a.invoice_id for a in allocations})
    # Locks are taken in id order so two payments over the same invoices cannot deadlock.
    invoices = await (uow.invoices.lock_many(ids) if lock else uow.invoices.get_many(ids))
    await check_payable(invoices, cmd.customer_id, uow)
    currency = common_currency(invoices, cmd.currency)
    balances = await uow.ledger.balances(invoices)
    check_within_due(allocations, balances, currency)
    _check_method_currency(method, currency)
    _check_partial(settings, allocations, balances)
    customer = await uow.customers.get(cmd.customer_id)
    fee = _fee(sum(a.amount for a in allocations), method, customer, settings)
    return _Priced(method, customer, allocations, invoices, currency, balances, fee)


async def quote_payment(cmd: PayInvoices, uow: UnitOfWork, *, clock: Clock) -> Quote:
    """What `start_payment` would charge, without charging or locking anything."""
    p = await _price(cmd, uow, clock=clock, lock=False)
    return Quote(cmd.customer_id, p.currency, list(p.allocations), p.subtotal, p.fee, p.subtotal + p.fee, p.method)


async def start_payment(cmd: PayInvoices, uow: UnitOfWork, *, clock: Clock) -> Started:
    """Store the payment as processing and reserve its allocations; `submit_payment` makes them durable."""
    return await _start(cmd, uow, clock, retry_of=None)


async def _start(cmd: PayInvoices, uow: UnitOfWork, clock: Clock, *, retry_of: Payment | None) -> Started:
    p = await _price(cmd, uow, clock=clock, lock=True)
    p.customer.ensure_active()
    now = clock.now()
    payment = Payment(
        partner_id=uow.partner_id,
        customer_id=cmd.customer_id,
        method=p.method.type,
        currency=p.currency,
        allocations=list(p.allocations),
        fee=p.fee,
        status=PaymentStatus.PROCESSING,
        payment_method_id=p.method.id,
        processor=p.method.processor,
        received_on=clock.today(),
        created_at=now,
        updated_at=now,
        retry_of=(retry_of.retry_of or retry_of.id) if retry_of else None,
        attempt=retry_of.attempt + 1 if retry_of else 1,
        receipt_email=cmd.receipt_email or (retry_of.receipt_email if retry_of else None),
    )
    await uow.payments.add(payment)
    await uow.ledger.add(entries.payment_pending(payment, at=now))
    uow.record(PaymentProcessing.of(payment))
    pending = {a.invoice_id: a.amount for a in payment.allocations}
    await restate(p.invoices, uow, {i: b.reserving(pending[i]) for i, b in p.balances.items()})
    return Started(payment, p.method)


async def submit_payment(
    started: Started,
    uow: UnitOfWork,
    *,
    processors: Mapping[str, PaymentProcessor],
    clock: Clock,
    checkpoint: Checkpoint,
) -> Payment:
    """Make the started payment durable, call the processor, then record its answer.

    When the processor cannot be reached the payment stays processing; the recovery job settles it."""
    payment, method = started.payment, started.method
    await checkpoint(CheckpointReason.CALLING_PROCESSOR, payment.id)
    try:
        state = await processors[method.processor].charge(ChargeRequest.of(payment, method.processor_method_id))
    except ProcessorUnavailable:
        return payment
    return await apply_charge_state(ApplyChargeState(payment.id, state), uow, clock=clock)


async def pay_invoices(
    cmd: PayInvoices | RefreshPayment,
    uow: UnitOfWork,
    *,
    processors: Mapping[str, PaymentProcessor],
    clock: Clock,
    checkpoint: Checkpoint,
) -> Payment:
    """The whole two-phase payment: start (or, for the payment an earlier attempt of the same request left in
    flight, refresh it), make it durable, call the processor, converge on its answer."""
    if isinstance(cmd, RefreshPayment):
        return await refresh_payment(cmd, uow, processors=processors, clock=clock, checkpoint=checkpoint)
    try:
        started = await start_payment(cmd, uow, clock=clock)
    except DomainError:
        if cmd.forget_one_off and cmd.fresh_method:
            await _forget_refused_method(cmd.payment_method_id, uow, clock=clock, checkpoint=checkpoint)
        raise
    payment = await submit_payment(started, uow, processors=processors, clock=clock, checkpoint=checkpoint)
    if cmd.forget_one_off and started.method.one_off:  # charged or declined, it goes
        method = await uow.payment_methods.get(started.method.id)
        method.forget(clock.now())
        await uow.payment_methods.save(method)
    return payment


async def _forget_refused_method(method_id: str, uow: UnitOfWork, *, clock: Clock, checkpoint: Checkpoint) -> None:
    """A one-off method given in the very request whose payment was refused before any charge goes too. The
    refused start's writes are dropped first; a method stored only in this transaction goes with them."""
    await checkpoint.discard(CheckpointReason.REFUSED_START)
    try:
        method = await uow.payment_methods.get(method_id)
    except NotFound:
        return
    if method.one_off and method.usable:
        method.forget(clock.now())
        await uow.payment_methods.save(method)
        await checkpoint(CheckpointReason.FORGETTING_METHOD)


@dataclass(frozen=True, slots=True)
class RetryPayment:
    """Present a returned debit again (R01/R09 only, at most twice) as a new payment linked to the first."""

    payment_id: str


async def start_retry(cmd: RetryPayment, uow: UnitOfWork, *, clock: Clock) -> Started:
    original = await uow.payments.get(cmd.payment_id)
    if not original.retryable():
        raise Conflict(
            "Only a debit returned for insufficient or uncollected funds (R01, R09) may be retried, at most twice.",
            code=ErrorCode.PAYMENT_NOT_RETRYABLE,
        )
    if original.payment_method_id is None:
        raise Conflict("This payment has no saved method to retry.", code=ErrorCode.PAYMENT_NOT_RETRYABLE)
    again = PayInvoices(
        customer_id=original.customer_id,
        payment_method_id=original.payment_method_id,
        allocations=tuple(original.allocations),
        currency=original.currency,
    )
    return await _start(again, uow, clock, retry_of=original)


async def retry_payment(
    cmd: RetryPayment | RefreshPayment,
    uow: UnitOfWork,
    *,
    processors: Mapping[str, PaymentProcessor],
    clock: Clock,
    checkpoint: Checkpoint,
) -> Payment:
    """The two-phase payment for a retry: start it (or refresh the one an earlier attempt of the same request left
    in flight), make it durable, call the processor, converge."""
    if isinstance(cmd, RefreshPayment):
        return await refresh_payment(cmd, uow, processors=processors, clock=clock, checkpoint=checkpoint)
    started = await start_retry(cmd, uow, clock=clock)
    return await submit_payment(started, uow, processors=processors, clock=clock, checkpoint=checkpoint)
