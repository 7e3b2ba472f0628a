"""/portal/v1/invoices/{id}/questions: ask the partner about an invoice, and see the answers."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from api.deps import json_response
from api.errors import problems
from api.portal.deps import Portal, PortalWriting
from api.v1.fields import RequestModel
from domain.invoice_questions import use_cases as invoice_questions
from domain.invoice_questions.model import MAX_MESSAGE, QuestionStatus
from domain.portal import invoices as portal_invoices

router = APIRouter(prefix="/portal/v1/invoices", tags=["portal"])


class QuestionIn(RequestModel):
    message: str = Field(min_length=1, max_length=MAX_MESSAGE, description="What is unclear or wrong.")


class PortalQuestion(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    object: str = "invoice_question"
    invoice_id: str
    status: QuestionStatus
    message: str
    resolution: str | None = Field(description="The partner's answer, once resolved.")
    created_at: datetime
    resolved_at: datetime | None


class PortalQuestionList(BaseModel):
    object: str = "list"
    data: list[PortalQuestion]


@router.post(
    "/{invoice_id}/questions",
    operation_id="portal_invoice_questions_create",
    summary="Ask about an invoice",
    description="Sends the question to the partner's billing contacts; while it is open the invoice's reminders "
    "and auto-pay wait. One open question per invoice (409 otherwise); the answer comes by email.",
    status_code=201,
    response_model=PortalQuestion,
    responses=problems(400, 401, 403, 404, 409),
)
async def ask(invoice_id: str, body: QuestionIn, ctx: PortalWriting) -> Response:
    invoice = await portal_invoices.invoice_of(ctx.uow.invoices, invoice_id, ctx.customer_id)
    question = await invoice_questions.ask_question(
        invoice_questions.AskQuestion(
            invoice_id=invoice.id,
            customer_id=ctx.customer_id,
            message=body.message,
            from_email=ctx.user.email,
            portal_user_id=ctx.user.id,
        ),
        ctx.uow,
        clock=ctx.uow.clock,
    )
    return json_response(PortalQuestion.model_validate(question), 201)


@router.get(
    "/{invoice_id}/questions",
    operation_id="portal_invoice_questions_list",
    summary="List the questions about an invoice",
    description="Newest first, with the partner's resolutions.",
    response_model=PortalQuestionList,
    responses=problems(401, 403, 404),
)
async def list_questions(invoice_id: str, ctx: Portal) -> Response:
    invoice = await portal_invoices.invoice_of(ctx.uow.invoices, invoice_id, ctx.customer_id)
    found = await ctx.uow.invoice_questions.for_invoice(invoice.id)
    return json_response(PortalQuestionList(data=[PortalQuestion.model_validate(q) for q in found]))
