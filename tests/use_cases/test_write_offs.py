"""Writing off bad debt on the fakes: the use case's rules, and a stateful property test that random sequences of
payments, cancellations and write-offs keep the ledger's invariants (every figure derived, nothing over-taken)."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule

from domain.clock import FixedClock
from domain.errors import Conflict, DomainError, InvalidRequest, OverAllocation
from domain.invoices.model import PAYABLE, InvoiceStatus, status_for
from domain.invoices.use_cases import WriteOffInvoice, write_off_invoice
from domain.ledger.model import Account, JournalEntry, Reason
from domain.ledger.verify import InvoiceFacts, check_invoice
from domain.payments.offline import CancelOfflinePayment, cancel_offline_payment
from tests.use_cases.factories import START, make_clock, make_customer, make_invoice, pay
from tests.use_cases.fakes import FakeUnitOfWork, account_sums, in_transaction

S = InvoiceStatus


def write_off(invoice_id: str, amount: int | None = None, reason: str = "Bankrupt") -> WriteOffInvoice:
    return WriteOffInvoice(invoice_id=invoice_id, amount=amount, reason=reason, actor="api_key:key_TEST")


async def test_a_whole_write_off_books_bad_debt_and_closes_the_invoice(uow: FakeUnitOfWork, clock: FixedClock) -> None:
    customer = await make_customer(uow, clock)
    invoice = await make_invoice(uow, clock, customer.id, amount=10_000)
    await pay(uow, clock, customer.id, [(invoice.id, 2_500)])

    done = await in_transaction(uow, write_off_invoice(write_off(invoice.id), uow, clock=clock))

    assert done.status is S.WRITTEN_OFF
    balance = uow.balance(invoice.id)
    figures = (balance.amount_paid, balance.amount_pending, balance.amount_due, balance.amount_written_off)
    assert figures == (2_500, 0, 0, 7_500)
    entry = uow.tables.entries[-1]
    assert (entry.reason, entry.invoice_id, entry.created_at) == (Reason.INVOICE_WRITTEN_OFF, invoice.id, clock.now())
    assert {(ln.account, ln.amount) for ln in entry.lines} == {(Account.WRITE_OFF, 7_500), (Account.RECEIVABLE, -7_500)}
    assert uow.events[-1] == (
        "invoice.written_off",
        {"invoice_id": invoice.id, "amount": 7_500, "currency": "USD", "amount_due": 0},
    )
    assert uow.tables.audit_log[-1] == {
        "partner_id": uow.partner_id,
        "actor": "api_key:key_TEST",
        "action": "invoice.written_off",
        "subject": invoice.id,
        "details": {
            "amount": 7_500,
            "currency": "USD",
            "amount_due_before": 7_500,
            "amount_due_after": 0,
            "reason": "Bankrupt",
        },
    }


async def test_a_partial_write_off_leaves_the_rest_due(uow: FakeUnitOfWork, clock: FixedClock) -> None:
    customer = await make_customer(uow, clock)
    invoice = await make_invoice(uow, clock, customer.id, amount=10_000)
    done = await in_transaction(uow, write_off_invoice(write_off(invoice.id, 1_000), uow, clock=clock))
    assert done.status is S.OPEN
    assert (uow.balance(invoice.id).amount_due, uow.balance(invoice.id).amount_written_off) == (9_000, 1_000)
    assert "invoice.written_off" in uow.event_types()


@pytest.mark.parametrize(
    ("amount", "reason", "error", "code"),
    [
        (10_001, "Bankrupt", OverAllocation, "amount_exceeds_due"),
        (0, "Bankrupt", InvalidRequest, "invalid_amount"),
        (-1, "Bankrupt", InvalidRequest, "invalid_amount"),
        (True, "Bankrupt", InvalidRequest, "invalid_amount"),
        (None, "  ", InvalidRequest, "missing_field"),
        (None, "x" * 501, InvalidRequest, "invalid_request"),
    ],
)
async def test_refusals_write_nothing(
    uow: FakeUnitOfWork, clock: FixedClock, amount: Any, reason: str, error: type[DomainError], code: str
) -> None:
    customer = await make_customer(uow, clock)
    invoice = await make_invoice(uow, clock, customer.id, amount=10_000)
    before = uow.state()
    with pytest.raises(error) as raised:
        await in_transaction(uow, write_off_invoice(write_off(invoice.id, amount, reason), uow, clock=clock))
    assert raised.value.code == code
    assert uow.state() == before


async def test_only_payable_invoices_with_something_due(uow: FakeUnitOfWork, clock: FixedClock) -> None:
    customer = await make_customer(uow, clock)
    draft = await make_invoice(uow, clock, customer.id, draft=True)
    paid = await make_invoice(uow, clock, customer.id, amount=500)
    await pay(uow, clock, customer.id, [(paid.id, 500)])
    done = await make_invoice(uow, clock, customer.id)
    await in_transaction(uow, write_off_invoice(write_off(done.id), uow, clock=clock))
    before = uow.state()
    for invoice in (draft, paid, done):
        with pytest.raises(Conflict) as raised:
            await in_transaction(uow, write_off_invoice(write_off(invoice.id), uow, clock=clock))
        assert raised.value.code == "invoice_not_payable"
    assert uow.state() == before


# The property: any sequence keeps every invoice's figures consistent with its entries.


class WriteOffMachine(RuleBasedStateMachine):
    invoices = Bundle("invoices")
    payments = Bundle("payments")

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.uow = FakeUnitOfWork()
        self.clock = make_clock(START)
        self.customer = self.run(lambda: make_customer(self.uow, self.clock))
        self.written: Counter[str] = Counter()  # invoice id -> what write-offs took, kept by hand
        self.seen: list[JournalEntry] = []

    def teardown(self) -> None:
        self.loop.close()

    def run(self, work: Callable[[], Awaitable[Any]]) -> Any:
        self.clock.at += timedelta(minutes=5)
        return self.loop.run_until_complete(work())

    def attempt(self, work: Callable[[], Awaitable[Any]]) -> DomainError | None:
        before = self.uow.state()
        try:
            self.run(lambda: in_transaction(self.uow, work()))
        except DomainError as exc:
            assert self.uow.state() == before, "a refusal writes nothing"
            return exc
        return None

    @initialize(target=invoices, amount=st.integers(1, 20_000))
    def an_invoice(self, amount: int) -> str:
        return str(self.run(lambda: make_invoice(self.uow, self.clock, self.customer.id, amount=amount)).id)

    @rule(target=invoices, amount=st.integers(1, 20_000))
    def another_invoice(self, amount: int) -> str:
        return self.an_invoice(amount)

    @rule(target=payments, invoice=invoices, share=st.integers(1, 100))
    def pay_some(self, invoice: str, share: int) -> Any:
        due = self.uow.balance(invoice).amount_due
        status = self.uow.tables.invoices[invoice].status
        amount = max(1, due * share // 100)
        payment: list[Any] = []

        async def work() -> None:
            payment.append(await pay(self.uow, self.clock, self.customer.id, [(invoice, amount)]))

        error = self.attempt(work)
        if status in PAYABLE and 0 < amount <= due:
            assert error is None, error
            return payment[0].id
        assert error is not None
        return None

    @rule(payment=payments)
    def cancel(self, payment: str | None) -> None:
        if payment is None:
            return
        cmd = CancelOfflinePayment(payment)
        self.attempt(lambda: cancel_offline_payment(cmd, self.uow, clock=self.clock))

    @rule(invoice=invoices, how=st.none() | st.tuples(st.integers(0, 100), st.integers(-2, 2)))
    def write_off_some(self, invoice: str, how: tuple[int, int] | None) -> None:
        """All that is due (None), or a share of it give or take a unit: the edges are where bugs live."""
        balance = self.uow.balance(invoice)
        status = self.uow.tables.invoices[invoice].status
        amount = None if how is None else balance.amount_due * how[0] // 100 + how[1]
        error = self.attempt(lambda: write_off_invoice(write_off(invoice, amount), self.uow, clock=self.clock))
        taken = balance.amount_due if amount is None else amount
        if status in PAYABLE and 0 < taken <= balance.amount_due:
            assert error is None, error
            self.written[invoice] += taken
            assert self.uow.balance(invoice).amount_due == balance.amount_due - taken
        else:
            assert error is not None

    @invariant()
    def figures_agree_with_the_ledger(self) -> None:
        entries = self.uow.tables.entries
        assert entries[: len(self.seen)] == self.seen, "the journal is append-only"
        self.seen = list(entries)
        for entry in entries:
            per_currency: Counter[str] = Counter()
            for line in entry.lines:
                per_currency[line.currency] += line.amount
            assert set(per_currency.values()) <= {0}
        for invoice in self.uow.tables.invoices.values():
            b = self.uow.balance(invoice.id)
            assert b.amount_written_off == self.written[invoice.id]
            assert b.amount_paid + b.amount_pending + b.amount_due + b.amount_written_off == invoice.total
            assert min(b.amount_paid, b.amount_pending, b.amount_due, b.amount_written_off) >= 0
            assert invoice.status is status_for(b)
            assert (invoice.status is S.WRITTEN_OFF) == (b.amount_due == 0 and b.amount_written_off > 0)
            facts = InvoiceFacts(
                invoice.id, invoice.status, invoice.total, invoice.total, account_sums(entries, invoice.id)
            )
            assert check_invoice(facts) == [], facts


TestWriteOffMachine = WriteOffMachine.TestCase
TestWriteOffMachine.settings = settings(
    max_examples=60, stateful_step_count=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
