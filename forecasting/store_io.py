"""Reads of the scheduled run from the store: meters, summed series, weather, stored forecasts.

SQLAlchemy Core on the models; the compute modules receive and return DataFrames. The writes
(series register, runs, results, model states) are in ``forecasting.store_write``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import aliased

from core.db.models import Building, Meter, Premise, WeatherObservation
from core.enums import Resolution
from core.timeseries import read_series
from core.timeseries.weather import read_weather
from forecasting.catalogue import METER_COLUMNS
from forecasting.exceptions import ModelStateError
from forecasting.model import quantile_column
from forecasting.models import (
    Forecast,
    ForecastAccuracy,
    ForecastModelState,
    ForecastQuantile,
    ForecastSeries,
)
from forecasting.warm_start import ModelState

logger = logging.getLogger(__name__)

RESOLUTION_OF_STEP: dict[int, Resolution] = {900: Resolution.MIN15, 3600: Resolution.HOUR}
# Share of a total's meters that must report a complete step for the total to be kept; the
# sum is then scaled up by n_meters / n_reporting (documented estimate for a few late meters).
MIN_REPORTING_SHARE = 0.98


def load_meters(engine: Engine) -> pd.DataFrame:
    """Every meter with its building and district (through its premise for flat meters)."""
    premise_building = aliased(Building)
    own_building = aliased(Building)
    building_id = func.coalesce(Meter.building_id, Premise.building_id)
    district_id = func.coalesce(own_building.district_id, premise_building.district_id)
    stmt = (
        select(
            Meter.id,
            Meter.medium,
            Meter.meter_kind,
            Meter.unit,
            Meter.interval_s,
            building_id,
            district_id,
        )
        .select_from(Meter)
        .outerjoin(Premise, Meter.premise_id == Premise.id)
        .outerjoin(premise_building, Premise.building_id == premise_building.id)
        .outerjoin(own_building, Meter.building_id == own_building.id)
        .order_by(Meter.id)
    )
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    frame = pd.DataFrame(rows, columns=list(METER_COLUMNS))
    frame["medium"] = frame["medium"].map(str)
    frame["meter_kind"] = frame["meter_kind"].map(str)
    return frame


def read_meter_matrix(
    engine: Engine, meter_ids: Sequence[int], start: pd.Timestamp, end: pd.Timestamp, step_s: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Values and completeness (n_readings == n_expected) per step (rows) and meter (columns)."""
    resolution = RESOLUTION_OF_STEP.get(step_s)
    if resolution is None:
        raise ValueError(f"no store resolution for a {step_s} s step")
    grid = pd.date_range(start, end, freq=f"{step_s}s", inclusive="left", name="timestamp")
    frame = read_series(engine, list(meter_ids), start, end, resolution)
    frame["ts"] = pd.DatetimeIndex(frame["ts"]).tz_convert("UTC")
    values = frame.pivot(index="ts", columns="meter_id", values="value").reindex(grid)
    # as 1.0/0.0 so that steps a meter misses become NaN, not an object column to downcast
    ok = (frame["n_readings"] >= frame["n_expected"]) & frame["value"].notna()
    complete = (
        frame.assign(ok=ok.astype(float))
        .pivot(index="ts", columns="meter_id", values="ok")
        .reindex(grid)
        .fillna(0.0)
        .gt(0.5)
    )
    return values.reindex(columns=list(meter_ids)), complete.reindex(
        columns=list(meter_ids), fill_value=False
    )


def total_of(values: pd.DataFrame, complete: pd.DataFrame, meter_ids: Sequence[int]) -> pd.Series:
    """The sum of ``meter_ids`` per step, scaled for a few missing meters (see MIN_REPORTING_SHARE)."""
    v = values[list(meter_ids)]
    ok = complete[list(meter_ids)].to_numpy()
    n = len(meter_ids)
    reporting = ok.sum(axis=1)
    total = np.where(ok, v.to_numpy(dtype=float), 0.0).sum(axis=1)
    share = reporting / n
    scaled = np.where(share >= MIN_REPORTING_SHARE, total * n / np.maximum(reporting, 1), np.nan)
    return pd.Series(scaled, index=values.index)


def weather_station(engine: Engine) -> str | None:
    """The weather station of the store (the first by name when there are several)."""
    with engine.connect() as conn:
        names = (
            conn.execute(
                select(WeatherObservation.station).distinct().order_by(WeatherObservation.station)
            )
            .scalars()
            .all()
        )
    if len(names) > 1:
        logger.info("weather: %d stations; using %s", len(names), names[0])
    return names[0] if names else None


def read_weather_grid(
    engine: Engine, station: str, start: pd.Timestamp, end: pd.Timestamp, step_s: int
) -> pd.DataFrame:
    """Hourly weather interpolated onto the forecast grid (NaN where the store has none)."""
    grid = pd.date_range(start, end, freq=f"{step_s}s", inclusive="left", name="timestamp")
    frame = read_weather(
        engine, station, start - pd.Timedelta(hours=1), end + pd.Timedelta(hours=1)
    )
    if frame.empty:
        return pd.DataFrame(
            index=grid, columns=["t_air_degc", "ghi_w_per_m2", "wind_m_per_s"], dtype=float
        )
    frame = frame.set_index(pd.DatetimeIndex(frame["ts"]).tz_convert("UTC")).drop(columns="ts")
    joined = frame.reindex(frame.index.union(grid)).interpolate(
        method="time", limit=4, limit_area="inside"
    )
    return joined.reindex(grid)


