"""write_readings: idempotent, all-or-nothing, clear errors, on SQLite and PostgreSQL."""

from datetime import datetime

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine, text

from core.enums import Quality
from core.exceptions import InputError, UnknownMeterError
from core.timeseries import read_series, write_readings
from tests.factories import add_meters

T0 = pd.Timestamp("2026-01-05T00:00Z")
T_END = pd.Timestamp("2026-01-06T00:00Z")


def _frame(meter_ids: list[int], periods: int = 96, value: float = 0.25) -> pd.DataFrame:
    ts = pd.date_range(T0, periods=periods, freq="15min")
    return pd.DataFrame(
        {
            "meter_id": np.repeat(meter_ids, periods),
            "ts": np.tile(ts, len(meter_ids)),
            "value": value,
        }
    )


def _count(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM readings")).scalar_one()


def _snapshot(engine: Engine) -> list[tuple]:
    with engine.connect() as conn:
        return conn.execute(
            text(
                "SELECT meter_id, ts, value, quality, reason, raw_value FROM readings "
                "ORDER BY meter_id, ts"
            )
        ).all()


def test_same_meter_and_timestamp_twice_is_one_row(any_engine: Engine) -> None:
    meters = add_meters(any_engine, 3)
    frame = _frame(meters)

    assert write_readings(any_engine, frame) == 288
    before = _snapshot(any_engine)
    assert write_readings(any_engine, frame) == 288

    assert _count(any_engine) == 288
    assert _snapshot(any_engine) == before


def test_overlapping_batch_updates_and_appends(any_engine: Engine) -> None:
    (meter,) = add_meters(any_engine, 1)
    write_readings(any_engine, _frame([meter], periods=48, value=1.0))
    write_readings(any_engine, _frame([meter], periods=96, value=2.0))

    stored = read_series(any_engine, meter, T0, T_END)
    assert len(stored) == 96
    assert (stored["value"] == 2.0).all()


def test_duplicates_inside_one_batch_keep_the_last(any_engine: Engine) -> None:
    (meter,) = add_meters(any_engine, 1)
    frame = pd.DataFrame({"meter_id": [meter, meter], "ts": [T0, T0], "value": [1.0, 3.0]})
    assert write_readings(any_engine, frame) == 1
    assert read_series(any_engine, meter, T0, T_END)["value"].tolist() == [3.0]


def test_edited_value_keeps_what_the_device_sent(any_engine: Engine) -> None:
    (meter,) = add_meters(any_engine, 1)
    write_readings(any_engine, pd.DataFrame({"meter_id": [meter], "ts": [T0], "value": [99.0]}))
    edit = pd.DataFrame(
        {
            "meter_id": [meter],
            "ts": [T0],
            "value": [0.3],
            "quality": ["edited"],
            "reason": ["spike: 99 kWh in 15 min"],
        }
    )
    write_readings(any_engine, edit)
    write_readings(any_engine, edit.assign(value=0.31))  # a second edit keeps the origin too

    ((value, quality, reason, raw_value),) = [r[2:] for r in _snapshot(any_engine)]
    assert value == 0.31
    assert quality == 2  # edited
    assert reason == "spike: 99 kWh in 15 min"
    assert raw_value == 99.0


def test_failing_batch_leaves_the_store_as_it_was(any_engine: Engine) -> None:
    meters = add_meters(any_engine, 2)
    write_readings(any_engine, _frame(meters, value=1.0))
    before = _snapshot(any_engine)

    bad = _frame(meters, value=5.0)
    bad.loc[len(bad)] = [9999, T0, 1.0]  # a meter that does not exist, in the last row
    with pytest.raises(UnknownMeterError, match="9999") as info:
        write_readings(any_engine, bad)

    assert info.value.meter_ids == [9999]
    assert _snapshot(any_engine) == before


def test_failure_after_rows_were_sent_rolls_back_the_whole_batch(
    any_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    import core.timeseries.write as write_module

    meters = add_meters(any_engine, 1)
    write_readings(any_engine, _frame(meters, value=1.0))
    before = _snapshot(any_engine)
    name = "_write_postgres" if any_engine.dialect.name == "postgresql" else "_write_sqlite"
    real_writer = getattr(write_module, name)
    sent = []

    def write_then_fail(conn, clean, *args):
        real_writer(conn, clean, *args)
        sent.append(conn.exec_driver_sql("SELECT count(*) FROM readings").scalar_one())
        raise RuntimeError("connection lost")

    monkeypatch.setattr(write_module, name, write_then_fail)
    with pytest.raises(RuntimeError, match="connection lost"):
        write_readings(any_engine, _frame(meters, periods=200, value=7.0))

    assert sent == [200]  # the rows had reached the table inside the transaction
    assert _snapshot(any_engine) == before


@pytest.mark.parametrize(
    ("column", "bad", "match"),
    [
        ("ts", datetime(2026, 1, 5, 0, 0), "no time zone"),
        ("ts", "2026-01-05 00:15", "no time zone"),
        ("ts", "yesterday", "not a timestamp"),
        ("value", "12,5", "'12,5' at row 1 .* is not a number"),
        ("value", None, "missing at row 1"),
        ("meter_id", "E-1", "not an integer meter id"),
        ("quality", "good", "'good' at row 1 is not one of"),
    ],
)
def test_bad_rows_are_named_and_nothing_is_stored(
    engine: Engine, column: str, bad: object, match: str
) -> None:
    (meter,) = add_meters(engine, 1)
    frame = pd.DataFrame(
        {
            "meter_id": [meter, meter],
            "ts": [T0, T0 + pd.Timedelta("15min")],
            "value": [1.0, 2.0],
            "quality": ["measured", "measured"],
        }
    ).astype(object)
    frame.loc[1, column] = bad
    if column == "ts":  # the whole column as the user's type: strings or naive datetimes
        frame["ts"] = [T0.isoformat() if isinstance(bad, str) else datetime(2026, 1, 5), bad]
    with pytest.raises(InputError, match=match) as info:
        write_readings(engine, frame)
    assert info.value.field == column
    assert _count(engine) == 0


def test_iso_strings_with_offsets_are_accepted(engine: Engine) -> None:
    (meter,) = add_meters(engine, 1)
    frame = pd.DataFrame(
        {
            "meter_id": [meter, meter],
            "ts": ["2026-01-05T01:00:00+01:00", "2026-01-05T00:15:00Z"],
            "value": ["1.5", 2],
        }
    )
    write_readings(engine, frame)
    stored = read_series(engine, meter, T0, T_END)
    assert stored["ts"].dt.tz_convert("UTC").tolist() == [T0, T0 + pd.Timedelta("15min")]
    assert stored["value"].tolist() == [1.5, 2.0]


def test_invalid_readings_may_lack_a_value(engine: Engine) -> None:
    (meter,) = add_meters(engine, 1)
    frame = pd.DataFrame(
        {
            "meter_id": [meter],
            "ts": [T0],
            "value": [np.nan],
            "quality": [Quality.INVALID.value],
            "reason": ["no answer"],
        }
    )
    assert write_readings(engine, frame) == 1
    stored = read_series(engine, meter, T0, T_END)
    assert stored["quality"].tolist() == ["invalid"]
    assert np.isnan(stored["value"].iloc[0])


def test_unknown_column_is_refused(engine: Engine) -> None:
    (meter,) = add_meters(engine, 1)
    frame = _frame([meter]).assign(valeu=1)
    with pytest.raises(InputError, match="unknown column.*valeu"):
        write_readings(engine, frame)


def test_empty_frame_writes_nothing(engine: Engine) -> None:
    empty = pd.DataFrame({"meter_id": [], "ts": pd.to_datetime([], utc=True), "value": []})
    assert write_readings(engine, empty) == 0


def test_concurrent_writers_queue_instead_of_failing(any_engine: Engine) -> None:
    from concurrent.futures import ThreadPoolExecutor

    meters = add_meters(any_engine, 4)
    frames = [_frame(meters, periods=400, value=float(i)) for i in range(6)]
    with ThreadPoolExecutor(max_workers=3) as pool:
        written = list(pool.map(lambda f: write_readings(any_engine, f), frames))
    assert written == [1600] * 6
    assert _count(any_engine) == 1600
