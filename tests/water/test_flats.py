"""Leaks in flats, on the reference region's water meters read through the store."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine, select

from core.cli_main import main
from core.db.engine import session_factory
from core.db.models import Meter
from core.enums import Medium, Resolution
from core.region import generate_region
from core.settings import Settings
from core.timeseries import TimeSeriesStore, read_series
from water.flats import FlatAlertKind, continuous_flow, sudden_jumps
from water.service import flat_leak_alerts

START = "2026-01-05T00:00+01:00"
END = "2026-01-26T00:00+01:00"
INJECTED_L_PER_H = 4.0


@pytest.fixture
def region(engine: Engine) -> Engine:
    generate_region(
        engine, TimeSeriesStore(engine), premises=60, days=21, seed=7, start=dt.date(2026, 1, 5)
    )
    return engine


def _water_meters(engine: Engine) -> list[int]:
    with session_factory(engine)() as session:
        return list(
            session.scalars(
                select(Meter.id).where(Meter.medium == Medium.WATER, Meter.premise_id.is_not(None))
            )
        )


def test_region_leaks_are_found_and_normal_flats_are_not(region: Engine) -> None:
    alerts = flat_leak_alerts(region, START, END)
    continuous = [a for a in alerts if a.kind is FlatAlertKind.CONTINUOUS_FLOW]
    assert continuous, "the seed-7 region has flats with running cisterns"
    hourly = read_series(region, _water_meters(region), START, END, Resolution.HOUR)
    flagged = {a.meter_id for a in continuous}
    for meter_id, rows in hourly.groupby("meter_id"):
        longest, run = 0, 0
        for value in rows["value"].to_numpy():
            run = run + 1 if value > 0.0005 else 0
            longest = max(longest, run)
        assert (longest >= 24) == (meter_id in flagged)
    for alert in continuous:
        assert 2.0 <= alert.flow_l_per_h <= 13.0  # the region's leaks: 2-12 L/h
        assert alert.hours >= 24


def test_an_injected_leak_is_found_from_its_start(region: Engine) -> None:
    quiet = sorted(
        set(_water_meters(region)) - {a.meter_id for a in flat_leak_alerts(region, START, END)}
    )
    meter = quiet[0]
    raw = read_series(region, meter, START, END)
    leak_from = pd.Timestamp("2026-01-12T00:00+01:00")
    bumped = raw.assign(
        value=np.where(raw["ts"] >= leak_from, raw["value"] + INJECTED_L_PER_H / 1000, raw["value"])
    )
    TimeSeriesStore(region).write_readings(bumped[["meter_id", "ts", "value"]])
    alerts = flat_leak_alerts(region, START, END, meter_ids=[meter])
    assert [a.kind for a in alerts] == [FlatAlertKind.CONTINUOUS_FLOW]
    alert = alerts[0]
    assert leak_from - pd.Timedelta(hours=24) <= alert.start <= leak_from
    assert alert.ongoing
    assert alert.flow_l_per_h >= INJECTED_L_PER_H - 0.5


def test_sudden_jump_and_short_runs() -> None:
    index = pd.date_range("2026-01-01", periods=24 * 30, freq="1h", tz="UTC")
    use = pd.Series(np.where(index.hour.isin([7, 8, 19, 20]), 0.03, 0.0), index=index)
    assert continuous_flow(1, use) == []
    burst = use.copy()
    burst[(index >= "2026-01-20 06:00") & (index < "2026-01-20 12:00")] += 0.2  # a hose left on
    jumps = sudden_jumps(1, burst)
    assert len(jumps) == 1
    assert jumps[0].start.tz_convert("Europe/Warsaw").date() == dt.date(2026, 1, 20)
    gap = use + 0.005
    gap[index[100]] = np.nan  # a missing hour breaks a run
    runs = continuous_flow(1, gap)
    assert [r.hours for r in runs] == [100, len(index) - 101]


def test_kof_water_flats_json(
    region: Engine,
    sqlite_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("KOF_DATABASE_URL", sqlite_settings.database_url)
    assert main(["water", "flats", "--start", START, "--end", END, "--json"]) == 0
    alerts = json.loads(capsys.readouterr().out)
    assert alerts
    assert {"meter_id", "kind", "start", "end", "flow_l_per_h", "hours", "ongoing"} <= set(
        alerts[0]
    )
    assert main(["water", "flats", "--start", "2026-01-05T00:00", "--end", END]) == 2
    assert "no time zone" in capsys.readouterr().err
