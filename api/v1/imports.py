"""/v1/imports: CSV imports of customers and invoices, each with a per-row report; large files run as a job."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from email import policy
from email.parser import BytesParser
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.deps import Read, WriteContext, WriteImports, json_response
from api.errors import problems
from api.pagination import Cursor, Limit, ListOf, page_of, page_request
from api.v1.fields import QueryFlag
from domain.errors import ErrorCode, InvalidRequest, UnsupportedMediaType
from domain.imports import use_cases
from domain.imports.model import INLINE_ROWS, MAX_BYTES, Import, ImportKind, ImportStatus, RowOutcome, RowResult
from domain.pagination import Page

router = APIRouter(prefix="/v1/imports", tags=["imports"])

MAX_UPLOAD_BYTES = MAX_BYTES + 64 * 1024  # the file, and a multipart envelope around it
CSV_TYPES = frozenset({"text/csv", "application/csv", "text/plain", "application/vnd.ms-excel"})
REPORT_LIMIT = 100


class CountsOut(BaseModel):
    created: int
    updated: int
    unchanged: int
    failed: int


class RowErrorOut(BaseModel):
    row: int = Field(description="The row as a spreadsheet numbers it: the header is row 1.")
    field: str | None = Field(description="The column; null when the row as a whole is refused.")
    code: ErrorCode
    message: str


class RowOut(BaseModel):
    object: str = "import_row"
    row: int = Field(description="The row as a spreadsheet numbers it: the header is row 1.")
    outcome: RowOutcome = Field(description="What became of the row; in a dry run, what would have.")
    key: str | None = Field(description="The row's `external_id` (customers) or `number` (invoices).")
    resource_id: str | None = Field(
        description="The customer or invoice made or matched; null when the row failed, or was to be created in a "
        "dry run."
    )
    errors: list[RowErrorOut] = Field(description="Why a `failed` row was not applied; empty otherwise.")

    @classmethod
    def of(cls, r: RowResult) -> RowOut:
        return cls(
            row=r.row,
            outcome=r.outcome,
            key=r.key,
            resource_id=r.resource_id,
            errors=[RowErrorOut(row=e.row, field=e.field, code=e.code, message=e.message) for e in r.errors],
        )


class ImportOut(BaseModel):
    id: str
    object: str = "import"
    kind: ImportKind
    status: ImportStatus = Field(
        description="`queued`, `running`, then `succeeded` (every row judged: see `counts.failed`) or `failed` "
        "(the import itself stopped; rows judged before it stand)."
    )
    dry_run: bool = Field(description="Judged only: nothing was (or will be) written but this report.")
    filename: str | None
    total_rows: int
    processed_rows: int
    counts: CountsOut = Field(description="Rows by outcome so far.")
    failure: str | None = Field(description="Why a `failed` import stopped.")
    created_at: datetime
    finished_at: datetime | None

    @classmethod
    def fields_of(cls, i: Import) -> dict[str, Any]:
        c = i.counts
        return {
            "id": i.id,
            "kind": i.kind,
            "status": i.status,
            "dry_run": i.dry_run,
            "filename": i.filename,
            "total_rows": i.total_rows,
            "processed_rows": i.processed_rows,
            "counts": CountsOut(created=c.created, updated=c.updated, unchanged=c.unchanged, failed=c.failed),
            "failure": i.failure,
            "created_at": i.created_at,
            "finished_at": i.finished_at,
        }

    @classmethod
    def of(cls, i: Import) -> ImportOut:
        return cls(**cls.fields_of(i))


class ImportReport(ImportOut):
    rows: list[RowOut] = Field(description="Every row's result, in file order.")


def _upload(body: bytes, content_type: str) -> tuple[bytes, str | None]:
    """The file and its name, from a raw CSV body or a multipart form's `file` field."""
    media = content_type.split(";", 1)[0].strip().lower()
    if media in CSV_TYPES or media == "application/octet-stream":
        return body, None
    if media != "multipart/form-data":
        raise UnsupportedMediaType(
            "Send the CSV file as the body (`Content-Type: text/csv`) or as the `file` field of a "
            "multipart/form-data form.",
            code=ErrorCode.UNSUPPORTED_MEDIA_TYPE,
        )
    message = BytesParser(policy=policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1", "replace") + b"\r\n\r\n" + body
    )
    if message.is_multipart():
        for part in message.iter_parts():
            if part.get_param("name", header="content-disposition") == "file":
                data = part.get_payload(decode=True)
                filename = part.get_filename()
                return (data if isinstance(data, bytes) else b""), (filename[:255] if filename else None)
    raise InvalidRequest(
        "The form has no `file` field holding the CSV file.", code=ErrorCode.MISSING_FIELD, field="file"
    )


