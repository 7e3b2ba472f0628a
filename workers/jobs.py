"""The job table and the cron table both runners read. Jobs are named `context.verb` and live beside their feature:
thin, they take ids, open their own unit of work and do one thing."""

from __future__ import annotations

from workers import audit, emails, imports, maintenance, outbox, payments, scheduled_payments
from workers.context import Job

JOBS: dict[str, Job] = {
    "maintenance.purge_idempotency_keys": maintenance.purge_idempotency_keys,
    "audit.purge": audit.purge_audit_log,
    "payments.sweep_in_flight": payments.sweep_in_flight,
    "payments.refresh": payments.refresh_payment,
    "refunds.refresh": payments.refresh_refund,
    "emails.deliver": emails.deliver_emails,
    "emails.sweep": emails.sweep_emails,
    "outbox.notify": outbox.notify_outbox,
    "scheduled_payments.run_due": scheduled_payments.run_due,
    "scheduled_payments.execute": scheduled_payments.execute,
    "imports.run": imports.run_import,
    "imports.sweep": imports.sweep_imports,
}

EVERY_MINUTE = frozenset(range(60))
EVERY_FIVE_MINUTES = frozenset(range(0, 60, 5))
# (job name, minutes of the hour it runs at); both runners read this one table.
CRON: list[tuple[str, frozenset[int]]] = [
    ("maintenance.purge_idempotency_keys", frozenset({17})),
    ("payments.sweep_in_flight", EVERY_FIVE_MINUTES),
    ("emails.sweep", EVERY_MINUTE),
    ("outbox.notify", EVERY_MINUTE),
    ("scheduled_payments.run_due", frozenset({5})),
    ("imports.sweep", EVERY_FIVE_MINUTES),
]
# (job name, hour, minute) in UTC: jobs that run once a day; both runners read this table too.
DAILY: list[tuple[str, int, int]] = [
    ("audit.purge", 3, 41),
]
