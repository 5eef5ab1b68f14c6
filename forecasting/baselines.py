"""Baselines: seasonal naive (same local time yesterday / last week) and a climatology profile.

Both are exact about the local calendar (DST days of 23 and 25 hours) and take their intervals
from honest residuals: the seasonal naive's own errors at the lag it uses, the profile's
deviations over the weeks it averages.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Self

import numpy as np
import pandas as pd

from forecasting.base import ResidualQuantiles, with_quantiles
from forecasting.calendar import (
    day_type,
    holiday_mask,
    local_wall_time,
    same_time_days_before,
    slot_of_day,
    values_days_before,
)
from forecasting.config import ClimatologyConfig, PipelineConfig
from forecasting.exceptions import InsufficientHistoryError, NotFittedError
from forecasting.model import Future, History

logger = logging.getLogger(__name__)

_RESIDUAL_WEEKS = 8
_MAX_PERIODS_BACK = 8


def _require_days(history: History, days: float, model: str) -> None:
    span_steps = len(history.y.dropna().index)
    needed = int(days * history.steps_per_day)
    if span_steps < needed:
        raise InsufficientHistoryError(
            f"{model} needs at least {days:g} day(s) of observations "
            f"({needed} steps); {history.name or 'the series'} has {span_steps}",
            field="history",
            needed_steps=needed,
            available_steps=span_steps,
        )


class SeasonalNaive:
    """The value at the same local clock time ``period_days`` days before.

    For a target more than one period ahead, the most recent observed period is repeated; a
    missing lag value falls back to the period before it.

    Example:
        >>> SeasonalNaive(period_days=7).name
        'seasonal_naive_weekly'
    """

    def __init__(self, period_days: int = 1):
        self.period_days = period_days
        names = {1: "seasonal_naive_daily", 7: "seasonal_naive_weekly"}
        self.name = names.get(period_days, f"seasonal_naive_{period_days}d")
        self._history: History | None = None
        self._residuals: dict[int, ResidualQuantiles] = {}

    @property
    def is_fitted(self) -> bool:
        return self._history is not None

    def fit(self, history: History, horizon_steps: int) -> Self:
        _require_days(history, self.period_days, self.name)
        self._history = history
        self._residuals = {}
        return self

    def _spread(self, periods: int) -> ResidualQuantiles:
        assert self._history is not None
        if periods not in self._residuals:
            y = self._history.y
            recent = y.index[y.index > y.index[-1] - pd.Timedelta(weeks=_RESIDUAL_WEEKS)]
            lagged = values_days_before(y, recent, periods * self.period_days, self._history.tz)
            resid = pd.Series(y.reindex(recent).to_numpy() - lagged, index=recent)
            self._residuals[periods] = ResidualQuantiles.from_series(resid, self._history.tz)
        return self._residuals[periods]

    def point_and_periods(self, index: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
        """The naive value per target and the number of periods looked back for it."""
        if self._history is None:
            raise NotFittedError(f"{self.name} is not fitted", model=self.name)
        y, tz, end = self._history.y, self._history.tz, self._history.end
        yhat = np.full(len(index), np.nan)
        periods = np.zeros(len(index), dtype=int)
        for k in range(1, _MAX_PERIODS_BACK + 1):
            todo = np.isnan(yhat)
            if not todo.any():
                break
            when = same_time_days_before(index[todo], k * self.period_days, tz)
            values = y.reindex(when).to_numpy(dtype=float)
            ok = np.asarray(when <= end) & np.isfinite(values)
            pos = np.flatnonzero(todo)[ok]
            yhat[pos] = values[ok]
            periods[pos] = k
        if np.isnan(yhat).any():
            fallback = float(y.iloc[-7 * self._history.steps_per_day :].mean())
            logger.info(
                "%s: %d target(s) without an observed lag; using the recent mean",
                self.name,
                int(np.isnan(yhat).sum()),
            )
            periods[np.isnan(yhat)] = 1
            yhat[np.isnan(yhat)] = fallback
        return yhat, periods

    def predict(self, future: Future, quantiles: Sequence[float] = ()) -> pd.DataFrame:
        yhat, periods = self.point_and_periods(future.index)
        assert self._history is not None
        tz = self._history.tz
        frame = with_quantiles(yhat, future.index, quantiles, None, tz)
        if quantiles:
            cols = [c for c in frame.columns if c != "yhat"]
            for k in np.unique(periods):
                rows = periods == k
                sub = future.index[rows]
                offsets = self._spread(int(k)).offsets(sub, tz, quantiles)
                frame.loc[rows, cols] = np.sort(yhat[rows, None] + offsets, axis=1)
        return frame


class Climatology:
    """The recency-weighted mean per (day type, local clock slot) over the last weeks.

    Day types are workday, Saturday, and Sunday or public holiday (or, with ``by_weekday``,
    the seven weekdays with holidays as Sundays). A slot without data for a day type falls
    back to the slot over all days, then to the overall mean.
    """

    def __init__(self, config: ClimatologyConfig | None = None, name: str = "climatology"):
        self.config = config or ClimatologyConfig()
        self.name = name
        self._history: History | None = None
        self._profile: dict[tuple[int, int], float] = {}
        self._by_slot: dict[int, float] = {}
        self._mean = float("nan")
        self._spread: ResidualQuantiles | None = None

    @property
    def is_fitted(self) -> bool:
        return self._history is not None

    def fit(self, history: History, horizon_steps: int) -> Self:
        _require_days(history, 1, self.name)
        window = pd.Timedelta(weeks=self.config.n_weeks)
        y = history.y[history.y.index > history.end - window].dropna()
        types = self._day_kind(pd.DatetimeIndex(y.index), history)
        slots = slot_of_day(pd.DatetimeIndex(y.index), history.tz, history.step_s)
        age_weeks = (history.end - y.index).total_seconds().to_numpy() / (7 * 86_400)
        weights = 0.5 ** (age_weeks / self.config.recency_halflife_weeks)
        frame = pd.DataFrame({"t": types, "s": slots, "wy": weights * y.to_numpy(), "w": weights})
        by_type = frame.groupby(["t", "s"])[["wy", "w"]].sum()
        self._profile = (by_type["wy"] / by_type["w"]).to_dict()
        by_slot = frame.groupby("s")[["wy", "w"]].sum()
        self._by_slot = (by_slot["wy"] / by_slot["w"]).to_dict()
        self._mean = float(frame["wy"].sum() / frame["w"].sum())
        self._history = history
        fitted = self._lookup(pd.DatetimeIndex(y.index))
        self._spread = ResidualQuantiles.from_series(
            pd.Series(y.to_numpy() - fitted, index=y.index), history.tz
        )
        return self

    def _day_kind(self, index: pd.DatetimeIndex, history: History) -> np.ndarray:
        if not self.config.by_weekday:
            return day_type(index, history.tz, history.country)
        weekday = np.asarray(local_wall_time(index, history.tz).weekday)
        return np.where(holiday_mask(index, history.tz, history.country), 6, weekday)

    def _lookup(self, index: pd.DatetimeIndex) -> np.ndarray:
        assert self._history is not None
        h = self._history
        types = self._day_kind(index, h)
        slots = slot_of_day(index, h.tz, h.step_s)
        return np.array(
            [
                self._profile.get((t, s), self._by_slot.get(s, self._mean))
                for t, s in zip(types.tolist(), slots.tolist(), strict=True)
            ],
            dtype=float,
        )

    def predict(self, future: Future, quantiles: Sequence[float] = ()) -> pd.DataFrame:
        if self._history is None:
            raise NotFittedError(f"{self.name} is not fitted", model=self.name)
        yhat = self._lookup(future.index)
        return with_quantiles(yhat, future.index, quantiles, self._spread, self._history.tz)


def seasonal_naive_daily(config: PipelineConfig) -> SeasonalNaive:
    """Registry factory: same local time yesterday."""
    return SeasonalNaive(period_days=1)


def seasonal_naive_weekly(config: PipelineConfig) -> SeasonalNaive:
    """Registry factory: same local time a week ago."""
    return SeasonalNaive(period_days=7)


def climatology(config: PipelineConfig) -> Climatology:
    """Registry factory: the recent profile per day type and clock slot."""
    return Climatology(config.climatology)


def climatology_weekday(config: PipelineConfig) -> Climatology:
    """Registry factory: the recent profile per weekday (holidays as Sundays) and clock slot."""
    return Climatology(config.climatology_weekday, name="climatology_weekday")
