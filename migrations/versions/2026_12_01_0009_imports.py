"""CSV imports of customers and invoices, run as jobs with a per-row report; customers get an external id, unique
per partner, that imports match on.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("external_id", sa.String(length=200), nullable=True))
    # An index, not a constraint: SQLite adds it without rebuilding the table others refer to.
    op.create_index("uq_customers_partner_id_external_id", "customers", ["partner_id", "external_id"], unique=True)
    op.create_table(
        "imports",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("partner_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=True),
        sa.Column("total_rows", sa.Integer(), nullable=False),
        sa.Column("processed_rows", sa.Integer(), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("content", sa.Text(), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("failure", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("processed_rows <= total_rows", name=op.f("ck_imports_processed_within_total")),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name=op.f("fk_imports_partner_id_partners")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imports")),
    )
    op.create_index("ix_imports_partner_id_id", "imports", ["partner_id", "id"])
    op.create_index("ix_imports_status_id", "imports", ["status", "id"])
    op.create_table(
        "import_rows",
        sa.Column("import_id", sa.String(length=32), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.String(length=32), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=True),
        sa.Column("resource_id", sa.String(length=32), nullable=True),
        sa.Column("errors", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.ForeignKeyConstraint(["import_id"], ["imports.id"], name=op.f("fk_import_rows_import_id_imports")),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name=op.f("fk_import_rows_partner_id_partners")),
        sa.PrimaryKeyConstraint("import_id", "row", name=op.f("pk_import_rows")),
    )


def downgrade() -> None:
    op.drop_table("import_rows")
    op.drop_index("ix_imports_status_id", table_name="imports")
    op.drop_index("ix_imports_partner_id_id", table_name="imports")
    op.drop_table("imports")
    op.drop_index("uq_customers_partner_id_external_id", table_name="customers")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_column("external_id")
