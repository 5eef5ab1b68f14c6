"""read_series: raw and rolled-up reads, DST-correct in Europe/Warsaw."""

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine

from core.enums import Medium, ReadingType
from core.exceptions import InputError, UnknownMeterError
from core.timeseries import read_series, write_readings
from tests.factories import add_meters

WARSAW = "Europe/Warsaw"
ENERGY_TOL_KWH = 1e-9


def _local(day: str) -> pd.Timestamp:
    return pd.Timestamp(day).tz_localize(WARSAW)


def _write_constant(
    engine: Engine,
    meter: int,
    start: str,
    end: str,
    freq: str,
    value: float,
) -> pd.DatetimeIndex:
    ts = pd.date_range(_local(start), _local(end), freq=freq, inclusive="left")
    write_readings(engine, pd.DataFrame({"meter_id": meter, "ts": ts, "value": value}))
    return ts


@pytest.mark.parametrize(
    ("day", "next_day", "hours"),
    [
        ("2026-03-29", "2026-03-30", 23),
        ("2026-10-25", "2026-10-26", 25),
        ("2026-06-10", "2026-06-11", 24),
    ],
)
def test_day_sums_follow_the_local_calendar_at_dst_changes(
    any_engine: Engine, day: str, next_day: str, hours: int
) -> None:
    (elec,) = add_meters(any_engine, 1)  # 15-minute interval meter, 0.1 kWh per quarter-hour
    (heat,) = add_meters(any_engine, 1, medium=Medium.HEAT, interval_s=3600, prefix="H")
    _write_constant(any_engine, elec, "2026-03-27", "2026-10-28", "15min", 0.1)
    _write_constant(any_engine, heat, "2026-03-27", "2026-10-28", "h", 2.0)

    days = read_series(any_engine, [elec, heat], _local(day), _local(next_day), "day")

    e_day = days[days["meter_id"] == elec].iloc[0]
    h_day = days[days["meter_id"] == heat].iloc[0]
    assert e_day["ts"] == _local(day)
    assert e_day["n_readings"] == e_day["n_expected"] == hours * 4
    assert e_day["value"] == pytest.approx(0.1 * 4 * hours, abs=ENERGY_TOL_KWH)
    assert h_day["n_readings"] == h_day["n_expected"] == hours
    assert h_day["value"] == pytest.approx(2.0 * hours, abs=ENERGY_TOL_KWH)


def test_hours_of_the_autumn_change_stay_distinct(engine: Engine) -> None:
    (elec,) = add_meters(engine, 1)
    _write_constant(engine, elec, "2026-10-25", "2026-10-26", "15min", 0.1)
    hours = read_series(engine, elec, _local("2026-10-25"), _local("2026-10-26"), "hour")
    assert len(hours) == 25
    assert hours["ts"].is_unique
    assert (hours["n_readings"] == 4).all()
    two_am = hours[hours["ts"].dt.hour == 2]
    assert len(two_am) == 2  # 02:00 CEST and 02:00 CET
    assert hours["value"].sum() == pytest.approx(10.0, abs=ENERGY_TOL_KWH)


def test_month_rollup_uses_local_months(engine: Engine) -> None:
    (heat,) = add_meters(engine, 1, medium=Medium.HEAT, interval_s=3600)
    _write_constant(engine, heat, "2026-10-01", "2026-12-01", "h", 1.0)
    months = read_series(engine, heat, _local("2026-10-01"), _local("2026-12-01"), "month")
    assert months["ts"].tolist() == [_local("2026-10-01"), _local("2026-11-01")]
    assert months["value"].tolist() == pytest.approx([31 * 24 + 1, 30 * 24])


def test_cumulative_registers_roll_up_to_consumption(engine: Engine) -> None:
    (meter,) = add_meters(
        engine,
        1,
        medium=Medium.WATER,
        unit="m3",
        interval_s=3600,
        reading_type=ReadingType.CUMULATIVE,
    )
    ts = pd.date_range(_local("2026-02-01"), periods=49, freq="h")
    register_m3 = 1000.0 + np.arange(49) * 0.05  # 50 L per hour
    write_readings(engine, pd.DataFrame({"meter_id": meter, "ts": ts, "value": register_m3}))

    days = read_series(engine, meter, _local("2026-02-01"), _local("2026-02-03"), "day")
    assert days["value"].tolist() == pytest.approx([1.2, 1.2])
    assert days["n_readings"].tolist() == [24, 24]