_COMMON = (
    "Send the file as the request body with `Content-Type: text/csv`, or as the `file` field of a "
    f"`multipart/form-data` form; UTF-8 (with or without a byte order mark), at most {MAX_BYTES // (1024 * 1024)} "
    "MB, a header row naming the columns (in any order, case-insensitive; an unknown column refuses the file). "
    "Cells are read as text exactly as written: nothing is evaluated, so a cell such as `=1+1` is kept as those "
    "characters. An empty cell is not given: a new record takes the default, an existing one keeps its value.\n\n"
    "Each row is judged with the same rules as the API (the same use cases) and reported as `created`, "
    "`updated`, `unchanged` or `failed` with its field errors (`row`, `field`, `code`, `message`; rows are "
    "numbered as in a spreadsheet, the header being row 1). **Rows with errors are reported and not applied; "
    "the valid rows are applied** (each row on its own, so one bad row never blocks the rest). Importing the "
    "same file again reports every row `unchanged` and changes nothing. With `dry_run=true` the rows are judged "
    "the same way and nothing is written but the report.\n\n"
    f"Files of at most {INLINE_ROWS} rows are imported at once: 201 with the report. Larger ones answer 202 with "
    "the import `queued`; it runs as a job, committing as it goes: follow it with `GET /v1/imports/{import_id}` "
    "and read its rows with `GET /v1/imports/{import_id}/rows`. Applied imports are recorded in the audit log "
    "(`import.applied`, with the counts)."
)


def _responses() -> dict[int | str, dict[str, Any]]:
    return {
        202: {"model": ImportOut, "description": f"More than {INLINE_ROWS} rows: queued to run as a job."},
        **problems(400, 401, 403, 409, 413, 415, 422),
    }


_CSV_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
        },
    }
}


async def _import(request: Request, ctx: WriteContext, kind: ImportKind, dry_run: bool) -> Response:
    data, filename = _upload(await request.body(), request.headers.get("content-type", ""))
    imported = await use_cases.start_import(
        use_cases.StartImport(kind=kind, data=data, dry_run=dry_run, actor=ctx.principal.actor, filename=filename),
        ctx.uow,
        clock=ctx.clock,
    )
    if imported.total_rows > INLINE_ROWS:
        ctx.uow.enqueue("imports.run", partner_id=ctx.uow.partner_id, ident=imported.id)
        return await ctx.respond(202, ImportOut.of(imported))
    done = await use_cases.run_import(use_cases.RunImport(imported.id), ctx.uow, clock=ctx.clock)
    results = await ctx.uow.imports.results(done.id, after_row=None, limit=INLINE_ROWS * 2)
    report = ImportReport(**ImportOut.fields_of(done), rows=[RowOut.of(r) for r in results.items])
    return await ctx.respond(201, report)


@router.post(
    "/customers",
    operation_id="imports_customers",
    summary="Import customers from CSV",
    description="Creates or updates customers, matched by `external_id` (unique per partner).\n\n"
    "Columns: `external_id` and `name` (required), `email`, `language` (`en` or `fr`), `billing_terms` "
    "(`net_30`, …), and `metadata.<key>` for each metadata key (merged into the customer's metadata). A row whose "
    "`external_id` no customer has creates one; otherwise the customer is updated where the row differs, or left "
    "`unchanged`. An `external_id` on two rows of the file fails both.\n\n" + _COMMON,
    status_code=201,
    response_model=ImportReport,
    responses=_responses(),
    openapi_extra=_CSV_BODY,
)
async def import_customers(request: Request, ctx: WriteImports, dry_run: QueryFlag = False) -> Response:
    return await _import(request, ctx, ImportKind.CUSTOMERS, dry_run)


