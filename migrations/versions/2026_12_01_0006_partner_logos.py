"""Partners upload their logo: one per partner, stored cleaned and served by its content hash.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "partner_logos",
        sa.Column("partner_id", sa.String(length=32), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.CHAR(length=64), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name=op.f("fk_partner_logos_partner_id_partners")),
        sa.PrimaryKeyConstraint("partner_id", name=op.f("pk_partner_logos")),
    )
    op.create_index("ix_partner_logos_sha256", "partner_logos", ["sha256"])


def downgrade() -> None:
    op.drop_index("ix_partner_logos_sha256", table_name="partner_logos")
    op.drop_table("partner_logos")
