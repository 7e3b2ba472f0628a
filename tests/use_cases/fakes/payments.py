"""Fakes of the payment repositories: payments and allocations, saved methods, refunds, disputes, settings.

Each `save` writes only the columns its SQL repository's UPDATE names; reads return private copies.
"""

from __future__ import annotations

import copy

from domain.disputes.model import Dispute
from domain.errors import NotFound
from domain.pagination import Page, PageRequest
from domain.payment_methods.model import PaymentMethod
from domain.payments.model import IN_FLIGHT, Payment
from domain.payments.settings import PaymentSettings
from domain.ports import DisputeQuery, PaymentQuery
from domain.refunds.model import Refund
from tests.use_cases.fakes.tables import Repo, keyset_page, violated


class FakePayments(Repo):
    async def add(self, payment: Payment) -> None:
        self._check_tenant(payment.partner_id, "payment")
        t = self._t
        violated(payment.id in t.payments, "payments_pkey")
        violated(payment.customer_id not in t.customers, "fk payments.customer_id")
        violated(any(a.invoice_id not in t.invoices for a in payment.allocations), "fk allocations.invoice_id")
        violated(payment.payment_method_id not in (None, *t.payment_methods), "fk payments.payment_method_id")
        violated(payment.retry_of not in (None, *t.payments), "fk payments.retry_of")
        violated(payment.amount <= 0, "ck amount_positive")
        violated(not 0 <= payment.fee < payment.amount, "ck fee_within_amount")
        violated(payment.attempt < 1, "ck attempt_positive")
        violated(
            any(p.transaction_id == payment.transaction_id for p in t.payments.values()),
            "uq_payments_partner_id_transaction_id",
        )
        self._check_processor_id(payment)
        t.payments[payment.id] = copy.deepcopy(payment)

    def _check_processor_id(self, payment: Payment) -> None:
        if payment.processor is None or payment.processor_payment_id is None:
            return
        key = (payment.processor, payment.processor_payment_id)
        others = [p for p in self._t.payments.values() if p.id != payment.id]
        taken = any((p.processor, p.processor_payment_id) == key for p in others)
        violated(taken, "uq_payments_processor_payment")

    def _one(self, payment_id: str) -> Payment:
        try:
            return copy.deepcopy(self._t.payments[payment_id])
        except KeyError:
            raise NotFound("payment", payment_id) from None

    async def get(self, payment_id: str) -> Payment:
        return self._one(payment_id)

    async def lock(self, payment_id: str) -> Payment:
        return self._one(payment_id)

    async def save(self, payment: Payment) -> None:
        row = self._t.payments.get(payment.id)
        if row is None:  # an UPDATE that matches no row
            return
        saved = copy.deepcopy(row)  # SqlPayments.save: the columns a processor's answer changes, nothing else
        saved.status = payment.status
        saved.processor_payment_id = payment.processor_payment_id
        saved.failure_code = payment.failure_code
        saved.failure_message = payment.failure_message
        saved.return_code = payment.return_code
        saved.updated_at = payment.updated_at
        saved.settled_at = payment.settled_at
        saved.canceled_at = payment.canceled_at
        self._check_processor_id(saved)
        self._t.payments[payment.id] = saved

    async def by_processor_id(self, processor: str, processor_payment_id: str) -> Payment | None:
        for p in self._t.payments.values():
            if (p.processor, p.processor_payment_id) == (processor, processor_payment_id):
                return copy.deepcopy(p)
        return None

    async def list(self, query: PaymentQuery, page: PageRequest) -> Page[Payment]:
        def keep(p: Payment) -> bool:
            checks = [
                query.customer_id is None or p.customer_id == query.customer_id,
                query.transaction_id is None or p.transaction_id == query.transaction_id.upper(),
                query.processor_payment_id is None or p.processor_payment_id == query.processor_payment_id,
                query.status is None or p.status is query.status,
                query.payment_method_id is None or p.payment_method_id == query.payment_method_id,
                not query.in_flight or p.status in IN_FLIGHT,
                query.invoice_id is None or any(a.invoice_id == query.invoice_id for a in p.allocations),
            ]
            return all(checks)

        found = keyset_page([p for p in self._t.payments.values() if keep(p)], page, lambda p: p.id)
        return Page(items=[copy.deepcopy(p) for p in found.items], has_more=found.has_more)


