"""The model of normal behaviour: hourly profiles, their spread and the sensors' correlation.

Telemetry is averaged per hour. Normal behaviour of each sensor is its mean per hour of day
(and day type when the training period holds two weeks or more), learnt from the training
period; a residual is the hourly mean less that profile, divided by the spread of residuals at
that hour of day (so night hours, when demand is low and steady, weigh more, as in minimum
night flow analysis). Spreads and correlations come from out-of-sample residuals: the training
days are split into blocks and each block is compared with the profile of the others, so they
are as wide as on new data. The correlation is a factor model (shared modes plus each
sensor's own noise): demand a little high all over the network moves all sensors together,
which a leak at one place does not.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.exceptions import InputError

logger = logging.getLogger(__name__)

MIN_STD_REL = 0.05  # floor of a sensor's hourly spread, relative to its overall spread
STD_PRIOR_SAMPLES = 10.0  # weight of the overall spread in each hour's spread
UNIQUE_FLOOR = 0.02  # smallest unexplained share of a sensor's residual variance
MAX_FACTORS_PER_SAMPLE = 0.2  # factors kept per training hour (small samples keep fewer)
CV_FOLDS = 4


@dataclass(frozen=True)
class NormalModel:
    """What normal looks like for each sensor.

    Attributes:
        sensors: the sensor columns, in order.
        tz: time zone whose clock the demand follows (hour of day, weekends).
        profile: (n_day_types, 24, n_sensors) mean of hourly means.
        std: (24, n_sensors) spread of the residuals per hour of day.
        corr: (n_sensors, n_sensors) residual correlation (factor model).
        weekly: whether weekends have their own profile.
    """

    sensors: tuple[str, ...]
    tz: str
    profile: np.ndarray
    std: np.ndarray
    corr: np.ndarray
    weekly: bool

    def hours_of_day(self, index: pd.DatetimeIndex) -> np.ndarray:
        return index.tz_convert(self.tz).hour.to_numpy()

    def day_types(self, index: pd.DatetimeIndex) -> np.ndarray:
        if not self.weekly:
            return np.zeros(len(index), dtype=int)
        return (index.tz_convert(self.tz).dayofweek.to_numpy() >= 5).astype(int)

    def expected(self, index: pd.DatetimeIndex) -> np.ndarray:
        """(n_hours, n_sensors) normal hourly means."""
        return self.profile[self.day_types(index), self.hours_of_day(index)]

    def residuals(self, hourly: pd.DataFrame) -> np.ndarray:
        """(n_hours, n_sensors) raw residuals (sensor units); NaN where a sensor has no data."""
        values = hourly[list(self.sensors)].to_numpy(dtype=float)
        return values - self.expected(hourly.index)

    def standardise(self, residuals: np.ndarray, index: pd.DatetimeIndex) -> np.ndarray:
        """Residuals divided by their hour-of-day spread; missing values become 0 (no evidence)."""
        return np.nan_to_num(residuals / self.std[self.hours_of_day(index)], nan=0.0)

    def standardised(self, hourly: pd.DataFrame) -> np.ndarray:
        """Standardised residuals of hourly telemetry."""
        return self.standardise(self.residuals(hourly), hourly.index)


def hourly_means(wide: pd.DataFrame) -> pd.DataFrame:
    """Hourly means (labelled by the hour's start, UTC) of a wide telemetry frame."""
    return wide.resample("1h").mean()


def _profile(values: np.ndarray, hod: np.ndarray, dtype: np.ndarray, n_types: int) -> np.ndarray:
    out = np.full((n_types, 24, values.shape[1]), np.nan)
    for t in range(n_types):
        for h in range(24):
            rows = values[(hod == h) & (dtype == t)]
            finite = np.isfinite(rows)
            if finite.any():
                counts = finite.sum(axis=0)
                sums = np.where(finite, rows, 0.0).sum(axis=0)
                out[t, h] = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    finite = np.isfinite(values)
    overall = np.where(finite, values, 0.0).sum(axis=0) / np.maximum(finite.sum(axis=0), 1)
    return np.where(np.isfinite(out), out, overall)


def factor_correlation(z: np.ndarray) -> np.ndarray:
    """Correlation of standardised residuals as a factor model: shared modes plus own noise.

    The leading principal components (eigenvalue above 1, at most one per five samples) are the
    modes sensors share in normal operation (demand a little high everywhere, a pump taking
    over from another); the rest is each sensor's own noise, floored at ``UNIQUE_FLOOR``. A
    sample correlation of few hours would be singular; shrinking it to the identity would
    hide exactly the quiet combinations (the sum of all inflows) where a leak shows best.
    """
    n_samples, n_sensors = z.shape
    if n_samples < 3 or n_sensors < 2:
        return np.eye(n_sensors)
    sd = z.std(axis=0)
    zs = (z - z.mean(axis=0)) / np.where(sd > 0, sd, 1.0)
    corr = (zs.T @ zs) / n_samples
    np.fill_diagonal(corr, 1.0)
    values, vectors = np.linalg.eigh(corr)
    order = np.argsort(values)[::-1]
    values, vectors = values[order], vectors[:, order]
    n_factors = int(
        min((values > 1.0).sum(), max(1, MAX_FACTORS_PER_SAMPLE * n_samples), n_sensors - 1)
    )
    shared = (vectors[:, :n_factors] * values[:n_factors]) @ vectors[:, :n_factors].T
    unique = np.clip(1.0 - np.diag(shared), UNIQUE_FLOOR, 1.0)
    return shared + np.diag(unique)


def _spread(resid: np.ndarray, hod: np.ndarray, n_days: float) -> np.ndarray:
    """(24, n_sensors) residual spread per hour of day: smoothed over +-2 hours, shrunk
    towards the sensor's overall spread, floored."""
    std = np.full((24, resid.shape[1]), np.nan)
    for h in range(24):
        rows = resid[hod == h]
        if len(rows) >= 2 and np.isfinite(rows).any():
            finite = np.isfinite(rows)
            std[h] = np.sqrt(
                np.where(finite, rows**2, 0.0).sum(axis=0) / np.maximum(finite.sum(axis=0), 1)
            )
    padded = np.vstack([std[-2:], std, std[:2]])
    stack = np.stack([padded[i : i + 24] ** 2 for i in range(5)])
    counts = np.isfinite(stack).sum(axis=0)
    smooth = np.sqrt(np.where(np.isfinite(stack), stack, 0.0).sum(axis=0) / np.maximum(counts, 1))
    finite = np.isfinite(resid)
    overall = np.sqrt(
        np.where(finite, resid**2, 0.0).sum(axis=0) / np.maximum(finite.sum(axis=0), 1)
    )
    overall = np.where(overall > 0, overall, 1.0)
    smooth = np.where(counts > 0, smooth, overall)
    n_per_hour = 5 * max(n_days, 1.0)
    smooth = np.sqrt(
        (n_per_hour * smooth**2 + STD_PRIOR_SAMPLES * overall**2) / (n_per_hour + STD_PRIOR_SAMPLES)
    )
    return np.maximum(np.maximum(smooth, MIN_STD_REL * overall), 1e-6)


def fit_normal(hourly: pd.DataFrame, tz: str) -> tuple[NormalModel, np.ndarray]:
    """Learn the normal model from hourly training telemetry.

    Args:
        hourly: hourly means of the training period (UTC index, one column per sensor).
        tz: the clock the demand follows.

    Returns:
        The model, and the out-of-sample residuals of the training hours (n_hours, n_sensors;
        each block of days against the profile of the other blocks) for calibration.

    Raises:
        InputError: fewer than three days of training data, a sensor with no data at all, or
            no sensor that varies.
    """
    if len(hourly) < 72:
        raise InputError(
            f"training period: {len(hourly)} hours of telemetry; at least 72 are needed",
            field="train_until",
            value=len(hourly),
        )
    empty = [c for c in hourly.columns if not hourly[c].notna().any()]
    if empty:
        raise InputError(
            f"sensor {empty[0]}: no values in the training period", field="sensor", value=empty[0]
        )
    spread = hourly.std()
    level = hourly.abs().mean()
    constant = [c for c in hourly.columns if not spread[c] > 1e-9 * max(float(level[c]), 1.0)]
    for name in constant:
        logger.warning(
            "sensor %s: constant over the training period (closed link?); left out", name
        )
    hourly = hourly.drop(columns=constant)
    if hourly.shape[1] == 0:
        raise InputError("no sensor varies over the training period", field="sensor")
    sensors = tuple(hourly.columns)
    local = hourly.index.tz_convert(tz)
    n_days = len(hourly) / 24
    weekly = n_days >= 14 and bool((local.dayofweek >= 5).any())
    n_types = 2 if weekly else 1
    dtype = (local.dayofweek.to_numpy() >= 5).astype(int) if weekly else np.zeros(len(hourly), int)
    hod = local.hour.to_numpy()
    values = hourly.to_numpy(dtype=float)
    profile = _profile(values, hod, dtype, n_types)

    day = (np.arange(len(hourly)) // 24).astype(int)
    fold = day * CV_FOLDS // max(int(day.max()) + 1, 1)
    oos = np.full(values.shape, np.nan)
    for f in range(CV_FOLDS):
        held = fold == f
        if held.all() or not held.any():
            continue
        other = _profile(values[~held], hod[~held], dtype[~held], n_types)
        oos[held] = values[held] - other[dtype[held], hod[held]]
    if not np.isfinite(oos).any():
        oos = values - profile[dtype, hod]
    std = _spread(oos, hod, n_days * (CV_FOLDS - 1) / CV_FOLDS)
    z = np.nan_to_num(oos / std[hod], nan=0.0)
    corr = factor_correlation(z)
    logger.info(
        "normal model: %d sensors, %.1f training days, weekly profile %s",
        len(sensors),
        n_days,
        weekly,
    )
    return NormalModel(sensors, tz, profile, std, corr, weekly), oos
