"""Questions a customer asks about an invoice from the portal, and the partner's answer.

Lifecycle: open → resolved; one open question per invoice. While one is open the invoice counts as questioned,
which reminders and auto-pay consult (`is_questioned`) so nobody is chased for a bill under discussion.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.clock import Clock
from domain.errors import Conflict, ErrorCode, InvalidRequest
from domain.events import InvoiceQuestioned, InvoiceQuestionResolved
from domain.invoice_questions.model import MAX_MESSAGE, InvoiceQuestion, QuestionStatus, QuestionsUnitOfWork
from domain.mail import Email, Template


@dataclass(frozen=True, slots=True)
class AskQuestion:
    invoice_id: str
    customer_id: str
    message: str
    from_email: str
    portal_user_id: str | None = None


@dataclass(frozen=True, slots=True)
class ResolveQuestion:
    question_id: str
    resolution: str | None = None


async def is_questioned(uow: QuestionsUnitOfWork, invoice_id: str) -> bool:
    """An open question pauses the invoice's reminders and auto-pay until the partner resolves it.

    A query, not a use case: it changes nothing and is asked from inside other use cases (`ask_question`,
    reminders, auto-pay), so it takes the unit of work it reads and the id, with no command to build."""
    return invoice_id in await uow.invoice_questions.open_among([invoice_id])


async def ask_question(cmd: AskQuestion, uow: QuestionsUnitOfWork, *, clock: Clock) -> InvoiceQuestion:
    message = cmd.message.strip()
    if not 1 <= len(message) <= MAX_MESSAGE:
        raise InvalidRequest(
            f"Write a question of 1 to {MAX_MESSAGE} characters.", code=ErrorCode.INVALID_MESSAGE, field="message"
        )
    invoice = await uow.invoices.lock(cmd.invoice_id)  # one open question per invoice, asked one at a time
    if await is_questioned(uow, invoice.id):
        raise Conflict(
            "A question about this invoice is already open; the partner will answer it by email.",
            code=ErrorCode.QUESTION_ALREADY_OPEN,
            invoice_id=invoice.id,
        )
    question = InvoiceQuestion(
        partner_id=uow.partner_id,
        invoice_id=invoice.id,
        customer_id=cmd.customer_id,
        message=message,
        created_at=clock.now(),
        portal_user_id=cmd.portal_user_id,
    )
    await uow.invoice_questions.add(question)
    uow.record(InvoiceQuestioned(question_id=question.id, invoice_id=invoice.id, customer_id=cmd.customer_id))
    customer = await uow.customers.get(cmd.customer_id)
    settings = await uow.portal_settings.get()
    recipients = list(settings.notification_emails) or ([settings.support_email] if settings.support_email else [])
    for address in recipients:
        await uow.emails.queue(
            Email(
                to=address,
                template=Template.INVOICE_QUESTIONED,
                context={
                    "invoice_number": invoice.number,
                    "customer_name": customer.name,
                    "message": message,
                    "from_email": cmd.from_email,
                },
                partner_id=uow.partner_id,
                dedupe_key=f"invoice.questioned:{question.id}:{address}",
            )
        )
    return question


async def resolve_question(cmd: ResolveQuestion, uow: QuestionsUnitOfWork, *, clock: Clock) -> InvoiceQuestion:
    question = await uow.invoice_questions.get(cmd.question_id, lock=True)
    question.move_to(QuestionStatus.RESOLVED)
    resolution = cmd.resolution.strip() if cmd.resolution else ""
    question.resolution = resolution or None
    question.resolved_at = clock.now()
    await uow.invoice_questions.save(question)
    uow.record(
        InvoiceQuestionResolved(
            question_id=question.id, invoice_id=question.invoice_id, customer_id=question.customer_id
        )
    )
    to = await _asker(question, uow)
    if to is not None:
        invoice = await uow.invoices.get(question.invoice_id)
        await uow.emails.queue(
            Email(
                to=to,
                template=Template.INVOICE_QUESTION_RESOLVED,
                context={"invoice_number": invoice.number, "resolution": question.resolution or ""},
                partner_id=uow.partner_id,
                dedupe_key=f"invoice.question_resolved:{question.id}",
            )
        )
    return question


async def _asker(question: InvoiceQuestion, uow: QuestionsUnitOfWork) -> str | None:
    if question.portal_user_id is not None:
        user = await uow.portal_users.find(question.portal_user_id)
        if user is not None:
            return user.email
    return (await uow.customers.get(question.customer_id)).email
