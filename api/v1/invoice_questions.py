"""/v1/invoice-questions: what customers asked about invoices from the portal; list, retrieve, resolve."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from api.deps import Read, WriteInvoices, json_response
from api.errors import problems
from api.pagination import Cursor, Limit, ListOf, page_of, page_request
from api.v1.fields import LongText, RequestModel
from domain.invoice_questions import use_cases as invoice_questions
from domain.invoice_questions.model import QuestionStatus

router = APIRouter(prefix="/v1/invoice-questions", tags=["invoice_questions"])


class InvoiceQuestionOut(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": "qst_01JD3MF0000000000000000000",
                    "object": "invoice_question",
                    "invoice_id": "inv_01JD3M7K2B0000000000000000",
                    "customer_id": "cus_01JD3M5Q8Z0000000000000000",
                    "portal_user_id": "pus_01JD3ME0000000000000000000",
                    "status": "open",
                    "message": "We were billed twice for November's on-site hours.",
                    "resolution": None,
                    "created_at": "2026-11-21T09:00:00Z",
                    "resolved_at": None,
                }
            ]
        },
    )
    id: str
    object: str = "invoice_question"
    invoice_id: str
    customer_id: str
    portal_user_id: str | None = Field(description="The portal user who asked.")
    status: QuestionStatus
    message: str
    resolution: str | None
    created_at: datetime
    resolved_at: datetime | None


class QuestionResolve(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"resolution": "You were right: a credit note for $375 is on its way."}]}
    )
    resolution: LongText | None = Field(default=None, description="Emailed to the customer who asked.")


@router.get(
    "",
    operation_id="invoice_questions_list",
    summary="List invoice questions",
    description="Newest first; filter by status (`open`, `resolved`) and invoice.",
    response_model=ListOf[InvoiceQuestionOut],
    responses=problems(400, 401, 404, 422),
)
async def list_questions(
    ctx: Read,
    limit: Limit = 20,
    cursor: Cursor = None,
    status: QuestionStatus | None = None,
    invoice_id: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    if invoice_id is not None:
        await ctx.uow.invoices.get(invoice_id)  # another partner's or an unknown invoice answers 404
    page = await ctx.uow.invoice_questions.list(page_request(limit, cursor), status=status, invoice_id=invoice_id)
    return json_response(page_of(page, [InvoiceQuestionOut.model_validate(q) for q in page.items]))


@router.get(
    "/{question_id}",
    operation_id="invoice_questions_retrieve",
    summary="Retrieve an invoice question",
    response_model=InvoiceQuestionOut,
    responses=problems(401, 404),
)
async def retrieve(question_id: str, ctx: Read) -> Response:
    return json_response(InvoiceQuestionOut.model_validate(await ctx.uow.invoice_questions.get(question_id)))


@router.post(
    "/{question_id}/resolve",
    operation_id="invoice_questions_resolve",
    summary="Resolve an invoice question",
    description="Closes it (the invoice's reminders and auto-pay resume) and emails the resolution to the customer "
    "who asked. A question resolved already answers 409.",
    response_model=InvoiceQuestionOut,
    responses=problems(401, 404, 409),
)
async def resolve(question_id: str, body: QuestionResolve, ctx: WriteInvoices) -> Response:
    done = await invoice_questions.resolve_question(
        invoice_questions.ResolveQuestion(question_id, body.resolution), ctx.uow, clock=ctx.clock
    )
    return await ctx.respond(200, InvoiceQuestionOut.model_validate(done))
