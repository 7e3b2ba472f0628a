"""A method given for one payment stays one-off whatever else happens to it, and auto-pay never takes it."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.payment_methods.model import PaymentMethod
from domain.payments.model import MethodType
from domain.portal.payments import is_one_off, mark_one_off


def _card(**fields: object) -> PaymentMethod:
    return PaymentMethod(
        partner_id="ptr_1",
        customer_id="cus_1",
        type=MethodType.US_BANK_ACCOUNT,
        processor="sandbox",
        processor_method_id="pm_x",
        last4="6789",
        country="US",
        created_at=datetime(2026, 11, 21, tzinfo=UTC),
        **fields,  # type: ignore[arg-type]
    )


def test_a_one_off_method_is_never_the_default_nor_for_auto_pay() -> None:
    method = _card(is_default=True)
    mark_one_off(method)
    assert is_one_off(method)
    assert method.is_default is False
    assert method.autopay_refusal is not None


def test_a_returned_debit_does_not_make_a_one_off_method_a_saved_one() -> None:
    method = _card()
    mark_one_off(method)
    method.autopay_blocked_reason = "The bank returned a debit with code R01."
    assert is_one_off(method)
    assert method.autopay_refusal is not None


def test_a_saved_method_is_for_auto_pay_until_something_blocks_it() -> None:
    method = _card()
    assert not is_one_off(method)
    assert method.autopay_refusal is None
    method.autopay_blocked_reason = "The bank returned a debit with code R01."
    assert method.autopay_refusal == "The bank returned a debit with code R01."
