"""The repository classes a unit of work builds where the databases differ: SQLite's by default, PostgreSQL's
(adapters/db/pg/repositories.py) when the composition root (adapters/bootstrap.py) finds PostgreSQL. That choice
is the only place the code asks which database it runs on."""

from __future__ import annotations

from dataclasses import dataclass

from adapters.db.customers import SqlCustomers
from adapters.db.emails import SqlEmails
from adapters.db.idempotency import SqlIdempotency
from adapters.db.invoices import SqlInvoices
from adapters.db.ledger import SqlLedger
from adapters.db.outbox import SqlOutbox
from adapters.db.partner_logos import SqlPartnerLogos
from adapters.db.partners import SqlApiKeys, SqlPartners
from adapters.db.payment_settings import SqlPaymentSettings
from adapters.db.payments import SqlPayments
from adapters.db.portal_settings import SqlPortalSettings
from adapters.db.portal_users import SqlPortalUsers
from adapters.db.processor_events import SqlProcessorInbox


@dataclass(frozen=True, slots=True)
class Repositories:
    # Platform repositories, built with the unit of work.
    partners: type[SqlPartners] = SqlPartners
    api_keys: type[SqlApiKeys] = SqlApiKeys
    idempotency: type[SqlIdempotency] = SqlIdempotency
    inbox: type[SqlProcessorInbox] = SqlProcessorInbox
    emails: type[SqlEmails] = SqlEmails
    outbox: type[SqlOutbox] = SqlOutbox
    # Tenant repositories, built for one partner by `scope_to`.
    customers: type[SqlCustomers] = SqlCustomers
    invoices: type[SqlInvoices] = SqlInvoices
    payments: type[SqlPayments] = SqlPayments
    ledger: type[SqlLedger] = SqlLedger
    payment_settings: type[SqlPaymentSettings] = SqlPaymentSettings
    portal_settings: type[SqlPortalSettings] = SqlPortalSettings
    partner_logos: type[SqlPartnerLogos] = SqlPartnerLogos
    portal_users: type[SqlPortalUsers] = SqlPortalUsers
