"""Minimum night flow (MNF) analysis of a DMA's inflow: the nightly floor, its trend and the
leakage it implies.

Each night the lowest hourly mean inflow between ``night_hours`` (local time) is the MNF.
Legitimate night use (toilets, appliances) is subtracted: 1.7 L per property per hour is the
usual household allowance (UK Water Industry, "Managing Leakage" Report E, 1994; no Polish
figure is published, REFERENCE_FIGURES §3 caveat 13). What remains is night leakage; the daily
leakage is that times the night-day factor (hours of night-leakage equivalent per day; pressure
is higher at night, so below 24; 20 h is a common default for networks without pressure
management).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.exceptions import InputError
from core.timeutil import LOCAL_TZ_NAME

logger = logging.getLogger(__name__)

NIGHT_USE_L_PER_PROPERTY_H = 1.7
NIGHT_DAY_FACTOR_H = 20.0


@dataclass(frozen=True)
class NightFlowAnalysis:
    """Result of ``minimum_night_flow``.

    Attributes:
        nightly: per local date: ``mnf_m3_per_h``, ``night_leakage_m3_per_h``.
        floor_m3_per_h: the 10th percentile of the nightly MNF (the floor).
        trend_m3_per_h_per_day: Theil-Sen slope of the nightly MNF (rising: a leak growing).
        leakage_m3_per_day: estimated real losses per day (median night leakage x NDF).
    """

    nightly: pd.DataFrame
    floor_m3_per_h: float
    trend_m3_per_h_per_day: float
    leakage_m3_per_day: float


def theil_sen_slope(y: np.ndarray) -> float:
    """Median of the pairwise slopes of a series against its position (robust trend)."""
    y = np.asarray(y, dtype=float)
    idx = np.flatnonzero(np.isfinite(y))
    if len(idx) < 2:
        return 0.0
    i, j = np.triu_indices(len(idx), k=1)
    return float(np.median((y[idx[j]] - y[idx[i]]) / (idx[j] - idx[i])))


def minimum_night_flow(
    inflow_m3_per_h: pd.Series,
    *,
    properties: int = 0,
    night_hours: tuple[int, int] = (2, 5),
    night_use_l_per_property_h: float = NIGHT_USE_L_PER_PROPERTY_H,
    night_day_factor_h: float = NIGHT_DAY_FACTOR_H,
    tz: str = LOCAL_TZ_NAME,
) -> NightFlowAnalysis:
    """Analyse the night flows of a DMA inflow series.

    Args:
        inflow_m3_per_h: inflow rate (m³/h) with an aware index, any resolution up to hourly.
        properties: connected properties (for legitimate night use).
        night_hours: [first, last) local hours searched for the minimum.
        night_use_l_per_property_h: legitimate night use per property.
        night_day_factor_h: hours of night leakage per day.
        tz: the local clock.

    Raises:
        InputError: a naive index or no night in the series.
    """
    if not isinstance(inflow_m3_per_h.index, pd.DatetimeIndex) or inflow_m3_per_h.index.tz is None:
        raise InputError("inflow: the index must be aware timestamps", field="inflow")
    hourly = inflow_m3_per_h.resample("1h").mean().tz_convert(tz)
    lo, hi = night_hours
    night = hourly[(hourly.index.hour >= lo) & (hourly.index.hour < hi)].dropna()
    if night.empty:
        raise InputError(f"inflow: no values between {lo}:00 and {hi}:00", field="inflow")
    mnf = night.groupby(night.index.date).min()
    legit = properties * night_use_l_per_property_h / 1000.0
    nightly = pd.DataFrame(
        {"mnf_m3_per_h": mnf, "night_leakage_m3_per_h": (mnf - legit).clip(lower=0.0)}
    )
    nightly.index.name = "date"
    return NightFlowAnalysis(
        nightly=nightly,
        floor_m3_per_h=float(np.percentile(mnf.to_numpy(), 10)),
        trend_m3_per_h_per_day=theil_sen_slope(mnf.to_numpy()),
        leakage_m3_per_day=float(nightly["night_leakage_m3_per_h"].median() * night_day_factor_h),
    )
