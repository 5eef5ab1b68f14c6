"""Features for the gradient-boosting forecaster, built without looking past the origin.

A training row is a (target time t, lead l) pair: the forecast issued at ``t - l`` steps for
``t``. Features are the local calendar of t, the regressors at t (known in advance, with
heating degree-hours and a 24-hour mean for temperatures), the target at whole local days
before t that are at least the horizon back (so always observed at the origin), and the
recent level and anomaly at the origin (how the last hours compared with the day before).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from forecasting.calendar import day_type, hour_of_day, local_wall_time, values_days_before
from forecasting.model import History, RegressorRole

_DAY_S = 86_400


def lag_days(horizon_steps: int, steps_per_day: int) -> tuple[int, ...]:
    """Day lags that are observed at the origin for every lead up to the horizon.

    Example:
        >>> lag_days(96, 96)
        (1, 2, 7, 14)
    """
    k = max(1, math.ceil(horizon_steps / steps_per_day))
    week = 7 * math.ceil(k / 7)
    return tuple(sorted({k, k + 1, week, week + 7}))


def regressor_features(
    regressors: pd.DataFrame, roles: dict[str, RegressorRole], step_s: int, heating_base_degc: float
) -> pd.DataFrame:
    """Regressors as they are, plus heating degree-hours and 24 h means of temperatures."""
    out = regressors.copy()
    window = max(1, _DAY_S // step_s)
    for name, role in roles.items():
        if role is RegressorRole.TEMPERATURE and name in regressors:
            t = regressors[name]
            out[f"{name}__hdh"] = np.maximum(heating_base_degc - t, 0.0)
            out[f"{name}__mean24h"] = t.rolling(window, min_periods=1).mean()
    return out


def calendar_features(
    index: pd.DatetimeIndex, tz: str, country: str, seasonal_year: bool
) -> pd.DataFrame:
    """Local hour, weekday, day type (holidays as Sundays) and, with a year of data, day of year."""
    wall = local_wall_time(index, tz)
    frame = pd.DataFrame(
        {
            "hour": hour_of_day(index, tz),
            "weekday": np.asarray(wall.weekday, dtype=float),
            "day_type": day_type(index, tz, country).astype(float),
        },
        index=index,
    )
    if seasonal_year:
        angle = 2 * np.pi * np.asarray(wall.dayofyear, dtype=float) / 365.25
        frame["doy_sin"] = np.sin(angle)
        frame["doy_cos"] = np.cos(angle)
    return frame


class FeatureBuilder:
    """Builds training and prediction rows for one history and horizon.

    Args:
        history: the training data.
        horizon_steps: the longest lead to forecast.
        future_index: the target times of the forecast (may be empty when only training).
        future_regressors: the regressors on ``future_index``.
        heating_base_degc: base of the heating degree-hours.
    """

    def __init__(
        self,
        history: History,
        horizon_steps: int,
        future_index: pd.DatetimeIndex,
        future_regressors: pd.DataFrame,
        heating_base_degc: float,
    ):
        self.history = history
        self.horizon_steps = horizon_steps
        self.lags = lag_days(horizon_steps, history.steps_per_day)
        index = history.y.index.append(future_index)
        self.index = pd.DatetimeIndex(index)
        self.n_history = len(history.y)
        y_full = pd.Series(
            np.concatenate([history.y.to_numpy(dtype=float), np.full(len(future_index), np.nan)]),
            index=self.index,
        )
        regs = pd.concat([history.regressors, future_regressors[history.regressors.columns]])
        regs.index = self.index
        span_days = (history.y.index[-1] - history.y.index[0]).total_seconds() / _DAY_S
        base = calendar_features(self.index, history.tz, history.country, span_days >= 365)
        regf = regressor_features(regs, history.roles, history.step_s, heating_base_degc)
        lags = {
            f"lag_{d}d": values_days_before(y_full, self.index, d, history.tz) for d in self.lags
        }
        self.static = pd.concat([base, regf, pd.DataFrame(lags, index=self.index)], axis=1)
        lag_cols = [f"lag_{d}d" for d in self.lags]
        self.static["lag_mean"] = self.static[lag_cols].mean(axis=1)
        # origin features, indexed by the origin time
        hour_steps = max(1, 3600 // history.step_s)
        y1 = values_days_before(y_full, self.index, 1, history.tz)
        self._level = y_full.rolling(hour_steps, min_periods=1).mean().to_numpy()
        self._anomaly = (
            pd.Series(y_full.to_numpy() - y1).rolling(3 * hour_steps, min_periods=1).mean()
        ).to_numpy()
        self.y_full = y_full
        self._static = self.static.to_numpy(dtype=float)

    @property
    def columns(self) -> list[str]:
        return [*self.static.columns, "lead", "origin_level", "origin_anomaly"]

    def rows(self, targets: np.ndarray, leads: np.ndarray) -> np.ndarray:
        """Feature matrix for target positions (in ``self.index``) and their leads in steps."""
        origins = targets - leads
        valid = origins >= 0
        level = np.where(valid, self._level[np.clip(origins, 0, None)], np.nan)
        anomaly = np.where(valid, self._anomaly[np.clip(origins, 0, None)], np.nan)
        static = self._static[targets]
        return np.column_stack([static, leads.astype(float), level, anomaly])

    def training_leads(self, n_samples: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
        """(target position, lead) pairs over the history where the target is observed."""
        observed = np.flatnonzero(np.isfinite(self.y_full.to_numpy()[: self.n_history]))
        rng = np.random.default_rng(seed)
        leads = rng.integers(1, self.horizon_steps + 1, size=(len(observed), n_samples))
        targets = np.repeat(observed, n_samples)
        return targets, leads.reshape(-1)
