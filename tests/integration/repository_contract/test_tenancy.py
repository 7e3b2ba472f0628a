"""Another partner's rows are invisible to every repository, on both databases: decision 0005's one rule.

A tenant repository is built for one partner and names it in every statement it sends. These tests run the real
unit of work over sessions *without* the ORM's tenant hook (adapters/db/engine.py), so what they see is what the
repositories' own predicates decide; the hook, the second guard, has a test of its own at the end. The fake holds
one partner only, so this module runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from adapters.bootstrap import build
from adapters.db.engine import make_sessionmaker
from adapters.db.tables import CustomerRow
from adapters.settings import Settings
from domain.disputes.model import Dispute
from domain.errors import NotFound
from domain.identity.codes import CodePurpose, OneTimeCode
from domain.identity.tokens import hash_token
from domain.invoice_questions.model import InvoiceQuestion
from domain.invoices.model import InvoiceStatus
from domain.ledger import entries
from domain.ledger.balances import InvoiceBalance
from domain.ledger.model import Reason
from domain.pagination import PageRequest
from domain.pay_links.model import PayLink
from domain.payments.model import Allocation, PaymentStatus
from domain.payments.processing import DisputeStatus
from domain.portal.access_requests import AccessRequest
from domain.portal.invoices import InvoiceFilter, InvoiceSort, PortalInvoiceQuery
from domain.portal.links import LinkPurpose, PortalLink
from domain.portal.sessions import PortalSession, SessionState
from domain.portal.users import Membership, MembershipSource, Permission, PortalUser
from domain.ports import CustomerQuery, DisputeQuery, EntryQuery, InvoiceQuery, PaymentQuery
from domain.refunds.model import Refund
from domain.scheduled_payments.model import ScheduledPayment
from tests.conftest import make_tenant
from tests.integration.repository_contract.harness import AT, SqlStore, Store, card, customer, invoice, payment, unique

EMAIL = "shared@acme.example"  # the same address at both partners


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest) -> tuple[str, str | None]:
    return request.param, str(request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url"))


@pytest.fixture
async def store(store_url: tuple[str, str | None]) -> AsyncIterator[Store]:
    """Our partner's store, its sessions without the tenant hook."""
    name, url = store_url
    assert url is not None
    container = build(Settings(database_url=url, env="test"))
    unguarded = dataclasses.replace(
        container, sessions=async_sessionmaker(container.engine, expire_on_commit=False, autoflush=False)
    )
    try:
        tenant = await make_tenant(unguarded)
        yield SqlStore(name, unguarded, tenant.partner_id)
    finally:
        await container.close()


