from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from core.db.engine import make_engine
from tests.core.residents.regionkit import build_region_db, settings_on_copy


@pytest.fixture(scope="session")
def region_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference region: 60 premises, five winter weeks from 5 January 2026."""
    return build_region_db(tmp_path_factory.mktemp("residents_region"))


@pytest.fixture
def region(region_db: Path, tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(settings_on_copy(region_db, tmp_path))
    yield engine
    engine.dispose()
