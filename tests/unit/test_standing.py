"""The one status vocabulary: pending money is never "paid", an overdue partial payment says both, and every
API status has words in both languages."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from domain.invoices.model import InvoiceStatus
from domain.invoices.standing import STANDING_WORDS, Qualifier, Standing, standing_of
from domain.ledger.balances import InvoiceBalance
from domain.payments.model import PaymentStatus
from domain.payments.standing import PAYMENT_WORDS, PaymentStanding, payment_standing, payment_words

TODAY = date(2026, 12, 1)


def _balance(total: int, paid: int, pending: int) -> InvoiceBalance:
    return InvoiceBalance(total=total, amount_paid=paid, amount_pending=pending, amount_due=total - paid - pending)


def test_a_pending_debit_alone_is_not_partly_paid() -> None:
    got = standing_of(InvoiceStatus.PARTIALLY_PAID, _balance(1000, 0, 400), due_date=TODAY, today=TODAY)
    assert got.standing is Standing.OPEN
    assert got.qualifiers == (Qualifier.PENDING,)
    assert got.words("en") == "Due · Payment pending"


def test_overdue_and_partly_paid_says_both() -> None:
    got = standing_of(InvoiceStatus.PARTIALLY_PAID, _balance(1500, 500, 0), due_date=date(2026, 11, 1), today=TODAY)
    assert (got.standing, got.qualifiers) == (Standing.OVERDUE, (Qualifier.PARTLY_PAID,))
    assert got.words("fr") == "En retard · Payée en partie"


def test_fully_covered_by_a_pending_debit_is_payment_pending() -> None:
    got = standing_of(InvoiceStatus.PARTIALLY_PAID, _balance(1000, 200, 800), due_date=date(2026, 1, 1), today=TODAY)
    assert got.standing is Standing.PAYMENT_PENDING


@given(
    total=st.integers(1, 10**9),
    paid_share=st.integers(0, 100),
    pending_share=st.integers(0, 100),
    days=st.integers(-60, 60),
)
def test_paid_only_when_nothing_is_due_or_pending(total: int, paid_share: int, pending_share: int, days: int) -> None:
    paid = total * paid_share // 100
    pending = (total - paid) * pending_share // 100
    due_date = date.fromordinal(TODAY.toordinal() + days)
    got = standing_of(InvoiceStatus.PARTIALLY_PAID, _balance(total, paid, pending), due_date=due_date, today=TODAY)
    assert (got.standing is Standing.PAID) == (paid == total)
    assert (Qualifier.PENDING in got.qualifiers or got.standing is Standing.PAYMENT_PENDING) == (pending > 0)
    assert "Paid" not in got.words("en").replace("Partly paid", "") or paid == total


def test_every_standing_and_qualifier_has_words_in_both_languages() -> None:
    for language in ("en", "fr"):
        for standing in Standing:
            assert STANDING_WORDS[language][standing.value]
        for qualifier in Qualifier:
            assert STANDING_WORDS[language][f"+{qualifier.value}"]
        for status in PaymentStatus:
            assert payment_words(status, language)
    assert set(PAYMENT_WORDS["en"]) == {s.value for s in PaymentStanding} == set(PAYMENT_WORDS["fr"])


def test_cards_and_bank_debits_end_with_the_same_word() -> None:
    assert payment_standing(PaymentStatus.SUCCEEDED) is payment_standing(PaymentStatus.SETTLED) is PaymentStanding.PAID
    assert payment_words(PaymentStatus.FAILED) == "Failed, not charged"
