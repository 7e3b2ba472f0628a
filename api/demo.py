"""Idempotent demo data: one partner, customers, and invoices in every state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from adapters.bootstrap import Container
from adapters.db.unit_of_work import SqlUnitOfWork
from domain.api_keys.model import derived_body, hash_secret, make_secret
from domain.customers.model import BillingTerms, Contact
from domain.customers.use_cases import CreateCustomer, create_customer
from domain.invoices.model import InvoiceLine
from domain.invoices.use_cases import (
    ArchiveInvoice,
    CreateInvoice,
    VoidInvoice,
    archive_invoice,
    create_invoice,
    void_invoice,
)
from domain.partners.use_cases import CreateApiKey, CreatePartner, create_api_key, create_partner
from domain.payment_methods.use_cases import AttachMethod, attach_method
from domain.payments.charges import PayInvoices, pay_invoices
from domain.payments.model import Allocation, MethodType
from domain.payments.offline import RecordOfflinePayment, record_offline_payment
from domain.team.members import AddPerson, add_person
from domain.team.roles import Role

DEMO_SLUG = "northwind"
DEMO_ADMIN_EMAIL = "admin@northwind.example"


@dataclass(frozen=True)
class DemoResult:
    partner_slug: str
    api_key: str
    created: bool
    admin_email: str
    admin_password: str


def demo_key_body(secret_key: str) -> str:
    return derived_body(f"{secret_key}:demo-api-key".encode())


def demo_admin_password(secret_key: str) -> str:
    """Derived from the server's secret, like the demo key: the same on every run, different on every server."""
    return derived_body(f"{secret_key}:demo-admin-password".encode())[:20]


async def load_demo(container: Container) -> DemoResult:
    body = demo_key_body(container.settings.resolved_secret_key())
    secret = make_secret(livemode=False, body=body)
    async with container.uow() as uow:
        partner = await uow.partners.find_by_slug(DEMO_SLUG)
        created = partner is None
        to_charge: dict[str, str] = {}
        if partner is None:
            partner = await create_partner(
                CreatePartner("Northwind IT Services", DEMO_SLUG), uow, clock=container.clock
            )
            to_charge = await _fill(uow.scope_to(partner.id), container)
        if await uow.api_keys.by_hash(hash_secret(secret)) is None:
            await create_api_key(CreateApiKey(DEMO_SLUG, name="demo", body=body), uow, clock=container.clock)
        password = demo_admin_password(container.settings.resolved_secret_key())
        await _demo_admin(uow, container, partner.id, password)
        await uow.commit()
    if to_charge:
        await _charge_saved_methods(container, partner.id, to_charge)
    return DemoResult(DEMO_SLUG, secret, created, DEMO_ADMIN_EMAIL, password)


async def _demo_admin(uow: SqlUnitOfWork, container: Container, partner_id: str, password: str) -> None:
    """The demo partner's admin, for signing in to the dashboard."""
    existing = await uow.partner_users.by_email(DEMO_ADMIN_EMAIL)
    if existing is not None and await uow.partner_users.membership(existing.id, partner_id) is not None:
        return
    person = AddPerson(partner_id, DEMO_ADMIN_EMAIL, Role.ADMIN, password=password, name="Demo Admin")
    await add_person(person, uow, creds=container.credentials, clock=container.clock)


async def _charge_saved_methods(container: Container, partner_id: str, targets: dict[str, str]) -> None:
    """Saved methods and processor payments: a card payment with its fee, and an ACH debit left pending so the
    sandbox clock can be seen settling it."""
    sandbox = container.sandbox
    card = await sandbox.tokenize(
        {"type": "card", "number": "4242424242424242", "exp_month": 12, "exp_year": 2035, "cvc": "123"}
    )
    bank = await sandbox.tokenize(
        {
            "type": "us_bank_account",
            "routing_number": "110000000",
            "account_number": "000123456789",
            "account_holder_name": "Cobalt Logistics",
        }
    )
    for (customer_id, invoice_id), token, amount in (
        (targets["card"].split(":"), card["id"], 189900),
        (targets["ach"].split(":"), bank["id"], 100000),
    ):
        async with container.uow() as uow:
            scoped = uow.scope_to(partner_id)
            method = await attach_method(
                AttachMethod(
                    customer_id=customer_id, token=token, mandate_ip="127.0.0.1", mandate_user_agent="remit demo"
                ),
                scoped,
                processor=sandbox,
                clock=container.clock,
                checkpoint=uow.checkpoint,
            )
            await uow.commit()
            await pay_invoices(
                PayInvoices(
                    customer_id=customer_id, payment_method_id=method.id, allocations=(Allocation(invoice_id, amount),)
                ),
                scoped,
                processors=container.processors,
                clock=container.clock,
                checkpoint=uow.checkpoint,
            )
            await uow.commit()


