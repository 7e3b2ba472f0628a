"""Insights read a daily rollup kept beside the journal (adapters/db/insights_rollup.py), filled here from the
journal so an upgraded database answers at once; and an index that lists a partner's invoice currencies without
reading its invoices.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from adapters.db.insights_rollup import backfill

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "insight_flows",
        sa.Column("partner_id", sa.String(length=32), nullable=False),
        sa.Column("currency", sa.CHAR(length=3), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("receivable", sa.BigInteger(), nullable=False),
        sa.Column("pending", sa.BigInteger(), nullable=False),
        sa.Column("revenue", sa.BigInteger(), nullable=False),
        sa.Column("collected", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name=op.f("fk_insight_flows_partner_id_partners")),
        sa.PrimaryKeyConstraint("partner_id", "currency", "day", "due_date", "method", name=op.f("pk_insight_flows")),
    )
    op.create_table(
        "insight_invoice_days",
        sa.Column("invoice_id", sa.String(length=32), nullable=False),
        sa.Column("currency", sa.CHAR(length=3), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("receivable", sa.BigInteger(), nullable=False),
        sa.Column("pending", sa.BigInteger(), nullable=False),
        sa.Column("voids", sa.Integer(), nullable=False),
        sa.Column("write_offs", sa.Integer(), nullable=False),
        sa.Column("paid_day", sa.Date(), nullable=True),
        sa.Column("partner_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_insight_invoice_days_invoice_id_invoices")
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_insight_invoice_days_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("invoice_id", "currency", "day", name=op.f("pk_insight_invoice_days")),
    )
    op.create_table(
        "insight_paid",
        sa.Column("partner_id", sa.String(length=32), nullable=False),
        sa.Column("currency", sa.CHAR(length=3), nullable=False),
        sa.Column("paid_day", sa.Date(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("invoices", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name=op.f("fk_insight_paid_partner_id_partners")),
        sa.PrimaryKeyConstraint(
            "partner_id", "currency", "paid_day", "day", "issue_date", name=op.f("pk_insight_paid")
        ),
    )
    op.create_index("ix_invoices_partner_id_currency", "invoices", ["partner_id", "currency"])
    dialect = op.get_bind().dialect.name
    for statement in backfill(dialect):
        op.execute(statement)


def downgrade() -> None:
    op.drop_index("ix_invoices_partner_id_currency", table_name="invoices")
    op.drop_table("insight_paid")
    op.drop_table("insight_invoice_days")
    op.drop_table("insight_flows")
