"""Seasonal profile: the median (or mean) of the same local clock time over recent days.

The seasonal naive copies one day (or one week); averaging the same clock time over several
days cancels one-off events (an outage, a curtailment, a cloudy hour) and the median ignores
them altogether, which is what the MAE rewards. The days are the last days, the same weekday
of the last weeks, or the last days of the target's type (workday, Saturday, Sunday or public
holiday: a Monday looks back to Friday). Which kind, how many days and which average are
chosen per series on the most recent days of the history: each candidate forecasts every
held-out target from the days it would have had at a forecast origin (at least the horizon
back), and the lowest MAE wins. One day with either average is a seasonal naive, so the choice
only moves away from it where that did better in the recent past. The residuals of the chosen
candidate on those days give the quantiles.
"""

from __future__ import annotations

import logging
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Self

import numpy as np
import pandas as pd

from forecasting.base import ResidualQuantiles, with_quantiles
from forecasting.calendar import (
    SATURDAY,
    SUNDAY_OR_HOLIDAY,
    WORKDAY,
    _holiday_dates,
    day_type,
    local_wall_time,
    values_days_before,
)
from forecasting.config import PipelineConfig, SeasonalProfileConfig
from forecasting.exceptions import ForecastError, InsufficientHistoryError, NotFittedError
from forecasting.model import Future, History

logger = logging.getLogger(__name__)

_DAY_S = 86_400
_AVERAGES = {"median": np.nanmedian, "mean": np.nanmean}


class ProfileKind(StrEnum):
    """Which past days make the profile of a target day."""

    DAY = "day"  # the last days
    WEEK = "week"  # the same weekday of the last weeks
    DAY_TYPE = "day_type"  # the last days of the same type (workday, Saturday, Sunday/holiday)


@dataclass(frozen=True)
class ProfileChoice:
    """A candidate profile: ``n_periods`` past days of ``kind``, averaged by ``how``.

    ``first_lag_days`` is the most recent lag a forecast origin allows (whole days at least the
    horizon back; whole weeks for WEEK).
    """

    kind: ProfileKind
    n_periods: int
    how: str
    first_lag_days: int

    @property
    def label(self) -> str:
        return f"{self.how} of the last {self.n_periods} {self.kind.value}(s)"

    @property
    def span_days(self) -> int:
        """How far back the profile may reach."""
        step = {ProfileKind.DAY: 1, ProfileKind.WEEK: 7, ProfileKind.DAY_TYPE: 7}[self.kind]
        return self.first_lag_days + step * self.n_periods

    def lag_values(
        self, y: pd.Series, index: pd.DatetimeIndex, tz: str, country: str
    ) -> np.ndarray:
        """The values the profile averages, shape (len(index), n_periods), NaN where missing."""
        if self.kind is ProfileKind.DAY_TYPE:
            return same_day_type_values(y, index, tz, country, self.first_lag_days, self.n_periods)
        step = 7 if self.kind is ProfileKind.WEEK else 1
        lags = [self.first_lag_days + i * step for i in range(self.n_periods)]
        return np.column_stack([values_days_before(y, index, d, tz) for d in lags])


def _day_types_before(
    index: pd.DatetimeIndex, tz: str, country: str, lags: Sequence[int]
) -> np.ndarray:
    """Day type of the local date ``lag`` days before each instant, shape (len(index), len(lags)).

    Computed from the local date's weekday and the holiday set directly (one holiday lookup for
    the whole range, not one per lag).
    """
    dates = local_wall_time(index, tz).normalize()
    day_number = np.asarray((dates - pd.Timestamp("1970-01-01")).days, dtype=np.int64)
    back = day_number[:, None] - np.asarray(lags, dtype=np.int64)[None, :]
    weekday = (back + 3) % 7  # 1970-01-01 was a Thursday (weekday 3)
    out = np.where(weekday == 6, SUNDAY_OR_HOLIDAY, np.where(weekday == 5, SATURDAY, WORKDAY))
    if country and len(index):
        first = pd.Timestamp(int(back.min()), unit="D")
        last = pd.Timestamp(int(back.max()), unit="D")
        holidays = _holiday_dates(country, first.year, last.year)
        if holidays:
            numbers = np.array(
                [(pd.Timestamp(d) - pd.Timestamp("1970-01-01")).days for d in holidays],
                dtype=np.int64,
            )
            out[np.isin(back, numbers)] = SUNDAY_OR_HOLIDAY
    return out