@router.post(
    "/invoices",
    operation_id="imports_invoices",
    summary="Import invoices from CSV",
    description="Creates open invoices (each with its `invoice_issued` ledger entry, as `POST /v1/invoices` "
    "does), matched by `number` (unique per partner).\n\n"
    "One row per line; the consecutive rows with the same `number` make one invoice. Columns: `number`, "
    "`currency` and `description` (required); `customer_external_id` or `customer_id` (one of them); "
    "`unit_amount` (or `amount`), a decimal in the currency's unit (`1250.00`; a negative line is a credit, the "
    "total must be positive); `quantity` (default 1); `issue_date` and `due_date` as YYYY-MM-DD (default today "
    "and the customer's billing terms); `memo`. The invoice's own cells (customer, currency, dates, memo) may be "
    "left blank after its first row. An invoice is made whole or not at all: a row with errors fails the other "
    "rows of its invoice (`row_not_applied`). A number already used by an invoice with the same details is "
    "`unchanged`; with other details it fails (`invoice_number_taken`): an issued invoice is not changed by "
    "import. A number whose rows are not together in the file fails (`duplicate_key`).\n\n" + _COMMON,
    status_code=201,
    response_model=ImportReport,
    responses=_responses(),
    openapi_extra=_CSV_BODY,
)
async def import_invoices(request: Request, ctx: WriteImports, dry_run: QueryFlag = False) -> Response:
    return await _import(request, ctx, ImportKind.INVOICES, dry_run)


@router.get(
    "",
    operation_id="imports_list",
    summary="List imports",
    description="Newest first.",
    response_model=ListOf[ImportOut],
    responses=problems(400, 401, 422),
)
async def list_imports(ctx: Read, limit: Limit = 20, cursor: Cursor = None) -> Response:
    page = await ctx.uow.imports.list(page_request(limit, cursor))
    return json_response(page_of(page, [ImportOut.of(i) for i in page.items]))


@router.get(
    "/{import_id}",
    operation_id="imports_retrieve",
    summary="Retrieve an import",
    description="Its status, progress (`processed_rows` of `total_rows`) and counts; a running import's figures "
    "move as each batch of rows is committed.",
    response_model=ImportOut,
    responses=problems(401, 404),
)
async def retrieve(import_id: str, ctx: Read) -> Response:
    return json_response(ImportOut.of(await ctx.uow.imports.get(import_id)))


def _rows_cursor(row: int) -> str:
    return base64.urlsafe_b64encode(f"row:{row}".encode()).decode().rstrip("=")


def _after_row(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if raw.startswith("row:") and raw[4:].isdigit() and len(raw) < 16:
            return int(raw[4:])
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise InvalidRequest("The cursor is not one this API issued.", code=ErrorCode.INVALID_CURSOR, field="cursor")


@router.get(
    "/{import_id}/rows",
    operation_id="imports_rows",
    summary="List an import's row results",
    description="Each judged row's outcome and errors, in file order (rows are numbered as in a spreadsheet, the "
    "header being row 1). Rows appear as the import judges them.",
    response_model=ListOf[RowOut],
    responses=problems(400, 401, 404, 422),
)
async def list_rows(import_id: str, ctx: Read, limit: Limit = REPORT_LIMIT, cursor: Cursor = None) -> Response:
    await ctx.uow.imports.get(import_id)  # another partner's import answers 404
    page: Page[RowResult] = await ctx.uow.imports.results(import_id, after_row=_after_row(cursor), limit=limit)
    last = page.items[-1].row if page.items and page.has_more else None
    body = ListOf[RowOut](
        data=[RowOut.of(r) for r in page.items], next_cursor=_rows_cursor(last) if last is not None else None
    )
    return json_response(body)