async def _fill(uow: SqlUnitOfWork, container: Container) -> dict[str, str]:
    clock = container.clock
    today = clock.today()
    customers = []
    for name, email, tags, terms in [
        ("Acme Dental Group", "ap@acmedental.example", ["dental", "managed-services"], BillingTerms.NET_30),
        ("Birchwood Law LLP", "billing@birchwoodlaw.example", ["legal"], BillingTerms.NET_15),
        ("Cobalt Logistics", "accounts@cobaltlogistics.example", ["logistics", "vip"], BillingTerms.NET_45),
        ("Dunmore Clinic (Canada)", "comptes@dunmore.example", ["healthcare", "canada"], BillingTerms.NET_30),
    ]:
        customers.append(
            await create_customer(
                CreateCustomer(
                    name=name,
                    email=email,
                    contacts=(Contact(email=email, name="Accounts payable"),),
                    tags=tuple(tags),
                    billing_terms=terms,
                ),
                uow,
                clock=clock,
            )
        )
    acme, birch, cobalt, dunmore = customers

    async def invoice(
        customer_id: str,
        lines: list[tuple[str, int, int]],
        *,
        days_ago: int,
        due_in: int,
        currency: str = "USD",
        draft: bool = False,
    ) -> str:
        issue = today - timedelta(days=days_ago)
        inv = await create_invoice(
            CreateInvoice(
                customer_id=customer_id,
                currency=currency,
                lines=tuple(InvoiceLine(d, q, u) for d, q, u in lines),
                issue_date=issue,
                due_date=issue + timedelta(days=due_in),
                draft=draft,
            ),
            uow,
            clock=clock,
        )
        return inv.id

    async def pay(customer_id: str, invoice_id: str, amount: int, method: MethodType, ref: str) -> None:
        await record_offline_payment(
            RecordOfflinePayment(
                customer_id=customer_id, method=method, reference=ref, allocations=(Allocation(invoice_id, amount),)
            ),
            uow,
            clock=clock,
        )

    await invoice(
        acme.id, [("Managed services, this month", 1, 250000), ("Backup storage (TB)", 4, 4500)], days_ago=3, due_in=30
    )
    overdue = await invoice(acme.id, [("Managed services, two months ago", 1, 250000)], days_ago=75, due_in=30)
    await pay(acme.id, overdue, 100000, MethodType.CHECK, "Check #1042")
    firewall = await invoice(acme.id, [("Firewall renewal", 1, 189900)], days_ago=50, due_in=30)
    paid = await invoice(
        birch.id, [("Laptop setup", 3, 15000), ("Microsoft 365 seats", 12, 2200)], days_ago=20, due_in=15
    )
    await pay(birch.id, paid, 71400, MethodType.BANK_TRANSFER, "Wire 2026-117")
    await invoice(birch.id, [("Security awareness training", 1, 60000)], days_ago=0, due_in=15, draft=True)
    voided = await invoice(cobalt.id, [("Duplicate: network audit", 1, 480000)], days_ago=10, due_in=45)
    await void_invoice(VoidInvoice(voided), uow, clock=clock)
    await archive_invoice(ArchiveInvoice(voided), uow, clock=clock)
    audit = await invoice(cobalt.id, [("Network audit", 1, 480000), ("Travel", 1, 32550)], days_ago=10, due_in=45)
    await invoice(dunmore.id, [("Services gérés", 1, 180000)], days_ago=40, due_in=30, currency="CAD")
    return {"card": f"{acme.id}:{firewall}", "ach": f"{cobalt.id}:{audit}"}