class FakePaymentMethods(Repo):
    def _check(self, method: PaymentMethod) -> None:
        others = [m for m in self._t.payment_methods.values() if m.id != method.id]
        key = (method.processor, method.processor_method_id)
        taken = any((m.processor, m.processor_method_id) == key for m in others)
        violated(taken, "uq_payment_methods_processor_method")
        if method.is_default and method.detached_at is None:
            defaults = [m for m in others if m.customer_id == method.customer_id and m.is_default and m.usable]
            violated(bool(defaults), "uq_payment_methods_one_default")

    async def add(self, method: PaymentMethod) -> None:
        self._check_tenant(method.partner_id, "payment method")
        violated(method.id in self._t.payment_methods, "payment_methods_pkey")
        violated(method.customer_id not in self._t.customers, "fk payment_methods.customer_id")
        self._check(method)
        self._t.payment_methods[method.id] = copy.deepcopy(method)

    async def get(self, method_id: str) -> PaymentMethod:
        try:
            return copy.deepcopy(self._t.payment_methods[method_id])
        except KeyError:
            raise NotFound("payment method", method_id) from None

    async def save(self, method: PaymentMethod) -> None:
        row = self._t.payment_methods.get(method.id)
        if row is None:
            return
        saved = copy.deepcopy(row)  # SqlPaymentMethods.save: default, auto-pay block, one-off, detached
        saved.is_default = method.is_default
        saved.autopay_blocked_reason = method.autopay_blocked_reason
        saved.one_off = method.one_off
        saved.detached_at = method.detached_at
        self._check(saved)
        self._t.payment_methods[method.id] = saved

    async def for_customer(self, customer_id: str) -> list[PaymentMethod]:
        found = [m for m in self._t.payment_methods.values() if m.customer_id == customer_id and m.usable]
        return [copy.deepcopy(m) for m in sorted(found, key=lambda m: m.id, reverse=True)]

    async def clear_default(self, customer_id: str) -> None:
        for m in list(self._t.payment_methods.values()):
            if m.customer_id == customer_id and m.is_default:  # detached ones too, like the SQL UPDATE
                cleared = copy.deepcopy(m)
                cleared.is_default = False
                self._t.payment_methods[m.id] = cleared


class FakeRefunds(Repo):
    async def add(self, refund: Refund) -> None:
        self._check_tenant(refund.partner_id, "refund")
        violated(refund.id in self._t.refunds, "refunds_pkey")
        violated(refund.payment_id not in self._t.payments, "fk refunds.payment_id")
        violated(refund.amount <= 0, "ck amount_positive")
        self._t.refunds[refund.id] = copy.deepcopy(refund)

    async def save(self, refund: Refund) -> None:
        row = self._t.refunds.get(refund.id)
        if row is None:
            return
        saved = copy.deepcopy(row)  # SqlRefunds.save: status, processor id, failure message, updated_at
        saved.status = refund.status
        saved.processor_refund_id = refund.processor_refund_id
        saved.failure_message = refund.failure_message
        saved.updated_at = refund.updated_at
        self._t.refunds[refund.id] = saved

    async def for_payment(self, payment_id: str) -> list[Refund]:
        found = [r for r in self._t.refunds.values() if r.payment_id == payment_id]
        return [copy.deepcopy(r) for r in sorted(found, key=lambda r: r.id)]

    async def get(self, refund_id: str) -> Refund:
        try:
            return copy.deepcopy(self._t.refunds[refund_id])
        except KeyError:
            raise NotFound("refund", refund_id) from None


class FakeDisputes(Repo):
    async def add(self, dispute: Dispute) -> None:
        self._check_tenant(dispute.partner_id, "dispute")
        violated(dispute.id in self._t.disputes, "disputes_pkey")
        violated(dispute.payment_id not in self._t.payments, "fk disputes.payment_id")
        violated(dispute.amount <= 0, "ck amount_positive")
        taken = any(d.processor_dispute_id == dispute.processor_dispute_id for d in self._t.disputes.values())
        violated(taken, "uq_disputes_processor_dispute_id")
        self._t.disputes[dispute.id] = copy.deepcopy(dispute)

    async def get(self, dispute_id: str) -> Dispute:
        try:
            return copy.deepcopy(self._t.disputes[dispute_id])
        except KeyError:
            raise NotFound("dispute", dispute_id) from None

    async def save(self, dispute: Dispute) -> None:
        row = self._t.disputes.get(dispute.id)
        if row is None:
            return
        saved = copy.deepcopy(row)  # SqlDisputes.save: status, evidence, deadlines and times
        saved.status = dispute.status
        saved.evidence = dispute.evidence
        saved.evidence_submitted_at = dispute.evidence_submitted_at
        saved.evidence_due_by = dispute.evidence_due_by
        saved.updated_at = dispute.updated_at
        saved.closed_at = dispute.closed_at
        self._t.disputes[dispute.id] = saved

    async def by_processor_id(self, processor_dispute_id: str) -> Dispute | None:
        for d in self._t.disputes.values():
            if d.processor_dispute_id == processor_dispute_id:
                return copy.deepcopy(d)
        return None

    async def list(self, query: DisputeQuery, page: PageRequest) -> Page[Dispute]:
        def keep(d: Dispute) -> bool:
            by_payment = query.payment_id is None or d.payment_id == query.payment_id
            return by_payment and (query.status is None or d.status is query.status)

        found = keyset_page([d for d in self._t.disputes.values() if keep(d)], page, lambda d: d.id)
        return Page(items=[copy.deepcopy(d) for d in found.items], has_more=found.has_more)


class FakePaymentSettings(Repo):
    """One row per partner, written on the first change; the defaults until then (SqlPaymentSettings)."""

    async def get(self) -> PaymentSettings:
        return self._t.payment_settings or PaymentSettings()  # frozen: safe to hand out

    async def save(self, settings: PaymentSettings) -> None:
        self._t.payment_settings = settings
