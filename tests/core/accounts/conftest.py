from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from core.db.engine import make_engine, session_factory
from core.db.models import Customer, Meter, Premise
from core.enums import Medium, PremiseKind
from tests.core.residents.regionkit import build_region_db, settings_on_copy

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="session")
def small_region_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_region_db(tmp_path_factory.mktemp("accounts_region"), premises=50, days=1)


@pytest.fixture
def region_engine(small_region_db: Path, tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(settings_on_copy(small_region_db, tmp_path))
    yield engine
    engine.dispose()


def household(engine: Engine, index: int = 0) -> tuple[int, str, str]:
    """(premise id, customer number, electricity meter serial) of the index-th household."""
    with session_factory(engine)() as session:
        rows = session.execute(
            select(Premise.id, Customer.customer_number, Meter.serial_number)
            .join(Customer, Customer.id == Premise.customer_id)
            .join(Meter, Meter.premise_id == Premise.id)
            .where(
                Premise.premise_kind == PremiseKind.RESIDENTIAL,
                Meter.medium == Medium.ELECTRICITY,
            )
            .order_by(Premise.id)
        ).all()
    return tuple(rows[index])  # type: ignore[return-value]


def shop(engine: Engine) -> tuple[str, str]:
    with session_factory(engine)() as session:
        row = session.execute(
            select(Customer.customer_number, Meter.serial_number)
            .join(Premise, Premise.customer_id == Customer.id)
            .join(Meter, Meter.premise_id == Premise.id)
            .where(Premise.premise_kind == PremiseKind.COMMERCIAL)
        ).first()
    return tuple(row)  # type: ignore[return-value]
