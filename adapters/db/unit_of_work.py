"""The request-scoped unit of work: one session, one transaction, committed once at the edge.

Whatever a transaction leads to outside the database (delivering its emails, handling its outbox events) is
queued as jobs with `enqueue` and sent to the job queue right after the commit, by whoever commits: a request, a
job or the CLI. A rollback drops them. If the queue cannot be reached, nothing is lost: the rows are in the
database and the workers' sweeps pick them up.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.db.access_requests import SqlAccessRequests
from adapters.db.approvals import SqlApprovalRules, SqlApprovals
from adapters.db.audit import SqlAuditLog, SqlAuditRetention
from adapters.db.disputes import SqlDisputes
from adapters.db.imports import SqlImports
from adapters.db.invoice_questions import SqlInvoiceQuestions
from adapters.db.one_time_codes import SqlOneTimeCodes
from adapters.db.partners import SqlPartnerSequences
from adapters.db.pay_links import SqlPayLinks
from adapters.db.payment_methods import SqlPaymentMethods
from adapters.db.portal_invoices import SqlPortalInvoices
from adapters.db.portal_links import SqlPortalLinks
from adapters.db.portal_sessions import SqlPortalSessions
from adapters.db.refunds import SqlRefunds
from adapters.db.repositories import Repositories
from adapters.db.scheduled_payments import SqlScheduledPayments
from adapters.db.sweeps import SqlSweeps
from adapters.db.tables import AuditLogRow, core
from adapters.db.team import SqlDashboardCodes, SqlDashboardSessions, SqlPartnerUsers, SqlSignUps, SqlTeamLinks
from domain.clock import Clock, SystemClock
from domain.event_handlers import HANDLED_TYPES
from domain.events import Event
from domain.ids import new_id
from domain.ports import CheckpointReason, JobQueue

log = logging.getLogger("remit.db")
EMAIL_BATCH = 50  # ids per emails.deliver job


class SqlUnitOfWork:
    """Starts unscoped (platform tables only); `scope_to(partner_id)` builds the tenant repositories for a partner.

    `repositories` names the classes of those that differ by database; the composition root chooses them."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        clock: Clock | None = None,
        queue: JobQueue | None = None,
        repositories: Repositories | None = None,
    ) -> None:
        self._sessions = sessions
        self._repositories = repositories or Repositories()
        self.clock = clock or SystemClock()
        self._queue = queue
        self._events: list[tuple[str, dict[str, Any]]] = []
        self._jobs: list[tuple[str, dict[str, Any]]] = []  # sent to the queue once this transaction commits
        self._partner_id: str | None = None
        self.commits = 0  # more than one when work was made durable before calling out
        self.checkpoint = CommitCheckpoint(self)  # what jobs and scripts pass to use cases

    async def __aenter__(self) -> SqlUnitOfWork:
        self.session = self._sessions()
        await self.session.begin()
        built = self._repositories
        self.partners = built.partners(self.session)
        self.api_keys = built.api_keys(self.session)
        self.idempotency = built.idempotency(self.session)
        self.inbox = built.inbox(self.session)
        self.emails = built.emails(self.session, self.clock)
        self.outbox = built.outbox(self.session)  # handled across partners, so unscoped
        self.sweeps = SqlSweeps(self.session)  # what the cron jobs find due across partners, so unscoped
        self.portal_sessions = SqlPortalSessions(self.session)  # found by token before the partner is known
        self.audit_retention = SqlAuditRetention(self.session)  # the retention job deletes across partners
        # Partner users and what signs them in: people span partners, so these are not scoped.
        self.partner_users = SqlPartnerUsers(self.session)
        self.dashboard_sessions = SqlDashboardSessions(self.session)
        self.dashboard_codes = SqlDashboardCodes(self.session)
        self.team_links = SqlTeamLinks(self.session)
        self.sign_ups = SqlSignUps(self.session)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if self.session.in_transaction():
                await self.session.rollback()
        finally:
            await self.session.close()

    def scope_to(self, partner_id: str) -> SqlUnitOfWork:
        self._partner_id = partner_id
        self.session.info["partner_id"] = partner_id  # the ORM hook's second guard (adapters/db/engine.py)
        built = self._repositories
        self.sequences = SqlPartnerSequences(self.session, partner_id)
        self.customers = built.customers(self.session, partner_id)
        self.invoices = built.invoices(self.session, partner_id)
        self.payments = built.payments(self.session, partner_id)
        self.ledger = built.ledger(self.session, partner_id)
        self.payment_methods = SqlPaymentMethods(self.session, partner_id)
        self.refunds = SqlRefunds(self.session, partner_id)
        self.disputes = SqlDisputes(self.session, partner_id)
        self.payment_settings = built.payment_settings(self.session, partner_id, self.clock)
        self.portal_settings = built.portal_settings(self.session, partner_id, self.clock)
        self.portal_users = built.portal_users(self.session, partner_id)
        self.partner_logos = built.partner_logos(self.session, partner_id, self.clock)
        self.one_time_codes = SqlOneTimeCodes(self.session, partner_id)
        self.portal_links = SqlPortalLinks(self.session, partner_id)
        self.access_requests = SqlAccessRequests(self.session, partner_id)
        self.pay_links = SqlPayLinks(self.session, partner_id)
        self.portal_invoices = SqlPortalInvoices(self.session, partner_id, self.invoices)
        self.scheduled_payments = SqlScheduledPayments(self.session, partner_id)
        self.invoice_questions = SqlInvoiceQuestions(self.session, partner_id)
        self.audit_log = SqlAuditLog(self.session, partner_id)
        self.imports = SqlImports(self.session, partner_id)
        self.approvals = SqlApprovals(self.session, partner_id)
        self.approval_rules = SqlApprovalRules(self.session, partner_id, self.clock)
        return self

    @property
    def partner_id(self) -> str:
        if self._partner_id is None:
            raise RuntimeError("unit of work is not scoped to a partner")
        return self._partner_id

    def record(self, event: Event) -> None:
        self._events.append((event.type, event.payload()))

    async def audit(
        self,
        *,
        actor: str,
        action: str,
        subject: str | None,
        details: dict[str, Any] | None = None,
        partner_id: str | None = None,
    ) -> None:
        await self.session.execute(
            insert(core(AuditLogRow)),
            {
                "id": new_id("aud"),
                "partner_id": partner_id or self._partner_id,
                "actor": actor,
                "action": action,
                "subject": subject,
                "details": details or {},
                "created_at": self.clock.now(),
            },
        )

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[Savepoint]:
        """Writes, events, jobs and emails inside are undone if the block raises or discards them, and only they
        (an imported row that is refused, or a dry run's)."""
        marks = len(self._events), len(self._jobs), len(self.emails.queued)
        nested = await self.session.begin_nested()
        point = Savepoint()
        try:
            yield point
        except BaseException:
            point.discard()
            raise
        finally:
            if point.discarded:
                await nested.rollback()
                del self._events[marks[0] :], self._jobs[marks[1] :], self.emails.queued[marks[2] :]
            else:
                await nested.commit()

    def enqueue(self, job: str, /, **kwargs: Any) -> None:
        """Run this job once the transaction commits (never if it rolls back)."""
        self._jobs.append((job, kwargs))

    async def commit(self) -> None:
        if self._events:
            ids = await self.outbox.add(self.partner_id, self._events, at=self.clock.now())
            handled = [i for i, (t, _) in zip(ids, self._events, strict=True) if t in HANDLED_TYPES]
            if handled:  # handled at once, not at the next minute's sweep: a receipt follows its payment
                self.enqueue("outbox.notify", ids=handled)
            self._events.clear()
        emails = list(self.emails.queued)
        for start in range(0, len(emails), EMAIL_BATCH):
            self.enqueue("emails.deliver", ids=emails[start : start + EMAIL_BATCH])
        await self.session.commit()
        self.commits += 1
        self.emails.queued.clear()
        await self._after_commit()

    async def _after_commit(self) -> None:
        jobs, self._jobs = self._jobs, []
        if self._queue is None:  # a container without a runner (tests, one-off scripts): the sweeps do it
            return
        for job, kwargs in jobs:
            try:
                await self._queue.enqueue(job, **kwargs)
            except Exception:
                log.warning("could not enqueue %s after commit; the workers' sweep will do it", job, exc_info=True)

    async def rollback(self) -> None:
        self._events.clear()
        self._jobs.clear()
        self.emails.queued.clear()
        await self.session.rollback()


@dataclass
class Savepoint:
    discarded: bool = False

    def discard(self) -> None:
        self.discarded = True


class CommitCheckpoint:
    """The checkpoint of a job or a script: commit now (roll back to discard). There is no idempotency key to name
    the resource under; the API's checkpoint (api/deps.py) has one."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, reason: CheckpointReason, resource_id: str | None = None) -> None:
        await self._uow.commit()

    async def discard(self, reason: CheckpointReason) -> None:
        await self._uow.rollback()
