"""Invoice questions: customers' questions about invoices and the partner's resolutions."""

from __future__ import annotations

import builtins
from collections.abc import Sequence

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.paging import fetch_page
from adapters.db.tables import InvoiceQuestionRow, core
from domain.errors import NotFound
from domain.invoice_questions.model import InvoiceQuestion, QuestionStatus
from domain.pagination import Page, PageRequest


def _to_domain(row: InvoiceQuestionRow) -> InvoiceQuestion:
    return InvoiceQuestion(
        id=row.id,
        partner_id=row.partner_id,
        invoice_id=row.invoice_id,
        customer_id=row.customer_id,
        portal_user_id=row.portal_user_id,
        message=row.message,
        status=QuestionStatus(row.status),
        resolution=row.resolution,
        created_at=row.created_at,
        resolved_at=row.resolved_at,
    )


class SqlInvoiceQuestions:
    def __init__(self, session: AsyncSession, partner_id: str) -> None:
        self.session = session
        self.partner_id = partner_id

    async def add(self, question: InvoiceQuestion) -> None:
        await self.session.execute(
            insert(core(InvoiceQuestionRow)),
            {
                "id": question.id,
                "partner_id": question.partner_id,
                "invoice_id": question.invoice_id,
                "customer_id": question.customer_id,
                "portal_user_id": question.portal_user_id,
                "message": question.message,
                "status": question.status.value,
                "created_at": question.created_at,
            },
        )

    async def get(self, ident: str, *, lock: bool = False) -> InvoiceQuestion:
        stmt = select(InvoiceQuestionRow).where(
            InvoiceQuestionRow.partner_id == self.partner_id, InvoiceQuestionRow.id == ident
        )
        if lock:
            stmt = stmt.with_for_update()
        row = await self.session.scalar(stmt)
        if row is None:
            raise NotFound("invoice question", ident)
        return _to_domain(row)

    async def save(self, question: InvoiceQuestion) -> None:
        await self.session.execute(
            update(InvoiceQuestionRow)
            .where(InvoiceQuestionRow.partner_id == self.partner_id, InvoiceQuestionRow.id == question.id)
            .values(status=question.status.value, resolution=question.resolution, resolved_at=question.resolved_at)
            .execution_options(synchronize_session=False)
        )

    async def for_invoice(self, invoice_id: str) -> builtins.list[InvoiceQuestion]:
        rows = await self.session.scalars(
            select(InvoiceQuestionRow)
            .where(InvoiceQuestionRow.partner_id == self.partner_id, InvoiceQuestionRow.invoice_id == invoice_id)
            .order_by(InvoiceQuestionRow.id.desc())
            .limit(100)
        )
        return [_to_domain(r) for r in rows]

    async def open_among(self, invoice_ids: Sequence[str]) -> set[str]:
        if not invoice_ids:
            return set()
        rows = await self.session.scalars(
            select(InvoiceQuestionRow.invoice_id).where(
                InvoiceQuestionRow.partner_id == self.partner_id,
                InvoiceQuestionRow.invoice_id.in_(list(invoice_ids)),
                InvoiceQuestionRow.status == QuestionStatus.OPEN.value,
            )
        )
        return set(rows)

    async def list(
        self, page: PageRequest, *, status: QuestionStatus | None = None, invoice_id: str | None = None
    ) -> Page[InvoiceQuestion]:
        stmt = select(InvoiceQuestionRow).where(InvoiceQuestionRow.partner_id == self.partner_id)
        if status is not None:
            stmt = stmt.where(InvoiceQuestionRow.status == status.value)
        if invoice_id is not None:
            stmt = stmt.where(InvoiceQuestionRow.invoice_id == invoice_id)
        rows = await fetch_page(self.session, stmt, InvoiceQuestionRow.id, page)
        return Page(items=[_to_domain(r) for r in rows.items], has_more=rows.has_more)
