"""Value objects of forecasting: a regular history, a forecast horizon, vocabularies.

A ``History`` is a target series on a regular UTC grid (gaps are NaN, never dropped rows) with
the regressors on the same grid; a ``Future`` is the grid of the steps to forecast with the
regressor values for them. Forecasts are DataFrames indexed by the target time (UTC) with a
``yhat`` column and one column per quantile (``quantile_column``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import pandas as pd

from core.timeutil import LOCAL_TZ_NAME
from forecasting.exceptions import ForecastInputError

DEFAULT_QUANTILES: tuple[float, ...] = (0.1, 0.5, 0.9)
SECONDS_PER_DAY = 86_400


class SeriesLevel(StrEnum):
    """Where a series of the catalogue sits in the region."""

    METER = "meter"
    BUILDING = "building"
    DISTRICT = "district"
    CLUSTER = "cluster"


class SeriesQuantity(StrEnum):
    """What a catalogued series measures (sets the regressors it gets)."""

    ELECTRIC_DEMAND = "electric_demand"
    HEAT_DEMAND = "heat_demand"
    WATER_DEMAND = "water_demand"
    GAS_DEMAND = "gas_demand"
    PV_OUTPUT = "pv_output"


class SeriesRunStatus(StrEnum):
    """Outcome of one series in a scheduled run."""

    OK = "ok"  # the combination beat seasonal naive in the backtest
    FALLBACK = "fallback"  # a documented fallback was used (see the message)
    FAILED = "failed"  # no forecast (see the message)


class RegressorRole(StrEnum):
    """How a regressor acts on the target; sets the derived features models build from it.

    TEMPERATURE: outdoor air temperature in °C; heating degree-hours are derived from it.
    IRRADIANCE: global irradiance (any unit); used as is.
    LINEAR: any other known-in-advance driver; used as is.
    """

    TEMPERATURE = "temperature"
    IRRADIANCE = "irradiance"
    LINEAR = "linear"


class MissingRegressorPolicy(StrEnum):
    """What to do when a regressor lacks values in the forecast horizon.

    DROP: forecast without that regressor (every model refitted without it), with a
        ``ForecastWarning``. ERROR: raise ``MissingRegressorError``.
    Short interior gaps (up to ``max_regressor_gap_steps``) are interpolated in both cases.
    """

    DROP = "drop"
    ERROR = "error"


def quantile_column(level: float) -> str:
    """Column name of a quantile in a forecast frame.

    Example:
        >>> quantile_column(0.1)
        'q0.1'
    """
    return f"q{level:g}"


def check_quantiles(quantiles: Sequence[float]) -> tuple[float, ...]:
    """Sorted, unique quantile levels, each strictly between 0 and 1."""
    levels = tuple(sorted({float(q) for q in quantiles}))
    bad = [q for q in levels if not 0.0 < q < 1.0]
    if bad:
        raise ForecastInputError(
            f"quantiles: {bad[0]} is not strictly between 0 and 1", field="quantiles", value=bad[0]
        )
    return levels


@dataclass(frozen=True)
class History:
    """The training data of one series.

    Attributes:
        y: target on a regular UTC grid (``DatetimeIndex`` with tz UTC), NaN where missing.
        regressors: known drivers on the same index, no NaN (see ``forecasting.prepare``).
        step_s: the grid step in seconds.
        tz: the zone whose calendar drives the load (local hour, day type, holidays).
        country: ISO country code for public holidays ("" for none).
        roles: the role of each regressor column.
        name: the series key or file name, for messages.
    """

    y: pd.Series
    regressors: pd.DataFrame
    step_s: int
    tz: str = LOCAL_TZ_NAME
    country: str = "PL"
    roles: dict[str, RegressorRole] = field(default_factory=dict)
    name: str = ""

    @property
    def steps_per_day(self) -> int:
        return max(1, SECONDS_PER_DAY // self.step_s)

    @property
    def n_observed(self) -> int:
        return int(self.y.notna().sum())

    @property
    def end(self) -> pd.Timestamp:
        return self.y.index[-1]

    def head_until(self, end: pd.Timestamp) -> History:
        """The history up to and including ``end``."""
        keep = self.y.index <= end
        return History(
            y=self.y[keep],
            regressors=self.regressors.loc[keep],
            step_s=self.step_s,
            tz=self.tz,
            country=self.country,
            roles=self.roles,
            name=self.name,
        )

    def tail_days(self, days: float) -> History:
        """The last ``days`` days of the history."""
        keep = self.y.index > self.end - pd.Timedelta(days=days)
        return History(
            y=self.y[keep],
            regressors=self.regressors.loc[keep],
            step_s=self.step_s,
            tz=self.tz,
            country=self.country,
            roles=self.roles,
            name=self.name,
        )

    def without_regressors(self, names: Sequence[str]) -> History:
        """The same history with some regressors removed."""
        return History(
            y=self.y,
            regressors=self.regressors.drop(columns=list(names)),
            step_s=self.step_s,
            tz=self.tz,
            country=self.country,
            roles={k: v for k, v in self.roles.items() if k not in names},
            name=self.name,
        )


@dataclass(frozen=True)
class Future:
    """The steps to forecast and the regressor values for them.

    Attributes:
        index: target times (UTC), the continuation of the history's grid.
        regressors: the history's regressor columns on ``index``, no NaN.
    """

    index: pd.DatetimeIndex
    regressors: pd.DataFrame

    @property
    def horizon_steps(self) -> int:
        return len(self.index)


def future_index(history_end: pd.Timestamp, step_s: int, horizon_steps: int) -> pd.DatetimeIndex:
    """The ``horizon_steps`` grid points after ``history_end``."""
    step = pd.Timedelta(seconds=step_s)
    return pd.date_range(history_end + step, periods=horizon_steps, freq=step, name="timestamp")


def empty_forecast(index: pd.DatetimeIndex, quantiles: Sequence[float]) -> pd.DataFrame:
    """A forecast frame full of NaN with the expected columns."""
    cols = ["yhat", *[quantile_column(q) for q in quantiles]]
    return pd.DataFrame(np.nan, index=index.rename("timestamp"), columns=cols)


def sort_quantiles(frame: pd.DataFrame, quantiles: Sequence[float]) -> pd.DataFrame:
    """Make quantile columns non-crossing (sorted along each row)."""
    cols = [quantile_column(q) for q in sorted(quantiles)]
    if len(cols) > 1:
        frame[cols] = np.sort(frame[cols].to_numpy(), axis=1)
    return frame
