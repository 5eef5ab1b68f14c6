"""The forecasting migration builds exactly the tables of forecasting/models.py."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

import forecasting.models  # noqa: F401  (registers the tables on Base)
from core.db.migrate import downgrade, head_revisions, upgrade
from core.db.models import Base

FORECAST_TABLES = {
    "forecast_series",
    "forecast_runs",
    "forecasts",
    "forecast_quantiles",
    "forecast_series_runs",
    "forecast_accuracy",
    "forecast_model_states",
}


def _diffs(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diffs = compare_metadata(context, Base.metadata)

    def table_of(diff: object) -> str:
        item = diff[0] if isinstance(diff, list) else diff
        for part in item[1:]:
            name = getattr(part, "name", None)
            table = getattr(part, "table", None)
            if table is not None:
                return table.name
            if isinstance(part, str) and part in FORECAST_TABLES:
                return part
            if name in FORECAST_TABLES:
                return name
        return ""

    return [d for d in diffs if table_of(d) in FORECAST_TABLES]


@pytest.mark.parametrize("db", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_migration_matches_the_models(request: pytest.FixtureRequest, db: str) -> None:
    engine = request.getfixturevalue("engine" if db == "sqlite" else "pg_migrated")
    assert set(inspect(engine).get_table_names()) >= FORECAST_TABLES
    assert _diffs(engine) == []


def test_forecasting_branch_goes_down_and_up(engine: Engine) -> None:
    assert "forecasting_0002" in head_revisions()
    downgrade(engine, "forecasting@0001")
    assert not FORECAST_TABLES & set(inspect(engine).get_table_names())
    upgrade(engine)
    assert set(inspect(engine).get_table_names()) >= FORECAST_TABLES
    for table in FORECAST_TABLES:
        expected = {c.name for c in Base.metadata.tables[table].columns}
        assert {c["name"] for c in inspect(engine).get_columns(table)} == expected
