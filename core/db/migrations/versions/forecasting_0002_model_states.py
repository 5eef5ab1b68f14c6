"""forecasting: the last fitted parameters per series and model, for warm starts across runs

Revision ID: forecasting_0002
Revises: forecasting_0001
Create Date: 2026-11-29 12:30:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.db.types

# revision identifiers, used by Alembic.
revision: str = "forecasting_0002"
down_revision: str | Sequence[str] | None = "forecasting_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "forecast_model_states",
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=160), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("issued_at", core.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("history_end", core.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("fitted_at", core.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("params_json", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["forecast_runs.id"],
            name=op.f("fk_forecast_model_states_run_id_forecast_runs"),
        ),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["forecast_series.id"],
            name=op.f("fk_forecast_model_states_series_id_forecast_series"),
        ),
        sa.PrimaryKeyConstraint("series_id", "model", name=op.f("pk_forecast_model_states")),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("forecast_model_states")
