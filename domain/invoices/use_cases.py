"""Invoice use cases: create (draft or open), finalize, void, archive."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from domain.clock import Clock
from domain.errors import Conflict, ErrorCode, InvalidRequest
from domain.events import InvoiceArchived, InvoiceCreated, InvoiceFinalized, InvoiceVoided
from domain.invoices.model import Invoice, InvoiceLine, InvoiceStatus, format_invoice_number, lines_total
from domain.ledger import entries
from domain.ledger.balances import InvoiceBalance
from domain.money import normalize_currency
from domain.ports import UnitOfWork

MAX_NUMBER_LENGTH = 64


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


async def create_invoice(cmd: CreateInvoice, uow: UnitOfWork, *, clock: Clock) -> Invoice:
    currency = normalize_currency(cmd.currency)
    lines_total(cmd.lines)
    customer = await uow.customers.get(cmd.customer_id)
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


async def invoice_with_balance(invoice_id: str, uow: UnitOfWork) -> tuple[Invoice, InvoiceBalance]:
    invoice = await uow.invoices.get(invoice_id)
    return invoice, (await uow.ledger.balances([invoice]))[invoice.id]
