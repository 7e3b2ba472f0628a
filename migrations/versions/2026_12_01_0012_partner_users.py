"""Partner users: people, memberships with a role, dashboard sessions and codes, invitation and reset links,
sign-ups waiting for their code, and the partner's "require MFA" setting.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dashboard_codes",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.String(length=320), nullable=True),
        sa.Column("code_hash", sa.CHAR(length=64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dashboard_codes")),
    )
    op.create_index("ix_dashboard_codes_lookup", "dashboard_codes", ["email", "purpose", "created_at"], unique=False)
    op.create_table(
        "partner_users",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("password_hash", sa.String(length=200), nullable=True),
        sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("totp_secret", sa.String(length=300), nullable=True),
        sa.Column("totp_enabled", sa.Boolean(), nullable=False),
        sa.Column("totp_last_step", sa.BigInteger(), nullable=True),
        sa.Column(
            "recovery_codes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("failed_attempts >= 0", name=op.f("ck_partner_users_failed_attempts_non_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_users")),
        sa.UniqueConstraint("email", name=op.f("uq_partner_users_email")),
    )
    op.create_table(
        "sign_ups",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("partner_name", sa.String(length=200), nullable=False),
        sa.Column("slug", sa.String(length=63), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_ups")),
    )
    op.create_index("ix_sign_ups_email", "sign_ups", ["email", "created_at"], unique=False)
    op.create_table(
        "dashboard_sessions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("token_hash", sa.CHAR(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("partner_id", sa.String(length=32), nullable=True),
        sa.Column("state", sa.String(length=30), nullable=False),
        sa.Column(
            "factors", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("elevated_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("mfa_failures", sa.Integer(), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column("user_agent", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_dashboard_sessions_partner_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["partner_users.id"], name=op.f("fk_dashboard_sessions_user_id_partner_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dashboard_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_dashboard_sessions_token_hash")),
    )
    op.create_index("ix_dashboard_sessions_user_id", "dashboard_sessions", ["user_id"], unique=False)
    op.create_table(
        "partner_memberships",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("invited_by", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("partner_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_partner_memberships_partner_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["partner_users.id"], name=op.f("fk_partner_memberships_user_id_partner_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_memberships")),
        sa.UniqueConstraint("partner_id", "user_id", name="uq_partner_memberships_partner_id_user_id"),
    )
    op.create_index("ix_partner_memberships_user_id", "partner_memberships", ["user_id"], unique=False)
    op.create_table(
        "team_links",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("token_hash", sa.CHAR(length=64), nullable=False),
        sa.Column("partner_id", sa.String(length=32), nullable=True),
        sa.Column("role", sa.String(length=20), nullable=True),
        sa.Column("user_id", sa.String(length=32), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name=op.f("fk_team_links_partner_id_partners")),
        sa.ForeignKeyConstraint(["user_id"], ["partner_users.id"], name=op.f("fk_team_links_user_id_partner_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_team_links_token_hash")),
    )
    op.create_index("ix_team_links_email", "team_links", ["email", "purpose"], unique=False)
    op.create_index("ix_team_links_partner_id", "team_links", ["partner_id"], unique=False)
    # Plain ALTER TABLE on both databases: a batch rebuild of `partners` would trip every foreign key to it.
    op.add_column("partners", sa.Column("require_mfa", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    op.drop_column("partners", "require_mfa")  # SQLite 3.35+ drops a column in place
    op.drop_index("ix_team_links_partner_id", table_name="team_links")
    op.drop_index("ix_team_links_email", table_name="team_links")
    op.drop_table("team_links")
    op.drop_index("ix_partner_memberships_user_id", table_name="partner_memberships")
    op.drop_table("partner_memberships")
    op.drop_index("ix_dashboard_sessions_user_id", table_name="dashboard_sessions")
    op.drop_table("dashboard_sessions")
    op.drop_index("ix_sign_ups_email", table_name="sign_ups")
    op.drop_table("sign_ups")
    op.drop_table("partner_users")
    op.drop_index("ix_dashboard_codes_lookup", table_name="dashboard_codes")
    op.drop_table("dashboard_codes")
