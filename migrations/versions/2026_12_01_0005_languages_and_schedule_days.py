"""Customers and portal users get a language (emails and PDFs in the reader's language); sandbox charges remember
the simulated day they settled, sandbox US bank accounts their type (checking or savings); partners choose how far
ahead an overdue invoice may be scheduled and give the postal address their invoices print.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=8), server_default="en", nullable=False))
    with op.batch_alter_table("portal_users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=8), nullable=True))
    with op.batch_alter_table("sandbox_charges", schema=None) as batch_op:
        batch_op.add_column(sa.Column("settled_on", sa.Date(), nullable=True))
    with op.batch_alter_table("sandbox_methods", schema=None) as batch_op:
        batch_op.add_column(sa.Column("account_type", sa.String(length=10), nullable=True))
    with op.batch_alter_table("portal_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("business_address", sa.Text(), nullable=True))
    with op.batch_alter_table("payment_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("overdue_schedule_days", sa.Integer(), server_default="7", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("payment_settings", schema=None) as batch_op:
        batch_op.drop_column("overdue_schedule_days")
    with op.batch_alter_table("portal_settings", schema=None) as batch_op:
        batch_op.drop_column("business_address")
    with op.batch_alter_table("sandbox_methods", schema=None) as batch_op:
        batch_op.drop_column("account_type")
    with op.batch_alter_table("sandbox_charges", schema=None) as batch_op:
        batch_op.drop_column("settled_on")
    with op.batch_alter_table("portal_users", schema=None) as batch_op:
        batch_op.drop_column("language")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_column("language")
