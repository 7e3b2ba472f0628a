"""Customer use cases: create, update, archive."""

from __future__ import annotations

from dataclasses import dataclass

from domain.clock import Clock
from domain.customers.model import BillingTerms, Contact, Customer, normalize_tags
from domain.events import CustomerArchived, CustomerCreated, CustomerUpdated
from domain.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class CreateCustomer:
    name: str
    email: str | None = None
    contacts: tuple[Contact, ...] = ()
    tags: tuple[str, ...] = ()
    billing_terms: BillingTerms = BillingTerms.NET_30
    external_ids: dict[str, str] | None = None
    metadata: dict[str, str] | None = None
    card_fee_exempt: bool = False
    language: str = "en"


@dataclass(frozen=True, slots=True)
class UpdateCustomer:
    """Only the fields named in `changes` are touched (PATCH semantics)."""

    customer_id: str
    changes: dict[str, object]


@dataclass(frozen=True, slots=True)
class ArchiveCustomer:
    customer_id: str


async def create_customer(cmd: CreateCustomer, uow: UnitOfWork, *, clock: Clock) -> Customer:
    now = clock.now()
    customer = Customer(
        partner_id=uow.partner_id,
        name=cmd.name.strip(),
        email=cmd.email,
        contacts=list(cmd.contacts),
        tags=normalize_tags(list(cmd.tags)),
        billing_terms=cmd.billing_terms,
        external_ids=dict(cmd.external_ids or {}),
        metadata=dict(cmd.metadata or {}),
        card_fee_exempt=cmd.card_fee_exempt,
        language=cmd.language,
        created_at=now,
        updated_at=now,
    )
    await uow.customers.add(customer)
    uow.record(CustomerCreated(customer_id=customer.id))
    return customer


async def update_customer(cmd: UpdateCustomer, uow: UnitOfWork, *, clock: Clock) -> Customer:
    customer = await uow.customers.get(cmd.customer_id)
    for name, value in cmd.changes.items():
        if name == "tags":
            customer.tags = normalize_tags(list(value))  # type: ignore[call-overload]
        elif name == "contacts":
            customer.contacts = list(value)  # type: ignore[call-overload]
        elif name == "name":
            customer.name = str(value).strip()
        elif name in {"email", "billing_terms", "external_ids", "metadata", "card_fee_exempt", "language"}:
            setattr(customer, name, value)
        else:
            raise ValueError(f"unknown customer field {name}")
    customer.updated_at = clock.now()
    await uow.customers.save(customer)
    uow.record(CustomerUpdated(customer_id=customer.id, fields=tuple(sorted(cmd.changes))))
    return customer


async def archive_customer(cmd: ArchiveCustomer, uow: UnitOfWork, *, clock: Clock) -> Customer:
    customer = await uow.customers.get(cmd.customer_id)
    if not customer.archived:
        customer.archived = True
        customer.updated_at = clock.now()
        await uow.customers.save(customer)
        uow.record(CustomerArchived(customer_id=customer.id))
    return customer
