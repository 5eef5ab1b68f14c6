"""The forecaster contract and the empirical intervals shared by point forecasters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, Self, runtime_checkable

import numpy as np
import pandas as pd

from forecasting.calendar import hour_of_day
from forecasting.model import Future, History, quantile_column, sort_quantiles


@runtime_checkable
class Forecaster(Protocol):
    """What every model of the zoo does.

    ``fit`` learns from a ``History`` for forecasts up to ``horizon_steps`` ahead; ``predict``
    returns a frame indexed by the target times with ``yhat`` and one column per quantile
    (``forecasting.model.quantile_column``). A forecaster may be refitted (rolling backtests,
    scheduled runs); it may reuse what it learnt before (warm start).
    """

    name: str

    def fit(self, history: History, horizon_steps: int) -> Self:
        """Learn from ``history`` for forecasts up to ``horizon_steps`` ahead."""
        ...

    def predict(self, future: Future, quantiles: Sequence[float] = ()) -> pd.DataFrame:
        """Forecast the steps of ``future`` (right after the fitted history)."""
        ...

    @property
    def is_fitted(self) -> bool:
        """True once ``fit`` has succeeded."""
        ...


_MIN_PER_HOUR = 20


@dataclass(frozen=True)
class ResidualQuantiles:
    """Quantiles of out-of-sample (or honest in-sample) residuals ``y - yhat``, by local hour.

    Load and PV spread differ by time of day (a PV forecast at night is exact), so the
    residuals are grouped by the local hour of the target time when each hour has enough of
    them, and pooled otherwise. Offsets are taken about the residuals' median, so the median
    forecast is ``yhat``: a bias of the recent past (a windy week) widens the interval on its
    side instead of moving the whole forecast.
    """

    residuals: np.ndarray
    hours: np.ndarray

    @classmethod
    def from_series(cls, residuals: pd.Series, tz: str) -> ResidualQuantiles:
        """Keep the finite residuals of a UTC-indexed series with their local hours."""
        clean = residuals[np.isfinite(residuals.to_numpy(dtype=float))]
        hours = np.floor(hour_of_day(pd.DatetimeIndex(clean.index), tz)).astype(int)
        return cls(residuals=clean.to_numpy(dtype=float), hours=hours)

    def offsets(self, index: pd.DatetimeIndex, tz: str, levels: Sequence[float]) -> np.ndarray:
        """Residual quantile per target time and level, shape (len(index), len(levels))."""
        levels = list(levels)
        out = np.zeros((len(index), len(levels)))
        if len(self.residuals) == 0 or not levels:
            return out
        pooled = np.quantile(self.residuals, levels) - np.median(self.residuals)
        target_hours = np.floor(hour_of_day(index, tz)).astype(int)
        for hour in np.unique(target_hours):
            sample = self.residuals[self.hours == hour]
            row = (
                np.quantile(sample, levels) - np.median(sample)
                if len(sample) >= _MIN_PER_HOUR
                else pooled
            )
            out[target_hours == hour] = row
        return out


def with_quantiles(
    yhat: np.ndarray,
    index: pd.DatetimeIndex,
    quantiles: Sequence[float],
    spread: ResidualQuantiles | None,
    tz: str,
) -> pd.DataFrame:
    """A forecast frame: ``yhat`` plus ``yhat + residual quantile`` for each level."""
    frame = pd.DataFrame({"yhat": np.asarray(yhat, dtype=float)}, index=index.rename("timestamp"))
    if quantiles:
        offsets = (
            spread.offsets(index, tz, quantiles)
            if spread is not None
            else np.zeros((len(index), len(quantiles)))
        )
        for j, level in enumerate(quantiles):
            frame[quantile_column(level)] = frame["yhat"].to_numpy() + offsets[:, j]
        sort_quantiles(frame, quantiles)
    return frame
