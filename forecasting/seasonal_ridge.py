"""Seasonal ridge: a day-type seasonal naive plus a ridge-regularised linear correction.

The base forecast is the value at the same local clock time on the last day of the target's
type (workday, Saturday, Sunday or holiday) that is at least the horizon back: a Tuesday copies
Monday, a Monday copies Friday, a Saturday the Saturday before. Its error is regressed on

- the seasonal lags (whole days and whole weeks past the horizon) minus the base (so a mean of
  several days or weeks is learnt when it helps, the base itself when it does not),
- each regressor (and its derived heating degree-hours) minus its value on the base day, and
  its square for plain regressors (wind power is not linear in wind speed): the weather of the
  target day against the weather of the day the base copies,
- the recent error of the base at the forecast origin, decaying with the lead (an anomaly that
  persists for a few hours) and as it is (a level shift since the copied day).

Every coefficient is shrunk toward zero, i.e. toward the base; the strength is chosen on the
most recent days of the history held out (with "no correction" among the choices), so the
model only departs from the naive as far as that helped out of sample. The loss is turned
toward absolute errors by a few reweighted solves (the MAE is what forecasts are judged on; an
outage or a curtailment weighs less). The residuals on the held-out tail give the quantiles.
Fit and predict are a few small least-squares solves.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Self

import numpy as np
import pandas as pd

from forecasting.base import ResidualQuantiles, with_quantiles
from forecasting.calendar import values_days_before
from forecasting.config import PipelineConfig, SeasonalRidgeConfig
from forecasting.exceptions import ForecastError, InsufficientHistoryError, NotFittedError
from forecasting.features import regressor_features
from forecasting.model import Future, History, RegressorRole
from forecasting.seasonal_profile import same_day_type_lags, values_at_lags

logger = logging.getLogger(__name__)

_DAY_S = 86_400
_MIN_ROWS = 96


@dataclass(frozen=True)
class _Design:
    """Features, target and base forecast on the history grid followed by the future grid."""

    x: np.ndarray  # (n, p) unscaled features
    base: np.ndarray  # (n,) the seasonal naive at the base lag
    y: np.ndarray  # (n,) the target (NaN in the future part)


def _lags(horizon_steps: int, steps_per_day: int, span_days: float) -> tuple[int, list[int]]:
    """(first whole day past the horizon, every lag in days the history supports)."""
    day = max(1, math.ceil(horizon_steps / steps_per_day))
    week = 7 * math.ceil(day / 7)
    candidates = sorted({day, day + 1, week, week + 7, week + 14})
    usable = [d for d in candidates if d <= span_days / 2] or [day]
    return day, usable


class SeasonalRidge:
    """Seasonal naive corrected by a shrunk linear model of its error.

    Example:
        >>> SeasonalRidge().name
        'seasonal_ridge'
    """

    name = "seasonal_ridge"

    def __init__(self, config: SeasonalRidgeConfig | None = None):
        self.config = config or SeasonalRidgeConfig()
        self._history: History | None = None
        self._horizon_steps = 0
        self._lags: list[int] = []
        self._base_lag = 0
        self._coef: np.ndarray | None = None
        self._mean = np.zeros(0)
        self._std = np.ones(0)
        self._spread: ResidualQuantiles | None = None
        self.alpha = math.inf

    @property
    def is_fitted(self) -> bool:
        return self._coef is not None

    # -- design -------------------------------------------------------------------------------

    def _design(self, history: History, index: pd.DatetimeIndex, regs: pd.DataFrame) -> _Design:
        """Features for the targets ``index`` (the history's grid, then maybe the future's)."""
        tz, n_hist = history.tz, len(history.y)
        y_all = pd.Series(
            np.concatenate([history.y.to_numpy(dtype=float), np.full(len(index) - n_hist, np.nan)]),
            index=index,
        )
        lagged = {d: values_days_before(y_all, index, d, tz) for d in self._lags}
        base_lags = same_day_type_lags(y_all, index, tz, history.country, self._base_lag, 1)[:, 0]
        base = values_at_lags(y_all, index, base_lags, tz)
        columns = [np.nan_to_num(lagged[d] - base) for d in self._lags]
        derived = regressor_features(
            regs, history.roles, history.step_s, self.config.heating_base_degc
        )
        for name in derived.columns:
            series = derived[name]
            powers = (
                (1, 2)
                if history.roles.get(name, RegressorRole.LINEAR) is (RegressorRole.LINEAR)
                and "__" not in name
                else (1,)
            )
            for power in powers:
                values = series**power
                before = values_at_lags(values, index, base_lags, tz)
                columns.append(np.nan_to_num(values.to_numpy(dtype=float) - before))
        columns.extend(self._origin_features(y_all.to_numpy(), base, n_hist, history.step_s))
        x = np.column_stack(columns) if columns else np.zeros((len(index), 0))
        return _Design(x=x, base=base, y=y_all.to_numpy())

    def _origin_features(
        self, y: np.ndarray, base: np.ndarray, n_hist: int, step_s: int
    ) -> list[np.ndarray]:
        """The base's recent error at each target's origin, decayed with the lead, and as is.

        Origins are a horizon apart and aligned with the end of the history, as in the
        backtest and the scheduled runs; each target's origin is the last one before it.
        """
        n = len(y)
        h = self._horizon_steps
        error = pd.Series(y - base)
        recent = error.rolling(max(1, 3 * 3600 // step_s), min_periods=1).mean().to_numpy()
        daily = error.rolling(max(1, _DAY_S // step_s), min_periods=1).mean().to_numpy()
        pos = np.arange(n)
        origin = (n_hist - 1) - h * np.ceil((n_hist - 1 - pos) / h).astype(int)
        origin = np.where(pos >= n_hist, n_hist - 1, origin)
        lead = (pos - origin).astype(float)
        ok = origin >= 0
        at = np.clip(origin, 0, None)
        anomaly = np.where(ok, np.nan_to_num(recent[at]), 0.0)
        level = np.where(ok, np.nan_to_num(daily[at]), 0.0)
        out = [
            anomaly * np.exp(-lead * step_s / (tau_h * 3600.0))
            for tau_h in self.config.anomaly_timescales_h
        ]
        out.append(level)
        return out

    # -- fit ----------------------------------------------------------------------------------

    def fit(self, history: History, horizon_steps: int) -> Self:
        c = self.config
        span_days = (history.end - history.y.index[0]).total_seconds() / _DAY_S
        day, lags = _lags(horizon_steps, history.steps_per_day, span_days)
        if span_days < 2 * day + c.holdout_days:
            needed = int((2 * day + c.holdout_days) * history.steps_per_day)
            raise InsufficientHistoryError(
                f"{self.name} needs {2 * day + c.holdout_days:g} days of history; "
                f"{history.name or 'the series'} spans {span_days:.1f}",
                field="history",
                needed_steps=needed,
                available_steps=len(history.y),
            )
        self._lags, self._horizon_steps = lags, horizon_steps
        self._base_lag = day
        design = self._design(history, pd.DatetimeIndex(history.y.index), history.regressors)
        target = design.y - design.base
        rows = np.isfinite(target) & np.isfinite(design.x).all(axis=1)
        if rows.sum() < _MIN_ROWS:
            raise InsufficientHistoryError(
                f"{self.name}: only {int(rows.sum())} usable rows (needs {_MIN_ROWS})",
                field="history",
                needed_steps=_MIN_ROWS,
                available_steps=int(rows.sum()),
            )
        holdout_steps = int(c.holdout_days * history.steps_per_day)
        is_holdout = np.arange(len(target)) >= len(target) - holdout_steps
        train, test = rows & ~is_holdout, rows & is_holdout
        best_alpha, best_mae, best_resid = math.inf, float(np.mean(np.abs(target[test]))), None
        best_resid = target[test]
        if train.sum() >= _MIN_ROWS:
            for alpha in c.alphas:
                coef, mean, std = _ridge(design.x[train], target[train], alpha, c.l1_iterations)
                resid = target[test] - ((design.x[test] - mean) / std) @ coef
                mae = float(np.mean(np.abs(resid)))
                if mae < best_mae:
                    best_alpha, best_mae, best_resid = alpha, mae, resid
        self.alpha = best_alpha
        if math.isinf(best_alpha):
            p = design.x.shape[1]
            self._coef, self._mean, self._std = np.zeros(p), np.zeros(p), np.ones(p)
        else:
            self._coef, self._mean, self._std = _ridge(
                design.x[rows], target[rows], best_alpha, c.l1_iterations
            )
        index = history.y.index[test]
        self._spread = ResidualQuantiles.from_series(pd.Series(best_resid, index=index), history.tz)
        self._history = history
        logger.debug("%s: base lag %d d, alpha %s", self.name, self._base_lag, best_alpha)
        return self

    # -- predict ------------------------------------------------------------------------------

    def predict(self, future: Future, quantiles: Sequence[float] = ()) -> pd.DataFrame:
        history = self._history
        if history is None or self._coef is None:
            raise NotFittedError(f"{self.name} is not fitted", model=self.name)
        if future.horizon_steps > self._horizon_steps:
            raise ForecastError(
                f"{self.name} was fitted for {self._horizon_steps} steps ahead; "
                f"{future.horizon_steps} asked",
                model=self.name,
            )
        index = pd.DatetimeIndex(history.y.index.append(future.index))
        regs = pd.concat([history.regressors, future.regressors[history.regressors.columns]])
        regs.index = index
        design = self._design(history, index, regs)
        n = len(history.y)
        x, base = design.x[n:], design.base[n:]
        if np.isnan(base).any():
            fallback = float(np.nanmean(history.y.to_numpy()[-7 * history.steps_per_day :]))
            base = np.where(np.isnan(base), fallback, base)
        yhat = base + ((x - self._mean) / self._std) @ self._coef
        return with_quantiles(yhat, future.index, quantiles, self._spread, history.tz)


def _ridge(
    x: np.ndarray, y: np.ndarray, alpha: float, l1_iterations: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ridge on columns scaled to unit root-mean-square: (coefficients, offsets, scales).

    Columns are not centred and there is no intercept: every feature is a difference that is
    zero when nothing changed, so a zero coefficient vector is the seasonal naive. The penalty
    is ``alpha`` times the number of rows, so its strength does not depend on the history's
    length. ``l1_iterations`` reweighted solves move the loss from squares toward absolute
    errors (the MAE is what the forecasts are judged on; one-off events weigh less).
    """
    scale = np.sqrt(np.mean(x**2, axis=0))
    scale = np.where(scale > 1e-12, scale, 1.0)
    z = x / scale
    penalty = alpha * len(y) * np.eye(z.shape[1])
    weights = np.ones(len(y))
    floor = 0.1 * float(np.mean(np.abs(y))) + 1e-12
    coef = np.zeros(z.shape[1])
    for _ in range(l1_iterations + 1):
        zw = z * weights[:, None]
        coef = np.linalg.solve(zw.T @ z + penalty * weights.mean(), zw.T @ y)
        weights = 1.0 / np.maximum(np.abs(y - z @ coef), floor)
        weights /= weights.mean()
    return coef, np.zeros(x.shape[1]), scale


def build(config: PipelineConfig) -> SeasonalRidge:
    """Registry factory."""
    return SeasonalRidge(config.seasonal_ridge)
