"""Reading import files: amounts as the exports write them, cells kept as text, headers, invoice grouping."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.csv_stream import money
from domain.errors import ErrorCode, InvalidRequest
from domain.imports.csv_file import read_table
from domain.imports.rows import (
    CUSTOMER_COLUMNS,
    INVOICE_COLUMNS,
    RowErrors,
    invoice_groups,
    parse_amount,
    parse_customer,
    parse_invoice,
    repeated_keys,
)
from domain.money import CURRENCIES, MAX_AMOUNT


@given(st.integers(-MAX_AMOUNT, MAX_AMOUNT), st.sampled_from(sorted(CURRENCIES)))
def test_an_amount_the_exports_write_is_read_back_to_the_cent(amount: int, currency: str) -> None:
    assert parse_amount(str(money(amount, currency)), currency) == amount


@pytest.mark.parametrize("text", ["1,234.50", "12.345", "1e3", "12.", ".5", "+5", "12 ", "0x10", "½", "10000000000.01"])
def test_amounts_that_are_not_plain_decimals_are_refused(text: str) -> None:
    with pytest.raises(InvalidRequest) as raised:
        parse_amount(text, "USD")
    assert raised.value.code in (ErrorCode.INVALID_AMOUNT, ErrorCode.AMOUNT_TOO_LARGE)


def test_a_yen_amount_has_no_decimals() -> None:
    assert parse_amount("500", "JPY") == 500
    with pytest.raises(InvalidRequest):
        parse_amount("500.5", "JPY")


_cell = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=60)


@given(_cell.map(str.strip).filter(bool))
def test_any_name_a_spreadsheet_writes_is_read_as_the_same_text(name: str) -> None:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["external_id", "name"])
    writer.writerow(["X-1", name])
    table = read_table(out.getvalue().encode("utf-8"), CUSTOMER_COLUMNS)
    (record,) = list(table.records())
    assert parse_customer(record).name == name


def test_formulas_are_kept_as_text_and_headers_are_case_insensitive() -> None:
    data = '\ufeffExternal_ID , NAME,Metadata.Region\r\nA,"=SUM(A1:A9)",@west\r\n'.encode()
    table = read_table(data, CUSTOMER_COLUMNS)
    assert table.header == ("external_id", "name", "metadata.Region")
    fields = parse_customer(next(table.records()))
    assert (fields.name, fields.metadata) == ("=SUM(A1:A9)", {"Region": "@west"})


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"A,Acme\r\nB,Beta\r\n", "header"),
        (b"external_id,name,name\r\nA,B,C\r\n", "more than once"),
        (b"external_id,email\r\nA,a@a.example\r\n", "lacks the required columns: name"),
        (b"external_id,name\r\n", "no rows"),
        (b'external_id,name\r\nA,"unclosed\r\n', "not valid CSV"),
        (b"\xff\xfeexternal_id", "not UTF-8"),
    ],
)
def test_files_that_cannot_be_read_say_why(data: bytes, words: str) -> None:
    with pytest.raises(InvalidRequest) as raised:
        read_table(data, CUSTOMER_COLUMNS)
    assert raised.value.code is ErrorCode.INVALID_CSV and words in raised.value.detail


def test_an_invoice_is_its_consecutive_rows_and_a_number_seen_twice_is_repeated() -> None:
    text = (
        "number,customer_id,currency,description,amount\n"
        "A,cus_1,USD,One,1.00\nA,,,Two,2.00\nB,cus_1,USD,Three,3.00\nA,cus_1,USD,Four,4.00\n"
    )
    table = read_table(text.encode(), INVOICE_COLUMNS)
    groups = list(invoice_groups(table.records()))
    assert [(g.number, g.rows) for g in groups] == [("A", (2, 3)), ("B", (4,)), ("A", (5,))]
    repeated = repeated_keys(g.number for g in groups)
    assert repeated == {"A"}
    invoice = parse_invoice(groups[1], repeated)
    assert (invoice.number, invoice.currency, [ln.unit_amount for ln in invoice.lines]) == ("B", "USD", [300])
    with pytest.raises(RowErrors) as raised:
        parse_invoice(groups[0], repeated)
    assert {(e.row, e.code) for e in raised.value.errors} == {
        (2, ErrorCode.DUPLICATE_KEY),
        (3, ErrorCode.DUPLICATE_KEY),
    }
