"""energy_cluster: plans, KPIs, schedules and shortfalls

Revision ID: energy_cluster_0001
Revises: 0001
Create Date: 2026-11-29 12:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.db.types

# revision identifiers, used by Alembic.
revision: str = "energy_cluster_0001"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = ("energy_cluster",)
depends_on: str | Sequence[str] | None = None

SOLVE_STATUSES = (
    "optimal",
    "time_limit_feasible",
    "limit_feasible",
    "no_solution",
    "infeasible",
    "unbounded",
    "error",
)


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "cluster_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scenario", sa.String(length=40), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "plan",
                "rolling",
                name="cluster_plan_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("created_at", core.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("start", core.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("end", core.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("step_min", sa.SmallInteger(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                *SOLVE_STATUSES,
                name="cluster_solve_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("flagged", sa.Boolean(), nullable=False),
        sa.Column("objective_pln", sa.Float(), nullable=True),
        sa.Column("best_bound_pln", sa.Float(), nullable=True),
        sa.Column("gap", sa.Float(), nullable=True),
        sa.Column("build_time_s", sa.Float(), nullable=False),
        sa.Column("solve_time_s", sa.Float(), nullable=False),
        sa.Column("message", sa.String(length=300), nullable=False),
        sa.Column("scenario_sha256", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cluster_plans")),
    )
    with op.batch_alter_table("cluster_plans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cluster_plans_scenario"), ["scenario"], unique=False)
        batch_op.create_index(
            "ix_cluster_plans_scenario_created", ["scenario", "created_at"], unique=False
        )
    op.create_table(
        "cluster_plan_kpis",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["cluster_plans.id"],
            name=op.f("fk_cluster_plan_kpis_plan_id_cluster_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("plan_id", "name", name=op.f("pk_cluster_plan_kpis")),
    )
    op.create_table(
        "cluster_schedules",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=40), nullable=False),
        sa.Column("attr", sa.String(length=40), nullable=False),
        sa.Column("ts", core.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["cluster_plans.id"],
            name=op.f("fk_cluster_schedules_plan_id_cluster_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("plan_id", "unit", "attr", "ts", name=op.f("pk_cluster_schedules")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "cluster_shortfalls",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("carrier", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("start", core.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("end", core.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("energy_mwh", sa.Float(), nullable=False),
        sa.Column("max_mw", sa.Float(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["cluster_plans.id"],
            name=op.f("fk_cluster_shortfalls_plan_id_cluster_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("plan_id", "seq", name=op.f("pk_cluster_shortfalls")),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("cluster_shortfalls")
    op.drop_table("cluster_schedules")
    op.drop_table("cluster_plan_kpis")
    with op.batch_alter_table("cluster_plans", schema=None) as batch_op:
        batch_op.drop_index("ix_cluster_plans_scenario_created")
        batch_op.drop_index(batch_op.f("ix_cluster_plans_scenario"))
    op.drop_table("cluster_plans")
