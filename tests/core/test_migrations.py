import pytest
from sqlalchemy import Engine, inspect

from core.db.migrate import current_revisions, downgrade, head_revisions, upgrade
from core.db.models import Base


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
