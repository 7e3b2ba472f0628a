"""Customer use cases: create, update, archive, merge a duplicate into another."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from domain.clock import Clock
from domain.customers.model import BillingTerms, Contact, Customer, normalize_tags
from domain.events import CustomerArchived, CustomerCreated, CustomerMerged, CustomerUpdated
from domain.ports import CustomerRepository, UnitOfWork


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
    customer.ensure_not_merged()
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
    customer.ensure_not_merged()
    if not customer.archived:
        customer.archived = True
        customer.updated_at = clock.now()
        await uow.customers.save(customer)
        uow.record(CustomerArchived(customer_id=customer.id))
    return customer


@dataclass(frozen=True, slots=True)
class MergeCustomer:
    customer_id: str  # the duplicate, which stays readable with `merged_into` set
    into_customer_id: str  # the survivor, which takes over everything the duplicate had
    actor: str


@dataclass(frozen=True, slots=True)
class Merged:
    customer: Customer  # the duplicate, now merged
    into: Customer
    moved: Mapping[str, int]  # how many rows of each kind changed hands


class MergingCustomers(CustomerRepository, Protocol):
    async def lock(self, customer_id: str) -> Customer:
        """The customer, its row locked until the transaction ends; NotFound for another partner's."""
        ...

    async def move_records(self, from_customer_id: str, into_customer_id: str) -> dict[str, int]:
        """Hand every row that belongs to one customer (invoices, payments, saved methods, schedules, portal
        access, questions) to another; the counts moved, by kind. The duplicate's invoices are locked first, in id
        order, so a payment holding one finishes before anything moves. The ledger is not touched: its lines name
        invoices, and the invoices now belong to the survivor."""
        ...


class MergeUnitOfWork(UnitOfWork, Protocol):
    @property
    def customers(self) -> MergingCustomers: ...


async def merge_customer(cmd: MergeCustomer, uow: MergeUnitOfWork, *, clock: Clock) -> Merged:
    """Merge a duplicate into another customer of the same partner, all or nothing. Both rows are locked (in id
    order, so two merges racing in opposite directions cannot deadlock) before either is judged: the second of
    them then finds a merged customer and is refused."""
    locked = {i: await uow.customers.lock(i) for i in sorted({cmd.customer_id, cmd.into_customer_id})}
    duplicate, into = locked[cmd.customer_id], locked[cmd.into_customer_id]
    contacts, tags = len(into.contacts), len(into.tags)
    into.absorb(duplicate, at=clock.now())  # refuses itself, a merged one on either side, an archived survivor
    moved = await uow.customers.move_records(duplicate.id, into.id)
    moved |= {"contacts": len(into.contacts) - contacts, "tags": len(into.tags) - tags}
    await uow.customers.save(into)
    await uow.customers.save(duplicate)
    uow.record(CustomerMerged(customer_id=duplicate.id, into_customer_id=into.id))
    await uow.audit(
        actor=cmd.actor,
        action="customer.merged",
        subject=duplicate.id,
        details={"into_customer_id": into.id, "moved": dict(moved)},
    )
    return Merged(customer=duplicate, into=into, moved=moved)
