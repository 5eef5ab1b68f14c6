"""metering: device health and register events

Revision ID: metering_0001
Revises: 0001
Create Date: 2026-11-29 09:30:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.db.types

# revision identifiers, used by Alembic.
revision: str = "metering_0001"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = ("metering",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "metering_device_health",
        sa.Column("device", sa.String(length=121), nullable=False),
        sa.Column("endpoint", sa.String(length=60), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "online",
                "degraded",
                "offline",
                name="device_health_state",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("since", core.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("last_success_at", core.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("last_failure_at", core.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.Column("updated_at", core.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("device", name=op.f("pk_metering_device_health")),
    )
    op.create_table(
        "metering_register_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meter_id", sa.Integer(), nullable=False),
        sa.Column("ts", core.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value_before", sa.Float(), nullable=False),
        sa.Column("value_after", sa.Float(), nullable=False),
        sa.Column("device", sa.String(length=121), nullable=False),
        sa.ForeignKeyConstraint(
            ["meter_id"], ["meters.id"], name=op.f("fk_metering_register_events_meter_id_meters")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_metering_register_events")),
    )
    with op.batch_alter_table("metering_register_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_metering_register_events_meter_id"), ["meter_id"], unique=False
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("metering_register_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_metering_register_events_meter_id"))
    op.drop_table("metering_register_events")
    op.drop_table("metering_device_health")
