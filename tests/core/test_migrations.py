import importlib
import importlib.util

import pytest
from sqlalchemy import Engine, inspect

from core.db.migrate import current_revisions, downgrade, head_revisions, upgrade
from core.db.models import Base

PACKAGES = (
    "metering",
    "bms_gateway",
    "forecasting",
    "energy_cluster",
    "district_heating",
    "water",
    "waste",
    "dashboards",
    "core.accounts",
    "core.notices",
    "core.maintenance",
)


def _all_models() -> None:
    """Import every package's models so Base.metadata holds every table the migrations build."""
    for package in PACKAGES:
        try:
            spec = importlib.util.find_spec(f"{package}.models")
        except ModuleNotFoundError:  # the package itself does not exist (yet)
            spec = None
        if spec is not None:
            importlib.import_module(f"{package}.models")


def _schema(engine: Engine) -> dict[str, set[str]]:
    insp = inspect(engine)
    return {
        t: {c["name"] for c in insp.get_columns(t)}
        for t in insp.get_table_names()
        if t != "alembic_version"
    }


@pytest.mark.parametrize("db", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_migrations_build_the_models_schema_and_go_down_and_up(
    request: pytest.FixtureRequest, db: str
) -> None:
    engine = request.getfixturevalue("engine" if db == "sqlite" else "pg_migrated")
    assert current_revisions(engine) == head_revisions()
    _all_models()
    expected = {t.name: {c.name for c in t.columns} for t in Base.metadata.sorted_tables}
    assert _schema(engine) == expected

    downgrade(engine, "base")
    assert _schema(engine) == {}
    assert upgrade(engine) == head_revisions()
    assert _schema(engine) == expected


@pytest.mark.parametrize("db", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_readings_are_indexed_by_meter_then_time(request: pytest.FixtureRequest, db: str) -> None:
    engine = request.getfixturevalue("engine" if db == "sqlite" else "pg_migrated")
    pk = inspect(engine).get_pk_constraint("readings")
    assert pk["constrained_columns"] == ["meter_id", "ts"]


@pytest.mark.parametrize("db", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_migrations_and_models_agree(request: pytest.FixtureRequest, db: str) -> None:
    """Alembic's own comparison finds nothing to migrate after upgrading to every head."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    engine = request.getfixturevalue("engine" if db == "sqlite" else "pg_migrated")
    _all_models()
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []
