"""/v1/customers: create, retrieve, update, list, archive, merge a duplicate into another."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from api.deps import Read, WriteCustomers, json_response
from api.errors import problems
from api.pagination import Cursor, Limit, ListOf, page_of, page_request
from api.v1.fields import Email, EmailOut, Flag, Metadata, Name, QueryFlag, RequestModel, ShortText
from domain.customers import use_cases
from domain.customers.model import BillingTerms, Contact, search_terms
from domain.ports import CustomerQuery

router = APIRouter(prefix="/v1/customers", tags=["customers"])

Tag = Annotated[str, Field(min_length=1, max_length=50)]
ExternalIds = Annotated[
    dict[Annotated[str, Field(max_length=40)], Annotated[str, Field(max_length=200)]],
    Field(max_length=20, description="Ids of this customer in other systems, by system name."),
]
Language = Literal["en", "fr"]
CustomerLanguage = Annotated[
    Language,
    Field(description="The language of emails to this customer (`en` or `fr`) where its portal user chose none."),
]
ContactLanguage = Annotated[
    Language | None,
    Field(description="The language of emails to this contact; absent or null: the customer's `language`."),
]


class ContactIn(RequestModel):
    email: Email
    name: ShortText | None = None
    phone: Annotated[str, Field(max_length=40)] | None = None
    language: ContactLanguage = None


class ContactOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    email: EmailOut
    name: str | None
    phone: str | None
    language: ContactLanguage


_EXAMPLE: dict[str, Any] = {
    "name": "Acme Dental Group",
    "email": "ap@acmedental.example",
    "contacts": [
        {"email": "office@acmedental.example", "name": "Dana Ortiz", "phone": "+1 555 0100", "language": "fr"}
    ],
    "tags": ["managed-services", "dental"],
    "billing_terms": "net_30",
    "external_ids": {"connectwise": "10442"},
    "metadata": {"region": "west"},
    "language": "en",
}


class CustomerCreate(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_EXAMPLE]})
    name: Name
    email: Email | None = None
    contacts: Annotated[list[ContactIn], Field(max_length=20)] = []
    tags: Annotated[list[Tag], Field(max_length=20)] = []
    billing_terms: BillingTerms = BillingTerms.NET_30
    external_ids: ExternalIds = {}
    metadata: Metadata = {}
    card_fee_exempt: Flag = Field(default=False, description="Absorb card fees for this customer.")
    language: CustomerLanguage = "en"


class CustomerUpdate(RequestModel):
    """Only the fields you send change; `email: null` clears the primary email."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"tags": ["vip"], "billing_terms": "net_15"}]})
    name: Name | None = None
    email: Email | None = None
    contacts: Annotated[list[ContactIn], Field(max_length=20)] | None = None
    tags: Annotated[list[Tag], Field(max_length=20)] | None = None
    billing_terms: BillingTerms | None = None
    external_ids: ExternalIds | None = None
    metadata: Metadata | None = None
    card_fee_exempt: Flag | None = None
    language: CustomerLanguage | None = None


class CustomerOut(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": "cus_01JD3M5Q8Z0000000000000000",
                    "object": "customer",
                    **_EXAMPLE,
                    "archived": False,
                    "card_fee_exempt": False,
                    "external_id": "AR-10442",
                    "merged_into": None,
                    "merged_at": None,
                    "created_at": "2026-11-21T09:00:00Z",
                    "updated_at": "2026-11-21T09:00:00Z",
                }
            ]
        },
    )
    id: str
    object: str = "customer"
    name: str
    email: EmailOut | None
    contacts: list[ContactOut]
    tags: list[str]
    billing_terms: BillingTerms
    external_ids: dict[str, str]
    metadata: dict[str, str]
    archived: bool
    card_fee_exempt: bool
    language: CustomerLanguage
    external_id: str | None = Field(
        description="The key CSV imports (`POST /v1/imports/customers`) match this customer by, unique per partner; "
        "null until an import names it."
    )
    merged_into: str | None = Field(
        description="The customer this duplicate was merged into (it is then archived and changes no more); "
        "null for every other customer."
    )
    merged_at: datetime | None
    created_at: datetime
    updated_at: datetime


def _contacts(items: list[ContactIn]) -> list[Contact]:
    return [Contact(email=c.email, name=c.name, phone=c.phone, language=c.language) for c in items]


@router.post(
    "",
    operation_id="customers_create",
    summary="Create a customer",
    status_code=201,
    response_model=CustomerOut,
    responses=problems(400, 401, 409, 422),
)
async def create(body: CustomerCreate, ctx: WriteCustomers) -> Response:
    customer = await use_cases.create_customer(
        use_cases.CreateCustomer(
            name=body.name,
            email=body.email,
            contacts=tuple(_contacts(body.contacts)),
            tags=tuple(body.tags),
            billing_terms=body.billing_terms,
            external_ids=body.external_ids,
            metadata=body.metadata,
            card_fee_exempt=body.card_fee_exempt,
            language=body.language,
        ),
        ctx.uow,
        clock=ctx.clock,
    )
    return await ctx.respond(201, CustomerOut.model_validate(customer))


