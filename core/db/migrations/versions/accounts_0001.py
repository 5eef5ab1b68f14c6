"""accounts: users, consents, activation and reset tokens, login attempts, account log

Revision ID: accounts_0001
Revises: 0001
Create Date: 2026-11-29 10:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.db.types

# revision identifiers, used by Alembic.
revision: str = "accounts_0001"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = ("accounts",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "account_login_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ts", core.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("login_key", sa.String(length=64), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_login_attempts")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column(
            "role",
            sa.Enum(
                "resident",
                "operator",
                "trader",
                "building_manager",
                "admin",
                name="user_role",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "active",
                "disabled",
                "deleted",
                name="account_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("premise_id", sa.Integer(), nullable=True),
        sa.Column("building_id", sa.Integer(), nullable=True),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("session_version", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("activated_at", core.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", core.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["building_id"], ["buildings.id"], name=op.f("fk_users_building_id_buildings")
        ),
        sa.ForeignKeyConstraint(
            ["premise_id"], ["premises.id"], name=op.f("fk_users_premise_id_premises")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "account_activation_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", core.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("used_at", core.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_account_activation_codes_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_activation_codes")),
    )
    op.create_table(
        "account_consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "comparisons",
                name="consent_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("ts", core.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_account_consents_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_consents")),
    )
    op.create_table(
        "account_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "registered",
                "activated",
                "login",
                "logout",
                "password_reset_requested",
                "password_changed",
                "consent_changed",
                "data_exported",
                "deleted",
                name="account_event_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("ts", core.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("detail", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_account_events_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_events")),
    )
    op.create_table(
        "account_reset_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", core.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("used_at", core.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_account_reset_tokens_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_reset_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_account_reset_tokens_token_hash")),
    )
    op.create_index(
        "ix_account_login_attempts_client_ts",
        "account_login_attempts",
        ["client", "ts"],
        unique=False,
    )
    op.create_index(
        "ix_account_login_attempts_key_ts",
        "account_login_attempts",
        ["login_key", "ts"],
        unique=False,
    )
    op.create_index(op.f("ix_users_building_id"), "users", ["building_id"], unique=False)
    op.create_index(op.f("ix_users_premise_id"), "users", ["premise_id"], unique=False)
    op.create_index(
        op.f("ix_account_activation_codes_user_id"),
        "account_activation_codes",
        ["user_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_account_consents_user_id"), "account_consents", ["user_id"], unique=False
    )
    op.create_index(op.f("ix_account_events_user_id"), "account_events", ["user_id"], unique=False)
    op.create_index(
        op.f("ix_account_reset_tokens_user_id"), "account_reset_tokens", ["user_id"], unique=False
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f("ix_account_reset_tokens_user_id"), table_name="account_reset_tokens")
    op.drop_index(op.f("ix_account_events_user_id"), table_name="account_events")
    op.drop_index(op.f("ix_account_consents_user_id"), table_name="account_consents")
    op.drop_index(
        op.f("ix_account_activation_codes_user_id"), table_name="account_activation_codes"
    )
    op.drop_index(op.f("ix_users_building_id"), table_name="users")
    op.drop_index(op.f("ix_users_premise_id"), table_name="users")
    op.drop_index("ix_account_login_attempts_client_ts", table_name="account_login_attempts")
    op.drop_index("ix_account_login_attempts_key_ts", table_name="account_login_attempts")
    op.drop_table("account_reset_tokens")
    op.drop_table("account_events")
    op.drop_table("account_consents")
    op.drop_table("account_activation_codes")
    op.drop_table("users")
    op.drop_table("account_login_attempts")
