"""Invoice use cases: create (draft or open), finalize, void, archive, write off."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from domain.clock import Clock
from domain.errors import Conflict, ErrorCode, InvalidRequest, OverAllocation
from domain.events import InvoiceArchived, InvoiceCreated, InvoiceFinalized, InvoiceVoided, InvoiceWrittenOff
from domain.invoices.model import (
    PAYABLE,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    format_invoice_number,
    lines_total,
    status_for,
)
from domain.ledger import entries
from domain.ledger.balances import InvoiceBalance
from domain.money import MAX_AMOUNT, normalize_currency
from domain.ports import UnitOfWork

MAX_NUMBER_LENGTH = 64
MAX_REASON_LENGTH = 500


@dataclass(frozen=True, slots=True)
class CreateInvoice:
    customer_id: str
    currency: str
    lines: tuple[InvoiceLine, ...]
    issue_date: date | None = None
    due_date: date | None = None
    number: str | None = None
    memo: str | None = None
    draft: bool = False
    metadata: dict[str, str] | None = None


@dataclass(frozen=True, slots=True)
class FinalizeInvoice:
    invoice_id: str


@dataclass(frozen=True, slots=True)
class VoidInvoice:
    invoice_id: str


@dataclass(frozen=True, slots=True)
class ArchiveInvoice:
    invoice_id: str


@dataclass(frozen=True, slots=True)
class WriteOffInvoice:
    invoice_id: str
    reason: str
    actor: str  # who gives the debt up, for the audit log
    amount: int | None = None  # None: everything still due


async def create_invoice(cmd: CreateInvoice, uow: UnitOfWork, *, clock: Clock) -> Invoice:
    currency = normalize_currency(cmd.currency)
    lines_total(cmd.lines)
    customer = await uow.customers.hold(cmd.customer_id)  # a merge of it waits for this invoice (decision 0015)
    customer.ensure_active()
    issue_date = cmd.issue_date or clock.today()
    due_date = cmd.due_date or issue_date + timedelta(days=customer.billing_terms.days)
    number = await _choose_number(cmd.number, uow)
    invoice = Invoice(
        partner_id=uow.partner_id,
        customer_id=customer.id,
        number=number,
        currency=currency,
        issue_date=issue_date,
        due_date=due_date,
        lines=list(cmd.lines),
        memo=cmd.memo,
        metadata=dict(cmd.metadata or {}),
        created_at=clock.now(),
        status=InvoiceStatus.DRAFT,
    )
    await uow.invoices.add(invoice)
    uow.record(InvoiceCreated(invoice_id=invoice.id))
    if not cmd.draft:
        await _issue(invoice, uow, clock=clock)
    return invoice


async def _choose_number(requested: str | None, uow: UnitOfWork) -> str:
    if requested is not None:
        number = requested.strip()
        if not number or len(number) > MAX_NUMBER_LENGTH:
            raise InvalidRequest(
                f"An invoice number has 1 to {MAX_NUMBER_LENGTH} characters.",
                code=ErrorCode.INVALID_NUMBER,
                field="number",
            )
        if await uow.invoices.number_taken(number):
            raise Conflict(
                f"Invoice number '{number}' is already used.", code=ErrorCode.INVOICE_NUMBER_TAKEN, number=number
            )
        return number
    while True:
        candidate = format_invoice_number(await uow.sequences.next_invoice_sequence())
        if not await uow.invoices.number_taken(candidate):
            return candidate


async def _issue(invoice: Invoice, uow: UnitOfWork, *, clock: Clock) -> None:
    now = clock.now()
    invoice.move_to(InvoiceStatus.OPEN)
    invoice.finalized_at = now
    await uow.invoices.save(invoice)
    await uow.ledger.add(entries.invoice_issued(invoice, at=now))
    uow.record(InvoiceFinalized(invoice_id=invoice.id, total=invoice.total, currency=invoice.currency))


async def finalize_invoice(cmd: FinalizeInvoice, uow: UnitOfWork, *, clock: Clock) -> Invoice:
    invoice = await uow.invoices.lock(cmd.invoice_id)
    if invoice.status is not InvoiceStatus.DRAFT:
        raise Conflict(
            f"Invoice '{invoice.id}' is {invoice.status.value}; only drafts can be finalized.",
            code=ErrorCode.INVOICE_NOT_DRAFT,
        )
    customer = await uow.customers.get(invoice.customer_id)
    customer.ensure_active()
    await _issue(invoice, uow, clock=clock)
    return invoice


async def void_invoice(cmd: VoidInvoice, uow: UnitOfWork, *, clock: Clock) -> Invoice:
    """Void an unpaid invoice: a reversing entry takes its receivable off the books."""
    invoice = await uow.invoices.lock(cmd.invoice_id)
    if invoice.status is InvoiceStatus.VOID:
        return invoice  # voiding twice changes nothing and announces nothing
    now = clock.now()
    if invoice.status in (InvoiceStatus.OPEN, InvoiceStatus.PARTIALLY_PAID):
        balance = (await uow.ledger.balances([invoice]))[invoice.id]
        if balance.amount_paid or balance.amount_pending:
            raise Conflict(
                f"Invoice '{invoice.id}' has payments applied; reverse them before voiding it.",
                code=ErrorCode.INVOICE_HAS_PAYMENTS,
            )
        await uow.ledger.add(entries.invoice_voided(invoice, balance.amount_due, at=now))
    invoice.move_to(InvoiceStatus.VOID)
    invoice.voided_at = now
    await uow.invoices.save(invoice)
    uow.record(InvoiceVoided(invoice_id=invoice.id))
    return invoice


async def archive_invoice(cmd: ArchiveInvoice, uow: UnitOfWork, *, clock: Clock) -> Invoice:
    """Hide a settled, voided or abandoned-draft invoice from default views."""
    invoice = await uow.invoices.lock(cmd.invoice_id)
    if invoice.status is InvoiceStatus.ARCHIVED:
        return invoice
    if invoice.status in (InvoiceStatus.OPEN, InvoiceStatus.PARTIALLY_PAID):
        raise Conflict(
            f"Invoice '{invoice.id}' still has money due; void it or collect it before archiving.",
            code=ErrorCode.INVOICE_HAS_BALANCE,
        )
    invoice.move_to(InvoiceStatus.ARCHIVED)
    invoice.archived_at = clock.now()
    await uow.invoices.save(invoice)
    uow.record(InvoiceArchived(invoice_id=invoice.id))
    return invoice


async def write_off_invoice(cmd: WriteOffInvoice, uow: UnitOfWork, *, clock: Clock) -> Invoice:
    """Give up part or all of what is still due as bad debt. The invoice row is locked before its figures are
    read, so two write-offs (or a write-off and a payment) racing never take more than is due."""
    reason = cmd.reason.strip()
    if not reason or len(reason) > MAX_REASON_LENGTH:
        raise InvalidRequest(
            f"A write-off needs a reason of 1 to {MAX_REASON_LENGTH} characters.",
            code=ErrorCode.MISSING_FIELD if not reason else ErrorCode.INVALID_REQUEST,
            field="reason",
        )
    if cmd.amount is not None and (
        isinstance(cmd.amount, bool) or not isinstance(cmd.amount, int) or not 0 < cmd.amount <= MAX_AMOUNT
    ):
        raise InvalidRequest(
            "A write-off amount is a positive integer in minor units.", code=ErrorCode.INVALID_AMOUNT, field="amount"
        )
    invoice = await uow.invoices.lock(cmd.invoice_id)
    if invoice.status not in PAYABLE:
        raise Conflict(
            f"Invoice '{invoice.id}' is {invoice.status.value}; only open or partially paid invoices can be "
            "written off.",
            code=ErrorCode.INVOICE_NOT_PAYABLE,
        )
    balance = (await uow.ledger.balances([invoice]))[invoice.id]
    if balance.amount_due <= 0:
        raise Conflict(f"Nothing is due on invoice '{invoice.id}'.", code=ErrorCode.NOTHING_DUE)
    amount = balance.amount_due if cmd.amount is None else cmd.amount
    if amount > balance.amount_due:
        raise OverAllocation(invoice.id, amount, balance.amount_due, invoice.currency)
    await uow.ledger.add(entries.invoice_written_off(invoice, amount, at=clock.now()))
    after = replace(
        balance, amount_due=balance.amount_due - amount, amount_written_off=balance.amount_written_off + amount
    )
    target = status_for(after)
    if target is not invoice.status:
        invoice.move_to(target)
        await uow.invoices.save(invoice)
    uow.record(
        InvoiceWrittenOff(invoice_id=invoice.id, amount=amount, currency=invoice.currency, amount_due=after.amount_due)
    )
    await uow.audit(
        actor=cmd.actor,
        action="invoice.written_off",
        subject=invoice.id,
        details={
            "amount": amount,
            "currency": invoice.currency,
            "amount_due_before": balance.amount_due,
            "amount_due_after": after.amount_due,
            "reason": reason,
        },
    )
    return invoice


async def invoice_with_balance(invoice_id: str, uow: UnitOfWork) -> tuple[Invoice, InvoiceBalance]:
    invoice = await uow.invoices.get(invoice_id)
    return invoice, (await uow.ledger.balances([invoice]))[invoice.id]
