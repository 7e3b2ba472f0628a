"""Maker-checker approvals and the partner's approval rules.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "approval_settings",
        sa.Column("partner_id", sa.String(length=32), nullable=False),
        sa.Column("refunds_above", JSON, nullable=False),
        sa.Column("write_offs", sa.Boolean(), nullable=False),
        sa.Column("payout_destination_changes", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name=op.f("fk_approval_settings_partner_id_partners")),
        sa.PrimaryKeyConstraint("partner_id", name=op.f("pk_approval_settings")),
    )
    op.create_table(
        "approvals",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("partner_id", sa.String(length=32), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("params", JSON, nullable=False),
        sa.Column("subject_id", sa.String(length=32), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.CHAR(length=3), nullable=True),
        sa.Column("requested_by", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("result", JSON, nullable=True),
        sa.Column("failure", JSON, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount IS NULL OR amount > 0", name=op.f("ck_approvals_amount_positive")),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name=op.f("fk_approvals_partner_id_partners")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approvals")),
    )
    op.create_index("ix_approvals_partner_id_id", "approvals", ["partner_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_approvals_partner_id_id", table_name="approvals")
    op.drop_table("approvals")
    op.drop_table("approval_settings")