@pytest.fixture
async def theirs(store: Store) -> dict[str, str]:
    """Another partner's rows of every tenant kind, committed: a customer, an invoice (issued and partly paid), a
    card, a payment with a refund and a dispute, a portal user with a membership, a session, a link and a code,
    a schedule, a question, an access request and a pay link."""
    other = await store.other_partner()
    assert other is not None
    p = other.partner_id
    async with other.open() as uow:
        buyer = customer(p, email=EMAIL)
        await uow.customers.add(buyer)
        inv = invoice(p, buyer.id, number="SHARED-1")
        await uow.invoices.add(inv)
        await uow.ledger.add(entries.invoice_issued(inv, at=AT))
        method = card(p, buyer.id, is_default=True)
        await uow.payment_methods.add(method)
        paid = payment(p, buyer.id, [(inv.id, 4_000)], status=PaymentStatus.SUCCEEDED, processor="sandbox")
        paid = dataclasses.replace(paid, processor_payment_id=unique("ch"))
        await uow.payments.add(paid)
        await uow.ledger.add(entries.payment_applied(paid, at=AT))
        refund = Refund(p, paid.id, 1_000, "USD", AT, AT)
        await uow.refunds.add(refund)
        dispute = Dispute(p, paid.id, unique("dp"), 4_000, "USD", DisputeStatus.NEEDS_RESPONSE, "fraudulent", AT, AT)
        await uow.disputes.add(dispute)
        user = PortalUser(p, EMAIL, AT, AT)
        await uow.portal_users.add(user)
        member = Membership(p, user.id, buyer.id, frozenset({Permission.VIEW}), MembershipSource.CONTACT, AT)
        await uow.portal_users.add_membership(member)
        link = PortalLink(
            p, LinkPurpose.SIGN_IN, hash_token(unique("token")), "test", AT, AT + timedelta(days=1), user_id=user.id
        )
        await uow.portal_links.add(link)
        await uow.one_time_codes.replace(
            OneTimeCode(p, EMAIL, CodePurpose.SIGN_IN, "a" * 64, AT, AT + timedelta(days=1))
        )
        await uow.portal_sessions.add(
            PortalSession(p, EMAIL, SessionState.ACTIVE, hash_token(unique("token")), AT, user_id=user.id)
        )
        plan = ScheduledPayment(p, buyer.id, method.id, (Allocation(inv.id, 1_000),), "USD", date(2026, 12, 1), AT)
        await uow.scheduled_payments.add(plan)
        question = InvoiceQuestion(p, inv.id, buyer.id, "Why?", AT)
        await uow.invoice_questions.add(question)
        request = AccessRequest(p, EMAIL, "Acme", "Pat", "555-0100", "1 Main St", AT)
        await uow.access_requests.add(request)
        pay_link = PayLink(p, inv.id, AT, AT + timedelta(days=30))
        await uow.pay_links.add(pay_link)
        assert await uow.invoices.get(inv.id) == inv  # visible to its own partner
        await uow.commit()
    return {
        "partner": p,
        "customer": buyer.id,
        "invoice": inv.id,
        "method": method.id,
        "payment": paid.id,
        "processor_payment": str(paid.processor_payment_id),
        "refund": refund.id,
        "dispute": dispute.id,
        "processor_dispute": dispute.processor_dispute_id,
        "user": user.id,
        "link": link.token_hash,
        "plan": plan.id,
        "question": question.id,
        "request": request.id,
        "pay_link": pay_link.id,
    }


@pytest.mark.parametrize("read", ["get", "lock"])
async def test_another_partners_invoice_is_not_found(store: Store, theirs: dict[str, str], read: str) -> None:
    async with store.open() as uow:
        with pytest.raises(NotFound):
            await getattr(uow.invoices, read)(theirs["invoice"])


@pytest.mark.parametrize("read", ["get_many", "lock_many"])
async def test_another_partners_invoice_is_not_found_among_ours(
    store: Store, theirs: dict[str, str], read: str
) -> None:
    async with store.open() as uow:
        ours = customer(store.partner_id)
        await uow.customers.add(ours)
        mine = invoice(store.partner_id, ours.id)
        await uow.invoices.add(mine)
        with pytest.raises(NotFound) as missing:
            await getattr(uow.invoices, read)([mine.id, theirs["invoice"]])
    assert missing.value.context == {"kind": "invoice", "id": theirs["invoice"]}


async def test_lists_show_only_our_rows(store: Store, theirs: dict[str, str]) -> None:
    async with store.open() as uow:
        page = PageRequest(limit=100)
        assert (await uow.invoices.list(InvoiceQuery(), page)).items == []
        assert (await uow.invoices.list(InvoiceQuery(customer_id=theirs["customer"]), page)).items == []
        assert (await uow.customers.list(CustomerQuery(), page)).items == []
        assert (await uow.payments.list(PaymentQuery(invoice_id=theirs["invoice"]), page)).items == []
        assert (await uow.disputes.list(DisputeQuery(), page)).items == []
        assert (await uow.ledger.list(EntryQuery(invoice_id=theirs["invoice"]), page)).items == []
        assert await uow.payment_methods.for_customer(theirs["customer"]) == []


