"""maintenance: the work-order queue shared by every network

Revision ID: maintenance_0001
Revises: 0001
Create Date: 2026-11-29 10:30:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.db.types

# revision identifiers, used by Alembic.
revision: str = "maintenance_0001"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = ("maintenance",)
depends_on: str | Sequence[str] | None = None


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "maintenance_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "medium",
            _enum("maintenance_medium", "electricity", "heat", "water", "gas"),
            nullable=False,
        ),
        sa.Column("asset", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column(
            "priority",
            _enum("maintenance_priority", "low", "medium", "high", "urgent"),
            nullable=False,
        ),
        sa.Column(
            "status",
            _enum(
                "maintenance_status",
                "open",
                "acknowledged",
                "in_progress",
                "closed",
                "false_alarm",
            ),
            nullable=False,
        ),
        sa.Column("assignee", sa.String(length=80), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("detected_at", core.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("opened_at", core.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", core.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", core.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_maintenance_items")),
    )
    with op.batch_alter_table("maintenance_items", schema=None) as batch_op:
        batch_op.create_index("ix_maintenance_items_asset", ["asset"], unique=False)
        batch_op.create_index(
            "ix_maintenance_items_status_medium", ["status", "medium"], unique=False
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("maintenance_items", schema=None) as batch_op:
        batch_op.drop_index("ix_maintenance_items_status_medium")
        batch_op.drop_index("ix_maintenance_items_asset")
    op.drop_table("maintenance_items")
