"""``kof import``: long and wide CSV, row-level errors, all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from core.db.models import Meter, Reading
from core.enums import Medium, ReadingType
from metering.exceptions import ImportFileError
from metering.importer import import_csv
from tests.factories import add_meters


def _serials(engine: Engine, ids: list[int]) -> list[str]:
    with engine.connect() as conn:
        rows = dict(
            conn.execute(select(Meter.id, Meter.serial_number).where(Meter.id.in_(ids))).all()
        )
    return [rows[i] for i in ids]


def _count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(Reading)).scalar_one())


@pytest.fixture
def meters(any_engine: Engine) -> dict[str, list[str]]:
    e = add_meters(any_engine, 2, reading_type=ReadingType.CUMULATIVE, unit="kWh", prefix="E")
    w = add_meters(
        any_engine,
        1,
        medium=Medium.WATER,
        reading_type=ReadingType.CUMULATIVE,
        unit="m3",
        prefix="W",
    )
    return {"e": _serials(any_engine, e), "w": _serials(any_engine, w)}


def test_long_csv_imports_valid_rows_and_reports_the_rest(
    any_engine: Engine, meters, tmp_path: Path
) -> None:
    e1, e2 = meters["e"]
    path = tmp_path / "amr_export.csv"
    path.write_text(
        "timestamp,meter,value,unit\n"
        f"2026-01-01T00:00:00+01:00,{e1},100.5,kWh\n"
        f"2026-01-01T00:15:00+01:00,{e1},100.9,kWh\n"
        f"2026-01-01T00:00:00+01:00,{e2},2000500,Wh\n"  # converted to kWh
        f"2026-01-01T00:30:00,{e1},101.0,kWh\n"  # line 5: naive
        f"2026-01-01T00:30:00+01:00,NOPE,1.0,kWh\n"  # line 6: unknown meter
        f"2026-01-01T00:45:00+01:00,{e1},abc,kWh\n"  # line 7: not a number
        f"2026-01-01T00:45:00+01:00,{meters['w'][0]},3.0,m3\n"  # line 8: a water meter
        f"2026-01-01T01:00:00+01:00,{e1},101.5,m3\n"  # line 9: wrong unit
        f"2026-01-01T00:15:00+01:00,{e1},99.0,kWh\n"  # line 10: contradicts line 3
    )
    report = import_csv(any_engine, path, "electricity")
    assert report.layout == "long"
    assert report.readings_written == 3
    assert [(e.line, e.column) for e in report.errors] == [
        (5, "timestamp"),
        (6, "meter"),
        (7, "value"),
        (8, "meter"),
        (9, "unit"),
        (10, "meter"),
    ]
    assert "has no time zone" in report.errors[0].message
    assert "measures water, not electricity" in report.errors[3].message
    assert "already has 100.9 on line 3" in report.errors[5].message
    assert _count(any_engine) == 3

    with pytest.raises(ImportFileError, match=r"6 line\(s\) refused, nothing imported") as info:
        import_csv(any_engine, path, "electricity", all_or_nothing=True)
    assert info.value.errors[0].startswith("line 5, column timestamp")
    assert _count(any_engine) == 3  # nothing more written


def test_wide_csv_with_units_in_the_header(any_engine: Engine, meters, tmp_path: Path) -> None:
    e1, e2 = meters["e"]
    path = tmp_path / "scada.csv"
    path.write_text(
        f"timestamp;{e1} [kWh];{e2} (Wh)\n"
        "2026-01-01T00:00Z;10,5;1000\n"
        "2026-01-01T01:00Z;11,0;\n"  # an empty cell is no reading
        "2026-01-01T02:00Z;11,5;3000\n"
    )
    report = import_csv(any_engine, path, Medium.ELECTRICITY, all_or_nothing=True)
    assert (report.layout, report.readings_written, report.n_errors) == ("wide", 5, 0)
    with any_engine.connect() as conn:
        values = sorted(conn.execute(select(Reading.value)).scalars())
    assert values == [1.0, 3.0, 10.5, 11.0, 11.5]


def test_unreadable_files_are_refused(engine: Engine, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(ImportFileError, match="empty.csv: the file is empty"):
        import_csv(engine, empty, "water")
    odd = tmp_path / "odd.csv"
    odd.write_text("when,what\n1,2\n")
    with pytest.raises(ImportFileError, match="unknown layout"):
        import_csv(engine, odd, "water")
    with pytest.raises(ImportFileError, match="cannot read the file"):
        import_csv(engine, tmp_path / "missing.csv", "water")
