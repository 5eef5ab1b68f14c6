"""Engines and sessions for the configured store."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from core.settings import Settings

logger = logging.getLogger(__name__)


def _sqlite_pragmas(busy_timeout_s: float) -> Any:
    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy drive transactions (BEGIN on first statement), keep pysqlite quiet.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_s * 1000)}")
        cur.close()

    return on_connect


WRITE_OPTION = "kof_write"


def _sqlite_begin(conn: Any) -> None:
    # A writing transaction takes the write lock at BEGIN (waiting up to busy_timeout), so two
    # writers queue instead of failing when a read lock would have to be upgraded.
    immediate = conn.get_execution_options().get(WRITE_OPTION, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(settings: Settings) -> Engine:
    """Create the engine for ``settings.database_url``.

    SQLite: the file's folder is created, WAL journal, foreign keys on, explicit BEGIN so a
    failing batch rolls back whole. PostgreSQL: psycopg 3 with pre-ping.
    """
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas(settings.sqlite_busy_timeout_s))
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A connection in one writing transaction (BEGIN IMMEDIATE on SQLite)."""
    with engine.connect().execution_options(**{WRITE_OPTION: True}) as conn, conn.begin():
        yield conn


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session in one writing transaction: committed on success, rolled back on any error."""
    writer = engine.execution_options(**{WRITE_OPTION: True})
    with session_factory(writer)() as session, session.begin():
        yield session
