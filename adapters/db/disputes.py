"""Card disputes."""

from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.paging import fetch_page
from adapters.db.tables import DisputeRow, core
from domain.disputes.model import Dispute
from domain.errors import NotFound
from domain.pagination import Page, PageRequest
from domain.payments.processing import DisputeStatus
from domain.ports import DisputeQuery


def _to_domain(row: DisputeRow) -> Dispute:
    return Dispute(
        id=row.id,
        partner_id=row.partner_id,
        payment_id=row.payment_id,
        processor_dispute_id=row.processor_dispute_id,
        amount=row.amount,
        currency=row.currency,
        status=DisputeStatus(row.status),
        reason=row.reason,
        evidence=row.evidence,
        evidence_submitted_at=row.evidence_submitted_at,
        evidence_due_by=row.evidence_due_by,
        created_at=row.created_at,
        updated_at=row.updated_at,
        closed_at=row.closed_at,
    )


class SqlDisputes:
    def __init__(self, session: AsyncSession, partner_id: str) -> None:
        self.session = session
        self.partner_id = partner_id

    async def add(self, dispute: Dispute) -> None:
        await self.session.execute(
            insert(core(DisputeRow)),
            {
                "id": dispute.id,
                "partner_id": dispute.partner_id,
                "payment_id": dispute.payment_id,
                "processor_dispute_id": dispute.processor_dispute_id,
                "amount": dispute.amount,
                "currency": dispute.currency,
                "status": dispute.status.value,
                "reason": dispute.reason,
                "evidence": dispute.evidence,
                "evidence_submitted_at": dispute.evidence_submitted_at,
                "evidence_due_by": dispute.evidence_due_by,
                "created_at": dispute.created_at,
                "updated_at": dispute.updated_at,
                "closed_at": dispute.closed_at,
            },
        )

    async def get(self, dispute_id: str) -> Dispute:
        row = await self.session.scalar(
            select(DisputeRow).where(DisputeRow.partner_id == self.partner_id, DisputeRow.id == dispute_id)
        )
        if row is None:
            raise NotFound("dispute", dispute_id)
        return _to_domain(row)

    async def save(self, dispute: Dispute) -> None:
        await self.session.execute(
            update(DisputeRow)
            .where(DisputeRow.partner_id == self.partner_id, DisputeRow.id == dispute.id)
            .values(
                status=dispute.status.value,
                evidence=dispute.evidence,
                evidence_submitted_at=dispute.evidence_submitted_at,
                evidence_due_by=dispute.evidence_due_by,
                updated_at=dispute.updated_at,
                closed_at=dispute.closed_at,
            )
            .execution_options(synchronize_session=False)
        )

    async def by_processor_id(self, processor_dispute_id: str) -> Dispute | None:
        row = await self.session.scalar(
            select(DisputeRow).where(
                DisputeRow.partner_id == self.partner_id, DisputeRow.processor_dispute_id == processor_dispute_id
            )
        )
        return None if row is None else _to_domain(row)

    async def list(self, query: DisputeQuery, page: PageRequest) -> Page[Dispute]:
        stmt = select(DisputeRow).where(DisputeRow.partner_id == self.partner_id)
        if query.payment_id is not None:
            stmt = stmt.where(DisputeRow.payment_id == query.payment_id)
        if query.status is not None:
            stmt = stmt.where(DisputeRow.status == query.status.value)
        rows = await fetch_page(self.session, stmt, DisputeRow.id, page)
        return Page(items=[_to_domain(r) for r in rows.items], has_more=rows.has_more)
