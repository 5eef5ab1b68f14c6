"""The metering migration builds exactly the tables of metering/models.py."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

import metering.models  # noqa: F401  (registers the metering tables on the core base)
from core.db.migrate import current_revisions, downgrade, upgrade
from core.db.models import Base

METERING_TABLES = {"metering_device_health", "metering_register_events"}


def _metering_only(
    obj: object, name: str | None, type_: str, _reflected: bool, _other: object
) -> bool:
    """Compare the metering tables only: other packages' branches are theirs to check."""
    table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", "")
    return bool(table) and table in METERING_TABLES


@pytest.mark.parametrize("db", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_migration_matches_the_models_and_goes_down_and_up(
    request: pytest.FixtureRequest, db: str
) -> None:
    engine: Engine = request.getfixturevalue("engine" if db == "sqlite" else "pg_migrated")
    assert "metering_0001" in current_revisions(engine)
    opts = {"compare_type": True, "include_object": _metering_only}
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts=opts), Base.metadata)
    assert diff == []
    assert set(inspect(engine).get_table_names()) >= METERING_TABLES

    downgrade(engine, "metering@-1")
    assert not METERING_TABLES & set(inspect(engine).get_table_names())
    assert "readings" in inspect(engine).get_table_names()  # the core trunk stays
    upgrade(engine)
    assert set(inspect(engine).get_table_names()) >= METERING_TABLES
