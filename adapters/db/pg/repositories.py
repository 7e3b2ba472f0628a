"""PostgreSQL's repositories: the SQLite classes with PostgreSQL's statements (statements.py).

Each sends the statements it runs on every request or payment (API-key lookup and touch, idempotency claim and
answer, invoice reads, locks, list page and status, ledger sums, the inserts of payments, journal entries and
outbox events) to asyncpg, compiled once; its INSERT … ON CONFLICT and JSON-array SQL are PostgreSQL's. Every
other method is the SQLite class's own. The repository contract suite (tests/integration/repository_contract/)
holds these classes to the same answers as the SQLite ones and the fakes.
"""

from __future__ import annotations

from adapters.db.customers import SqlCustomers
from adapters.db.emails import SqlEmails
from adapters.db.idempotency import SqlIdempotency
from adapters.db.insights_rollup import IN_ONE_PARAMS, Writes, entry_params
from adapters.db.invoices import SqlInvoices
from adapters.db.ledger import SqlLedger
from adapters.db.outbox import SqlOutbox
from adapters.db.partner_logos import SqlPartnerLogos
from adapters.db.partners import SqlApiKeys, SqlPartners
from adapters.db.payment_settings import SqlPaymentSettings
from adapters.db.payments import SqlPayments
from adapters.db.pg.statements import PgStatements
from adapters.db.portal_settings import SqlPortalSettings
from adapters.db.portal_users import SqlPortalUsers
from adapters.db.processor_events import SqlProcessorInbox
from adapters.db.repositories import Repositories
from domain.ledger.model import JournalEntry


class PgPartners(PgStatements, SqlPartners):
    pass


class PgApiKeys(PgStatements, SqlApiKeys):
    pass


class PgIdempotency(PgStatements, SqlIdempotency):
    pass


class PgProcessorInbox(PgStatements, SqlProcessorInbox):
    pass


class PgEmails(PgStatements, SqlEmails):
    pass


class PgOutbox(PgStatements, SqlOutbox):
    pass


class PgCustomers(PgStatements, SqlCustomers):
    pass


class PgInvoices(PgStatements, SqlInvoices):
    pass


class PgPayments(PgStatements, SqlPayments):
    pass


class PgLedger(PgStatements, SqlLedger):
    async def _roll_up(self, entry: JournalEntry, invoice_ids: list[str], rollup: Writes) -> None:
        """The insights rollup's three writes in one round trip (adapters/db/insights_rollup.py)."""
        params = entry_params(entry)
        await self._execute(rollup.in_one, {**{k: params[k] for k in IN_ONE_PARAMS}, "ids": invoice_ids})


class PgPaymentSettings(PgStatements, SqlPaymentSettings):
    pass


class PgPortalSettings(PgStatements, SqlPortalSettings):
    pass


class PgPartnerLogos(PgStatements, SqlPartnerLogos):
    pass


class PgPortalUsers(PgStatements, SqlPortalUsers):
    pass


POSTGRESQL = Repositories(
    partners=PgPartners,
    api_keys=PgApiKeys,
    idempotency=PgIdempotency,
    inbox=PgProcessorInbox,
    emails=PgEmails,
    outbox=PgOutbox,
    customers=PgCustomers,
    invoices=PgInvoices,
    payments=PgPayments,
    ledger=PgLedger,
    payment_settings=PgPaymentSettings,
    partner_logos=PgPartnerLogos,
    portal_settings=PgPortalSettings,
    portal_users=PgPortalUsers,
)
