"""The scheduled run: forecast every catalogued series of the store and score past forecasts.

``plan_jobs`` reads (the driver does all database work), ``run_job`` computes one series (pure,
runs on a Dask worker), ``run_forecasts`` ties them together and stores the results.

Warm starts across runs: ``plan_jobs`` reads each series' stored model states of earlier issue
times (``forecast_model_states``) into its job as plain data; the worker offers them to the
warm-startable forecasters (Prophet), which start from them when their layout still matches;
``run_forecasts`` stores the new states in one transaction after the run.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Engine, func, select

from core.db.models import Reading
from core.exceptions import PlatformError
from core.timeutil import LOCAL_TZ_NAME
from forecasting.anomaly import anomaly_scores, summarise
from forecasting.catalogue import SeriesSpec, build_catalogue
from forecasting.config import BacktestConfig, PipelineConfig
from forecasting.distributed import map_series
from forecasting.exceptions import ForecastInputError, ForecastWarning
from forecasting.horizon import split_history
from forecasting.metrics import score, seasonal_naive_scale
from forecasting.model import SeriesLevel, SeriesRunStatus, quantile_column
from forecasting.models import Forecast, ForecastAccuracy, ForecastSeries
from forecasting.pipeline import forecast_series
from forecasting.prepare import PreparedSeries
from forecasting.store_io import (
    RESOLUTION_OF_STEP,
    PastForecast,
    finish_run,
    latest_forecasts,
    load_meters,
    load_model_states,
    pending_evaluations,
    read_meter_matrix,
    read_weather_grid,
    save_model_states,
    start_run,
    total_of,
    upsert_series,
    weather_station,
    write_series_result,
)
from forecasting.warm_start import FitInfo, ModelState, WarmSource

logger = logging.getLogger(__name__)


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


def latest_reading_time(engine: Engine) -> pd.Timestamp | None:
    """The newest reading in the store (UTC)."""
    with engine.connect() as conn:
        value = conn.execute(select(func.max(Reading.ts))).scalar_one_or_none()
    if value is None:
        return None
    if isinstance(value, int | float):  # SQLite keeps epoch seconds; the aggregate skips the type
        return pd.Timestamp(int(value), unit="s", tz="UTC")
    return pd.Timestamp(value).tz_convert("UTC")


def default_issue_time(engine: Engine) -> pd.Timestamp:
    """Local midnight at or before the newest reading (a day-ahead issue time)."""
    latest = latest_reading_time(engine)
    if latest is None:
        raise ForecastInputError("the store holds no readings to forecast from", field="readings")
    local = latest.tz_convert(LOCAL_TZ_NAME)
    return local.normalize().tz_convert("UTC") if local != local.normalize() else latest


def plan_jobs(
    engine: Engine,
    issued_at: pd.Timestamp,
    config: RunConfig,
    series_ids: dict[str, int] | None = None,
) -> list[SeriesJob]:
    """Read every catalogued series and its weather into jobs (the driver's database work).

    With ``series_ids`` (registered series), the jobs also carry the past forecasts to score
    and the stored model states of runs issued before ``issued_at`` (warm starts).
    """
    specs = build_catalogue(load_meters(engine), config.levels, config.step_s)
    if config.limit:
        specs = specs[: config.limit]
    station = weather_station(engine)
    stored = load_model_states(engine, issued_at) if series_ids else {}
    start = issued_at - pd.Timedelta(days=config.lookback_days)
    end = issued_at + pd.Timedelta(hours=config.horizon_h)
    jobs: list[SeriesJob] = []
    for step_s in sorted({s.step_s for s in specs}):
        group = [s for s in specs if s.step_s == step_s]
        meter_ids = sorted({m for s in group for m in s.meter_ids})
        values, complete = read_meter_matrix(engine, meter_ids, start, issued_at, step_s)
        grid = pd.date_range(start, end, freq=f"{step_s}s", name="timestamp")
        weather = (
            read_weather_grid(
                engine, station, start, end + pd.Timedelta(seconds=step_s), step_s
            ).reindex(grid)
            if station
            else pd.DataFrame(index=grid)
        )
        horizon_steps = int(config.horizon_h * 3600 // step_s)
        for spec in group:
            y = total_of(values, complete, spec.meter_ids).reindex(grid)
            y[y.index >= issued_at] = np.nan
            regressors = weather.reindex(
                columns=[c for c in spec.regressors if c in weather.columns]
            )
            prepared = PreparedSeries(
                y=y.rename(spec.key),
                regressors=regressors,
                step_s=step_s,
                display_tz=issued_at.tz,
                source=spec.key,
                n_gap_steps=0,
            )
            past = (
                tuple(pending_evaluations(engine, series_ids[spec.key], issued_at))
                if series_ids
                else ()
            )
            jobs.append(
                SeriesJob(
                    spec.key,
                    prepared,
                    issued_at,
                    horizon_steps,
                    spec,
                    config,
                    past,
                    tuple(stored.get(spec.key, ())),
                )
            )
    return sorted(jobs, key=lambda j: j.key)


@dataclass(frozen=True)
class RunSummary:
    """What a run did."""

    run_id: int
    issued_at: pd.Timestamp
    n_series: int
    n_ok: int
    n_fallback: int
    n_failed: int
    n_scored: int
    outcomes: list[SeriesOutcome]
    n_warm_started: int = 0

    def as_dict(self) -> dict[str, object]:
        return {
            "run_id": self.run_id,
            "issued_at": self.issued_at.isoformat(),
            "n_series": self.n_series,
            "n_ok": self.n_ok,
            "n_fallback": self.n_fallback,
            "n_failed": self.n_failed,
            "n_past_forecasts_scored": self.n_scored,
            "n_warm_started": self.n_warm_started,
            "series": {o.key: {"status": o.status.value, "model": o.model} for o in self.outcomes},
        }


def run_forecasts(
    engine: Engine,
    *,
    issued_at: pd.Timestamp | None = None,
    config: RunConfig | None = None,
    scheduler: str | None = None,
    n_workers: int | None = None,
    progress: bool = False,
) -> RunSummary:
    """Forecast every catalogued series from ``issued_at`` and store forecasts and scores.

    Args:
        issued_at: the issue time (default: local midnight before the newest reading).
        scheduler: see ``forecasting.distributed.map_series``.
    """
    config = config or RunConfig()
    issued = issued_at.tz_convert("UTC") if issued_at is not None else default_issue_time(engine)
    specs = build_catalogue(load_meters(engine), config.levels, config.step_s)
    if not specs:
        raise ForecastInputError("the store has no meters to build series from", field="meters")
    ids = upsert_series(engine, specs)
    jobs = plan_jobs(engine, issued, config, ids)
    run_id = start_run(
        engine, issued, int(config.horizon_h * 3600), len(jobs), scheduler or "local"
    )
    outcomes = map_series(
        run_job, jobs, scheduler=scheduler, n_workers=n_workers, progress=progress
    )
    for outcome in outcomes:
        write_series_result(
            engine,
            run_id,
            ids[outcome.key],
            issued,
            outcome.status_row(),
            outcome.forecast,
            outcome.model or "",
            config.pipeline.quantiles,
            outcome.accuracy,
        )
    save_model_states(engine, run_id, issued, {ids[o.key]: o.states for o in outcomes if o.states})
    n_warm = _log_warm_starts(outcomes)
    n_failed = sum(o.status is SeriesRunStatus.FAILED for o in outcomes)
    finish_run(engine, run_id, n_failed)
    return RunSummary(
        run_id=run_id,
        issued_at=issued,
        n_series=len(outcomes),
        n_ok=sum(o.status is SeriesRunStatus.OK for o in outcomes),
        n_fallback=sum(o.status is SeriesRunStatus.FALLBACK for o in outcomes),
        n_failed=n_failed,
        n_scored=sum(len(o.accuracy) for o in outcomes),
        outcomes=outcomes,
        n_warm_started=n_warm,
    )


def _log_warm_starts(outcomes: list[SeriesOutcome]) -> int:
    """Log (on the driver) each stored state a series could not start from; the warm count."""
    offered = [(o.key, f) for o in outcomes if (f := o.stored_start()) is not None]
    for key, fit in offered:
        if not fit.warm:
            logger.info(
                "%s: the stored %s fit was not used (%s); it fitted cold",
                key,
                fit.model,
                fit.reason,
            )
    n_warm = sum(f.warm for _, f in offered)
    if offered:
        logger.info("warm starts: %d of %d stored fits used", n_warm, len(offered))
    return n_warm


@dataclass(frozen=True)
class StoredSeries:
    """A catalogued series that has at least one stored forecast."""

    key: str
    unit: str
    step_s: int
    n_meters: int


@dataclass(frozen=True)
class ForecastVsActuals:
    """The latest stored forecast of a series, its actuals and the scores of past forecasts.

    Attributes:
        forecast: target_ts (UTC), yhat (median), yhat_lower, yhat_upper.
        actuals: the summed series read from the store (UTC index), over ``history_h`` before
            the issue time and the forecast's horizon (NaN where incomplete).
        accuracy: issued_at, model, n_points, mae, mase, coverage (oldest first).
    """

    series: StoredSeries
    issued_at: pd.Timestamp
    model: str
    forecast: pd.DataFrame
    actuals: pd.Series
    accuracy: pd.DataFrame


ACCURACY_COLUMNS = ("issued_at", "model", "n_points", "mae", "mase", "coverage")


def stored_series(engine: Engine) -> list[StoredSeries]:
    """The series with a stored forecast, ordered by key."""
    stmt = (
        select(
            ForecastSeries.series_key,
            ForecastSeries.unit,
            ForecastSeries.step_s,
            ForecastSeries.n_meters,
        )
        .where(select(Forecast.series_id).where(Forecast.series_id == ForecastSeries.id).exists())
        .order_by(ForecastSeries.series_key)
    )
    with engine.connect() as conn:
        return [StoredSeries(str(k), str(u), int(s), int(n)) for k, u, s, n in conn.execute(stmt)]


def forecast_accuracy(engine: Engine, series_key: str) -> pd.DataFrame:
    """The scores (MAE, MASE, interval coverage) of a series' past forecasts, oldest first."""
    stmt = (
        select(
            ForecastAccuracy.issued_at,
            ForecastAccuracy.model,
            ForecastAccuracy.n_points,
            ForecastAccuracy.mae,
            ForecastAccuracy.mase,
            ForecastAccuracy.coverage,
        )
        .join(ForecastSeries, ForecastSeries.id == ForecastAccuracy.series_id)
        .where(ForecastSeries.series_key == series_key)
        .order_by(ForecastAccuracy.issued_at)
    )
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    frame = pd.DataFrame(rows, columns=list(ACCURACY_COLUMNS))
    if not frame.empty:
        frame["issued_at"] = pd.DatetimeIndex(frame["issued_at"]).tz_convert("UTC")
    return frame


def forecast_vs_actuals(
    engine: Engine, series_key: str, history_h: float = 48.0
) -> ForecastVsActuals | None:
    """The latest forecast of ``series_key`` with its actuals and accuracy; None without one."""
    series = next((s for s in stored_series(engine) if s.key == series_key), None)
    if series is None:
        return None
    forecast = latest_forecasts(engine, series_key)
    if forecast.empty:
        return None
    forecast["target_ts"] = pd.DatetimeIndex(forecast["target_ts"]).tz_convert("UTC")
    issued_at = pd.Timestamp(forecast["issued_at"].iloc[0]).tz_convert("UTC")
    model = str(forecast["model"].iloc[0])
    start = issued_at - pd.Timedelta(hours=history_h)
    end = forecast["target_ts"].max() + pd.Timedelta(seconds=series.step_s)
    spec = next(
        (
            s
            for s in build_catalogue(load_meters(engine), step_s=series.step_s)
            if s.key == series_key
        ),
        None,
    )
    if spec is None or series.step_s not in RESOLUTION_OF_STEP:
        actuals = pd.Series(dtype=float, index=pd.DatetimeIndex([], tz="UTC"))
    else:
        values, complete = read_meter_matrix(engine, spec.meter_ids, start, end, series.step_s)
        actuals = total_of(values, complete, spec.meter_ids)
    return ForecastVsActuals(
        series=series,
        issued_at=issued_at,
        model=model,
        forecast=forecast[["target_ts", "yhat", "yhat_lower", "yhat_upper"]].reset_index(drop=True),
        actuals=actuals.rename(series_key),
        accuracy=forecast_accuracy(engine, series_key),
    )
