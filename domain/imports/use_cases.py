"""Import use cases: take a file (checked whole, stored), then judge and apply it row by row through the same
customer and invoice use cases as the API, in batches; a dry run judges the same way and undoes every row."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

from domain.clock import Clock
from domain.customers.model import BillingTerms
from domain.customers.use_cases import CreateCustomer, UpdateCustomer, create_customer, update_customer
from domain.errors import DomainError, ErrorCode, NotFound
from domain.imports.csv_file import Columns, Record, Table, read_table
from domain.imports.model import (
    BATCH_ROWS,
    STALE_AFTER_SECONDS,
    FieldError,
    Import,
    ImportKind,
    RowOutcome,
    RowResult,
)
from domain.imports.ports import ImportUnitOfWork
from domain.imports.rows import (
    CUSTOMER_COLUMNS,
    INVOICE_COLUMNS,
    CustomerFields,
    InvoiceFields,
    InvoiceGroup,
    RowErrors,
    errors_of,
    invoice_groups,
    parse_customer,
    parse_invoice,
    repeated_keys,
)
from domain.invoices.model import Invoice
from domain.invoices.use_cases import CreateInvoice, create_invoice
from domain.ports import Checkpoint, CheckpointReason

COLUMNS: dict[ImportKind, Columns] = {ImportKind.CUSTOMERS: CUSTOMER_COLUMNS, ImportKind.INVOICES: INVOICE_COLUMNS}


@dataclass(frozen=True, slots=True)
class StartImport:
    kind: ImportKind
    data: bytes
    dry_run: bool
    actor: str
    filename: str | None = None


@dataclass(frozen=True, slots=True)
class RunImport:
    import_id: str


async def start_import(cmd: StartImport, uow: ImportUnitOfWork, *, clock: Clock) -> Import:
    """Check the whole file (encoding, header, that it parses) and store it to be run; InvalidRequest otherwise."""
    table = read_table(cmd.data, COLUMNS[cmd.kind])
    imported = Import(
        partner_id=uow.partner_id,
        kind=cmd.kind,
        dry_run=cmd.dry_run,
        total_rows=table.total_rows,
        actor=cmd.actor,
        filename=cmd.filename,
        created_at=clock.now(),
    )
    await uow.imports.add(imported, table.text)
    return imported


async def run_import(
    cmd: RunImport,
    uow: ImportUnitOfWork,
    *,
    clock: Clock,
    checkpoint: Checkpoint | None = None,
    budget_seconds: float | None = None,
) -> Import:
    """Judge every row not judged yet and record the results, a batch at a time (`checkpoint` commits each batch:
    a job taken over after a crash goes on where it stopped). Rows with errors are reported and not applied;
    the others are applied. Running it again, or while another runner has it, changes nothing.

    With a budget, it stops after the batch that goes past it and returns the import still `running`, for the
    caller to run again (a job stays well inside the queue's time limit however large the file)."""
    started = time.monotonic()
    now = clock.now()
    imported = await uow.imports.claim(cmd.import_id, at=now, stale_before=now - timedelta(seconds=STALE_AFTER_SECONDS))
    if imported is None:
        return await uow.imports.get(cmd.import_id)
    table = read_table((await uow.imports.content(imported.id)).encode("utf-8"), COLUMNS[imported.kind])
    judged = await uow.imports.judged_rows(imported.id)
    batch: list[RowResult] = []
    async for results in _judge(imported, table, judged, uow, clock):
        batch += results
        if len(batch) >= BATCH_ROWS:
            await _record(imported, batch, uow, clock)
            batch = []
            if checkpoint is not None:
                await checkpoint(CheckpointReason.RECORDING_PROGRESS)
            if budget_seconds is not None and time.monotonic() - started > budget_seconds:
                return imported
    await _record(imported, batch, uow, clock)
    imported.finish(clock.now())
    await uow.imports.save(imported)
    if not imported.dry_run:
        counts = imported.counts
        await uow.audit(
            actor=imported.actor,
            action="import.applied",
            subject=imported.id,
            details={
                "kind": imported.kind.value,
                "rows": imported.total_rows,
                "created": counts.created,
                "updated": counts.updated,
                "unchanged": counts.unchanged,
                "failed": counts.failed,
            },
        )
    return imported


async def _record(imported: Import, results: list[RowResult], uow: ImportUnitOfWork, clock: Clock) -> None:
    if results:
        await uow.imports.add_results(imported.id, results)
        imported.record(results)
    imported.heartbeat_at = clock.now()
    await uow.imports.save(imported)


def _judge(
    imported: Import, table: Table, judged: set[int], uow: ImportUnitOfWork, clock: Clock
) -> AsyncIterator[list[RowResult]]:
    if imported.kind is ImportKind.CUSTOMERS:
        return _judge_customers(imported, table, judged, uow, clock)
    return _judge_invoices(imported, table, judged, uow, clock)


# Customers: one row each, matched by external_id.


async def _judge_customers(
    imported: Import, table: Table, judged: set[int], uow: ImportUnitOfWork, clock: Clock
) -> AsyncIterator[list[RowResult]]:
    repeated = repeated_keys(r.cells.get("external_id", "").strip() for r in table.records())
    for record in table.records():
        if record.row not in judged:
            yield [await _customer_row(record, repeated, imported.dry_run, uow, clock)]


async def _customer_row(
    record: Record, repeated: set[str], dry_run: bool, uow: ImportUnitOfWork, clock: Clock
) -> RowResult:
    key = record.cells.get("external_id", "").strip() or None
    try:
        fields = parse_customer(record)
        if fields.external_id in repeated:
            message = f"external_id '{fields.external_id}' is on more than one row of the file."
            raise RowErrors([FieldError(record.row, "external_id", ErrorCode.DUPLICATE_KEY, message)])
        outcome, customer_id = await _apply_customer(fields, uow, clock, dry_run=dry_run)
    except RowErrors as exc:
        return RowResult(record.row, RowOutcome.FAILED, key=key, errors=tuple(exc.errors))
    except DomainError as exc:
        errors = errors_of(exc, [record.row], getattr(exc, "field", None) or exc.context.get("field"))
        return RowResult(record.row, RowOutcome.FAILED, key=key, errors=tuple(errors))
    made_up = dry_run and outcome is RowOutcome.CREATED  # its id was undone with it
    return RowResult(record.row, outcome, key=key, resource_id=None if made_up else customer_id)


async def _apply_customer(
    fields: CustomerFields, uow: ImportUnitOfWork, clock: Clock, *, dry_run: bool
) -> tuple[RowOutcome, str]:
    found = await uow.imports.customer_by_external_id(fields.external_id)
    customer = None if found is None else await uow.customers.get(found)
    changes: dict[str, object] = {}
    if customer is not None:
        wanted: dict[str, object] = {
            "name": fields.name,
            "email": fields.email,
            "language": fields.language,
            "billing_terms": fields.billing_terms,
            "metadata": {**customer.metadata, **fields.metadata},
        }
        changes = {n: v for n, v in wanted.items() if v is not None and v != getattr(customer, n)}
        if not changes:
            return RowOutcome.UNCHANGED, customer.id
    # Only writes need a savepoint: a row refused midway, or a dry run's, undoes its own and nothing else.
    async with uow.savepoint() as savepoint:
        if customer is None:
            created = await create_customer(
                CreateCustomer(
                    name=fields.name,
                    email=fields.email,
                    billing_terms=fields.billing_terms or BillingTerms.NET_30,
                    metadata=fields.metadata,
                    language=fields.language or "en",
                ),
                uow,
                clock=clock,
            )
            await uow.imports.set_external_id(created.id, fields.external_id)
            outcome, ident = RowOutcome.CREATED, created.id
        else:
            await update_customer(UpdateCustomer(customer_id=customer.id, changes=changes), uow, clock=clock)
            outcome, ident = RowOutcome.UPDATED, customer.id
        if dry_run:
            savepoint.discard()
    return outcome, ident


# Invoices: consecutive rows with the same number, one per line, matched by number.


async def _judge_invoices(
    imported: Import, table: Table, judged: set[int], uow: ImportUnitOfWork, clock: Clock
) -> AsyncIterator[list[RowResult]]:
    repeated = repeated_keys(group.number for group in invoice_groups(table.records()))
    for group in invoice_groups(table.records()):
        if group.rows[0] not in judged:
            yield await _invoice_rows(group, repeated, imported.dry_run, uow, clock)


def _failed(group: InvoiceGroup, errors: list[FieldError]) -> list[RowResult]:
    """Every row of an invoice that cannot be made: its own errors, or that another of its rows has some."""
    results = []
    for row in group.rows:
        own = tuple(e for e in errors if e.row == row)
        if not own:
            others = sorted({e.row for e in errors})
            message = f"Not applied: row {', '.join(map(str, others))} of the same invoice has errors."
            own = (FieldError(row, None, ErrorCode.ROW_NOT_APPLIED, message),)
        results.append(RowResult(row, RowOutcome.FAILED, key=group.number or None, errors=own))
    return results


def _column_of(exc: DomainError, fields: InvoiceFields, amount_column: str) -> str | None:
    customer_column = "customer_external_id" if fields.customer_external_id is not None else "customer_id"
    if isinstance(exc, NotFound) or exc.code in (ErrorCode.CUSTOMER_ARCHIVED, ErrorCode.CUSTOMER_MERGED):
        return customer_column
    field: str | None = getattr(exc, "field", None)
    return amount_column if field == "lines" else field


async def _invoice_rows(
    group: InvoiceGroup, repeated: set[str], dry_run: bool, uow: ImportUnitOfWork, clock: Clock
) -> list[RowResult]:
    amount_column = "unit_amount" if "unit_amount" in group.records[0].cells else "amount"
    try:
        fields = parse_invoice(group, repeated)
    except RowErrors as exc:
        return _failed(group, exc.errors)
    try:
        outcome, invoice_id = await _apply_invoice(fields, uow, clock, dry_run=dry_run)
    except RowErrors as exc:
        return _failed(group, exc.errors)
    except DomainError as exc:
        return _failed(group, errors_of(exc, group.rows, _column_of(exc, fields, amount_column)))
    made_up = dry_run and outcome is RowOutcome.CREATED
    return [
        RowResult(row, outcome, key=fields.number, resource_id=None if made_up else invoice_id) for row in group.rows
    ]


async def _apply_invoice(
    fields: InvoiceFields, uow: ImportUnitOfWork, clock: Clock, *, dry_run: bool
) -> tuple[RowOutcome, str]:
    customer_id = fields.customer_id
    if fields.customer_external_id is not None:
        customer_id = await uow.imports.customer_by_external_id(fields.customer_external_id)
        if customer_id is None:
            message = f"No customer has external_id '{fields.customer_external_id}'; import the customers first."
            raise RowErrors(
                [FieldError(r, "customer_external_id", ErrorCode.RESOURCE_MISSING, message) for r in fields.rows]
            )
    assert customer_id is not None
    found = await uow.imports.invoice_by_number(fields.number)
    if found is not None:
        existing = await uow.invoices.get(found)
        if _same(existing, fields, customer_id):
            return RowOutcome.UNCHANGED, existing.id
        message = (
            f"Invoice number '{fields.number}' is already used by an invoice with other details (customer, "
            "currency, dates, lines or memo); an issued invoice is not changed by import."
        )
        raise RowErrors([FieldError(r, "number", ErrorCode.INVOICE_NUMBER_TAKEN, message) for r in fields.rows])
    async with uow.savepoint() as savepoint:
        invoice = await create_invoice(
            CreateInvoice(
                customer_id=customer_id,
                currency=fields.currency,
                lines=fields.lines,
                issue_date=fields.issue_date,
                due_date=fields.due_date,
                number=fields.number,
                memo=fields.memo,
            ),
            uow,
            clock=clock,
        )
        if dry_run:
            savepoint.discard()
    return RowOutcome.CREATED, invoice.id


def _same(invoice: Invoice, fields: InvoiceFields, customer_id: str) -> bool:
    """Whether the file describes this invoice as it is (dates left blank match whatever they defaulted to)."""
    return (
        invoice.customer_id == customer_id
        and invoice.currency == fields.currency
        and tuple(invoice.lines) == fields.lines
        and (invoice.memo or None) == fields.memo
        and fields.issue_date in (None, invoice.issue_date)
        and fields.due_date in (None, invoice.due_date)
    )