def same_day_type_lags(
    y: pd.Series,
    index: pd.DatetimeIndex,
    tz: str,
    country: str,
    first_lag_days: int,
    n_days: int,
) -> np.ndarray:
    """Per instant, how many days back the last ``n_days`` observed days of its type are.

    Day types are workday, Saturday and Sunday or public holiday: a Tuesday looks back to
    Monday, a Monday to Friday, a Saturday to the Saturday before. Only days at least
    ``first_lag_days`` back are used; days without a value of ``y`` at that time are skipped.
    Shape (len(index), n_days); 0 where fewer such days were found in ``n_days`` weeks and a half.
    """
    lags = list(range(first_lag_days, first_lag_days + 7 * n_days + 4))
    target_type = day_type(index, tz, country)
    types = _day_types_before(index, tz, country, lags)
    out = np.zeros((len(index), n_days), dtype=int)
    found = np.zeros(len(index), dtype=int)
    for j, lag in enumerate(lags):
        candidates = np.flatnonzero((types[:, j] == target_type) & (found < n_days))
        if len(candidates) == 0:
            if (found >= n_days).all():
                break
            continue
        ok = np.isfinite(values_days_before(y, index[candidates], lag, tz))
        rows = candidates[ok]
        out[rows, found[rows]] = lag
        found[rows] += 1
    return out


def values_at_lags(
    values: pd.Series, index: pd.DatetimeIndex, lags: np.ndarray, tz: str
) -> np.ndarray:
    """``values`` at the same clock time ``lags[i]`` days before ``index[i]`` (NaN for lag 0)."""
    out = np.full(len(index), np.nan)
    for lag in np.unique(lags[lags > 0]):
        rows = np.flatnonzero(lags == lag)
        out[rows] = values_days_before(values, index[rows], int(lag), tz)
    return out


def same_day_type_values(
    y: pd.Series,
    index: pd.DatetimeIndex,
    tz: str,
    country: str,
    first_lag_days: int,
    n_days: int,
) -> np.ndarray:
    """Per instant, ``y`` on the days of ``same_day_type_lags``, shape (len(index), n_days)."""
    lags = same_day_type_lags(y, index, tz, country, first_lag_days, n_days)
    return np.column_stack([values_at_lags(y, index, lags[:, k], tz) for k in range(n_days)])


def _candidates(
    horizon_steps: int, steps_per_day: int, span_days: float, config: SeasonalProfileConfig
) -> list[ProfileChoice]:
    day = max(1, math.ceil(horizon_steps / steps_per_day))
    week = 7 * math.ceil(day / 7)
    kinds = (
        (ProfileKind.DAY, day, config.daily_periods),
        (ProfileKind.WEEK, week, config.weekly_periods),
        (ProfileKind.DAY_TYPE, day, config.day_type_periods),
    )
    out = []
    for kind, first, counts in kinds:
        for k in counts:
            for how in _AVERAGES if k > 1 else ("mean",):
                choice = ProfileChoice(kind, k, how, first)
                if choice.span_days + config.holdout_days <= span_days:
                    out.append(choice)
    return out


def profile_values(
    y: pd.Series,
    index: pd.DatetimeIndex,
    choice: ProfileChoice,
    tz: str,
    country: str,
    stack: np.ndarray | None = None,
) -> np.ndarray:
    """The profile of ``choice`` at each instant of ``index`` from the values of ``y``.

    ``stack``: the lag values of the same kind for at least ``choice.n_periods`` periods, if
    already looked up (the first ``n_periods`` columns are used).
    """
    if stack is None:
        stack = choice.lag_values(y, index, tz, country)
    stack = stack[:, : choice.n_periods]
    with warnings.catch_warnings():  # an instant with every lag missing stays NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        return _AVERAGES[choice.how](stack, axis=1)


