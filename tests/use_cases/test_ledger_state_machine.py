"""Stateful property test: random sequences of invoice and payment use cases keep the ledger's invariants.

Each rule runs one use case in its own transaction on the fakes (commit on success, rollback on a DomainError),
predicts from the current state whether the call must succeed, and checks that refusals change nothing.
"""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
)

from domain.customers.model import BillingTerms
from domain.customers.use_cases import ArchiveCustomer, CreateCustomer, archive_customer, create_customer
from domain.errors import Conflict, CurrencyMismatch, DomainError, InvalidRequest, InvalidTransition, OverAllocation
from domain.invoices.model import ISSUED, PAYABLE, InvoiceLine, InvoiceStatus, status_for
from domain.invoices.use_cases import (
    ArchiveInvoice,
    CreateInvoice,
    FinalizeInvoice,
    VoidInvoice,
    archive_invoice,
    create_invoice,
    finalize_invoice,
    void_invoice,
)
from domain.ledger.model import Account, JournalEntry
from domain.ledger.verify import (
    EntrySum,
    InvoiceFacts,
    PaymentFacts,
    check_entries,
    check_grand_totals,
    check_invoice,
    check_payment,
)
from domain.payments.model import Allocation, MethodType, PaymentStatus
from domain.payments.offline import (
    CancelOfflinePayment,
    RecordOfflinePayment,
    cancel_offline_payment,
    record_offline_payment,
)
from tests.use_cases.factories import START, make_clock
from tests.use_cases.fakes import FakeUnitOfWork, account_sums

S = InvoiceStatus
CURRENCIES = ["USD", "CAD"]


@st.composite
def invoice_lines(draw: st.DrawFn) -> tuple[InvoiceLine, ...]:
    """One to four charges, sometimes a negative discount line; the total stays positive."""
    charges = draw(st.lists(st.tuples(st.integers(1, 4), st.integers(1, 5_000)), min_size=1, max_size=4))
    lines = [InvoiceLine(f"Item {i}", qty, unit) for i, (qty, unit) in enumerate(charges)]
    gross = sum(qty * unit for qty, unit in charges)
    if gross > 1 and draw(st.booleans()):
        lines.append(InvoiceLine("Discount", 1, -draw(st.integers(1, gross - 1))))
    return tuple(lines)


@dataclass
class Outcome:
    value: Any = None
    error: DomainError | None = None
    wrote_before_refusing: bool = False


