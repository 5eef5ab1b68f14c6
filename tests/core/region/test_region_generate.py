"""generate_region into a SQLite store: contents, determinism, DST days, refusals."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from core.db.engine import make_engine
from core.db.migrate import upgrade
from core.exceptions import InputError
from core.region import RegionSummary, generate_region
from core.region import generate as generate_module
from core.region.layout import build_layout
from core.settings import Settings
from core.timeseries import TimeSeriesStore

START = dt.date(2026, 1, 5)


def _fresh_store(path: Path) -> tuple[Engine, TimeSeriesStore]:
    engine = make_engine(Settings(database_url=f"sqlite:///{path}", var_dir=path.parent))
    upgrade(engine)
    return engine, TimeSeriesStore(engine)


def _rows(engine: Engine, sql: str) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql)).all()]


def _count(engine: Engine, table: str) -> int:
    return _rows(engine, f"SELECT count(*) FROM {table}")[0][0]


def test_small_region_is_stored_whole(engine: Engine, store: TimeSeriesStore) -> None:
    messages: list[str] = []
    summary = generate_region(
        engine, store, premises=60, days=14, seed=3, start=START, progress=messages.append
    )

    assert isinstance(summary, RegionSummary)
    assert summary.premises == _count(engine, "premises") == 60
    assert summary.districts == _count(engine, "districts") == 11
    assert summary.buildings == _count(engine, "buildings")
    assert summary.meters == _count(engine, "meters")
    assert summary.readings == _count(engine, "readings")
    assert summary.weather_rows == _count(engine, "weather") == 14 * 24
    assert summary.period_start_utc == dt.datetime(2026, 1, 4, 23, tzinfo=dt.UTC)
    assert summary.period_end_utc == dt.datetime(2026, 1, 18, 23, tzinfo=dt.UTC)
    assert summary.elapsed_s > 0
    assert messages

    assert _rows(engine, "SELECT min(value) FROM readings")[0][0] >= 0.0
    assert _count(engine, "customers") == 60
    numbers = [r[0] for r in _rows(engine, "SELECT customer_number FROM customers")]
    assert all(re.fullmatch(r"KOF-\d{6}", n) for n in numbers)
    # every premise has a 15-minute electricity meter and an hourly water meter
    per_medium = dict(
        _rows(
            engine,
            "SELECT medium, count(*) FROM meters "
            "WHERE meter_kind = 'main' AND premise_id IS NOT NULL "
            "GROUP BY medium",
        )
    )
    assert per_medium["electricity"] == per_medium["water"] == 60
    assert _rows(
        engine, "SELECT DISTINCT interval_s, unit FROM meters WHERE medium = 'electricity'"
    ) == [(900, "kWh")]
    # DH substations of blocks are building-level meters
    assert (
        _rows(
            engine,
            "SELECT count(*) FROM meters m JOIN buildings b ON b.id = m.building_id "
            "WHERE m.medium = 'heat' AND m.premise_id IS NULL "
            "AND b.building_type LIKE 'multi_family%'",
        )[0][0]
        > 0
    )
    # each meter has every interval of the period
    counts = _rows(
        engine,
        "SELECT m.interval_s, count(r.ts) FROM meters m "
        "JOIN readings r ON r.meter_id = m.id GROUP BY m.id",
    )
    assert {n for s, n in counts if s == 900} == {14 * 96}
    assert {n for s, n in counts if s == 3600} == {14 * 24}


def test_region_on_sqlite_and_postgresql(any_engine: Engine) -> None:
    summary = generate_region(
        any_engine, TimeSeriesStore(any_engine), premises=50, days=2, seed=4, start=START
    )
    assert summary.readings == _count(any_engine, "readings")
    assert summary.meters == _count(any_engine, "meters")
    assert _rows(any_engine, "SELECT min(value) FROM readings")[0][0] >= 0.0
    assert _count(any_engine, "weather") == 48


def test_same_seed_gives_the_same_store_whatever_the_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dumps = []
    for name, batch in (("a.db", 25), ("b.db", 7), ("c.db", 25)):
        if name == "c.db":  # tiny batches and write slices, as for a ten-year period
            monkeypatch.setattr(generate_module, "MAX_BATCH_READINGS", 3000)
            monkeypatch.setattr(generate_module, "MAX_WRITE_READINGS", 1000)
        engine, store = _fresh_store(tmp_path / name)
        generate_region(
            engine, store, premises=60, days=3, seed=11, start=START, batch_premises=batch
        )
        dumps.append(
            (
                _rows(
                    engine,
                    "SELECT meter_id, ts, value, quality FROM readings ORDER BY meter_id, ts",
                ),
                _rows(engine, "SELECT * FROM weather ORDER BY ts"),
                _rows(
                    engine, "SELECT id, serial_number, medium, premise_id, building_id FROM meters"
                ),
                _rows(engine, "SELECT * FROM premises ORDER BY id"),
            )
        )
        engine.dispose()
    assert dumps[0] == dumps[1] == dumps[2]


def test_another_seed_gives_another_region(tmp_path: Path) -> None:
    first = build_layout(60, 1, START)
    assert build_layout(60, 1, START) == first
    assert build_layout(60, 2, START) != first
    serials = [m.serial_number for m in first.meters]
    assert len(set(serials)) == len(serials)


@pytest.mark.parametrize(("day", "quarter_hours"), [("2026-03-29", 92), ("2026-10-25", 100)])
def test_dst_days_have_92_or_100_quarter_hours(
    engine: Engine, store: TimeSeriesStore, day: str, quarter_hours: int
) -> None:
    generate_region(engine, store, premises=50, days=1, seed=5, start=dt.date.fromisoformat(day))
    counts = _rows(
        engine,
        "SELECT m.interval_s, count(*) FROM readings r "
        "JOIN meters m ON m.id = r.meter_id GROUP BY m.id",
    )
    assert {n for s, n in counts if s == 900} == {quarter_hours}
    assert {n for s, n in counts if s == 3600} == {quarter_hours // 4}
    assert _count(engine, "weather") == quarter_hours // 4


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("premises", {"premises": 49}),
        ("premises", {"premises": 100_001}),
        ("premises", {"premises": 60.5}),
        ("days", {"days": 0}),
        ("days", {"days": 3661}),
        ("seed", {"seed": -1}),
        ("batch_premises", {"batch_premises": 0}),
        ("start", {"start": "2026-01-05"}),
        ("start", {"start": dt.datetime(2026, 1, 5, 12)}),
    ],
)
def test_bad_arguments_are_refused_by_name(
    engine: Engine, store: TimeSeriesStore, field: str, kwargs: dict
) -> None:
    args = {"premises": 60, "days": 2, "seed": 1, "start": START} | kwargs
    with pytest.raises(InputError, match=field) as info:
        generate_region(engine, store, **args)
    assert info.value.field == field
    assert _count(engine, "districts") == 0


def test_a_store_with_a_region_is_refused(engine: Engine, store: TimeSeriesStore) -> None:
    generate_region(engine, store, premises=50, days=1, seed=1, start=START)
    before = (_count(engine, "meters"), _count(engine, "readings"))
    with pytest.raises(InputError, match="fresh store") as info:
        generate_region(engine, store, premises=50, days=1, seed=2, start=START)
    assert info.value.field == "store"
    assert (_count(engine, "meters"), _count(engine, "readings")) == before
