"""Approvals and the partner's approval rules."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.paging import fetch_page
from adapters.db.tables import ApprovalRow, ApprovalSettingsRow, PartnerRow, core
from domain.approvals.model import Approval, ApprovalAction, ApprovalRules, ApprovalStatus
from domain.clock import Clock
from domain.errors import NotFound
from domain.pagination import Page, PageRequest


def _to_domain(row: ApprovalRow) -> Approval:
    return Approval(
        id=row.id,
        partner_id=row.partner_id,
        action=ApprovalAction(row.action),
        params=dict(row.params),
        requested_by=row.requested_by,
        created_at=row.created_at,
        expires_at=row.expires_at,
        subject_id=row.subject_id,
        amount=row.amount,
        currency=row.currency,
        status=ApprovalStatus(row.status),
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        reason=row.reason,
        result=row.result,
        failure=row.failure,
    )


class SqlApprovals:
    def __init__(self, session: AsyncSession, partner_id: str) -> None:
        self.session = session
        self.partner_id = partner_id

    async def add(self, approval: Approval) -> None:
        await self.session.execute(
            insert(core(ApprovalRow)),
            {
                "id": approval.id,
                "partner_id": approval.partner_id,
                "action": approval.action.value,
                "params": approval.params,
                "subject_id": approval.subject_id,
                "amount": approval.amount,
                "currency": approval.currency,
                "requested_by": approval.requested_by,
                "status": approval.status.value,
                "decided_by": approval.decided_by,
                "decided_at": approval.decided_at,
                "reason": approval.reason,
                "result": approval.result,
                "failure": approval.failure,
                "created_at": approval.created_at,
                "expires_at": approval.expires_at,
            },
        )

    async def get(self, ident: str, *, lock: bool = False) -> Approval:
        stmt = select(ApprovalRow).where(ApprovalRow.partner_id == self.partner_id, ApprovalRow.id == ident)
        if lock:  # PostgreSQL: SELECT … FOR UPDATE; SQLite's BEGIN IMMEDIATE already serialises writers
            stmt = stmt.with_for_update()
        row = await self.session.scalar(stmt.execution_options(populate_existing=True))
        if row is None:
            raise NotFound("approval", ident)
        return _to_domain(row)

    async def save(self, approval: Approval) -> None:
        await self.session.execute(
            update(ApprovalRow)
            .where(ApprovalRow.partner_id == self.partner_id, ApprovalRow.id == approval.id)
            .values(
                status=approval.status.value,
                decided_by=approval.decided_by,
                decided_at=approval.decided_at,
                reason=approval.reason,
                result=approval.result,
                failure=approval.failure,
            )
            .execution_options(synchronize_session=False)
        )

    async def list(self, page: PageRequest, *, now: datetime, status: ApprovalStatus | None = None) -> Page[Approval]:
        stmt = select(ApprovalRow).where(ApprovalRow.partner_id == self.partner_id)
        pending = ApprovalRow.status == ApprovalStatus.PENDING.value
        if status is ApprovalStatus.PENDING:
            stmt = stmt.where(pending, ApprovalRow.expires_at > now)
        elif status is ApprovalStatus.EXPIRED:
            stmt = stmt.where(or_(ApprovalRow.status == status.value, and_(pending, ApprovalRow.expires_at <= now)))
        elif status is not None:
            stmt = stmt.where(ApprovalRow.status == status.value)
        rows = await fetch_page(self.session, stmt, ApprovalRow.id, page)
        return Page(items=[_to_domain(r).as_of(now) for r in rows.items], has_more=rows.has_more)


class SqlApprovalRules:
    """One row per partner, written on the first change; until then no rule applies. Writers take the partner's
    row lock first, so two first changes at once update one row instead of both inserting."""

    def __init__(self, session: AsyncSession, partner_id: str, clock: Clock) -> None:
        self.session = session
        self.partner_id = partner_id
        self.clock = clock

    async def get(self) -> ApprovalRules:
        row = await self.session.scalar(
            select(ApprovalSettingsRow).where(ApprovalSettingsRow.partner_id == self.partner_id)
        )
        if row is None:
            return ApprovalRules()
        return ApprovalRules(
            refunds_above=dict(row.refunds_above),
            write_offs=row.write_offs,
            payout_destination_changes=row.payout_destination_changes,
        )

    async def save(self, rules: ApprovalRules) -> None:
        values: dict[str, Any] = {
            "refunds_above": dict(rules.refunds_above),
            "write_offs": rules.write_offs,
            "payout_destination_changes": rules.payout_destination_changes,
            "updated_at": self.clock.now(),
        }
        await self.session.execute(select(PartnerRow.id).where(PartnerRow.id == self.partner_id).with_for_update())
        changed = await self.session.execute(
            update(ApprovalSettingsRow)
            .where(ApprovalSettingsRow.partner_id == self.partner_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if not changed.rowcount:  # type: ignore[attr-defined]
            await self.session.execute(insert(core(ApprovalSettingsRow)), {"partner_id": self.partner_id, **values})