@router.get(
    "/{customer_id}",
    operation_id="customers_retrieve",
    summary="Retrieve a customer",
    response_model=CustomerOut,
    responses=problems(401, 404),
)
async def retrieve(customer_id: str, ctx: Read) -> Response:
    return json_response(CustomerOut.model_validate(await ctx.uow.customers.get(customer_id)))


@router.patch(
    "/{customer_id}",
    operation_id="customers_update",
    summary="Update a customer",
    description="Changes only the fields sent. Takes an `Idempotency-Key` like every write.",
    response_model=CustomerOut,
    responses=problems(400, 401, 404, 409, 422),
)
async def update(customer_id: str, body: CustomerUpdate, ctx: WriteCustomers) -> Response:
    changes: dict[str, object] = {}
    for name in body.model_fields_set:
        value = getattr(body, name)
        if value is None and name != "email":
            continue  # null means "leave as is" except for the clearable email
        changes[name] = _contacts(value) if name == "contacts" else value
    customer = await use_cases.update_customer(
        use_cases.UpdateCustomer(customer_id=customer_id, changes=changes), ctx.uow, clock=ctx.clock
    )
    return await ctx.respond(200, CustomerOut.model_validate(customer))


@router.get(
    "",
    operation_id="customers_list",
    summary="List customers",
    description="Newest first. Archived customers are left out unless `archived=true`; merged ones (archived too) "
    "unless `include_merged=true`, which adds them to whatever `archived` selects.",
    response_model=ListOf[CustomerOut],
    responses=problems(400, 401, 422),
)
async def list_customers(
    ctx: Read,
    limit: Limit = 20,
    cursor: Cursor = None,
    email: Annotated[str | None, Query(max_length=320)] = None,
    tag: Annotated[str | None, Query(max_length=50)] = None,
    archived: QueryFlag = False,
    include_merged: QueryFlag = False,
    q: Annotated[
        str | None,
        Query(
            max_length=100,
            description="Search: customers whose name (or a word of it), email or external id starts with this, "
            "ignoring case.",
        ),
    ] = None,
) -> Response:
    search = search_terms(q) if q is not None else None
    page = await ctx.uow.customers.list(
        CustomerQuery(email=email, tag=tag, archived=archived, include_merged=include_merged, search=search),
        page_request(limit, cursor),
    )
    return json_response(page_of(page, [CustomerOut.model_validate(c) for c in page.items]))


@router.post(
    "/{customer_id}/archive",
    operation_id="customers_archive",
    summary="Archive a customer",
    description="Archived customers keep their history but take no new invoices. Archiving twice is harmless.",
    response_model=CustomerOut,
    responses=problems(401, 404, 409),
)
async def archive(customer_id: str, ctx: WriteCustomers) -> Response:
    customer = await use_cases.archive_customer(use_cases.ArchiveCustomer(customer_id), ctx.uow, clock=ctx.clock)
    return await ctx.respond(200, CustomerOut.model_validate(customer))


class CustomerMergeCreate(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"into_customer_id": "cus_01JD3M5Q8Z0000000000000001"}]})
    into_customer_id: Annotated[str, Field(min_length=1, max_length=64)] = Field(
        description="The customer that takes everything over: another, active customer of yours."
    )


class CustomerMergeOut(BaseModel):
    object: str = "customer_merge"
    customer: CustomerOut = Field(description="The duplicate, now archived with `merged_into` set.")
    into: CustomerOut = Field(description="The surviving customer, with the duplicate's contacts and tags added.")
    moved: dict[str, int] = Field(
        description="How many of each kind changed hands: invoices, payments, payment_methods, scheduled_payments, "
        "invoice_questions, portal_memberships, portal_sessions, portal_links, access_requests, contacts, tags."
    )


@router.post(
    "/{customer_id}/merge",
    operation_id="customers_merge",
    summary="Merge a duplicate customer into another",
    description="Moves everything of this customer to `into_customer_id`, in one transaction: invoices (and with "
    "them what they are owed: the ledger is not rewritten, a customer's balance is the sum of its invoices'), "
    "payments, saved payment methods (still chargeable: the processor charges a method by its own id), scheduled "
    "payments, portal users' access, questions, contacts and tags. This customer stays readable, archived, with "
    "`merged_into` set; it is no longer listed unless `include_merged=true`, and any further change to it, or a "
    "merge into it, answers 409 `customer_merged`. Merging into itself answers 400 `customer_merge_into_self`; "
    "into an archived customer 409 `customer_archived`; into another partner's customer 404. Audited as "
    "`customer.merged` with the counts moved, and announced as `customer.merged`.",
    response_model=CustomerMergeOut,
    responses=problems(400, 401, 404, 409, 422),
)
async def merge(customer_id: str, body: CustomerMergeCreate, ctx: WriteCustomers) -> Response:
    merged = await use_cases.merge_customer(
        use_cases.MergeCustomer(
            customer_id=customer_id, into_customer_id=body.into_customer_id, actor=ctx.principal.actor
        ),
        ctx.uow,
        clock=ctx.clock,
    )
    out = CustomerMergeOut(
        customer=CustomerOut.model_validate(merged.customer),
        into=CustomerOut.model_validate(merged.into),
        moved=dict(merged.moved),
    )
    return await ctx.respond(200, out)
