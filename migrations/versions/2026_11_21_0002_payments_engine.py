"""payments engine

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 10:33:12.907542
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from domain.payments.model import new_transaction_id

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('processor_events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('processor', sa.String(length=20), nullable=False),
    sa.Column('event_id', sa.String(length=100), nullable=False),
    sa.Column('type', sa.String(length=60), nullable=False),
    sa.Column('account', sa.String(length=64), nullable=False),
    sa.Column('payload', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('processed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_processor_events')),
    sa.UniqueConstraint('processor', 'event_id', name='uq_processor_events_processor_event_id')
    )
    op.create_table('sandbox_charges',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('account', sa.String(length=64), nullable=False),
    sa.Column('idempotency_key', sa.String(length=255), nullable=False),
    sa.Column('method_id', sa.String(length=40), nullable=False),
    sa.Column('behavior', sa.String(length=40), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.CHAR(length=3), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('failure_code', sa.String(length=60), nullable=True),
    sa.Column('failure_message', sa.String(length=500), nullable=True),
    sa.Column('return_code', sa.String(length=8), nullable=True),
    sa.Column('amount_refunded', sa.BigInteger(), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=False),
    sa.Column('next_step_on', sa.Date(), nullable=True),
    sa.Column('dispute_id', sa.String(length=40), nullable=True),
    sa.Column('dispute_status', sa.String(length=30), nullable=True),
    sa.Column('dispute_evidence', sa.Text(), nullable=True),
    sa.Column('dispute_due_on', sa.Date(), nullable=True),
    sa.Column('metadata', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sandbox_charges')),
    sa.UniqueConstraint('account', 'idempotency_key', name='uq_sandbox_charges_account_idempotency_key')
    )
    with op.batch_alter_table('sandbox_charges', schema=None) as batch_op:
        batch_op.create_index('ix_sandbox_charges_account_status', ['account', 'status'], unique=False)

    op.create_table('sandbox_clocks',
    sa.Column('account', sa.String(length=64), nullable=False),
    sa.Column('offset_days', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('account', name=op.f('pk_sandbox_clocks'))
    )
    op.create_table('sandbox_events',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('account', sa.String(length=64), nullable=False),
    sa.Column('type', sa.String(length=60), nullable=False),
    sa.Column('payload', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sandbox_events'))
    )
    with op.batch_alter_table('sandbox_events', schema=None) as batch_op:
        batch_op.create_index('ix_sandbox_events_account_id', ['account', 'id'], unique=False)

    op.create_table('sandbox_methods',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('account', sa.String(length=64), nullable=True),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('behavior', sa.String(length=40), nullable=False),
    sa.Column('brand', sa.String(length=20), nullable=True),
    sa.Column('funding', sa.String(length=10), nullable=True),
    sa.Column('last4', sa.String(length=4), nullable=False),
    sa.Column('exp_month', sa.Integer(), nullable=True),
    sa.Column('exp_year', sa.Integer(), nullable=True),
    sa.Column('bank_name', sa.String(length=100), nullable=True),
    sa.Column('country', sa.CHAR(length=2), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('customer_ref', sa.String(length=64), nullable=True),
    sa.Column('attached_id', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('detached_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sandbox_methods')),
    sa.UniqueConstraint('attached_id', name=op.f('uq_sandbox_methods_attached_id'))
    )
    with op.batch_alter_table('sandbox_methods', schema=None) as batch_op:
        batch_op.create_index('ix_sandbox_methods_account', ['account'], unique=False)

    op.create_table('sandbox_refunds',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('account', sa.String(length=64), nullable=False),
    sa.Column('idempotency_key', sa.String(length=255), nullable=False),
    sa.Column('charge_id', sa.String(length=40), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sandbox_refunds')),
    sa.UniqueConstraint('account', 'idempotency_key', name='uq_sandbox_refunds_account_idempotency_key')
    )
    op.create_table('payment_settings',
    sa.Column('partner_id', sa.String(length=32), nullable=False),
    sa.Column('processor', sa.String(length=20), nullable=False),
    sa.Column('enabled_methods', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('partial_payments', sa.Boolean(), nullable=False),
    sa.Column('card_fee_pass_through', sa.Boolean(), nullable=False),
    sa.Column('card_fee_bps', sa.Integer(), nullable=False),
    sa.Column('card_fee_fixed', sa.BigInteger(), nullable=False),
    sa.Column('amex_fee_bps', sa.Integer(), nullable=False),
    sa.Column('amex_fee_fixed', sa.BigInteger(), nullable=False),
    sa.Column('card_fee_cap_bps', sa.Integer(), nullable=False),
    sa.Column('bank_return_fee', sa.BigInteger(), nullable=False),
    sa.Column('unauthorized_return_fee', sa.BigInteger(), nullable=False),
    sa.Column('dispute_fee', sa.BigInteger(), nullable=False),
    sa.Column('dispute_lost_action', sa.String(length=20), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_payment_settings_partner_id_partners')),
    sa.PrimaryKeyConstraint('partner_id', name=op.f('pk_payment_settings'))
    )
    op.create_table('payment_methods',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('customer_id', sa.String(length=32), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('processor', sa.String(length=20), nullable=False),
    sa.Column('processor_method_id', sa.String(length=64), nullable=False),
    sa.Column('brand', sa.String(length=20), nullable=True),
    sa.Column('bank_name', sa.String(length=100), nullable=True),
    sa.Column('last4', sa.String(length=4), nullable=False),
    sa.Column('exp_month', sa.Integer(), nullable=True),
    sa.Column('exp_year', sa.Integer(), nullable=True),
    sa.Column('funding', sa.String(length=10), nullable=True),
    sa.Column('country', sa.CHAR(length=2), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=True),
    sa.Column('is_default', sa.Boolean(), nullable=False),
    sa.Column('autopay_blocked_reason', sa.String(length=200), nullable=True),
    sa.Column('mandate', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('detached_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('partner_id', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_payment_methods_customer_id_customers')),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_payment_methods_partner_id_partners')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_methods')),
    sa.UniqueConstraint('processor', 'processor_method_id', name='uq_payment_methods_processor_method')
    )
    with op.batch_alter_table('payment_methods', schema=None) as batch_op:
        batch_op.create_index('ix_payment_methods_partner_id_customer_id_id', ['partner_id', 'customer_id', 'id'], unique=False)
        batch_op.create_index('uq_payment_methods_one_default', ['customer_id'], unique=True, postgresql_where=sa.text('is_default AND detached_at IS NULL'), sqlite_where=sa.text('is_default AND detached_at IS NULL'))

    op.create_table('disputes',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('payment_id', sa.String(length=32), nullable=False),
    sa.Column('processor_dispute_id', sa.String(length=64), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.CHAR(length=3), nullable=False),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('reason', sa.String(length=60), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=True),
    sa.Column('evidence_submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('evidence_due_by', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('partner_id', sa.String(length=32), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_disputes_amount_positive')),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_disputes_partner_id_partners')),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_disputes_payment_id_payments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disputes')),
    sa.UniqueConstraint('processor_dispute_id', name='uq_disputes_processor_dispute_id')
    )
    with op.batch_alter_table('disputes', schema=None) as batch_op:
        batch_op.create_index('ix_disputes_partner_id_id', ['partner_id', 'id'], unique=False)
        batch_op.create_index('ix_disputes_payment_id', ['payment_id'], unique=False)

    op.create_table('refunds',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('payment_id', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.CHAR(length=3), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=True),
    sa.Column('processor_refund_id', sa.String(length=64), nullable=True),
    sa.Column('failure_message', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('partner_id', sa.String(length=32), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_refunds_amount_positive')),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_refunds_partner_id_partners')),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_refunds_payment_id_payments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refunds'))
    )
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.create_index('ix_refunds_partner_id_id', ['partner_id', 'id'], unique=False)
        batch_op.create_index('ix_refunds_payment_id', ['payment_id'], unique=False)

    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('card_fee_exempt', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('resource_id', sa.String(length=32), nullable=True))

    _extend_payments()



def downgrade() -> None:
    _shrink_payments()

    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.drop_column('resource_id')

    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_column('card_fee_exempt')

    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.drop_index('ix_refunds_payment_id')
        batch_op.drop_index('ix_refunds_partner_id_id')

    op.drop_table('refunds')
    with op.batch_alter_table('disputes', schema=None) as batch_op:
        batch_op.drop_index('ix_disputes_payment_id')
        batch_op.drop_index('ix_disputes_partner_id_id')

    op.drop_table('disputes')
    with op.batch_alter_table('payment_methods', schema=None) as batch_op:
        batch_op.drop_index('uq_payment_methods_one_default', postgresql_where=sa.text('is_default AND detached_at IS NULL'), sqlite_where=sa.text('is_default AND detached_at IS NULL'))
        batch_op.drop_index('ix_payment_methods_partner_id_customer_id_id')

    op.drop_table('payment_methods')
    op.drop_table('payment_settings')
    op.drop_table('sandbox_refunds')
    with op.batch_alter_table('sandbox_methods', schema=None) as batch_op:
        batch_op.drop_index('ix_sandbox_methods_account')

    op.drop_table('sandbox_methods')
    with op.batch_alter_table('sandbox_events', schema=None) as batch_op:
        batch_op.drop_index('ix_sandbox_events_account_id')

    op.drop_table('sandbox_events')
    op.drop_table('sandbox_clocks')
    with op.batch_alter_table('sandbox_charges', schema=None) as batch_op:
        batch_op.drop_index('ix_sandbox_charges_account_status')

    op.drop_table('sandbox_charges')
    op.drop_table('processor_events')


_NEW_PAYMENT_COLUMNS = [
    sa.Column('fee', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('transaction_id', sa.String(length=20), server_default='', nullable=False),
    sa.Column('payment_method_id', sa.String(length=32), sa.ForeignKey('payment_methods.id', name='fk_payments_payment_method_id_payment_methods'), nullable=True),
    sa.Column('processor', sa.String(length=20), nullable=True),
    sa.Column('processor_payment_id', sa.String(length=64), nullable=True),
    sa.Column('failure_code', sa.String(length=60), nullable=True),
    sa.Column('failure_message', sa.String(length=500), nullable=True),
    sa.Column('return_code', sa.String(length=8), nullable=True),
    sa.Column('retry_of', sa.String(length=32), sa.ForeignKey('payments.id', name='fk_payments_retry_of_payments'), nullable=True),
    sa.Column('attempt', sa.Integer(), server_default='1', nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('settled_at', sa.DateTime(timezone=True), nullable=True),
]
_IN_FLIGHT = "status IN ('processing', 'pending')"


def _extend_payments() -> None:
    """Plain ADD COLUMN on both databases: a batch rebuild of `payments` would trip the journal's foreign keys."""
    conn = op.get_bind()
    for column in _NEW_PAYMENT_COLUMNS:
        if conn.dialect.name == "sqlite" and column.foreign_keys:
            # SQLite takes a REFERENCES clause inline on ADD COLUMN, though not as a separate constraint.
            target = next(iter(column.foreign_keys)).target_fullname.replace(".", "(") + ")"
            op.execute(f"ALTER TABLE payments ADD COLUMN {column.name} VARCHAR(32) REFERENCES {target}")
        else:
            op.add_column('payments', column)
    for (payment_id,) in conn.execute(sa.text("SELECT id FROM payments")).all():
        conn.execute(
            sa.text("UPDATE payments SET transaction_id = :tx WHERE id = :id"),
            {"tx": new_transaction_id(), "id": payment_id},
        )
    op.create_index('uq_payments_partner_id_transaction_id', 'payments', ['partner_id', 'transaction_id'], unique=True)
    op.create_index('uq_payments_processor_payment', 'payments', ['processor', 'processor_payment_id'], unique=True)
    op.create_index(
        'ix_payments_in_flight', 'payments', ['status', 'id'],
        postgresql_where=sa.text(_IN_FLIGHT), sqlite_where=sa.text(_IN_FLIGHT),
    )
    if conn.dialect.name == "postgresql":
        op.create_check_constraint('fee_within_amount', 'payments', 'fee >= 0 AND fee < amount')
        op.create_check_constraint('attempt_positive', 'payments', 'attempt >= 1')


def _shrink_payments() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        op.drop_constraint('fee_within_amount', 'payments', type_='check')
        op.drop_constraint('attempt_positive', 'payments', type_='check')
    op.drop_index('ix_payments_in_flight', table_name='payments')
    op.drop_index('uq_payments_processor_payment', table_name='payments')
    op.drop_index('uq_payments_partner_id_transaction_id', table_name='payments')
    if conn.dialect.name == "postgresql":
        op.drop_constraint('fk_payments_retry_of_payments', 'payments', type_='foreignkey')
        op.drop_constraint('fk_payments_payment_method_id_payment_methods', 'payments', type_='foreignkey')
        for column in reversed(_NEW_PAYMENT_COLUMNS):
            op.drop_column('payments', column.name)
        return
    # SQLite cannot drop a column that carries a foreign key: rebuild the table instead.
    with op.batch_alter_table('payments', recreate='always') as batch_op:
        for column in reversed(_NEW_PAYMENT_COLUMNS):
            batch_op.drop_column(column.name)
