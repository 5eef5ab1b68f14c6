"""Alembic migrations, run programmatically (no alembic.ini needed in the working folder).

All migration scripts live in ``core/db/migrations/versions``. The core schema is the trunk
(``0001`` ...); a domain package that owns tables starts its own branch off the trunk
(``revision = "metering_0001"``, ``down_revision = "0001"``, ``branch_labels = ("metering",)``),
so packages can add tables independently. ``upgrade`` goes to every head.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "heads") -> list[str]:
    """Apply migrations up to ``revision`` (default: every head); returns the store's revisions."""
    command.upgrade(alembic_config(engine), revision)
    return current_revisions(engine)


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(alembic_config(engine), revision)


def current_revisions(engine: Engine) -> list[str]:
    """The revisions the store is at (one per branch), sorted; empty for a new store."""
    with engine.connect() as conn:
        return sorted(MigrationContext.configure(conn).get_current_heads())


def head_revisions() -> list[str]:
    """The newest revision of every branch, sorted."""
    return sorted(ScriptDirectory(str(MIGRATIONS_DIR)).get_heads())


def is_up_to_date(engine: Engine) -> bool:
    return current_revisions(engine) == head_revisions()
