"""One series' job of the scheduled run: its settings, its inputs and what a worker returns.

``run_job`` scores a series' past forecasts and forecasts it; it is pure (no database, no
network) and runs on a Dask worker. ``forecasting.service`` plans the jobs from the store and
stores the outcomes.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from core.exceptions import PlatformError
from core.timeutil import LOCAL_TZ_NAME
from forecasting.anomaly import anomaly_scores, summarise
from forecasting.catalogue import SeriesSpec
from forecasting.config import BacktestConfig, PipelineConfig
from forecasting.exceptions import ForecastWarning
from forecasting.horizon import split_history
from forecasting.metrics import score, seasonal_naive_scale
from forecasting.model import SeriesLevel, SeriesRunStatus, quantile_column
from forecasting.pipeline import forecast_series
from forecasting.prepare import PreparedSeries
from forecasting.store_io import PastForecast
from forecasting.warm_start import FitInfo, ModelState, WarmSource


class RunConfig(BaseModel):
    """Settings of a scheduled run.

    Attributes:
        horizon_h: hours ahead to forecast.
        lookback_days: history read per series.
        levels: catalogue levels to forecast.
        step_s: one step for all series (default per quantity: 15 min electricity, 1 h others).
        country: public holidays.
        limit: forecast only the first N series (by key), for trials.
        pipeline: the model zoo and combiner (two backtest folds by default, to keep runs short).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    horizon_h: float = Field(default=24.0, gt=0, le=24 * 14)
    lookback_days: int = Field(default=56, ge=2, le=3 * 365)
    levels: tuple[SeriesLevel, ...] = tuple(SeriesLevel)
    step_s: int | None = Field(default=None)
    country: str = "PL"
    limit: int | None = Field(default=None, ge=1)
    pipeline: PipelineConfig = PipelineConfig(backtest=BacktestConfig(folds=2))


@dataclass(frozen=True)
class SeriesJob:
    """Everything one series needs, shipped to a worker (``warm_states``: previous runs' fits)."""

    key: str
    prepared: PreparedSeries
    issued_at: pd.Timestamp
    horizon_steps: int
    spec: SeriesSpec
    config: RunConfig
    past: tuple[PastForecast, ...] = ()
    warm_states: tuple[ModelState, ...] = ()


@dataclass
class SeriesOutcome:
    """What a worker returns for one series."""

    key: str
    status: SeriesRunStatus
    model: str | None = None
    forecast: pd.DataFrame | None = None
    backtest_mase: float | None = None
    reference_mase: float | None = None
    message: str = ""
    accuracy: list[dict[str, object]] = field(default_factory=list)
    states: tuple[ModelState, ...] = ()
    fits: tuple[FitInfo, ...] = ()

    def stored_start(self) -> FitInfo | None:
        """The fit that was offered a stored state (None when none was)."""
        return next((f for f in self.fits if f.source is WarmSource.STORED), None)

    def status_row(self) -> dict[str, object]:
        def clean(v: float | None) -> float | None:
            return None if v is None or not np.isfinite(v) else float(v)

        return {
            "status": self.status,
            "model": self.model,
            "backtest_mase": clean(self.backtest_mase),
            "seasonal_naive_mase": clean(self.reference_mase),
            "message": self.message or None,
        }


def _evaluate(job: SeriesJob) -> list[dict[str, object]]:
    rows = []
    y = job.prepared.y
    quantiles = job.config.pipeline.quantiles
    for past in job.past:
        train = y[y.index <= past.issued_at].dropna()
        scale = seasonal_naive_scale(train, LOCAL_TZ_NAME) if len(train) else float("nan")
        m = score(y, past.frame, scale, quantiles)
        levels = [q for q in quantiles if quantile_column(q) in past.frame.columns]
        summary = (
            summarise(anomaly_scores(y, past.frame, levels), levels) if len(levels) >= 2 else None
        )

        def clean(v: float) -> float | None:
            return float(v) if np.isfinite(v) else None

        rows.append(
            {
                "issued_at": past.issued_at.to_pydatetime(),
                "model": past.model,
                "n_points": m.n,
                "mae": clean(m.mae),
                "rmse": clean(m.rmse),
                "mase": clean(m.mase),
                "smape_percent": clean(m.smape_percent),
                "pinball": clean(m.pinball),
                "coverage": clean(m.coverage),
                "anomaly_score": clean(summary.score) if summary else None,
                "max_abs_z": clean(summary.max_abs_z) if summary else None,
            }
        )
    return rows


def run_job(job: SeriesJob) -> SeriesOutcome:
    """Score the series' past forecasts and forecast it (pure; safe on a Dask worker)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ForecastWarning)
        try:
            accuracy = _evaluate(job)
            split = split_history(
                job.prepared,
                # an interval is labelled by its start: the one starting at the issue time is
                # not measured yet, so the history ends one step before and the first target
                # is the issue time itself
                train_until=job.issued_at - pd.Timedelta(seconds=job.prepared.step_s),
                horizon_steps=job.horizon_steps,
                calendar_tz=LOCAL_TZ_NAME,
                country=job.config.country,
                roles=job.spec.regressors,
                policy=job.config.pipeline.missing_regressor,
                max_gap_steps=job.config.pipeline.max_regressor_gap_steps,
            )
            outcome = forecast_series(
                split.history,
                split.future,
                job.config.pipeline,
                warm_states={s.model: s for s in job.warm_states},
            )
        except PlatformError as err:
            return SeriesOutcome(job.key, SeriesRunStatus.FAILED, message=str(err)[:2000])
    notes = [str(w.message) for w in caught if issubclass(w.category, ForecastWarning)]
    c = outcome.combination
    return SeriesOutcome(
        key=job.key,
        status=SeriesRunStatus.FALLBACK if notes else SeriesRunStatus.OK,
        model=outcome.model,
        forecast=outcome.forecast,
        backtest_mase=c.cv_mase if c else None,
        reference_mase=c.reference_mase if c else None,
        message="; ".join(dict.fromkeys(notes))[:2000],
        accuracy=accuracy,
        states=tuple(outcome.states.values()),
        fits=tuple(outcome.fits),
    )
