"""The night-flow step detector on nights with known structure."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from water.nightflow_alarm import night_flow_rise

NIGHTS = pd.Index([dt.date(2026, 3, 1) + dt.timedelta(days=i) for i in range(40)], name="date")


def _nights(level: np.ndarray, seed: int = 1, sd: float = 0.05) -> pd.Series:
    rng = np.random.default_rng(seed)
    return pd.Series(level + rng.normal(0.0, sd, len(level)), index=NIGHTS)


@pytest.mark.parametrize("seed", range(5))
def test_a_step_is_dated_to_its_first_night_and_sized(seed: int) -> None:
    level = np.full(40, 1.2)
    level[25:] += 1.6
    rise = night_flow_rise(_nights(level, seed))
    assert rise is not None
    assert rise.first_night == dt.date(2026, 3, 26)
    assert rise.rise_m3_per_h == pytest.approx(1.6, abs=0.1)
    assert rise.nights_after == 15


@pytest.mark.parametrize("seed", range(5))
def test_no_alarm_on_steady_nights_or_one_odd_night(seed: int) -> None:
    level = np.full(40, 1.2)
    assert night_flow_rise(_nights(level, seed)) is None
    level[30] += 5.0  # a hydrant flushed one night
    assert night_flow_rise(_nights(level, seed)) is None


def test_a_rise_too_small_for_a_crew_or_too_recent_is_not_an_alarm() -> None:
    small = np.full(40, 1.2)
    small[25:] += 0.3
    assert night_flow_rise(_nights(small, sd=0.01)) is None
    recent = np.full(40, 1.2)
    recent[38:] += 2.0  # two nights: could still be a night of use
    assert night_flow_rise(_nights(recent)) is None
