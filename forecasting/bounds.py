"""Physical bounds of a forecast, learnt from the history (no negative consumption, PV at night)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecasting.calendar import slot_of_day
from forecasting.model import History

_ZERO_SLOT_DAYS = 28
_ZERO_SLOT_MIN_OBS = 7


def apply_physical_bounds(forecast: pd.DataFrame, history: History) -> pd.DataFrame:
    """Keep a forecast within what the history shows is possible.

    A series that was never negative (consumption, PV output) is not forecast below zero, and a
    clock slot that was exactly zero on every recent day (PV at night) is forecast as zero.
    """
    y = history.y.dropna()
    if y.empty or (y < 0).any():
        return forecast
    out = forecast.clip(lower=0.0)
    recent = y[y.index > history.end - pd.Timedelta(days=_ZERO_SLOT_DAYS)]
    slots = slot_of_day(pd.DatetimeIndex(recent.index), history.tz, history.step_s)
    by_slot = pd.DataFrame({"slot": slots, "zero": recent.to_numpy() == 0.0}).groupby("slot")[
        "zero"
    ]
    always_zero = by_slot.all() & (by_slot.count() >= _ZERO_SLOT_MIN_OBS)
    zero_slots = set(always_zero[always_zero].index)
    if zero_slots:
        target_slots = slot_of_day(pd.DatetimeIndex(out.index), history.tz, history.step_s)
        out.loc[np.isin(target_slots, list(zero_slots))] = 0.0
    return out
