"""Use cases on CSV files: ``predict`` (fit up to T, forecast H steps) and ``backtest``."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from forecasting.config import PipelineConfig
from forecasting.horizon import Split, parse_horizon, parse_instant, split_history
from forecasting.io import read_table, write_forecast
from forecasting.model import RegressorRole
from forecasting.pipeline import BacktestReport, ForecastOutcome, backtest_series, forecast_series
from forecasting.prepare import Aggregation, PreparedSeries, prepare_frame

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileSpec:
    """Which columns of a CSV to use and how to read its time.

    Attributes:
        path: the CSV file.
        time_col: the timestamp column.
        target: the column to forecast.
        regressors: known-in-advance drivers (their horizon values are read from the file).
        tz: zone of naive timestamps and of the calendar (default Europe/Warsaw for the calendar).
        freq: the grid step; inferred when None.
        country: public holidays of this country ("" for none).
        resample: aggregate rows finer than ``freq`` (None: such rows are an error).
        cumulative: the target is a register (meter index) to difference.
        roles: explicit regressor roles (otherwise inferred from the names).
    """

    path: Path
    time_col: str
    target: str
    regressors: tuple[str, ...] = ()
    tz: str | None = None
    freq: str | None = None
    country: str = "PL"
    resample: Aggregation | None = None
    cumulative: bool = False
    roles: dict[str, RegressorRole] = field(default_factory=dict)

    @property
    def calendar_tz(self) -> str:
        return self.tz or "Europe/Warsaw"


def load(spec: FileSpec) -> PreparedSeries:
    """Read and regularise the file."""
    return prepare_frame(
        read_table(spec.path),
        time_col=spec.time_col,
        target=spec.target,
        regressors=spec.regressors,
        tz=spec.tz,
        freq=spec.freq,
        resample=spec.resample,
        cumulative=spec.cumulative,
        source=spec.path.name,
    )


def _split(
    spec: FileSpec,
    prepared: PreparedSeries,
    until: pd.Timestamp,
    steps: int,
    config: PipelineConfig,
) -> Split:
    return split_history(
        prepared,
        train_until=until,
        horizon_steps=steps,
        calendar_tz=spec.calendar_tz,
        country=spec.country,
        roles=spec.roles,
        policy=config.missing_regressor,
        max_gap_steps=config.max_regressor_gap_steps,
    )


@dataclass
class PredictResult:
    """What ``predict_file`` wrote and how the forecast was made."""

    out: Path
    rows: int
    first: str
    outcome: ForecastOutcome
    notes: list[str]


def predict_file(
    spec: FileSpec,
    *,
    train_until: str,
    horizon: str | int,
    out: str | Path,
    config: PipelineConfig | None = None,
) -> PredictResult:
    """Fit on the rows up to ``train_until`` and write the next ``horizon`` steps to ``out``."""
    config = config or PipelineConfig()
    prepared = load(spec)
    steps = parse_horizon(horizon, prepared.step_s)
    until = parse_instant(train_until, prepared.display_tz, spec.tz is not None, "train_until")
    split = _split(spec, prepared, until, steps, config)
    outcome = forecast_series(split.history, split.future, config)
    lower, upper = config.quantiles[0], config.quantiles[-1]
    rows = write_forecast(out, outcome.forecast, lower, upper, prepared.display_tz)
    first = outcome.forecast.index[0].tz_convert(prepared.display_tz).isoformat()
    return PredictResult(Path(out), rows, first, outcome, [*split.notes, *outcome.notes])


def backtest_file(
    spec: FileSpec,
    *,
    horizon: str | int,
    folds: int | None = None,
    train_until: str | None = None,
    config: PipelineConfig | None = None,
) -> BacktestReport:
    """Rolling-origin backtest of the zoo and the combination on the file (up to ``train_until``)."""
    config = config or PipelineConfig()
    if folds is not None:
        config = config.model_copy(
            update={"backtest": config.backtest.model_copy(update={"folds": folds})}
        )
    prepared = load(spec)
    steps = parse_horizon(horizon, prepared.step_s)
    until = (
        parse_instant(train_until, prepared.display_tz, spec.tz is not None, "train_until")
        if train_until
        else prepared.y.index[-1]
    )
    split = _split(spec, prepared, until, 0, config)
    report = backtest_series(split.history, steps, config)
    report.notes[:0] = list(split.notes)
    return report
