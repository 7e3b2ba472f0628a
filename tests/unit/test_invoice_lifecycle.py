"""The invoice lifecycle table, status from ledger figures, overdue, lines and totals."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InvalidRequest, InvalidTransition
from domain.invoices.model import (
    ISSUED,
    MAX_LINES,
    MAX_QUANTITY,
    PAYABLE,
    TRANSITIONS,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    format_invoice_number,
    lines_total,
    status_for,
)
from domain.ledger.balances import InvoiceBalance
from domain.money import MAX_AMOUNT

S = InvoiceStatus
ISSUE = date(2026, 11, 1)
DUE = date(2026, 12, 1)

ALLOWED = {
    (S.DRAFT, S.OPEN), (S.DRAFT, S.VOID), (S.DRAFT, S.ARCHIVED),
    (S.OPEN, S.PARTIALLY_PAID), (S.OPEN, S.PAID), (S.OPEN, S.VOID),
    (S.PARTIALLY_PAID, S.OPEN), (S.PARTIALLY_PAID, S.PAID),
    (S.PAID, S.PARTIALLY_PAID), (S.PAID, S.OPEN), (S.PAID, S.ARCHIVED),
    (S.VOID, S.ARCHIVED),
    (S.OPEN, S.WRITTEN_OFF), (S.PARTIALLY_PAID, S.WRITTEN_OFF),
    (S.WRITTEN_OFF, S.OPEN), (S.WRITTEN_OFF, S.PARTIALLY_PAID), (S.WRITTEN_OFF, S.ARCHIVED),
}  # fmt: skip


def make_invoice(status: InvoiceStatus = S.OPEN, **overrides: Any) -> Invoice:
    fields: dict[str, Any] = {
        "partner_id": "ptr_TEST",
        "customer_id": "cus_TEST",
        "number": "INV-000001",
        "currency": "USD",
        "issue_date": ISSUE,
        "due_date": DUE,
        "lines": [InvoiceLine("Work", 2, 5_000)],
        "created_at": datetime(2026, 11, 1, tzinfo=UTC),
        "status": status,
        **overrides,
    }
    return Invoice(**fields)


def test_the_table_is_exactly_the_documented_lifecycle() -> None:
    assert set(TRANSITIONS) == set(S)
    assert {(a, b) for a, targets in TRANSITIONS.items() for b in targets} == ALLOWED
    assert TRANSITIONS[S.ARCHIVED] == frozenset()  # archived is final


@pytest.mark.parametrize(("source", "target"), sorted(ALLOWED))
def test_every_allowed_transition_works(source: InvoiceStatus, target: InvoiceStatus) -> None:
    invoice = make_invoice(source)
    invoice.move_to(target)
    assert invoice.status is target


FORBIDDEN = sorted((a, b) for a, b in itertools.product(S, S) if a != b and (a, b) not in ALLOWED)


@pytest.mark.parametrize(("source", "target"), FORBIDDEN)
def test_every_other_transition_raises_naming_entity_from_and_to(source: InvoiceStatus, target: InvoiceStatus) -> None:
    invoice = make_invoice(source)
    with pytest.raises(InvalidTransition) as err:
        invoice.move_to(target)
    assert invoice.status is source
    assert err.value.code == "invalid_state_transition"
    assert err.value.context == {
        "entity": "invoice",
        "id": invoice.id,
        "from_state": source.value,
        "to_state": target.value,
    }
    assert f"'{source.value}'" in err.value.detail and f"'{target.value}'" in err.value.detail
    assert invoice.id in err.value.detail


@pytest.mark.parametrize("status", list(S))
def test_moving_to_the_current_status_is_a_no_op(status: InvoiceStatus) -> None:
    invoice = make_invoice(status)
    invoice.move_to(status)
    assert invoice.status is status


def test_status_groups() -> None:
    assert {S.OPEN, S.PARTIALLY_PAID} == PAYABLE
    assert {S.OPEN, S.PARTIALLY_PAID, S.PAID, S.WRITTEN_OFF} == ISSUED


@pytest.mark.parametrize(
    ("balance", "status"),
    [
        (InvoiceBalance(1_000, 0, 0, 1_000), S.OPEN),
        (InvoiceBalance(1_000, 1, 0, 999), S.PARTIALLY_PAID),
        (InvoiceBalance(1_000, 0, 300, 700), S.PARTIALLY_PAID),  # money on its way counts as progress
        (InvoiceBalance(1_000, 0, 1_000, 0), S.PARTIALLY_PAID),  # all pending: not paid until it settles
        (InvoiceBalance(1_000, 999, 0, 1), S.PARTIALLY_PAID),
        (InvoiceBalance(1_000, 1_000, 0, 0), S.PAID),
        (InvoiceBalance(1_000, 0, 0, 0, 1_000), S.WRITTEN_OFF),
        (InvoiceBalance(1_000, 600, 0, 0, 400), S.WRITTEN_OFF),  # the rest given up: nothing to collect
        (InvoiceBalance(1_000, 0, 0, 600, 400), S.OPEN),  # partly written off, nothing received: still due
        (InvoiceBalance(1_000, 0, 300, 0, 700), S.PARTIALLY_PAID),  # written off but for money on its way
    ],
)
def test_status_for(balance: InvoiceBalance, status: InvoiceStatus) -> None:
    assert status_for(balance) is status


@given(total=st.integers(1, 10**9), data=st.data())
def test_status_for_is_always_an_issued_status(total: int, data: st.DataObject) -> None:
    paid = data.draw(st.integers(0, total))
    pending = data.draw(st.integers(0, total - paid))
    balance = InvoiceBalance(total, paid, pending, total - paid - pending)
    status = status_for(balance)
    assert status in ISSUED
    assert (status is S.PAID) == (paid == total)
    assert (status is S.OPEN) == (paid == 0 and pending == 0)


@pytest.mark.parametrize(
    ("status", "today", "overdue"),
    [
        (S.OPEN, DUE + timedelta(days=1), True),
        (S.PARTIALLY_PAID, DUE + timedelta(days=1), True),
        (S.OPEN, DUE, False),  # due today is not yet late
        (S.OPEN, DUE - timedelta(days=1), False),
        (S.DRAFT, DUE + timedelta(days=30), False),
        (S.PAID, DUE + timedelta(days=30), False),
        (S.VOID, DUE + timedelta(days=30), False),
        (S.ARCHIVED, DUE + timedelta(days=30), False),
    ],
)
def test_is_overdue(status: InvoiceStatus, today: date, overdue: bool) -> None:
    assert make_invoice(status).is_overdue(today) is overdue


def test_total_sums_the_lines_including_discounts() -> None:
    invoice = make_invoice(lines=[InvoiceLine("Seats", 3, 4_000), InvoiceLine("Discount", 1, -2_000)])
    assert invoice.total == 10_000


@pytest.mark.parametrize(
    ("lines", "code"),
    [
        ([], "invalid_line"),
        ([InvoiceLine("x", 1, 0)], "invalid_total"),
        ([InvoiceLine("x", 1, -1)], "invalid_total"),
        ([InvoiceLine("x", 1, 500), InvoiceLine("discount", 1, -500)], "invalid_total"),
        ([InvoiceLine("x", 1, 1)] * (MAX_LINES + 1), "invalid_line"),
        ([InvoiceLine("x", 1, MAX_AMOUNT), InvoiceLine("y", 1, 1)], "amount_too_large"),
        ([InvoiceLine("x", 2, MAX_AMOUNT // 2 + 1)], "amount_too_large"),
    ],
)
def test_lines_total_bounds(lines: list[InvoiceLine], code: str) -> None:
    with pytest.raises(InvalidRequest) as err:
        lines_total(lines)
    assert err.value.code == code
    assert err.value.field == "lines"


def test_lines_total_accepts_the_limits() -> None:
    assert lines_total([InvoiceLine("x", 1, 1)]) == 1
    assert lines_total([InvoiceLine("x", 1, MAX_AMOUNT)]) == MAX_AMOUNT
    assert lines_total([InvoiceLine("x", 1, 1)] * MAX_LINES) == MAX_LINES
    assert lines_total((InvoiceLine("x", 1, MAX_AMOUNT), InvoiceLine("d", 1, -MAX_AMOUNT + 1))) == 1


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"description": "  "}, "invalid_line"),
        ({"quantity": 0}, "invalid_line"),
        ({"quantity": MAX_QUANTITY + 1}, "invalid_line"),
        ({"unit_amount": MAX_AMOUNT + 1}, "amount_too_large"),
        ({"unit_amount": -MAX_AMOUNT - 1}, "amount_too_large"),
    ],
)
def test_invoice_line_bounds(kwargs: dict[str, Any], code: str) -> None:
    fields: dict[str, Any] = {"description": "Work", "quantity": 1, "unit_amount": 100, **kwargs}
    with pytest.raises(InvalidRequest) as err:
        InvoiceLine(**fields)
    assert err.value.code == code


def test_invoice_line_amount() -> None:
    assert InvoiceLine("Work", MAX_QUANTITY, -3).amount == -3 * MAX_QUANTITY


@pytest.mark.parametrize(
    "kwargs", [{"unit_amount": 10.5}, {"unit_amount": 100.0}, {"quantity": 1.5}, {"quantity": True}]
)
def test_invoice_line_refuses_non_integer_numbers(kwargs: dict[str, Any]) -> None:
    """Amounts are integer minor units everywhere (Money, Allocation, JournalLine refuse the rest).

    Currently fails: InvoiceLine only range-checks, so 10.5 cents or 1.5 units are accepted; the invoice then
    gets a float total and only the ledger (UnbalancedEntry) or the database would stop it.
    """
    fields: dict[str, Any] = {"description": "Work", "quantity": 1, "unit_amount": 100, **kwargs}
    with pytest.raises(InvalidRequest):
        InvoiceLine(**fields)


def test_due_date_before_issue_date_is_refused() -> None:
    with pytest.raises(InvalidRequest) as err:
        make_invoice(due_date=ISSUE - timedelta(days=1))
    assert (err.value.code, err.value.field) == ("due_before_issue", "due_date")
    assert make_invoice(due_date=ISSUE).due_date == ISSUE  # due on the day of issue is fine


def test_invoice_refuses_bad_lines_at_construction() -> None:
    with pytest.raises(InvalidRequest):
        make_invoice(lines=[])
    with pytest.raises(InvalidRequest):
        make_invoice(lines=[InvoiceLine("x", 1, 100), InvoiceLine("d", 1, -100)])


def test_new_invoices_get_prefixed_ids_and_defaults() -> None:
    invoice = make_invoice()
    assert invoice.id.startswith("inv_")
    assert make_invoice().id != invoice.id
    assert invoice.metadata == {} and invoice.memo is None
    assert invoice.finalized_at is invoice.voided_at is invoice.archived_at is None


@pytest.mark.parametrize(("n", "text"), [(1, "INV-000001"), (42, "INV-000042"), (999_999, "INV-999999")])
def test_format_invoice_number(n: int, text: str) -> None:
    assert format_invoice_number(n) == text


def test_invoice_numbers_keep_growing_past_six_digits() -> None:
    assert format_invoice_number(1_000_000) == "INV-1000000"