@dataclass(frozen=True)
class PastForecast:
    """A stored forecast awaiting its accuracy score."""

    issued_at: pd.Timestamp
    model: str
    frame: pd.DataFrame  # yhat and quantile columns, indexed by target time (UTC)


def pending_evaluations(engine: Engine, series_id: int, until: pd.Timestamp) -> list[PastForecast]:
    """Stored forecasts of a series, all of whose targets are before ``until``, not yet scored."""
    scored = select(ForecastAccuracy.issued_at).where(ForecastAccuracy.series_id == series_id)
    done = (
        select(Forecast.issued_at)
        .where(Forecast.series_id == series_id)
        .group_by(Forecast.issued_at)
        .having(func.max(Forecast.target_ts) < until.to_pydatetime())
    )
    with engine.connect() as conn:
        issues = [
            i
            for i in conn.execute(done).scalars().all()
            if i not in set(conn.execute(scored).scalars().all())
        ]
        out = []
        for issued in issues:
            rows = conn.execute(
                select(Forecast.target_ts, Forecast.model, Forecast.yhat)
                .where(Forecast.series_id == series_id, Forecast.issued_at == issued)
                .order_by(Forecast.target_ts)
            ).all()
            qrows = conn.execute(
                select(
                    ForecastQuantile.target_ts, ForecastQuantile.quantile, ForecastQuantile.value
                ).where(
                    ForecastQuantile.series_id == series_id, ForecastQuantile.issued_at == issued
                )
            ).all()
            frame = pd.DataFrame(
                {"yhat": [r[2] for r in rows]},
                index=pd.DatetimeIndex([r[0] for r in rows], name="timestamp").tz_convert("UTC"),
            )
            if qrows:
                q = pd.DataFrame(qrows, columns=["ts", "q", "v"])
                q["ts"] = pd.DatetimeIndex(q["ts"]).tz_convert("UTC")
                wide = q.pivot(index="ts", columns="q", values="v")
                for level in wide.columns:
                    frame[quantile_column(float(level))] = (
                        wide[level].reindex(frame.index).to_numpy()
                    )
            out.append(PastForecast(pd.Timestamp(issued).tz_convert("UTC"), rows[0][1], frame))
    return out


def latest_forecasts(engine: Engine, series_key: str) -> pd.DataFrame:
    """The latest issued forecast of a series: target_ts, yhat, yhat_lower, yhat_upper, model."""
    with engine.connect() as conn:
        sid = conn.execute(
            select(ForecastSeries.id).where(ForecastSeries.series_key == series_key)
        ).scalar_one_or_none()
        if sid is None:
            return pd.DataFrame(
                columns=["target_ts", "yhat", "yhat_lower", "yhat_upper", "model", "issued_at"]
            )
        last = conn.execute(
            select(func.max(Forecast.issued_at)).where(Forecast.series_id == sid)
        ).scalar_one()
        rows = conn.execute(
            select(
                Forecast.target_ts,
                Forecast.yhat,
                Forecast.yhat_lower,
                Forecast.yhat_upper,
                Forecast.model,
                Forecast.issued_at,
            )
            .where(Forecast.series_id == sid, Forecast.issued_at == last)
            .order_by(Forecast.target_ts)
        ).all()
    return pd.DataFrame(
        rows, columns=["target_ts", "yhat", "yhat_lower", "yhat_upper", "model", "issued_at"]
    )


def accuracy_history(engine: Engine) -> pd.DataFrame:
    """Scores of past forecasts per series key and issue time."""
    stmt = (
        select(
            ForecastSeries.series_key,
            ForecastAccuracy.issued_at,
            ForecastAccuracy.model,
            ForecastAccuracy.n_points,
            ForecastAccuracy.mase,
            ForecastAccuracy.coverage,
            ForecastAccuracy.anomaly_score,
        )
        .join(ForecastSeries, ForecastSeries.id == ForecastAccuracy.series_id)
        .order_by(ForecastSeries.series_key, ForecastAccuracy.issued_at)
    )
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return pd.DataFrame(
        rows,
        columns=[
            "series_key",
            "issued_at",
            "model",
            "n_points",
            "mase",
            "coverage",
            "anomaly_score",
        ],
    )


def load_model_states(engine: Engine, before: pd.Timestamp) -> dict[str, list[ModelState]]:
    """Stored warm-start states per series key, of runs issued before ``before``.

    A row that cannot be read (corrupt JSON, a layout that does not match its fingerprint) is
    skipped with a warning naming the series and model: that model fits cold.
    """
    stmt = (
        select(
            ForecastSeries.series_key,
            ForecastModelState.model,
            ForecastModelState.fingerprint,
            ForecastModelState.history_end,
            ForecastModelState.fitted_at,
            ForecastModelState.params_json,
        )
        .join(ForecastSeries, ForecastSeries.id == ForecastModelState.series_id)
        .where(ForecastModelState.issued_at < before.to_pydatetime())
        .order_by(ForecastSeries.series_key, ForecastModelState.model)
    )
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    out: dict[str, list[ModelState]] = {}
    for key, model, fingerprint, history_end, fitted_at, text in rows:
        try:
            state = ModelState.from_json(
                text,
                model=model,
                fingerprint=fingerprint,
                history_end=pd.Timestamp(history_end).tz_convert("UTC"),
                fitted_at=pd.Timestamp(fitted_at).tz_convert("UTC"),
                series=key,
            )
        except ModelStateError as err:
            logger.warning("%s; %s fits cold", err, model)
            continue
        out.setdefault(key, []).append(state)
    return out
