"""forecasting: catalogued series, runs, forecasts with quantiles, accuracy

Revision ID: forecasting_0001
Revises: 0001
Create Date: 2026-11-29 09:10:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.db.types

# revision identifiers, used by Alembic.
revision: str = "forecasting_0001"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = ("forecasting",)
depends_on: str | Sequence[str] | None = None


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "forecast_series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("series_key", sa.String(length=120), nullable=False),
        sa.Column(
            "level",
            _enum("series_level", "meter", "building", "district", "cluster"),
            nullable=False,
        ),
        sa.Column(
            "quantity",
            _enum(
                "series_quantity",
                "electric_demand",
                "heat_demand",
                "water_demand",
                "gas_demand",
                "pv_output",
            ),
            nullable=False,
        ),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("step_s", sa.Integer(), nullable=False),
        sa.Column("n_meters", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forecast_series")),
        sa.UniqueConstraint("series_key", name=op.f("uq_forecast_series_series_key")),
    )
    op.create_table(
        "forecast_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issued_at", core.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("started_at", core.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", core.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("horizon_s", sa.Integer(), nullable=False),
        sa.Column("n_series", sa.Integer(), nullable=False),
        sa.Column("n_failed", sa.Integer(), nullable=False),
        sa.Column("scheduler", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forecast_runs")),
    )
    with op.batch_alter_table("forecast_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_forecast_runs_issued_at"), ["issued_at"], unique=False)

    op.create_table(
        "forecasts",
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("issued_at", core.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("target_ts", core.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=160), nullable=False),
        sa.Column("yhat", sa.Float(), nullable=False),
        sa.Column("yhat_lower", sa.Float(), nullable=False),
        sa.Column("yhat_upper", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["forecast_runs.id"], name=op.f("fk_forecasts_run_id_forecast_runs")
        ),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["forecast_series.id"],
            name=op.f("fk_forecasts_series_id_forecast_series"),
        ),
        sa.PrimaryKeyConstraint("series_id", "issued_at", "target_ts", name=op.f("pk_forecasts")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("forecasts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_forecasts_run_id"), ["run_id"], unique=False)

    op.create_table(
        "forecast_quantiles",
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("issued_at", core.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("target_ts", core.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("quantile", sa.Float(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["series_id", "issued_at", "target_ts"],
            ["forecasts.series_id", "forecasts.issued_at", "forecasts.target_ts"],
            name=op.f("fk_forecast_quantiles_series_id_forecasts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "series_id", "issued_at", "target_ts", "quantile", name=op.f("pk_forecast_quantiles")
        ),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "forecast_series_runs",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("status", _enum("series_run_status", "ok", "fallback", "failed"), nullable=False),
        sa.Column("model", sa.String(length=160), nullable=True),
        sa.Column("backtest_mase", sa.Float(), nullable=True),
        sa.Column("seasonal_naive_mase", sa.Float(), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["forecast_runs.id"],
            name=op.f("fk_forecast_series_runs_run_id_forecast_runs"),
        ),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["forecast_series.id"],
            name=op.f("fk_forecast_series_runs_series_id_forecast_series"),
        ),
        sa.PrimaryKeyConstraint("run_id", "series_id", name=op.f("pk_forecast_series_runs")),
    )
    op.create_table(
        "forecast_accuracy",
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("issued_at", core.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("evaluated_at", core.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("model", sa.String(length=160), nullable=False),
        sa.Column("n_points", sa.Integer(), nullable=False),
        sa.Column("mae", sa.Float(), nullable=True),
        sa.Column("rmse", sa.Float(), nullable=True),
        sa.Column("mase", sa.Float(), nullable=True),
        sa.Column("smape_percent", sa.Float(), nullable=True),
        sa.Column("pinball", sa.Float(), nullable=True),
        sa.Column("coverage", sa.Float(), nullable=True),
        sa.Column("anomaly_score", sa.Float(), nullable=True),
        sa.Column("max_abs_z", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["forecast_series.id"],
            name=op.f("fk_forecast_accuracy_series_id_forecast_series"),
        ),
        sa.PrimaryKeyConstraint("series_id", "issued_at", name=op.f("pk_forecast_accuracy")),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("forecast_accuracy")
    op.drop_table("forecast_series_runs")
    op.drop_table("forecast_quantiles")
    with op.batch_alter_table("forecasts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_forecasts_run_id"))
    op.drop_table("forecasts")
    with op.batch_alter_table("forecast_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_forecast_runs_issued_at"))
    op.drop_table("forecast_runs")
    op.drop_table("forecast_series")
