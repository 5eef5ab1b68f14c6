"""Consumption forecasting: a backtested model zoo, a combiner chosen to beat seasonal naive,
anomaly scores from residuals, and scheduled runs over the store fanned out on Dask.

Layers (see README.md in this folder):
- values and contracts: ``model`` (History, Future, vocabularies), ``base`` (Forecaster),
  ``config`` (pydantic, extra="forbid"), ``exceptions``;
- forecasters, chosen by name through ``registry``: ``baselines`` (seasonal naive daily and
  weekly, climatology), ``seasonal_profile`` (median or mean of recent days, weeks or days of
  the same type), ``seasonal_ridge`` (day-type seasonal naive plus a shrunk linear correction),
  ``gbm`` (LightGBM), ``prophet_adapter`` (Prophet, speed-tuned; its CmdStan I/O in
  ``prophet_stan``, its warm-start checks in ``prophet_warm_start``);
- evaluation and choice: ``metrics``, ``backtest``, ``combiner``, ``pipeline``, ``anomaly``;
- input: ``prepare`` (rows to a regular UTC grid), ``horizon`` (history and horizon), ``io``
  and ``files`` (CSV use cases); the store: ``catalogue``, ``store_io`` (reads),
  ``store_write`` (writes), ``models`` (tables), ``service`` (the scheduled run and the
  dashboards' reads), ``jobs`` (one series' job, pure, on a worker), ``distributed`` (Dask);
  ``cli`` (``kof forecast``).

Importing the package imports none of Prophet, LightGBM or Dask.
"""

from forecasting.base import Forecaster
from forecasting.config import PipelineConfig
from forecasting.exceptions import (
    DuplicateTimestampError,
    EmptySeriesError,
    ForecastError,
    ForecastInputError,
    ForecastWarning,
    InsufficientHistoryError,
    MissingRegressorError,
    NaiveTimestampError,
    UnknownForecasterError,
)
from forecasting.model import DEFAULT_QUANTILES, Future, History, quantile_column
from forecasting.registry import ForecasterRegistry, create_forecaster, default_registry

__all__ = [
    "DEFAULT_QUANTILES",
    "DuplicateTimestampError",
    "EmptySeriesError",
    "ForecastError",
    "ForecastInputError",
    "ForecastWarning",
    "Forecaster",
    "ForecasterRegistry",
    "Future",
    "History",
    "InsufficientHistoryError",
    "MissingRegressorError",
    "NaiveTimestampError",
    "PipelineConfig",
    "UnknownForecasterError",
    "create_forecaster",
    "default_registry",
    "quantile_column",
]