async def test_single_reads_of_another_partners_rows_are_not_found(store: Store, theirs: dict[str, str]) -> None:
    async with store.open() as uow:
        with pytest.raises(NotFound):
            await uow.customers.get(theirs["customer"])
        with pytest.raises(NotFound):
            await uow.payments.get(theirs["payment"])
        with pytest.raises(NotFound):
            await uow.payment_methods.get(theirs["method"])


async def test_balances_never_count_another_partners_journal(store: Store, theirs: dict[str, str]) -> None:
    other = await store.other_partner()
    assert other is not None
    async with store.open() as uow:
        ours = customer(store.partner_id)
        await uow.customers.add(ours)
        # An invoice object carrying their id, as a confused caller might pass: the journal lines stay theirs.
        lookalike = invoice(store.partner_id, ours.id, id=theirs["invoice"])
        assert await uow.ledger.balances([lookalike]) == {theirs["invoice"]: InvoiceBalance(10_000, 0, 0, 0)}


async def test_invoice_numbers_are_unique_per_partner_only(store: Store, theirs: dict[str, str]) -> None:
    async with store.open() as uow:
        assert not await uow.invoices.number_taken("SHARED-1")
        ours = customer(store.partner_id)
        await uow.customers.add(ours)
        await uow.invoices.add(invoice(store.partner_id, ours.id, number="SHARED-1"))
        await uow.commit()
        assert await uow.invoices.number_taken("SHARED-1")


async def test_sequences_and_idempotency_keys_are_per_partner(store: Store, theirs: dict[str, str]) -> None:
    other = await store.other_partner()
    assert other is not None
    claims = []
    for s in (store, other):
        async with s.open() as uow:
            assert await uow.sequences.next_invoice_sequence() == 1
            claims.append(
                await uow.idempotency.claim(
                    partner_id=s.partner_id, api_key_id="key_1", key="same-key", request_hash="a" * 64, at=AT
                )
            )
            await uow.commit()
    assert [stored for _, stored in claims] == [None, None]


async def test_payment_rows_of_another_partner_are_not_found(store: Store, theirs: dict[str, str]) -> None:
    async with store.open() as uow:
        assert await uow.payments.by_processor_id("sandbox", theirs["processor_payment"]) is None
        with pytest.raises(NotFound):
            await uow.ledger.entry_for_payment(theirs["payment"], Reason.PAYMENT_APPLIED)
        assert await uow.refunds.for_payment(theirs["payment"]) == []
        with pytest.raises(NotFound):
            await uow.refunds.get(theirs["refund"])
        with pytest.raises(NotFound):
            await uow.disputes.get(theirs["dispute"])
        assert await uow.disputes.by_processor_id(theirs["processor_dispute"]) is None
        with pytest.raises(NotFound):
            await uow.scheduled_payments.get(theirs["plan"])
        assert (await uow.scheduled_payments.list(PageRequest())).items == []
        assert await uow.scheduled_payments.waiting_for_customer(theirs["customer"]) == []


async def test_portal_rows_of_another_partner_are_not_found(store: Store, theirs: dict[str, str]) -> None:
    async with store.open() as uow:
        users = uow.portal_users
        assert (await users.find(theirs["user"]), await users.by_email(EMAIL)) == (None, None)
        assert (await users.list(PageRequest(), customer_id=theirs["customer"])).items == []
        assert await users.memberships(theirs["user"]) == []
        assert await users.membership(theirs["user"], theirs["customer"]) is None
        assert await users.members_of(theirs["customer"]) == []
        assert await users.customers_with_email(EMAIL) == []
        assert await users.ever_signed_in([theirs["user"]]) == set()
        assert await uow.portal_links.by_hash(theirs["link"]) is None
        assert await uow.one_time_codes.current(EMAIL, CodePurpose.SIGN_IN) is None
        assert await uow.one_time_codes.sent_since(EMAIL, CodePurpose.SIGN_IN, AT - timedelta(days=1)) == 0
        with pytest.raises(NotFound):
            await uow.invoice_questions.get(theirs["question"])
        assert await uow.invoice_questions.for_invoice(theirs["invoice"]) == []
        assert await uow.invoice_questions.open_among([theirs["invoice"]]) == set()
        assert (await uow.invoice_questions.list(PageRequest())).items == []
        with pytest.raises(NotFound):
            await uow.access_requests.get(theirs["request"])
        assert await uow.access_requests.latest_for_email(EMAIL) is None
        assert (await uow.access_requests.list(PageRequest())).items == []
        assert await uow.pay_links.find(theirs["pay_link"]) is None
        assert await uow.pay_links.active_for(theirs["invoice"]) is None
        for shown in (InvoiceFilter.ALL, InvoiceFilter.PENDING):
            query = PortalInvoiceQuery(theirs["customer"], shown, InvoiceSort.CREATED_DESC, date(2026, 11, 10))
            assert (await uow.portal_invoices.list(query)).items == []