class LedgerMachine(RuleBasedStateMachine):
    customers = Bundle("customers")
    invoices = Bundle("invoices")
    payments = Bundle("payments")

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.uow = FakeUnitOfWork()
        self.clock = make_clock(START)
        self.seen_entries: list[JournalEntry] = []
        self.expected_paid: dict[str, int] = defaultdict(int)  # invoice id -> live allocations, kept by hand

    def teardown(self) -> None:
        self.loop.close()

    # Running one use case as one transaction

    def call(self, work: Callable[[], Awaitable[Any]]) -> Outcome:
        self.clock.at += timedelta(minutes=7)
        before = self.uow.state()
        try:
            value = self.loop.run_until_complete(work())
        except DomainError as exc:
            wrote = self.uow.state() != before
            self.loop.run_until_complete(self.uow.rollback())
            assert self.uow.state() == before, "rollback must restore everything"
            return Outcome(error=exc, wrote_before_refusing=wrote)
        self.loop.run_until_complete(self.uow.commit())
        return Outcome(value=value)

    def status(self, invoice_id: str) -> InvoiceStatus:
        return self.uow.tables.invoices[invoice_id].status

    # Every run starts with something to pay, so the search is spent on payments rather than on set-up.

    @initialize(target=customers, count=st.integers(1, 2))
    def some_customers(self, count: int) -> Any:
        return multiple(*(self.add_customer(BillingTerms.NET_30) for _ in range(count)))

    @initialize(
        target=invoices,
        currencies=st.lists(st.sampled_from(CURRENCIES), min_size=1, max_size=3),
        lines=invoice_lines(),
    )
    def a_customer_with_open_invoices(self, currencies: list[str], lines: tuple[InvoiceLine, ...]) -> Any:
        customer = self.add_customer(BillingTerms.NET_15)
        return multiple(*(self.add_invoice(customer, cur, lines, False, None) for cur in currencies))

    # Rules

    @rule(target=customers, terms=st.sampled_from(BillingTerms))
    def add_customer(self, terms: BillingTerms) -> str:
        cmd = CreateCustomer(name="Customer", billing_terms=terms)
        out = self.call(lambda: create_customer(cmd, self.uow, clock=self.clock))
        assert out.error is None, out.error
        return str(out.value.id)

    @rule(customer=customers)
    def archive_a_customer(self, customer: str) -> None:
        out = self.call(lambda: archive_customer(ArchiveCustomer(customer), self.uow, clock=self.clock))
        assert out.error is None, out.error

    @rule(
        target=invoices,
        customer=customers,
        currency=st.sampled_from(CURRENCIES),
        lines=invoice_lines(),
        draft=st.booleans(),
        number=st.none() | st.sampled_from(["INV-000002", "INV-000003", "A-1"]),
    )
    def add_invoice(
        self, customer: str, currency: str, lines: tuple[InvoiceLine, ...], draft: bool, number: str | None
    ) -> Any:
        archived = self.uow.tables.customers[customer].archived
        taken = number is not None and any(i.number == number for i in self.uow.tables.invoices.values())
        entries_before = len(self.uow.tables.entries)
        cmd = CreateInvoice(customer, currency, lines, number=number, draft=draft)

        out = self.call(lambda: create_invoice(cmd, self.uow, clock=self.clock))

        if archived or taken:
            assert isinstance(out.error, Conflict), out
            assert out.error.code == ("customer_archived" if archived else "invoice_number_taken")
            return multiple()
        assert out.error is None, out.error
        invoice = self.uow.invoice(out.value.id)
        assert invoice.status is (S.DRAFT if draft else S.OPEN)
        assert invoice.total == sum(line.amount for line in lines) > 0
        assert len(self.uow.tables.entries) == entries_before + (0 if draft else 1)
        return invoice.id

    @rule(invoice=invoices)
    def finalize(self, invoice: str) -> None:
        was = self.status(invoice)
        archived = self.uow.tables.customers[self.uow.tables.invoices[invoice].customer_id].archived
        out = self.call(lambda: finalize_invoice(FinalizeInvoice(invoice), self.uow, clock=self.clock))
        if was is S.DRAFT and not archived:
            assert out.error is None, out.error
            assert self.status(invoice) is S.OPEN
        else:
            assert isinstance(out.error, Conflict) and not out.wrote_before_refusing, out

    @rule(invoice=invoices, archive=st.booleans())
    def void_or_archive(self, invoice: str, archive: bool) -> None:
        was = self.status(invoice)
        if archive:
            out = self.call(lambda: archive_invoice(ArchiveInvoice(invoice), self.uow, clock=self.clock))
        else:
            out = self.call(lambda: void_invoice(VoidInvoice(invoice), self.uow, clock=self.clock))
        verb, target = ("archive", S.ARCHIVED) if archive else ("void", S.VOID)
        event(f"{verb} {was.value}: {'ok' if out.error is None else out.error.code}")
        allowed = (S.DRAFT, S.PAID, S.VOID) if archive else (S.DRAFT, S.OPEN)
        if was in allowed:
            assert out.error is None, out.error
            assert self.status(invoice) is target
            assert self.uow.balance(invoice).amount_due == 0 or was is S.DRAFT or archive
        elif was is not target:  # repeating a void or an archive is checked on its own in test_use_cases
            assert isinstance(out.error, Conflict) and not out.wrote_before_refusing, out

    @rule(target=payments, data=st.data())
    @precondition(lambda self: any(i.status in PAYABLE for i in self.uow.tables.invoices.values()))
    def pay_what_is_due(self, data: st.DataObject) -> Any:
        return self.record_payment(data, careless=False)

    @rule(target=payments, data=st.data())
    @precondition(lambda self: bool(self.uow.tables.invoices))
    def pay_carelessly(self, data: st.DataObject) -> Any:
        return self.record_payment(data, careless=True)

    def record_payment(self, data: st.DataObject, *, careless: bool) -> Any:
        tables = self.uow.tables

        def flaw(name: str) -> bool:  # each kind of mistake is made independently, one time in six
            return careless and data.draw(st.integers(0, 5), label=f"{name}?") == 0

        # Sample in creation order, never in id order: ids are random, and draws must replay identically.
        payable = [i.id for i in tables.invoices.values() if i.status in PAYABLE]
        any_status = not payable or flaw("unpayable invoices")
        first = data.draw(st.sampled_from(list(tables.invoices) if any_status else payable), label="invoice")
        head = tables.invoices[first]
        customer_id = head.customer_id
        mixed = flaw("mixed currencies")
        pool = list(
            i.id
            for i in tables.invoices.values()
            if i.customer_id == customer_id
            and i.id != first
            and (any_status or i.status in PAYABLE)
            and (mixed or i.currency == head.currency)
        )
        chosen = [first]
        if pool:
            chosen += data.draw(st.lists(st.sampled_from(pool), unique=True, max_size=3), label="more invoices")
        if flaw("duplicate"):
            chosen.append(data.draw(st.sampled_from(chosen), label="repeated"))
        if flaw("foreign invoice"):
            chosen.append(data.draw(st.sampled_from(list(tables.invoices)), label="any invoice"))
        if flaw("other payer"):
            customer_id = data.draw(st.sampled_from(list(tables.customers)), label="payer")
        allocations = []
        for invoice_id in chosen:
            due = self.uow.balance(invoice_id).amount_due
            if due > 0 and not flaw("over"):
                amount = data.draw(st.just(due) | st.integers(1, due), label=f"amount for {invoice_id}")
            else:
                amount = data.draw(st.integers(due + 1, due + 500), label=f"too much for {invoice_id}")
            allocations.append(Allocation(invoice_id, amount))
        currency = None
        if data.draw(st.booleans(), label="name the currency?"):
            named = data.draw(st.sampled_from(CURRENCIES), label="currency") if flaw("currency") else head.currency
            currency = named.lower() if data.draw(st.booleans(), label="lower case?") else named

        invoices = {i: self.uow.invoice(i) for i in chosen}
        currencies = {inv.currency for inv in invoices.values()} | ({currency.upper()} if currency else set())
        checks = {
            "duplicate": len(set(chosen)) != len(chosen),
            "customer": any(inv.customer_id != customer_id for inv in invoices.values()),
            "status": any(inv.status not in PAYABLE for inv in invoices.values()),
            "currency": len(currencies) > 1,
            "over": any(a.amount > self.uow.balance(a.invoice_id).amount_due for a in allocations),
        }
        problems = {name for name, broken in checks.items() if broken}
        cmd = RecordOfflinePayment(
            customer_id, MethodType.CHECK, tuple(allocations), reference="chk", currency=currency
        )

        out = self.call(lambda: record_offline_payment(cmd, self.uow, clock=self.clock))

        event(f"payment: {'refused ' + '+'.join(sorted(problems)) if problems else 'recorded'}")
        if problems:
            assert out.error is not None, f"expected a refusal for {problems}"
            assert not out.wrote_before_refusing, "a refused payment must validate before writing"
            expected: dict[str, tuple[type[DomainError], str]] = {
                "duplicate": (InvalidRequest, "duplicate_allocation"),
                "customer": (InvalidRequest, "invoice_customer_mismatch"),
                "status": (Conflict, "invoice_not_payable"),
                "currency": (CurrencyMismatch, "currency_mismatch"),
                "over": (OverAllocation, "amount_exceeds_due"),
            }
            if len(problems) == 1:
                kind, code = expected[problems.pop()]
                assert isinstance(out.error, kind) and out.error.code == code, out.error
            return multiple()
        assert out.error is None, out.error
        for a in allocations:
            self.expected_paid[a.invoice_id] += a.amount
            assert self.status(a.invoice_id) is status_for(self.uow.balance(a.invoice_id))
        return str(out.value.id)

    @rule(payment=payments)
    def cancel_payment(self, payment: str) -> None:
        before = self.uow.payment(payment)
        frozen = any(self.status(a.invoice_id) is S.ARCHIVED for a in before.allocations)

        out = self.call(lambda: cancel_offline_payment(CancelOfflinePayment(payment), self.uow, clock=self.clock))
        event(f"cancel: {'ok' if out.error is None else out.error.code}")

        if before.status is PaymentStatus.CANCELED:
            assert isinstance(out.error, InvalidTransition) and not out.wrote_before_refusing, out
        elif frozen:  # an archived (paid) invoice cannot reopen: refused, and rolled back by call()
            assert isinstance(out.error, Conflict) and out.error.code == "invoice_not_reopenable", out
            assert not out.wrote_before_refusing, out
        else:
            assert out.error is None, out.error
            assert self.uow.payment(payment).status is PaymentStatus.CANCELED
            for a in before.allocations:
                self.expected_paid[a.invoice_id] -= a.amount

    # Invariants

    @invariant()
    def entries_balance_and_the_ledger_sums_to_zero(self) -> None:
        sums: list[EntrySum] = []
        grand: Counter[str] = Counter()
        for entry in self.uow.tables.entries:
            per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
            for line in entry.lines:
                per[line.currency][0] += line.amount
                per[line.currency][1] += 1
                grand[line.currency] += line.amount
            for currency, (total, count) in per.items():
                assert total == 0, f"entry {entry.id} ({entry.reason}) sums to {total} {currency}"
                sums.append(EntrySum(entry.id, currency, total, count))
        assert check_entries(sums) == []
        assert all(total == 0 for total in grand.values()), grand
        assert check_grand_totals(dict(grand)) == []

    @invariant()
    def ledger_is_append_only(self) -> None:
        entries = self.uow.tables.entries
        assert entries[: len(self.seen_entries)] == self.seen_entries, "a recorded entry changed or vanished"
        assert len({e.id for e in entries}) == len(entries)
        self.seen_entries = list(entries)

    @invariant()
    def invoices_agree_with_the_ledger(self) -> None:
        entries = self.uow.tables.entries
        live: Counter[str] = Counter()
        for p in self.uow.tables.payments.values():
            if p.status is not PaymentStatus.CANCELED:
                for a in p.allocations:
                    live[a.invoice_id] += a.amount
        for invoice in self.uow.tables.invoices.values():
            balance = self.uow.balance(invoice.id)
            assert live[invoice.id] <= invoice.total, f"{invoice.id} over-allocated"
            assert live[invoice.id] == self.expected_paid[invoice.id] == balance.amount_paid, invoice.id
            if invoice.status in ISSUED:
                assert balance.amount_paid + balance.amount_pending + balance.amount_due == invoice.total
                assert 0 <= balance.amount_paid <= invoice.total
                assert balance.amount_due >= 0
                assert invoice.status is status_for(balance), (invoice.status, balance)
            facts = InvoiceFacts(
                invoice_id=invoice.id,
                status=invoice.status,
                total=invoice.total,
                lines_total=sum(line.amount for line in invoice.lines),
                sums=account_sums(entries, invoice.id),
            )
            assert check_invoice(facts) == [], facts

    @invariant()
    def payments_agree_with_the_ledger(self) -> None:
        applied: Counter[str] = Counter()
        for entry in self.uow.tables.entries:
            if entry.payment_id is not None:
                for line in entry.lines:
                    if line.account is Account.RECEIVABLE:
                        applied[entry.payment_id] -= line.amount
        for p in self.uow.tables.payments.values():
            facts = PaymentFacts(p.id, sum(a.amount for a in p.allocations), applied[p.id])
            assert check_payment(facts, canceled=p.status is PaymentStatus.CANCELED) == [], facts

    @invariant()
    def events_match_what_was_committed(self) -> None:
        events = Counter(self.uow.event_types())
        tables = self.uow.tables
        assert events["customer.created"] == len(tables.customers)
        assert events["invoice.created"] == len(tables.invoices)
        assert events["payment.succeeded"] == len(tables.payments)
        canceled = [p for p in tables.payments.values() if p.status is PaymentStatus.CANCELED]
        assert events["payment.canceled"] == len(canceled)
        finalized = [i for i in tables.invoices.values() if i.finalized_at is not None]
        assert events["invoice.finalized"] == len(finalized)


LedgerMachine.TestCase.settings = settings(
    max_examples=100,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestLedgerStateMachine = LedgerMachine.TestCase
