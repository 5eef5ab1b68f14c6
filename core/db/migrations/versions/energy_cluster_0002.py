"""energy_cluster: network-check results of a plan (limits, iterations, branches, buses)

Revision ID: energy_cluster_0002
Revises: energy_cluster_0001
Create Date: 2026-11-29 12:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.db.types

# revision identifiers, used by Alembic.
revision: str = "energy_cluster_0002"
down_revision: str | Sequence[str] | None = "energy_cluster_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _plan_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["plan_id"],
        ["cluster_plans.id"],
        name=op.f(f"fk_{table}_plan_id_cluster_plans"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "cluster_network_checks",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("network", sa.String(length=40), nullable=False),
        sa.Column("slack_bus", sa.Integer(), nullable=False),
        sa.Column("v_min_pu", sa.Float(), nullable=False),
        sa.Column("v_max_pu", sa.Float(), nullable=False),
        sa.Column("max_loading_percent", sa.Float(), nullable=False),
        sa.Column("violations_left", sa.Integer(), nullable=False),
        sa.Column("places_json", sa.Text(), nullable=False),
        _plan_fk("cluster_network_checks"),
        sa.PrimaryKeyConstraint("plan_id", name=op.f("pk_cluster_network_checks")),
    )
    op.create_table(
        "cluster_network_iterations",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("iteration", sa.SmallInteger(), nullable=False),
        sa.Column("violations", sa.Integer(), nullable=False),
        sa.Column("max_line_loading_percent", sa.Float(), nullable=False),
        sa.Column("max_trafo_loading_percent", sa.Float(), nullable=False),
        sa.Column("v_min_pu", sa.Float(), nullable=False),
        sa.Column("v_max_pu", sa.Float(), nullable=False),
        sa.Column("cuts_added", sa.Integer(), nullable=False),
        sa.Column("objective_pln", sa.Float(), nullable=True),
        _plan_fk("cluster_network_iterations"),
        sa.PrimaryKeyConstraint("plan_id", "iteration", name=op.f("pk_cluster_network_iterations")),
    )
    op.create_table(
        "cluster_network_branches",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("element", sa.Integer(), nullable=False),
        sa.Column("ts", core.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("loading_percent", sa.Float(), nullable=False),
        sa.Column("p_mw", sa.Float(), nullable=False),
        _plan_fk("cluster_network_branches"),
        sa.PrimaryKeyConstraint(
            "plan_id", "kind", "element", "ts", name=op.f("pk_cluster_network_branches")
        ),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "cluster_network_buses",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("bus", sa.Integer(), nullable=False),
        sa.Column("ts", core.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("vm_pu", sa.Float(), nullable=False),
        _plan_fk("cluster_network_buses"),
        sa.PrimaryKeyConstraint("plan_id", "bus", "ts", name=op.f("pk_cluster_network_buses")),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("cluster_network_buses")
    op.drop_table("cluster_network_branches")
    op.drop_table("cluster_network_iterations")
    op.drop_table("cluster_network_checks")
