"""One-off payment methods get their own column instead of a marker in autopay_blocked_reason, so a later block
(a returned debit) cannot turn a guest's card into a saved method.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

MARKERS = (
    "Given for one guest payment; not for automatic charges.",
    "Given for one payment only; not saved, not for automatic charges.",
)


def _methods() -> sa.TableClause:
    return sa.table(
        'payment_methods', sa.column('one_off', sa.Boolean()), sa.column('autopay_blocked_reason', sa.String())
    )


def upgrade() -> None:
    with op.batch_alter_table('payment_methods', schema=None) as batch_op:
        batch_op.add_column(sa.Column('one_off', sa.Boolean(), server_default=sa.false(), nullable=False))
    methods = _methods()
    op.execute(
        methods.update()
        .where(methods.c.autopay_blocked_reason.in_(MARKERS))
        .values(one_off=True, autopay_blocked_reason=None)
    )


def downgrade() -> None:
    methods = _methods()
    op.execute(methods.update().where(methods.c.one_off.is_(True)).values(autopay_blocked_reason=MARKERS[1]))
    with op.batch_alter_table('payment_methods', schema=None) as batch_op:
        batch_op.drop_column('one_off')