async def test_writes_never_reach_another_partners_rows(store: Store, theirs: dict[str, str]) -> None:
    assert isinstance(store, SqlStore)
    them = SqlStore(store.name, store.container, theirs["partner"])

    async def their_rows() -> list[object]:
        async with them.open() as uow:
            return [
                await uow.invoices.get(theirs["invoice"]),
                await uow.payments.get(theirs["payment"]),
                await uow.refunds.get(theirs["refund"]),
                await uow.disputes.get(theirs["dispute"]),
                await uow.payment_methods.get(theirs["method"]),
                await uow.portal_users.get(theirs["user"]),
                await uow.portal_users.membership(theirs["user"], theirs["customer"]),
                await uow.portal_links.by_hash(theirs["link"]),
                await uow.one_time_codes.current(EMAIL, CodePurpose.SIGN_IN, lock=False),
                await uow.scheduled_payments.get(theirs["plan"]),
                await uow.invoice_questions.get(theirs["question"]),
                await uow.access_requests.get(theirs["request"]),
                await uow.pay_links.find(theirs["pay_link"]),
            ]

    before = await their_rows()
    inv, paid, refund, dispute, method, user, member, _link, _code, plan, question, request, pay_link = before
    r = dataclasses.replace
    async with store.open() as uow:  # their rows, as a confused caller might pass them
        await uow.invoices.save(r(inv, status=InvoiceStatus.VOID, voided_at=AT))
        await uow.payments.save(r(paid, failure_message="ours"))
        await uow.refunds.save(r(refund, failure_message="ours"))
        await uow.disputes.save(r(dispute, evidence="ours"))
        await uow.payment_methods.save(r(method, detached_at=AT))
        await uow.payment_methods.clear_default(theirs["customer"])
        await uow.portal_users.save(r(user, name="Taken over"))
        await uow.portal_users.save_membership(r(member, permissions=frozenset(Permission)))
        await uow.portal_users.remove_membership(member)
        await uow.portal_links.revoke_unused(theirs["user"], LinkPurpose.SIGN_IN, at=AT)
        await uow.one_time_codes.replace(
            OneTimeCode(store.partner_id, EMAIL, CodePurpose.SIGN_IN, "b" * 64, AT, AT + timedelta(days=1))
        )
        await uow.scheduled_payments.save(r(plan, failure_message="ours"))
        await uow.invoice_questions.save(r(question, resolution="ours"))
        await uow.access_requests.save(r(request, decided_by="ours"))
        await uow.pay_links.save(r(pay_link, revoked_at=AT))
        await uow.commit()
    assert await their_rows() == before


async def test_the_orm_hook_scopes_a_statement_that_names_no_partner(store: Store, theirs: dict[str, str]) -> None:
    """The second guard, on the sessions the app uses; without it (this module's store) the same read sees all."""
    assert isinstance(store, SqlStore)
    guarded = dataclasses.replace(store.container, sessions=make_sessionmaker(store.container.engine))
    for container, sees_theirs in ((guarded, False), (store.container, True)):
        async with container.uow() as uow:
            uow.scope_to(store.partner_id)
            seen = set(await uow.session.scalars(select(CustomerRow.id)))
        assert (theirs["customer"] in seen) is sees_theirs
