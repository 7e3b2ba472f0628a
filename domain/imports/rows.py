"""From a file's records to what the use cases take: each customer row, each invoice (its consecutive rows, one
per line), either becomes the fields of a command or the field errors that say why it cannot."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from domain.customers.model import BillingTerms
from domain.errors import DomainError, ErrorCode, InvalidRequest
from domain.imports.csv_file import Columns, Record
from domain.imports.model import FieldError
from domain.invoices.model import MAX_QUANTITY, InvoiceLine, lines_total
from domain.invoices.use_cases import MAX_NUMBER_LENGTH
from domain.money import CURRENCIES, LANGUAGES, MAX_AMOUNT, normalize_currency

METADATA = "metadata."
CUSTOMER_COLUMNS = Columns(
    named=("external_id", "name", "email", "language", "billing_terms"),
    required=("external_id", "name"),
    prefixes=(METADATA,),
)
INVOICE_COLUMNS = Columns(
    named=(
        "number",
        "customer_external_id",
        "customer_id",
        "currency",
        "issue_date",
        "due_date",
        "description",
        "quantity",
        "unit_amount",
        "amount",
        "memo",
    ),
    required=("number", "currency", "description"),
    one_of=(("customer_external_id", "customer_id"), ("unit_amount", "amount")),
)
# Cells every line of one invoice shares: given on its first row, blank or the same on the others.
INVOICE_CELLS = ("customer_external_id", "customer_id", "currency", "issue_date", "due_date", "memo")

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
DAY_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
AMOUNT_RE = re.compile(r"^(?P<sign>-?)(?P<units>[0-9]{1,13})(?:\.(?P<minor>[0-9]+))?$")
MAX_EXTERNAL_ID = 200
MAX_METADATA_KEYS = 50


class RowErrors(Exception):
    """The field errors that stop one row (or one invoice's rows)."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(f"{len(errors)} field errors")
        self.errors = errors


def _error(row: int, field: str | None, code: ErrorCode, message: str) -> FieldError:
    return FieldError(row=row, field=field, code=code, message=message)


def errors_of(exc: DomainError, rows: Iterable[int], field: str | None) -> list[FieldError]:
    """A use case's refusal, as the same error on each of the rows it concerns."""
    return [_error(row, field, ErrorCode(exc.code), exc.detail) for row in rows]


def _text(record: Record, column: str, errors: list[FieldError], *, required: bool = False, limit: int) -> str | None:
    value = record.cells.get(column, "").strip()
    if not value:
        if required:
            errors.append(_error(record.row, column, ErrorCode.MISSING_FIELD, f"`{column}` is required."))
        return None
    if len(value) > limit:
        errors.append(
            _error(record.row, column, ErrorCode.INVALID_REQUEST, f"`{column}` has at most {limit} characters.")
        )
        return None
    return value


def _extra_cells(record: Record, errors: list[FieldError]) -> None:
    if record.extra_cells:
        errors.append(
            _error(
                record.row,
                None,
                ErrorCode.INVALID_CSV,
                f"The row has {record.extra_cells} more cells than the header has columns.",
            )
        )


@dataclass(frozen=True, slots=True)
class CustomerFields:
    """A customer row: empty cells are not given (a new customer takes the defaults, an existing one keeps its
    value)."""

    row: int
    external_id: str
    name: str
    email: str | None
    language: str | None
    billing_terms: BillingTerms | None
    metadata: dict[str, str]


def parse_customer(record: Record) -> CustomerFields:
    errors: list[FieldError] = []
    row = record.row
    _extra_cells(record, errors)
    external_id = _text(record, "external_id", errors, required=True, limit=MAX_EXTERNAL_ID)
    name = _text(record, "name", errors, required=True, limit=200)
    email = _text(record, "email", errors, limit=320)
    if email is not None and not EMAIL_RE.match(email):
        errors.append(_error(row, "email", ErrorCode.INVALID_EMAIL, f"'{email}' is not an email address."))
    language = _text(record, "language", errors, limit=8)
    if language is not None and language.lower() not in LANGUAGES:
        errors.append(
            _error(row, "language", ErrorCode.INVALID_REQUEST, f"`language` is one of {', '.join(LANGUAGES)}.")
        )
    terms_text = _text(record, "billing_terms", errors, limit=20)
    terms: BillingTerms | None = None
    if terms_text is not None:
        try:
            terms = BillingTerms(terms_text.lower())
        except ValueError:
            known = ", ".join(t.value for t in BillingTerms)
            errors.append(
                _error(row, "billing_terms", ErrorCode.INVALID_REQUEST, f"`billing_terms` is one of {known}.")
            )
    metadata: dict[str, str] = {}
    for column, value in record.cells.items():
        if column.startswith(METADATA) and value.strip():
            key = column[len(METADATA) :]
            if len(key) > 40:
                errors.append(_error(row, column, ErrorCode.INVALID_REQUEST, "Metadata keys have 1 to 40 characters."))
            elif len(value) > 500:
                errors.append(
                    _error(row, column, ErrorCode.INVALID_REQUEST, "Metadata values have at most 500 characters.")
                )
            else:
                metadata[key] = value.strip()
    if len(metadata) > MAX_METADATA_KEYS:
        errors.append(_error(row, None, ErrorCode.INVALID_REQUEST, f"At most {MAX_METADATA_KEYS} metadata keys."))
    if errors:
        raise RowErrors(errors)
    assert external_id is not None and name is not None
    return CustomerFields(
        row=row,
        external_id=external_id,
        name=name,
        email=email,
        language=language.lower() if language else None,
        billing_terms=terms,
        metadata=metadata,
    )


def parse_amount(text: str, currency: str) -> int:
    """`12.50` USD -> 1250; `500` JPY -> 500. At most the currency's own decimals, no separators, no floats."""
    digits = CURRENCIES[currency]
    match = AMOUNT_RE.match(text)
    minor = (match["minor"] or "") if match else ""
    if match is None or len(minor) > digits:
        places = f"at most {digits} decimals" if digits else "no decimals"
        raise InvalidRequest(
            f"'{text}' is not an amount in {currency} ({places}, a point for decimals, no thousands separators).",
            code=ErrorCode.INVALID_AMOUNT,
        )
    amount: int = int(match["units"]) * 10**digits + int(minor.ljust(digits, "0") or "0")
    if amount > MAX_AMOUNT:
        raise InvalidRequest(f"'{text}' is too large.", code=ErrorCode.AMOUNT_TOO_LARGE)
    return -amount if match["sign"] == "-" else amount


def _day(record: Record, column: str, value: str | None, errors: list[FieldError]) -> date | None:
    if value is None:
        return None
    try:
        if not DAY_RE.match(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        errors.append(_error(record.row, column, ErrorCode.INVALID_DATE, f"'{value}' is not a date as YYYY-MM-DD."))
        return None


@dataclass(frozen=True, slots=True)
class InvoiceFields:
    rows: tuple[int, ...]
    number: str
    customer_id: str | None
    customer_external_id: str | None
    currency: str
    issue_date: date | None
    due_date: date | None
    memo: str | None
    lines: tuple[InvoiceLine, ...]


@dataclass(frozen=True, slots=True)
class InvoiceGroup:
    """One invoice's records: consecutive rows with the same number."""

    number: str
    records: tuple[Record, ...]

    @property
    def rows(self) -> tuple[int, ...]:
        return tuple(r.row for r in self.records)


def invoice_groups(records: Iterable[Record]) -> Iterator[InvoiceGroup]:
    current: list[Record] = []
    for record in records:
        number = record.cells.get("number", "").strip()
        if current and (not number or number != current[0].cells.get("number", "").strip()):
            yield InvoiceGroup(current[0].cells.get("number", "").strip(), tuple(current))
            current = []
        current.append(record)
    if current:
        yield InvoiceGroup(current[0].cells.get("number", "").strip(), tuple(current))


def repeated_keys(keys: Iterable[str]) -> set[str]:
    seen: set[str] = set()
    repeated: set[str] = set()
    for key in keys:
        if key:
            (repeated if key in seen else seen).add(key)
    return repeated


def parse_invoice(group: InvoiceGroup, repeated: set[str]) -> InvoiceFields:
    """The invoice a group of rows describes; RowErrors names every row that stops it (the others are reported as
    not applied, since an invoice is made whole or not at all)."""
    first = group.records[0]
    errors: list[FieldError] = []
    number = _text(first, "number", errors, required=True, limit=MAX_NUMBER_LENGTH)
    if number is not None and number in repeated:
        errors += [
            _error(
                r.row,
                "number",
                ErrorCode.DUPLICATE_KEY,
                f"Invoice number '{number}' appears in more than one place in the file; keep its lines together.",
            )
            for r in group.records
        ]
    shared: dict[str, str | None] = {}
    for column in INVOICE_CELLS:
        shared[column] = _text(first, column, errors, limit=5000 if column == "memo" else 200)
        for record in group.records[1:]:
            value = record.cells.get(column, "").strip()
            if value and value != (shared[column] or ""):
                errors.append(
                    _error(
                        record.row,
                        column,
                        ErrorCode.INVALID_REQUEST,
                        f"`{column}` differs from row {first.row} of the same invoice; leave it blank after the "
                        "first line or repeat it exactly.",
                    )
                )
    if shared["customer_external_id"] is None and shared["customer_id"] is None:
        column = "customer_id" if "customer_id" in first.cells else "customer_external_id"
        errors.append(_error(first.row, column, ErrorCode.MISSING_FIELD, f"`{column}` is required."))
    currency: str | None = None
    currency_text = _text(first, "currency", errors, required=True, limit=10)
    if currency_text is not None:
        try:
            currency = normalize_currency(currency_text)
        except InvalidRequest as exc:
            errors.append(_error(first.row, "currency", ErrorCode(exc.code), exc.detail))
    issue_date = _day(first, "issue_date", shared["issue_date"], errors)
    due_date = _day(first, "due_date", shared["due_date"], errors)
    amount_column = "unit_amount" if "unit_amount" in first.cells else "amount"
    lines: list[InvoiceLine] = []
    for record in group.records:
        _extra_cells(record, errors)
        description = _text(record, "description", errors, required=True, limit=500)
        quantity = 1
        quantity_text = _text(record, "quantity", errors, limit=20)
        if quantity_text is not None:
            if not quantity_text.isdigit() or not 1 <= int(quantity_text) <= MAX_QUANTITY:
                errors.append(
                    _error(
                        record.row,
                        "quantity",
                        ErrorCode.INVALID_LINE,
                        f"`quantity` is a whole number from 1 to {MAX_QUANTITY}.",
                    )
                )
            else:
                quantity = int(quantity_text)
        amount_text = _text(record, amount_column, errors, required=True, limit=40)
        if amount_text is None or currency is None:
            continue
        try:
            amount = parse_amount(amount_text, currency)
        except InvalidRequest as exc:
            errors.append(_error(record.row, amount_column, ErrorCode(exc.code), exc.detail))
            continue
        if description is not None:
            try:
                lines.append(InvoiceLine(description, quantity, amount))
            except InvalidRequest as exc:
                errors.append(_error(record.row, amount_column, ErrorCode(exc.code), exc.detail))
    if not errors:
        try:
            lines_total(lines)
        except InvalidRequest as exc:
            errors += errors_of(exc, group.rows, amount_column)
    if errors:
        raise RowErrors(errors)
    assert number is not None and currency is not None
    return InvoiceFields(
        rows=group.rows,
        number=number,
        customer_id=shared["customer_id"],
        customer_external_id=shared["customer_external_id"],
        currency=currency,
        issue_date=issue_date,
        due_date=due_date,
        memo=shared["memo"],
        lines=tuple(lines),
    )
