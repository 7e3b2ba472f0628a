"""Pure payment rules: card fees, lump-sum allocation, dispute paths, settings checks, payment books."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.disputes.model import DISPUTE_TRANSITIONS, path_to
from domain.errors import Conflict, InvalidRequest
from domain.ledger.verify import PaymentBooks, check_payment_books
from domain.payments.allocation import Owed, allocate_oldest_first
from domain.payments.fees import FeeContext, card_fee
from domain.payments.model import MethodType
from domain.payments.processing import DisputeStatus, Funding, settles_on
from domain.payments.settings import PaymentSettings

CREDIT_VISA = FeeContext(MethodType.CARD, "visa", Funding.CREDIT)


def test_default_fee_is_2_9_percent_plus_30_cents() -> None:
    assert card_fee(100_000, CREDIT_VISA, PaymentSettings()) == 2_930
    assert card_fee(100_000, FeeContext(MethodType.CARD, "amex", Funding.CREDIT), PaymentSettings()) == 3_530


@pytest.mark.parametrize(
    "ctx",
    [
        FeeContext(MethodType.CARD, "visa", Funding.DEBIT),
        FeeContext(MethodType.CARD, "visa", Funding.PREPAID),
        FeeContext(MethodType.CARD, "visa", Funding.UNKNOWN),
        FeeContext(MethodType.US_BANK_ACCOUNT),
        FeeContext(MethodType.CA_BANK_ACCOUNT),
        FeeContext(MethodType.CARD, "visa", Funding.CREDIT, customer_exempt=True),
    ],
)
def test_no_fee_where_networks_or_the_partner_forbid_it(ctx: FeeContext) -> None:
    assert card_fee(100_000, ctx, PaymentSettings()) == 0


def test_absorbed_fees_are_zero() -> None:
    assert card_fee(100_000, CREDIT_VISA, PaymentSettings(card_fee_pass_through=False)) == 0


@given(
    amount=st.integers(1, 10**12),
    bps=st.integers(0, 1_000),
    fixed=st.integers(0, 10_000),
    cap=st.integers(0, 1_000),
    brand=st.sampled_from(["visa", "mastercard", "amex"]),
)
def test_the_fee_is_an_integer_within_the_cap(amount: int, bps: int, fixed: int, cap: int, brand: str) -> None:
    settings = PaymentSettings(
        card_fee_bps=bps, card_fee_fixed=fixed, amex_fee_bps=bps, amex_fee_fixed=fixed, card_fee_cap_bps=cap
    )
    fee = card_fee(amount, FeeContext(MethodType.CARD, brand, Funding.CREDIT), settings)
    assert isinstance(fee, int) and 0 <= fee <= amount * cap // 10_000
    assert fee <= (amount * bps + 5_000) // 10_000 + fixed


@given(
    dues=st.lists(st.integers(1, 10**9), min_size=1, max_size=12),
    data=st.data(),
)
def test_lump_sums_fill_the_oldest_due_first(dues: list[int], data: st.DataObject) -> None:
    start = date(2026, 1, 1)
    owed = [Owed(f"inv_{i:02d}", start + timedelta(days=data.draw(st.integers(0, 90))), d) for i, d in enumerate(dues)]
    amount = data.draw(st.integers(1, sum(dues)))
    allocations = allocate_oldest_first(amount, owed)
    assert sum(a.amount for a in allocations) == amount
    by_id = {o.invoice_id: o for o in owed}
    assert all(a.amount <= by_id[a.invoice_id].amount_due for a in allocations)
    order = sorted(owed, key=lambda o: (o.due_date, o.invoice_id))
    taken = [a.invoice_id for a in allocations]
    assert taken == [o.invoice_id for o in order[: len(taken)]]
    assert all(a.amount == by_id[a.invoice_id].amount_due for a in allocations[:-1])  # only the last is partial


def test_lump_sums_cannot_exceed_what_is_owed() -> None:
    with pytest.raises(Conflict) as err:
        allocate_oldest_first(101, [Owed("inv_1", date(2026, 1, 1), 100)])
    assert err.value.code == "amount_exceeds_due"


def test_dispute_paths_follow_the_table() -> None:
    assert path_to(DisputeStatus.NEEDS_RESPONSE, DisputeStatus.WON) == [DisputeStatus.WON]
    assert path_to(DisputeStatus.WARNING_NEEDS_RESPONSE, DisputeStatus.LOST) == [
        DisputeStatus.NEEDS_RESPONSE,
        DisputeStatus.LOST,
    ]
    assert path_to(DisputeStatus.WON, DisputeStatus.NEEDS_RESPONSE) is None  # an old event after the close
    assert path_to(DisputeStatus.UNDER_REVIEW, DisputeStatus.UNDER_REVIEW) == []
    for source, targets in DISPUTE_TRANSITIONS.items():
        for target in targets:
            assert path_to(source, target) == [target]


def test_banking_days_skip_weekends() -> None:
    friday = date(2026, 11, 20)
    assert settles_on(friday, 1) == date(2026, 11, 23)
    assert settles_on(friday, 2) == date(2026, 11, 24)
    assert settles_on(date(2026, 11, 23), 3) == date(2026, 11, 26)


def test_settings_refuse_offline_methods_and_absurd_fees() -> None:
    with pytest.raises(InvalidRequest):
        PaymentSettings().changed(enabled_methods=frozenset({MethodType.CHECK}))
    with pytest.raises(InvalidRequest):
        PaymentSettings().changed(card_fee_bps=1_001)
    assert PaymentSettings().changed(card_fee_bps=250).card_fee_bps == 250


def _books(**overrides: object) -> PaymentBooks:
    base: dict[str, object] = {
        "payment_id": "pay_1",
        "status": "settled",
        "offline": False,
        "amount": 1_030,
        "fee": 30,
        "allocations": 1_000,
        "pending": 0,
        "applied": 1_000,
        "settled_cash": 1_030,
        "refunds_succeeded": 0,
        "refunds_ledger": 0,
    }
    return PaymentBooks(**{**base, **overrides})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("overrides", "kinds"),
    [
        ({}, []),
        ({"status": "pending", "pending": 1_000, "settled_cash": 0}, []),
        ({"status": "pending", "pending": 0, "settled_cash": 0}, ["pending_mismatch"]),
        ({"fee": 31}, ["allocation_mismatch"]),
        ({"status": "failed", "applied": 0, "settled_cash": 0}, []),
        ({"status": "failed", "applied": 1_000, "settled_cash": 0}, ["payment_mismatch"]),
        ({"settled_cash": 1_029}, ["capture_mismatch"]),
        ({"status": "refunded", "refunds_succeeded": 1_031, "refunds_ledger": 1_031}, ["over_refunded"]),
        ({"status": "partially_refunded", "refunds_succeeded": 500, "refunds_ledger": 400}, ["refund_mismatch"]),
        ({"status": "returned", "applied": 0}, []),
    ],
)
def test_payment_books(overrides: dict[str, object], kinds: list[str]) -> None:
    assert [v.kind for v in check_payment_books(_books(**overrides))] == kinds
