"""Payments, their allocations and their (short) lifecycle."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InvalidRequest, InvalidTransition
from domain.money import MAX_AMOUNT
from domain.payments.model import (
    CARD_TRANSITIONS,
    DEBIT_TRANSITIONS,
    OFFLINE_METHODS,
    OFFLINE_TRANSITIONS,
    PROCESSOR_METHODS,
    Allocation,
    MethodType,
    Payment,
    PaymentStatus,
    new_transaction_id,
)

AT = datetime(2026, 11, 2, tzinfo=UTC)


def make_payment(*allocations: tuple[str, int], **overrides: Any) -> Payment:
    fields: dict[str, Any] = {
        "partner_id": "ptr_TEST",
        "customer_id": "cus_TEST",
        "method": MethodType.CHECK,
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


FAMILIES = {
    MethodType.CHECK: OFFLINE_TRANSITIONS,
    MethodType.CARD: CARD_TRANSITIONS,
    MethodType.US_BANK_ACCOUNT: DEBIT_TRANSITIONS,
    MethodType.CA_BANK_ACCOUNT: DEBIT_TRANSITIONS,
}


def test_lifecycles_as_specified() -> None:
    s = PaymentStatus
    assert CARD_TRANSITIONS[s.PROCESSING] == {s.SUCCEEDED, s.FAILED}
    assert CARD_TRANSITIONS[s.SUCCEEDED] == {s.PARTIALLY_REFUNDED, s.REFUNDED, s.DISPUTED}
    assert DEBIT_TRANSITIONS[s.PENDING] == {s.SETTLED, s.FAILED, s.RETURNED, s.CANCELED}
    assert OFFLINE_TRANSITIONS[s.SUCCEEDED] == {s.CANCELED, s.PARTIALLY_REFUNDED, s.REFUNDED}
    for table in FAMILIES.values():  # terminal states have no way out
        for terminal in (s.FAILED, s.CANCELED, s.REFUNDED, s.RETURNED, s.DISPUTED):
            assert table.get(terminal, frozenset()) == frozenset()


def test_cancel_a_succeeded_payment() -> None:
    payment = make_payment(("inv_A", 100))
    payment.move_to(PaymentStatus.CANCELED)
    assert payment.status is PaymentStatus.CANCELED


@pytest.mark.parametrize("method", list(FAMILIES))
@pytest.mark.parametrize(("source", "target"), list(itertools.product(PaymentStatus, PaymentStatus)))
def test_moves_follow_the_table(method: MethodType, source: PaymentStatus, target: PaymentStatus) -> None:
    payment = make_payment(("inv_A", 100), status=source, method=method)
    allowed = target in FAMILIES[method].get(source, frozenset())
    if allowed:
        payment.move_to(target)
        assert payment.status is target
        return
    with pytest.raises(InvalidTransition) as err:
        payment.move_to(target)
    assert payment.status is source
    assert err.value.context == {
        "entity": "payment",
        "id": payment.id,
        "from_state": source.value,
        "to_state": target.value,
    }


def test_method_families_partition_the_types() -> None:
    assert set(MethodType) == OFFLINE_METHODS | PROCESSOR_METHODS
    assert not OFFLINE_METHODS & PROCESSOR_METHODS
    assert {m.value for m in OFFLINE_METHODS} == {"check", "cash", "bank_transfer", "other"}


def test_transaction_ids_are_readable_and_distinct() -> None:
    ids = {new_transaction_id() for _ in range(2000)}
    assert len(ids) == 2000
    assert all(re.fullmatch(r"RM-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", i) for i in ids)


def test_fee_is_part_of_the_amount_and_the_processor_key_follows_the_id() -> None:
    payment = make_payment(("inv_A", 1000), ("inv_B", 500), fee=45)
    assert (payment.allocated, payment.amount) == (1500, 1545)
    assert payment.processor_idempotency_key == f"remit-{payment.id}"
