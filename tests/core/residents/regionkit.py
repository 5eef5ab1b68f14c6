"""Reference-region stores for the portal tests: built once per session, copied per test."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from core.db.engine import make_engine
from core.db.migrate import upgrade
from core.region import generate_region
from core.settings import Settings
from core.timeseries import TimeSeriesStore

# A winter period (heating signature, Epiphany on 6 January for G12w) of five weeks.
REGION_START = dt.date(2026, 1, 5)
REGION_DAYS = 35
REGION_PREMISES = 60
REGION_SEED = 2030


def build_region_db(
    folder: Path,
    *,
    premises: int = REGION_PREMISES,
    days: int = REGION_DAYS,
    start: dt.date = REGION_START,
    seed: int = REGION_SEED,
) -> Path:
    """Generate the reference region into ``folder/kof.db``; returns the file."""
    path = folder / "kof.db"
    settings = Settings(database_url=f"sqlite:///{path}", var_dir=folder)
    engine = make_engine(settings)
    upgrade(engine)
    generate_region(
        engine, TimeSeriesStore(engine), premises=premises, days=days, seed=seed, start=start
    )
    engine.dispose()
    return path


def settings_on_copy(source: Path, folder: Path, **overrides: object) -> Settings:
    """Settings of a private copy of a built store in ``folder``."""
    target = folder / "kof.db"
    shutil.copyfile(source, target)
    return Settings(database_url=f"sqlite:///{target}", var_dir=folder, **overrides)
