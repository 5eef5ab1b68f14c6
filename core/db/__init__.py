"""Database: models, engine, sessions and migrations."""

from core.db.engine import make_engine, session_scope
from core.db.migrate import upgrade

__all__ = ["make_engine", "session_scope", "upgrade"]