def test_instantaneous_values_are_averaged(engine: Engine) -> None:
    (meter,) = add_meters(engine, 1, reading_type=ReadingType.INSTANTANEOUS, unit="kW")
    ts = pd.date_range(_local("2026-02-01"), periods=4, freq="15min")
    write_readings(engine, pd.DataFrame({"meter_id": meter, "ts": ts, "value": [1, 2, 3, 6]}))
    hour = read_series(engine, meter, ts[0], ts[0] + pd.Timedelta("1h"), "hour")
    assert hour["value"].tolist() == [3.0]


def test_invalid_readings_are_left_out_and_estimates_counted(engine: Engine) -> None:
    (meter,) = add_meters(engine, 1, medium=Medium.HEAT, interval_s=3600)
    ts = pd.date_range(_local("2026-02-01"), periods=24, freq="h")
    quality = ["measured"] * 20 + ["estimated"] * 2 + ["invalid"] * 2
    write_readings(
        engine, pd.DataFrame({"meter_id": meter, "ts": ts, "value": 1.0, "quality": quality})
    )
    day = read_series(engine, meter, ts[0], ts[0] + pd.Timedelta("1D"), "day").iloc[0]
    assert day["value"] == 22.0
    assert (day["n_readings"], day["n_expected"], day["n_not_measured"]) == (22, 24, 2)


def test_raw_read_is_half_open_and_local(engine: Engine) -> None:
    (meter,) = add_meters(engine, 1)
    ts = _write_constant(engine, meter, "2026-02-01", "2026-02-02", "15min", 0.2)
    raw = read_series(engine, meter, ts[4], ts[8])
    assert raw["ts"].tolist() == list(ts[4:8])
    assert str(raw["ts"].dt.tz) == WARSAW
    assert raw["quality"].unique().tolist() == ["measured"]


def test_reads_are_fast_to_express_for_many_meters(engine: Engine) -> None:
    meters = add_meters(engine, 5)
    for m in meters:
        _write_constant(engine, m, "2026-02-01", "2026-02-03", "15min", float(m))
    days = read_series(engine, meters, _local("2026-02-01"), _local("2026-02-03"), "day")
    assert days.groupby("meter_id")["value"].sum().to_dict() == {
        m: pytest.approx(m * 192) for m in meters
    }


def test_unknown_meter_is_named(engine: Engine) -> None:
    with pytest.raises(UnknownMeterError, match="unknown meter_id: 77"):
        read_series(engine, 77, _local("2026-02-01"), _local("2026-02-02"))


@pytest.mark.parametrize(
    ("start", "end", "resolution", "match"),
    [
        (pd.Timestamp("2026-02-01"), _local("2026-02-02"), "day", "start: .* no time zone"),
        (_local("2026-02-02"), _local("2026-02-01"), "day", "must be after start"),
        (_local("2026-02-01"), _local("2026-02-02"), "week", "'week' is not one of"),
    ],
)
def test_bad_query_arguments(engine: Engine, start, end, resolution, match) -> None:
    (meter,) = add_meters(engine, 1)
    with pytest.raises(InputError, match=match):
        read_series(engine, meter, start, end, resolution)


def test_resolution_finer_than_the_meter_is_refused(engine: Engine) -> None:
    (heat,) = add_meters(engine, 1, medium=Medium.HEAT, interval_s=3600)
    with pytest.raises(InputError, match="reads every 3600 s; 15min is finer"):
        read_series(engine, heat, _local("2026-02-01"), _local("2026-02-02"), "15min")


def test_range_read_searches_the_primary_key(engine: Engine) -> None:
    """A one-meter range read must be an index search, whatever the number of meters."""
    with engine.connect() as conn:
        plan = conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT meter_id, ts, value, quality, reason FROM readings "
            "WHERE meter_id = 1 AND ts >= 0 AND ts < 100 ORDER BY ts"
        ).all()
    detail = " ".join(str(row[-1]) for row in plan)
    assert "SEARCH readings USING PRIMARY KEY (meter_id=? AND ts>? AND ts<?)" in detail
    assert "TEMP B-TREE" not in detail  # rows come out in index order, no sort
