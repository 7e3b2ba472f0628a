"""/v1/disputes: card disputes with their evidence deadline; submit evidence."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from api.deps import Read, WriteDisputes, json_response, processors_of
from api.errors import problems
from api.pagination import Cursor, Limit, ListOf, page_of, page_request
from api.v1.fields import RequestModel, ResourceId
from domain.disputes import use_cases as disputes
from domain.payments.processing import DisputeStatus
from domain.ports import DisputeQuery

router = APIRouter(prefix="/v1/disputes", tags=["disputes"])


class DisputeOut(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": "dp_01JD3MD0000000000000000000",
                    "object": "dispute",
                    "payment_id": "pay_01JD3M9W4E0000000000000000",
                    "processor_dispute_id": "dp_sbx_3MD000000000",
                    "amount": 102930,
                    "currency": "USD",
                    "status": "needs_response",
                    "reason": "fraudulent",
                    "evidence_due_by": "2026-11-29T00:00:00Z",
                    "evidence_submitted_at": None,
                    "created_at": "2026-11-22T09:00:00Z",
                    "closed_at": None,
                }
            ]
        },
    )
    id: str
    object: str = "dispute"
    payment_id: str
    processor_dispute_id: str
    amount: int
    currency: str
    status: DisputeStatus
    reason: str
    evidence_due_by: datetime | None
    evidence_submitted_at: datetime | None
    created_at: datetime
    closed_at: datetime | None


class EvidenceIn(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"text": "Signed service agreement and delivery log attached."}]}
    )
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)] = Field(
        description="What shows the charge was right. Submitting ends the response window."
    )


@router.get(
    "",
    operation_id="disputes_list",
    summary="List disputes",
    description="Newest first; filter by payment or status.",
    response_model=ListOf[DisputeOut],
    responses=problems(401, 404),
)
async def list_disputes(
    ctx: Read,
    limit: Limit = 20,
    cursor: Cursor = None,
    payment_id: Annotated[str | None, Field(max_length=64)] = None,
    status: DisputeStatus | None = None,
) -> Response:
    if payment_id is not None:
        await ctx.uow.payments.get(payment_id)  # another partner's or an unknown payment: 404, not an empty list
    page = await ctx.uow.disputes.list(DisputeQuery(payment_id=payment_id, status=status), page_request(limit, cursor))
    return json_response(page_of(page, [DisputeOut.model_validate(d) for d in page.items]))


@router.get(
    "/{dispute_id}",
    operation_id="disputes_retrieve",
    summary="Retrieve a dispute",
    response_model=DisputeOut,
    responses=problems(401, 404),
)
async def retrieve(dispute_id: ResourceId, ctx: Read) -> Response:
    return json_response(DisputeOut.model_validate(await ctx.uow.disputes.get(dispute_id)))


@router.post(
    "/{dispute_id}/evidence",
    operation_id="disputes_submit_evidence",
    summary="Submit evidence for a dispute",
    description="Sends the evidence to the processor; the dispute moves to under_review until the network decides.",
    response_model=DisputeOut,
    responses=problems(401, 404, 409, 422, 503),
)
async def submit_evidence(dispute_id: ResourceId, body: EvidenceIn, ctx: WriteDisputes, request: Request) -> Response:
    dispute = await disputes.submit_evidence(
        disputes.SubmitEvidence(dispute_id, body.text),
        ctx.uow,
        processors=processors_of(request),
        clock=ctx.clock,
        checkpoint=ctx.checkpoint,
    )
    return await ctx.respond(200, DisputeOut.model_validate(dispute))
