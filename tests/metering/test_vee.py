"""VEE: pure functions over small, seeded series built in code."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.enums import Quality
from metering.profiles import builtin_profiles
from metering.vee.checks import Previous, RegisterEventKind, check_value
from metering.vee.estimate import (
    edit_value,
    estimate_from_profile,
    estimate_short_gaps,
    interval_consumption,
    premise_profile,
)
from metering.vee.validate import (
    find_flat_lines,
    find_gaps,
    flag_implausible,
    flag_spikes,
    register_events,
)

M, E, X = Quality.MEASURED.value, Quality.ESTIMATED.value, Quality.INVALID.value
T0 = pd.Timestamp("2026-03-02T00:00Z")  # a Monday
KWH_TOL = 1e-9  # pure arithmetic on float64


def _cum(values: list[float], step_min: int = 15, start: pd.Timestamp = T0) -> pd.DataFrame:
    ts = [start + pd.Timedelta(minutes=step_min * i) for i in range(len(values))]
    return pd.DataFrame({"ts": ts, "value": values, "quality": [M] * len(values)})


# --- online checks -----------------------------------------------------------------------


def test_check_value_tells_rollover_from_reset_and_spikes() -> None:
    spec = builtin_profiles()["mbus_water_meter"].register("volume_m3")  # uint32 litres, 3.2 m3/h
    span = spec.raw_span()  # 4294967.296 m3
    prev = Previous(span - 0.05, 0.0)
    rolled = check_value(spec, 0.1, 900.0, prev, max_rate_per_h=spec.max_rate_per_h)
    assert rolled.event is RegisterEventKind.ROLLOVER
    assert rolled.quality is Quality.MEASURED
    reset = check_value(spec, 0.1, 900.0, Previous(1234.0, 0.0), max_rate_per_h=spec.max_rate_per_h)
    assert reset.event is RegisterEventKind.RESET
    assert "new register series" in (reset.reason or "")
    spike = check_value(
        spec, 1300.0, 900.0, Previous(1234.0, 0.0), max_rate_per_h=spec.max_rate_per_h
    )
    assert spike.quality is Quality.INVALID
    assert spike.reason.startswith("spike")
    # the jump persists: it was a new index, not a spike
    confirmed = check_value(
        spec,
        1300.2,
        1800.0,
        Previous(1234.0, 0.0),
        max_rate_per_h=spec.max_rate_per_h,
        spike_candidate=Previous(1300.0, 900.0),
    )
    assert confirmed.event is RegisterEventKind.RESET
    assert confirmed.quality is Quality.MEASURED
    ok = check_value(spec, 1234.5, 900.0, Previous(1234.0, 0.0), max_rate_per_h=spec.max_rate_per_h)
    assert ok.quality is Quality.MEASURED
    assert ok.reason is None


def test_check_value_limits_for_instantaneous_values() -> None:
    spec = builtin_profiles()["eastron_sdm630"].register("frequency_hz")
    assert check_value(spec, 50.0, 0, None).quality is Quality.MEASURED
    high = check_value(spec, 99.0, 0, None)
    assert high.quality is Quality.INVALID
    assert "above 65" in high.reason
    assert check_value(spec, float("inf"), 0, None).value is None


# --- validation ---------------------------------------------------------------------------


def test_register_events_unwrap_rollovers_and_start_series_at_resets() -> None:
    span = 1000.0
    frame = _cum([990.0, 995.0, 2.0, 7.0, 3.0, 4.0])
    out = register_events(frame, span, max_rate_per_h=100.0)
    assert out["event"].tolist() == [None, None, "rollover", None, "reset", None]
    assert out["series"].tolist() == [0, 0, 0, 0, 1, 1]
    assert out["unwrapped"].tolist() == [990.0, 995.0, 1002.0, 1007.0, 3.0, 4.0]
    # without a span (a float register) every fall is a reset
    assert register_events(frame, None)["event"].tolist()[2] == "reset"


def test_plausibility_and_spikes_flag_but_keep_the_values() -> None:
    frame = _cum([1.0, -5.0, 2.0, 900.0])
    out = flag_implausible(frame, min_value=0.0, max_value=500.0)
    assert out["quality"].tolist() == [M, X, M, X]
    assert out["value"].tolist() == frame["value"].tolist()
    assert out["original_quality"].tolist()[1] == M
    assert out["reason"][3] == "vee: implausible: 900 above 500"

    rng = np.random.default_rng(7)
    usage = rng.gamma(4.0, 0.05, 96 * 3)
    usage[150] = 25.0
    usage[200] = -1.0
    out = flag_spikes(_cum(list(usage)), window=96, factor=8.0)
    flagged = set(np.flatnonzero(out["quality"].to_numpy() == X))
    assert flagged == {150, 200}
    assert out.loc[150, "reason"].startswith("vee: spike")


def test_flat_lines_and_gaps() -> None:
    values = (
        [100.0 + 0.2 * i for i in range(10)] + [102.0] * 40 + [102.0 + 0.2 * i for i in range(1, 6)]
    )
    findings = find_flat_lines(_cum(values), min_duration_s=6 * 3600)
    assert len(findings) == 1
    assert "stayed at 102" in findings[0].detail
    assert find_flat_lines(_cum(values), min_duration_s=12 * 3600) == []

    frame = _cum([float(i) for i in range(12)]).drop(index=[3, 4, 5, 9]).reset_index(drop=True)
    frame.loc[5, "quality"] = X  # the 02:00 reading is invalid: part of the gap after it
    gaps = find_gaps(frame, 900, T0, T0 + pd.Timedelta(hours=3))
    assert [(g.start, g.end, g.detail) for g in gaps] == [
        (T0 + pd.Timedelta(minutes=45), T0 + pd.Timedelta(minutes=90), "3 reading(s) missing"),
        (T0 + pd.Timedelta(minutes=120), T0 + pd.Timedelta(minutes=150), "2 reading(s) missing"),
    ]


# --- estimation --------------------------------------------------------------------------


def test_interval_consumption_from_registers_with_rollover_reset_and_gaps() -> None:
    span = 10_000.0
    frame = _cum([9990.0, 9995.0, 2.0, 7.0, 3.0, 5.0], step_min=60)
    out = interval_consumption(
        frame, 3600, T0, T0 + pd.Timedelta(hours=5), register_span=span, max_rate_per_h=50
    )
    assert out["value"].tolist()[:3] == [5.0, 7.0, 5.0]
    assert np.isnan(out["value"][3])  # across the reset: unknown
    assert out["quality"].tolist() == [M, M, M, X, M]

    gappy = _cum([float(i) for i in range(9)]).drop(index=[4]).reset_index(drop=True)
    out = interval_consumption(gappy, 900, T0, T0 + pd.Timedelta(hours=2))
    assert out["value"].sum() == pytest.approx(8.0, abs=KWH_TOL)  # energy is conserved
    assert out["quality"].tolist() == [M, M, M, E, E, M, M, M]  # around the interpolated 01:00


def test_short_gaps_are_filled_linearly_and_say_how() -> None:
    frame = _cum([10.0, 11.0, 15.0], step_min=15).drop(index=[1]).reset_index(drop=True)
    frame.loc[1, "ts"] = T0 + pd.Timedelta(hours=1)
    rows = estimate_short_gaps(frame, 900, max_gap_s=2 * 3600)
    assert rows["value"].tolist() == pytest.approx([11.25, 12.5, 13.75])
    assert (rows["quality"] == E).all()
    assert rows["reason"][0].startswith("vee.linear: between 2026-03-02T00:00Z (10)")
    assert estimate_short_gaps(frame, 900, max_gap_s=1800).empty  # too long: not linear


def test_long_gaps_come_from_the_premise_profile_scaled_to_the_register() -> None:
    # three weeks of 15-minute consumption with a daily shape; a 6-hour hole in week 3
    idx = pd.date_range(T0, periods=96 * 21, freq="15min")
    hours = idx.tz_convert("Europe/Warsaw").hour
    usage = np.where((hours >= 17) & (hours < 22), 0.4, 0.1)
    frame = pd.DataFrame({"ts": idx, "value": usage, "quality": M, "reason": None})
    hole = (idx >= T0 + pd.Timedelta(days=15, hours=15)) & (
        idx < T0 + pd.Timedelta(days=15, hours=21)
    )
    frame.loc[hole, "value"] = np.nan
    frame.loc[hole, "quality"] = X
    profile = premise_profile(frame)
    gap = (T0 + pd.Timedelta(days=15, hours=15), T0 + pd.Timedelta(days=15, hours=21))
    filled = estimate_from_profile(frame, profile, totals={gap: 5.0})
    est = filled[hole]
    assert est["value"].sum() == pytest.approx(5.0, abs=KWH_TOL)  # what the register says
    assert (est["quality"] == E).all()
    assert est["original_quality"].eq(X).all()
    assert est["reason"].iloc[0].startswith("vee.profile")
    evening = est["ts"].dt.tz_convert("Europe/Warsaw").dt.hour >= 17
    assert est.loc[evening, "value"].mean() > 3 * est.loc[~evening, "value"].mean()  # the shape
    assert filled.loc[~hole, "value"].tolist() == frame.loc[~hole, "value"].tolist()


def test_an_edit_keeps_the_original_and_who_made_it() -> None:
    frame = _cum([1.0, 2.0, 3.0])
    edited = edit_value(
        frame, T0 + pd.Timedelta(minutes=15), 2.5, by="user:jkowalska", why="read on site"
    )
    row = edited.iloc[1]
    assert (row["value"], row["quality"], row["original_value"], row["original_quality"]) == (
        2.5,
        "edited",
        2.0,
        M,
    )
    assert row["reason"] == "edited by user:jkowalska: read on site"
    again = edit_value(edited, T0 + pd.Timedelta(minutes=15), 2.6, by="user:x", why="typo")
    assert again.iloc[1]["original_value"] == 2.0  # the device's value survives
    with pytest.raises(KeyError):
        edit_value(frame, T0 + pd.Timedelta(days=1), 1.0, by="x", why="y")
