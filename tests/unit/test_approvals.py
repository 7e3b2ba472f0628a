"""The approval rules and an approval's lifecycle, pure: strictly above a currency's threshold waits; nobody decides
their own request; only pending, unexpired requests can be decided; expiry is read, not stored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.approvals.model import (
    APPROVAL_TTL,
    Approval,
    ApprovalAction,
    ApprovalRules,
    ApprovalStatus,
    payout_destination_change_needs_approval,
)
from domain.approvals.use_cases import changed_rules
from domain.errors import Conflict, InvalidRequest, InvalidTransition, PermissionDenied
from domain.money import CURRENCIES, MAX_AMOUNT

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
MAKER, CHECKER = "api_key:key_MAKER", "user:usr_CHECKER"


def _approval(**overrides: object) -> Approval:
    fields: dict[str, object] = {
        "partner_id": "ptr_X",
        "action": ApprovalAction.REFUND,
        "params": {"payment_id": "pay_X", "amount": 60_000, "reason": None},
        "requested_by": MAKER,
        "created_at": T0,
        "expires_at": T0 + APPROVAL_TTL,
        "amount": 60_000,
        "currency": "USD",
    }
    return Approval(**{**fields, **overrides})  # type: ignore[arg-type]


def test_nothing_needs_approval_by_default() -> None:
    rules = ApprovalRules()
    assert not rules.refund_needs_approval(MAX_AMOUNT, "USD")
    assert not rules.write_off_needs_approval()
    assert not payout_destination_change_needs_approval(rules)


@given(
    threshold=st.integers(0, MAX_AMOUNT),
    amount=st.integers(1, MAX_AMOUNT),
    currency=st.sampled_from(sorted(CURRENCIES)),
)
def test_a_refund_waits_only_when_strictly_above_its_currencys_threshold(
    threshold: int, amount: int, currency: str
) -> None:
    rules = ApprovalRules(refunds_above={currency: threshold})
    assert rules.refund_needs_approval(amount, currency) is (amount > threshold)
    others = sorted(set(CURRENCIES) - {currency})
    assert not any(rules.refund_needs_approval(amount, other) for other in others)


def test_the_other_rules_are_switches() -> None:
    rules = ApprovalRules(write_offs=True, payout_destination_changes=True)
    assert rules.write_off_needs_approval() and payout_destination_change_needs_approval(rules)


def test_changing_rules_keeps_what_was_not_sent_and_checks_currencies() -> None:
    current = ApprovalRules(refunds_above={"USD": 100}, write_offs=True)
    assert changed_rules(current) == current
    assert changed_rules(current, refunds_above={"cad": 5}) == ApprovalRules({"CAD": 5}, write_offs=True)
    assert changed_rules(current, refunds_above=None, write_offs=False) == ApprovalRules()
    assert changed_rules(current, payout_destination_changes=True).payout_destination_changes
    with pytest.raises(InvalidRequest) as unknown:
        changed_rules(current, refunds_above={"XYZ": 5})
    assert unknown.value.code == "unknown_currency"
    for bad in (-1, True, 1.5):
        with pytest.raises(InvalidRequest):
            changed_rules(current, refunds_above={"USD": bad})  # type: ignore[dict-item]


def test_approving_records_who_and_when() -> None:
    approval = _approval()
    approval.approve(CHECKER, T0 + timedelta(days=1))
    assert (approval.status, approval.decided_by, approval.decided_at) == (
        ApprovalStatus.APPROVED,
        CHECKER,
        T0 + timedelta(days=1),
    )
    approval.fail("amount_exceeds_refundable", "Only 10 USD (minor units) can still be refunded.")
    assert approval.status is ApprovalStatus.FAILED and approval.failure == {
        "code": "amount_exceeds_refundable",
        "detail": "Only 10 USD (minor units) can still be refunded.",
    }


def test_nobody_decides_their_own_request() -> None:
    approval = _approval()
    with pytest.raises(PermissionDenied) as refused:
        approval.approve(MAKER, T0)
    assert refused.value.code == "self_approval"
    with pytest.raises(PermissionDenied):
        approval.reject(MAKER, T0, "No")
    assert approval.status is ApprovalStatus.PENDING


@pytest.mark.parametrize("status", [ApprovalStatus.APPROVED, ApprovalStatus.REJECTED, ApprovalStatus.FAILED])
def test_a_decided_request_cannot_be_decided_again(status: ApprovalStatus) -> None:
    approval = _approval(status=status)
    with pytest.raises(Conflict) as refused:
        approval.approve(CHECKER, T0)
    assert refused.value.code == "approval_not_pending"


def test_a_request_expires_seven_days_after_it_was_made() -> None:
    just_before = T0 + APPROVAL_TTL - timedelta(microseconds=1)
    assert _approval().as_of(just_before).status is ApprovalStatus.PENDING
    assert _approval().as_of(T0 + APPROVAL_TTL).status is ApprovalStatus.EXPIRED
    approval = _approval()
    with pytest.raises(Conflict) as refused:
        approval.reject(CHECKER, T0 + APPROVAL_TTL, "Too late")
    assert refused.value.code == "approval_expired"
    decided = _approval(status=ApprovalStatus.APPROVED)
    assert decided.as_of(T0 + 2 * APPROVAL_TTL).status is ApprovalStatus.APPROVED  # decided ones never expire


def test_only_an_approved_request_can_fail() -> None:
    with pytest.raises(InvalidTransition):
        _approval().fail("x", "y")