class SeasonalProfile:
    """The same clock time averaged over recent days or weeks, the average chosen per series.

    Example:
        >>> SeasonalProfile().name
        'seasonal_profile'
    """

    name = "seasonal_profile"

    def __init__(self, config: SeasonalProfileConfig | None = None):
        self.config = config or SeasonalProfileConfig()
        self.choice: ProfileChoice | None = None
        self._history: History | None = None
        self._horizon_steps = 0
        self._spread: ResidualQuantiles | None = None

    @property
    def is_fitted(self) -> bool:
        return self.choice is not None

    def fit(self, history: History, horizon_steps: int) -> Self:
        c = self.config
        span_days = (history.end - history.y.index[0]).total_seconds() / _DAY_S
        candidates = _candidates(horizon_steps, history.steps_per_day, span_days, c)
        if not candidates:
            needed_days = math.ceil(horizon_steps / history.steps_per_day) + c.holdout_days
            raise InsufficientHistoryError(
                f"{self.name} needs {needed_days:g} days of history; "
                f"{history.name or 'the series'} spans {span_days:.1f}",
                field="history",
                needed_steps=int(needed_days * history.steps_per_day),
                available_steps=len(history.y),
            )
        y = history.y
        held = pd.DatetimeIndex(y.index[y.index > history.end - pd.Timedelta(days=c.holdout_days)])
        actual = y.reindex(held).to_numpy(dtype=float)
        best: tuple[float, ProfileChoice, np.ndarray] | None = None
        widest: dict[tuple[ProfileKind, int], ProfileChoice] = {}
        for choice in candidates:  # each kind's lags are looked up once, for its longest count
            key = (choice.kind, choice.first_lag_days)
            if key not in widest or choice.n_periods > widest[key].n_periods:
                widest[key] = choice
        stacks = {
            key: choice.lag_values(y, held, history.tz, history.country)
            for key, choice in widest.items()
        }
        for choice in candidates:
            stack = stacks[(choice.kind, choice.first_lag_days)]
            resid = actual - profile_values(y, held, choice, history.tz, history.country, stack)
            ok = np.isfinite(resid)
            if ok.sum() < 0.5 * len(held):
                continue
            mae = float(np.mean(np.abs(resid[ok])))
            if best is None or mae < best[0]:
                best = (mae, choice, resid)
        if best is None:
            raise InsufficientHistoryError(
                f"{self.name}: too few observed values in the last {c.holdout_days:g} days",
                field="history",
                needed_steps=len(held) // 2,
                available_steps=int(np.isfinite(actual).sum()),
            )
        _, self.choice, resid = best
        self._spread = ResidualQuantiles.from_series(pd.Series(resid, index=held), history.tz)
        self._history = history
        self._horizon_steps = horizon_steps
        logger.debug("%s: %s", self.name, self.choice.label)
        return self

    def predict(self, future: Future, quantiles: Sequence[float] = ()) -> pd.DataFrame:
        history, choice = self._history, self.choice
        if history is None or choice is None:
            raise NotFittedError(f"{self.name} is not fitted", model=self.name)
        if future.horizon_steps > self._horizon_steps:
            raise ForecastError(
                f"{self.name} was fitted for {self._horizon_steps} steps ahead; "
                f"{future.horizon_steps} asked",
                model=self.name,
            )
        yhat = profile_values(history.y, future.index, choice, history.tz, history.country)
        if np.isnan(yhat).any():  # every lag missing: the recent mean
            recent = history.y.iloc[-7 * history.steps_per_day :]
            yhat = np.where(np.isnan(yhat), float(recent.mean()), yhat)
        return with_quantiles(yhat, future.index, quantiles, self._spread, history.tz)


def build(config: PipelineConfig) -> SeasonalProfile:
    """Registry factory."""
    return SeasonalProfile(config.seasonal_profile)
