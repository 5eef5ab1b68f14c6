"""Shared fixtures: a migrated SQLite store per test, and the local PostgreSQL server.

PostgreSQL tests use ``KOF_TEST_POSTGRES_URL`` (default: the local server's ``test`` database).
Each test session creates its own database there and drops it at the end. When the server is
unreachable the tests are skipped, except with ``CI=true``, where that is a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from core.db.engine import make_engine
from core.db.migrate import upgrade
from core.settings import Settings
from core.timeseries import TimeSeriesStore

PG_URL = os.environ.get(
    "KOF_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture
def sqlite_settings(tmp_path) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path / 'kof.db'}", var_dir=tmp_path)


@pytest.fixture
def engine(sqlite_settings: Settings) -> Iterator[Engine]:
    """A migrated SQLite store in the test's own folder."""
    eng = make_engine(sqlite_settings)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def store(engine: Engine) -> TimeSeriesStore:
    return TimeSeriesStore(engine)


@pytest.fixture(scope="session")
def pg_database_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for this test session."""
    admin_url = make_url(PG_URL)
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"kof_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as err:
        admin.dispose()
        message = (
            f"PostgreSQL at {admin_url.render_as_string(hide_password=True)} unreachable: {err}"
        )
        if IN_CI:
            pytest.fail(f"CI=true needs PostgreSQL: {message}")
        pytest.skip(message)
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def pg_migrated(pg_database_url: str) -> Iterator[Engine]:
    eng = make_engine(Settings(database_url=pg_database_url))
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def pg_engine(pg_migrated: Engine) -> Iterator[Engine]:
    """The session's migrated PostgreSQL store, emptied before each test."""
    with pg_migrated.begin() as conn:
        tables = (
            conn.execute(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    "AND tablename <> 'alembic_version'"
                )
            )
            .scalars()
            .all()
        )
        if tables:
            names = ", ".join(f'"{t}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    return pg_migrated


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_engine(request: pytest.FixtureRequest) -> Engine:
    """Each test using it runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("engine")
    return request.getfixturevalue("pg_engine")
