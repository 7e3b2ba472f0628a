"""Journal entries and lines, derived balances, the entry builders and the verifier's rules."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from domain.errors import UnbalancedEntry
from domain.invoices.model import Invoice, InvoiceLine, InvoiceStatus
from domain.ledger import entries
from domain.ledger.balances import AccountSums, InvoiceBalance, balance_of
from domain.ledger.model import PER_INVOICE_ACCOUNTS, Account, JournalEntry, JournalLine, Reason
from domain.ledger.verify import (
    EntrySum,
    InvoiceFacts,
    PaymentFacts,
    check_entries,
    check_grand_totals,
    check_invoice,
    check_payment,
)
from domain.payments.model import Allocation, MethodType, Payment

AT = datetime(2026, 11, 2, tzinfo=UTC)
INV = "inv_TEST"


def line(account: Account, amount: Any, currency: str = "USD", invoice_id: str | None = INV) -> JournalLine:
    return JournalLine(account, amount, currency, invoice_id)


def entry(*lines: JournalLine, reason: Reason = Reason.INVOICE_ISSUED) -> JournalEntry:
    return JournalEntry(partner_id="ptr_TEST", reason=reason, lines=tuple(lines), created_at=AT)


def test_a_balanced_entry_builds() -> None:
    e = entry(line(Account.RECEIVABLE, 100), line(Account.REVENUE, -100))
    assert e.id.startswith("je_")
    assert e.reverses_entry_id is None


def test_unbalanced_entry_is_refused() -> None:
    with pytest.raises(UnbalancedEntry) as err:
        entry(line(Account.RECEIVABLE, 100), line(Account.REVENUE, -99))
    assert err.value.code == "unbalanced_entry"


def test_each_currency_must_balance_on_its_own() -> None:
    with pytest.raises(UnbalancedEntry):
        entry(line(Account.CASH, 100, "USD", None), line(Account.CASH, -100, "CAD", None))
    entry(
        line(Account.CASH, 100, "USD", None),
        line(Account.FEES, -100, "USD", None),
        line(Account.CASH, 7, "CAD", None),
        line(Account.FEES, -7, "CAD", None),
    )


@pytest.mark.parametrize("count", [0, 1])
def test_entry_needs_two_lines(count: int) -> None:
    with pytest.raises(UnbalancedEntry):
        entry(*[line(Account.CASH, 100, invoice_id=None)] * count)


@pytest.mark.parametrize("amount", [0, 1.0, 0.5, True, "100", None])
def test_line_amount_is_a_non_zero_int(amount: Any) -> None:
    with pytest.raises(UnbalancedEntry):
        line(Account.CASH, amount, invoice_id=None)


def test_line_currency_must_be_known() -> None:
    with pytest.raises(UnbalancedEntry):
        line(Account.CASH, 100, "XXX", None)


@pytest.mark.parametrize("account", sorted(PER_INVOICE_ACCOUNTS))
def test_per_invoice_accounts_need_an_invoice_id(account: Account) -> None:
    with pytest.raises(UnbalancedEntry):
        line(account, 100, invoice_id=None)
    assert line(account, 100).invoice_id == INV


@pytest.mark.parametrize("account", sorted(set(Account) - PER_INVOICE_ACCOUNTS))
def test_other_accounts_do_not(account: Account) -> None:
    assert line(account, 100, invoice_id=None).invoice_id is None


def test_reversal_negates_every_line_and_links_back() -> None:
    original = entry(
        line(Account.CASH, 300, invoice_id=None),
        line(Account.RECEIVABLE, -100, invoice_id="inv_A"),
        line(Account.RECEIVABLE, -200, invoice_id="inv_B"),
        reason=Reason.PAYMENT_APPLIED,
    )
    later = datetime(2026, 12, 1, tzinfo=UTC)
    rev = original.reversal(reason=Reason.PAYMENT_REVERSED, at=later)

    assert rev.reverses_entry_id == original.id
    assert rev.id != original.id
    assert (rev.reason, rev.created_at) == (Reason.PAYMENT_REVERSED, later)
    assert (rev.partner_id, rev.payment_id, rev.invoice_id) == (
        original.partner_id,
        original.payment_id,
        original.invoice_id,
    )
    assert [(ln.account, ln.amount, ln.currency, ln.invoice_id) for ln in rev.lines] == [
        (ln.account, -ln.amount, ln.currency, ln.invoice_id) for ln in original.lines
    ]
    assert sum(ln.amount for ln in rev.lines) == 0


@st.composite
def balanced_lines(draw: st.DrawFn) -> list[JournalLine]:
    """Any non-empty mix of currencies, each with non-zero amounts closed by a balancing line."""
    out: list[JournalLine] = []
    for currency in draw(st.lists(st.sampled_from(["USD", "CAD", "JPY", "EUR"]), min_size=1, max_size=3, unique=True)):
        amounts = draw(st.lists(st.integers(-(10**12), 10**12).filter(bool), min_size=1, max_size=6))
        rest = -sum(amounts)
        if rest == 0:  # already balanced (needs at least two lines, which a zero sum of non-zeros has)
            assume(len(amounts) >= 2)
        else:
            amounts.append(rest)
        for amount in amounts:
            account = draw(st.sampled_from(list(Account)))
            invoice_id = draw(st.sampled_from(["inv_A", "inv_B"])) if account in PER_INVOICE_ACCOUNTS else None
            out.append(JournalLine(account, amount, currency, invoice_id))
    return draw(st.permutations(out))


@given(lines=balanced_lines())
def test_any_balanced_lines_build_an_entry(lines: list[JournalLine]) -> None:
    e = entry(*lines)
    assert e.lines == tuple(lines)


@given(lines=balanced_lines(), index=st.integers(0, 100), delta=st.integers(1, 10**6))
def test_changing_one_amount_unbalances_the_entry(lines: list[JournalLine], index: int, delta: int) -> None:
    i = index % len(lines)
    changed = lines[i].amount + delta
    assume(changed != 0)
    lines[i] = JournalLine(lines[i].account, changed, lines[i].currency, lines[i].invoice_id)
    with pytest.raises(UnbalancedEntry):
        entry(*lines)


@given(lines=balanced_lines())
def test_reversal_of_a_reversal_restores_the_amounts(lines: list[JournalLine]) -> None:
    original = entry(*lines)
    once = original.reversal(reason=Reason.PAYMENT_REVERSED, at=AT)
    twice = once.reversal(reason=Reason.PAYMENT_APPLIED, at=AT)
    assert twice.lines == original.lines
    assert twice.reverses_entry_id == once.id and once.reverses_entry_id == original.id
    per_currency: dict[str, int] = defaultdict(int)
    for ln in original.lines + once.lines:
        per_currency[ln.currency] += ln.amount
    assert set(per_currency.values()) == {0}


# Balances derived from lines


def test_account_sums_only_count_the_invoice_and_its_accounts() -> None:
    lines = [
        line(Account.RECEIVABLE, 1_000),
        line(Account.REVENUE, -1_000),
        line(Account.CASH, 400, invoice_id=INV),  # not a per-invoice account: ignored
        line(Account.RECEIVABLE, -400),
        line(Account.PENDING, 100),
        line(Account.RECEIVABLE, -100),
        line(Account.RECEIVABLE, 999, invoice_id="inv_OTHER"),
    ]
    sums = AccountSums.of(lines, INV)
    assert sums == AccountSums(receivable=500, pending=100, revenue=-1_000)
    assert sums.billed() == 1_000
    assert balance_of(1_000, sums) == InvoiceBalance(total=1_000, amount_paid=400, amount_pending=100, amount_due=500)


def test_unissued_balance() -> None:
    assert InvoiceBalance.unissued(700) == InvoiceBalance(700, 0, 0, 700)


def _invoice(total: int = 1_000, **kw: Any) -> Invoice:
    return Invoice(
        partner_id="ptr_TEST",
        customer_id="cus_TEST",
        number="INV-1",
        currency="USD",
        issue_date=date(2026, 11, 1),
        due_date=date(2026, 12, 1),
        lines=[InvoiceLine("Work", 1, total)],
        created_at=AT,
        **kw,
    )


def test_entry_builders_follow_the_business_events() -> None:
    invoice = _invoice(1_000)
    issued = entries.invoice_issued(invoice, at=AT)
    voided = entries.invoice_voided(invoice, 600, at=AT)
    payment = Payment(
        partner_id="ptr_TEST",
        customer_id="cus_TEST",
        method=MethodType.CHECK,
        currency="USD",
        allocations=[Allocation(invoice.id, 400)],
        created_at=AT,
        received_on=date(2026, 11, 2),
    )
    applied = entries.payment_applied(payment, at=AT)

    assert (issued.reason, issued.invoice_id) == (Reason.INVOICE_ISSUED, invoice.id)
    assert (voided.reason, voided.invoice_id) == (Reason.INVOICE_VOIDED, invoice.id)
    assert (applied.reason, applied.payment_id) == (Reason.PAYMENT_APPLIED, payment.id)
    sums = AccountSums.of([*issued.lines, *applied.lines, *voided.lines], invoice.id)
    assert balance_of(1_000, sums) == InvoiceBalance(1_000, 400, 0, 0)
    assert sums.billed() == 400  # voiding takes back only what was still due


# The verifier's rules


def test_check_entries_and_grand_totals() -> None:
    assert check_entries([EntrySum("je_1", "USD", 0, 2)]) == []
    kinds = [v.kind for v in check_entries([EntrySum("je_1", "USD", 5, 2), EntrySum("je_2", "CAD", 0, 1)])]
    assert kinds == ["unbalanced_entry", "short_entry"]
    assert check_grand_totals({"USD": 0, "CAD": 0}) == []
    assert [(v.kind, v.subject) for v in check_grand_totals({"USD": 0, "CAD": 3})] == [("ledger_not_zero", "CAD")]


def _facts(status: InvoiceStatus, sums: AccountSums, total: int = 1_000, lines_total: int = 1_000) -> InvoiceFacts:
    return InvoiceFacts("inv_X", status, total, lines_total, sums)


@pytest.mark.parametrize(
    ("facts", "kinds"),
    [
        (_facts(InvoiceStatus.DRAFT, AccountSums()), []),
        (_facts(InvoiceStatus.OPEN, AccountSums(1_000, 0, -1_000)), []),
        (_facts(InvoiceStatus.PARTIALLY_PAID, AccountSums(600, 0, -1_000)), []),
        (_facts(InvoiceStatus.PAID, AccountSums(0, 0, -1_000)), []),
        (_facts(InvoiceStatus.VOID, AccountSums(0, 0, 0)), []),
        (_facts(InvoiceStatus.DRAFT, AccountSums(1_000, 0, -1_000)), ["draft_has_entries"]),
        (_facts(InvoiceStatus.OPEN, AccountSums(1_000, 0, -1_000), lines_total=900), ["invoice_total_mismatch"]),
        (_facts(InvoiceStatus.OPEN, AccountSums(600, 0, -1_000)), ["status_mismatch"]),
        (_facts(InvoiceStatus.PAID, AccountSums(-100, 0, -1_000)), ["negative_balance", "overpaid", "status_mismatch"]),
        (_facts(InvoiceStatus.OPEN, AccountSums(900, 0, -900)), ["billed_mismatch"]),
        (_facts(InvoiceStatus.VOID, AccountSums(300, 0, -300)), ["void_with_balance"]),
    ],
)
def test_check_invoice(facts: InvoiceFacts, kinds: list[str]) -> None:
    assert [v.kind for v in check_invoice(facts)] == kinds


def test_check_payment() -> None:
    assert check_payment(PaymentFacts("pay_1", 500, 500), canceled=False) == []
    assert check_payment(PaymentFacts("pay_1", 500, 0), canceled=True) == []
    assert [v.kind for v in check_payment(PaymentFacts("pay_1", 500, 400), canceled=False)] == ["payment_mismatch"]
    assert [v.kind for v in check_payment(PaymentFacts("pay_1", 500, 500), canceled=True)] == ["payment_mismatch"]
