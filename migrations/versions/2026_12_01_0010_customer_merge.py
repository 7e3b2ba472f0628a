"""Customers can be merged into another; the merged record keeps merged_into. A scheduled payment canceled by the
system says why. Audit rows older than two years may be deleted (the retention job), younger ones still may not.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# Audit rows are kept 730 days; the database refuses to delete a younger one, whoever asks.
PG_AUDIT_RETENTION = """
    CREATE OR REPLACE FUNCTION remit_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' AND OLD.created_at < now() - interval '730 days' THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'the audit log is append-only (% on %)', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END $$
"""
PG_AUDIT_APPEND_ONLY = """
    CREATE OR REPLACE FUNCTION remit_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'the audit log is append-only (% on %)', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END $$
"""
# SQLite keeps UTC timestamps as 'YYYY-MM-DD HH:MM:SS.ffffff' text, which compares in time order with datetime().
SQLITE_AUDIT_RETENTION = """
    CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
    WHEN OLD.created_at >= datetime('now', '-730 days')
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END
"""
SQLITE_AUDIT_APPEND_ONLY = """
    CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.add_column("customers", sa.Column("merged_into", sa.String(length=32), nullable=True))
        op.create_foreign_key(
            op.f("fk_customers_merged_into_customers"), "customers", "customers", ["merged_into"], ["id"]
        )
    else:
        # SQLite adds a column in place only without a constraint; rebuilding `customers` (batch mode) would
        # drop a table every other one references. The use case only ever sets it to a customer it has locked.
        op.add_column("customers", sa.Column("merged_into", sa.String(length=32), nullable=True))
    op.add_column("customers", sa.Column("merged_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("scheduled_payments", sa.Column("cancel_reason", sa.String(length=500), nullable=True))
    op.create_index("ix_audit_log_created_at", "audit_log", ["created_at"], unique=False)
    _audit_trigger(retention=True)


def downgrade() -> None:
    _audit_trigger(retention=False)
    op.drop_index("ix_audit_log_created_at", table_name="audit_log")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(op.f("fk_customers_merged_into_customers"), "customers", type_="foreignkey")
    # Plain DROP COLUMN on both (SQLite 3.35+), for the same reason as above.
    for table, column in (
        ("scheduled_payments", "cancel_reason"),
        ("customers", "merged_at"),
        ("customers", "merged_into"),
    ):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")


def _audit_trigger(*, retention: bool) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_AUDIT_RETENTION if retention else PG_AUDIT_APPEND_ONLY)
        return
    op.execute("DROP TRIGGER IF EXISTS audit_log_append_only_delete")
    op.execute(SQLITE_AUDIT_RETENTION if retention else SQLITE_AUDIT_APPEND_ONLY)
