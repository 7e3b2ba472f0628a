"""Payments, their allocations and their (short) lifecycle."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InvalidRequest, InvalidTransition
from domain.money import MAX_AMOUNT
from domain.payments.model import (
    OFFLINE_METHODS,
    TRANSITIONS,
    Allocation,
    Payment,
    PaymentMethod,
    PaymentStatus,
)

AT = datetime(2026, 11, 2, tzinfo=UTC)


def make_payment(*allocations: tuple[str, int], **overrides: Any) -> Payment:
    fields: dict[str, Any] = {
        "partner_id": "ptr_TEST",
        "customer_id": "cus_TEST",
        "method": PaymentMethod.CHECK,
        "currency": "USD",
        "allocations": [Allocation(i, a) for i, a in allocations],
        "created_at": AT,
        "received_on": date(2026, 11, 2),
        **overrides,
    }
    return Payment(**fields)


@pytest.mark.parametrize("amount", [1, 500, MAX_AMOUNT])
def test_allocation_accepts_positive_ints(amount: int) -> None:
    assert Allocation("inv_A", amount).amount == amount


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        (0, "invalid_amount"),
        (-1, "invalid_amount"),
        (1.0, "invalid_amount"),
        (2.5, "invalid_amount"),
        (True, "invalid_amount"),
        ("100", "invalid_amount"),
        (MAX_AMOUNT + 1, "amount_too_large"),
    ],
)
def test_allocation_refuses_bad_amounts(amount: Any, code: str) -> None:
    with pytest.raises(InvalidRequest) as err:
        Allocation("inv_A", amount)
    assert err.value.code == code


def test_payment_amount_is_the_sum_of_its_allocations() -> None:
    payment = make_payment(("inv_A", 1_000), ("inv_B", 250))
    assert payment.amount == 1_250
    assert payment.status is PaymentStatus.SUCCEEDED
    assert payment.id.startswith("pay_")
    assert payment.canceled_at is None


def test_payment_needs_allocations() -> None:
    with pytest.raises(InvalidRequest) as err:
        make_payment()
    assert err.value.code == "no_allocations"


def test_an_invoice_appears_once_per_payment() -> None:
    with pytest.raises(InvalidRequest) as err:
        make_payment(("inv_A", 100), ("inv_B", 100), ("inv_A", 5))
    assert err.value.code == "duplicate_allocation"


def test_payment_total_is_bounded() -> None:
    assert make_payment(("inv_A", MAX_AMOUNT)).amount == MAX_AMOUNT
    with pytest.raises(InvalidRequest) as err:
        make_payment(("inv_A", MAX_AMOUNT), ("inv_B", 1))
    assert err.value.code == "amount_too_large"


@given(amounts=st.lists(st.integers(1, 10**9), min_size=1, max_size=20))
def test_amount_property(amounts: list[int]) -> None:
    payment = make_payment(*((f"inv_{i}", a) for i, a in enumerate(amounts)))
    assert payment.amount == sum(amounts)


def test_transitions_table() -> None:
    assert set(TRANSITIONS) == set(PaymentStatus)
    assert TRANSITIONS[PaymentStatus.SUCCEEDED] == {PaymentStatus.CANCELED}
    assert TRANSITIONS[PaymentStatus.CANCELED] == frozenset()


def test_cancel_a_succeeded_payment() -> None:
    payment = make_payment(("inv_A", 100))
    payment.move_to(PaymentStatus.CANCELED)
    assert payment.status is PaymentStatus.CANCELED


@pytest.mark.parametrize(
    ("source", "target"),
    [
        pair
        for pair in itertools.product(PaymentStatus, PaymentStatus)
        if pair != (PaymentStatus.SUCCEEDED, PaymentStatus.CANCELED)
    ],
)
def test_every_other_move_is_refused(source: PaymentStatus, target: PaymentStatus) -> None:
    payment = make_payment(("inv_A", 100), status=source)
    with pytest.raises(InvalidTransition) as err:
        payment.move_to(target)
    assert payment.status is source
    assert err.value.context == {
        "entity": "payment", "id": payment.id, "from_state": source.value, "to_state": target.value
    }


def test_every_method_can_be_recorded_offline() -> None:
    assert set(PaymentMethod) == OFFLINE_METHODS
    assert {m.value for m in PaymentMethod} == {"check", "cash", "bank_transfer", "other"}
