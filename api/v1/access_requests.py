"""/v1/access-requests: people who verified an email no customer has and asked for portal access."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, model_validator

from api.deps import Read, WriteAccessRequests, get_container, json_response
from api.errors import problems
from api.pagination import Cursor, Limit, ListOf, page_of, page_request
from api.portal.deps import credentials
from api.v1.customers import CustomerCreate, _contacts
from api.v1.fields import EmailOut, RequestModel, ResourceId
from domain.customers.use_cases import CreateCustomer
from domain.portal import access
from domain.portal.access_requests import AccessRequestStatus

router = APIRouter(prefix="/v1/access-requests", tags=["access_requests"])


class AccessRequestOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    object: str = "access_request"
    email: EmailOut
    company_name: str
    contact_name: str
    phone: str
    address: str
    status: AccessRequestStatus
    suggested_customer_id: str | None = Field(description="Set when a guest who paid this customer's invoice asked.")
    customer_id: str | None = Field(description="The customer the request was approved onto.")
    created_at: datetime
    decided_at: datetime | None


class Approve(RequestModel):
    customer_id: ResourceId | None = Field(default=None, description="Link the person to this existing customer…")
    new_customer: CustomerCreate | None = Field(default=None, description="…or create a customer for them.")

    @model_validator(mode="after")
    def _one_target(self) -> Approve:
        if (self.customer_id is None) == (self.new_customer is None):
            raise ValueError("send exactly one of customer_id or new_customer")
        return self


@router.get(
    "",
    operation_id="access_requests_list",
    summary="List access requests",
    description="Newest first; `status=pending` is the dashboard's *Requesting access* list.",
    response_model=ListOf[AccessRequestOut],
    responses=problems(401),
)
async def list_requests(
    ctx: Read, limit: Limit = 20, cursor: Cursor = None, status: AccessRequestStatus | None = None
) -> Response:
    page = await ctx.uow.access_requests.list(page_request(limit, cursor), status=status)
    return json_response(page_of(page, [AccessRequestOut.model_validate(r) for r in page.items]))


@router.get(
    "/{request_id}",
    operation_id="access_requests_retrieve",
    summary="Retrieve an access request",
    response_model=AccessRequestOut,
    responses=problems(401, 404),
)
async def retrieve(request_id: str, ctx: Read) -> Response:
    return json_response(AccessRequestOut.model_validate(await ctx.uow.access_requests.get(request_id)))


@router.post(
    "/{request_id}/approve",
    operation_id="access_requests_approve",
    summary="Approve an access request",
    description="Links the person to an existing customer or a new one, creates their portal user and emails "
    "them a single-use sign-in link.",
    response_model=AccessRequestOut,
    responses=problems(401, 404, 409),
)
async def approve(request_id: str, body: Approve, ctx: WriteAccessRequests, request: Request) -> Response:
    new = body.new_customer
    partner = await ctx.uow.partners.get(ctx.principal.partner_id)
    approval = access.ApproveAccessRequest(
        request_id,
        ctx.principal.actor,
        partner.slug,
        customer_id=body.customer_id,
        new_customer=None
        if new is None
        else CreateCustomer(
            name=new.name,
            email=new.email,
            contacts=tuple(_contacts(new.contacts)),
            tags=tuple(new.tags),
            billing_terms=new.billing_terms,
            external_ids=new.external_ids,
            metadata=new.metadata,
            card_fee_exempt=new.card_fee_exempt,
        ),
    )
    approved = await access.approve(approval, ctx.uow, creds=credentials(get_container(request)), clock=ctx.clock)
    return await ctx.respond(200, AccessRequestOut.model_validate(approved))


@router.delete(
    "/{request_id}",
    operation_id="access_requests_dismiss",
    summary="Delete (dismiss) an access request",
    response_model=AccessRequestOut,
    responses=problems(401, 404, 409),
)
async def dismiss(request_id: str, ctx: WriteAccessRequests, request: Request) -> Response:
    dismissed = await access.dismiss(
        access.DismissAccessRequest(request_id, ctx.principal.actor), ctx.uow, clock=ctx.clock
    )
    return await ctx.respond(200, AccessRequestOut.model_validate(dismissed))
