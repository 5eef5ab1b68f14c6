"""The scheduled run: forecast every catalogued series of the store and score past forecasts.

``plan_jobs`` reads (the driver does all database work), ``run_job`` computes one series (pure,
runs on a Dask worker; in ``forecasting.jobs``), ``run_forecasts`` ties them together and stores
the results. Also the read side for the dashboards: ``stored_series``, ``forecast_vs_actuals``.

Warm starts across runs: ``plan_jobs`` reads each series' stored model states of earlier issue
times (``forecast_model_states``) into its job as plain data; the worker offers them to the
warm-startable forecasters (Prophet), which start from them when their layout still matches;
``run_forecasts`` stores the new states in one transaction after the run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Engine, func, select

from core.db.models import Reading
from core.timeutil import LOCAL_TZ_NAME
from forecasting.catalogue import build_catalogue
from forecasting.distributed import map_series
from forecasting.exceptions import ForecastInputError
from forecasting.jobs import RunConfig, SeriesJob, SeriesOutcome, run_job
from forecasting.model import SeriesRunStatus
from forecasting.models import Forecast, ForecastAccuracy, ForecastSeries
from forecasting.prepare import PreparedSeries
from forecasting.store_io import (
    RESOLUTION_OF_STEP,
    latest_forecasts,
    load_meters,
    load_model_states,
    pending_evaluations,
    read_meter_matrix,
    read_weather_grid,
    total_of,
    weather_station,
)
from forecasting.store_write import (
    finish_run,
    save_model_states,
    start_run,
    upsert_series,
    write_series_result,
)

logger = logging.getLogger(__name__)


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
