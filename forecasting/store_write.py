"""Writes of the scheduled run to the store: the series register, runs, results, model states.

SQLAlchemy on the forecast tables (``forecasting.models``), each call in one transaction; the
reads (meters, summed series, weather, stored forecasts and states) are in
``forecasting.store_io``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
from sqlalchemy import Engine, delete, insert, select, update

from core.db.engine import session_scope
from forecasting.catalogue import SeriesSpec
from forecasting.model import quantile_column
from forecasting.models import (
    Forecast,
    ForecastAccuracy,
    ForecastModelState,
    ForecastQuantile,
    ForecastRun,
    ForecastSeries,
    ForecastSeriesRun,
)
from forecasting.warm_start import ModelState


def upsert_series(engine: Engine, specs: Sequence[SeriesSpec]) -> dict[str, int]:
    """Register the catalogued series (new keys inserted, known ones updated); key -> id."""
    with session_scope(engine) as session:
        known = {s.series_key: s for s in session.scalars(select(ForecastSeries))}
        for spec in specs:
            row = known.get(spec.key)
            fields = {
                "level": spec.level,
                "quantity": spec.quantity,
                "entity_id": spec.entity_id,
                "unit": spec.unit,
                "step_s": spec.step_s,
                "n_meters": len(spec.meter_ids),
            }
            if row is None:
                session.add(ForecastSeries(series_key=spec.key, **fields))
            else:
                for name, value in fields.items():
                    setattr(row, name, value)
        session.flush()
        return {s.series_key: s.id for s in session.scalars(select(ForecastSeries))}


def start_run(
    engine: Engine, issued_at: pd.Timestamp, horizon_s: int, n_series: int, scheduler: str
) -> int:
    """Record a run and return its id."""
    with session_scope(engine) as session:
        run = ForecastRun(
            issued_at=issued_at.to_pydatetime(),
            started_at=pd.Timestamp.now(tz="UTC").to_pydatetime(),
            horizon_s=horizon_s,
            n_series=n_series,
            n_failed=0,
            scheduler=scheduler[:120],
        )
        session.add(run)
        session.flush()
        return int(run.id)


def finish_run(engine: Engine, run_id: int, n_failed: int) -> None:
    with session_scope(engine) as session:
        session.execute(
            update(ForecastRun)
            .where(ForecastRun.id == run_id)
            .values(finished_at=pd.Timestamp.now(tz="UTC").to_pydatetime(), n_failed=n_failed)
        )


def write_series_result(
    engine: Engine,
    run_id: int,
    series_id: int,
    issued_at: pd.Timestamp,
    status_row: dict[str, object],
    forecast: pd.DataFrame | None,
    model: str,
    quantiles: Sequence[float],
    accuracy_rows: Sequence[dict[str, object]],
) -> None:
    """Store one series' outcome: its forecast (replacing one of the same issue time), quantiles,
    its status row and the scores of past forecasts, in one transaction."""
    issued = issued_at.to_pydatetime()
    now = pd.Timestamp.now(tz="UTC").to_pydatetime()
    levels = sorted(quantiles)
    with session_scope(engine) as session:
        session.execute(
            delete(ForecastQuantile).where(
                ForecastQuantile.series_id == series_id, ForecastQuantile.issued_at == issued
            )
        )
        session.execute(
            delete(Forecast).where(Forecast.series_id == series_id, Forecast.issued_at == issued)
        )
        session.add(ForecastSeriesRun(run_id=run_id, series_id=series_id, **status_row))
        if forecast is not None and len(forecast):
            targets = [t.to_pydatetime() for t in pd.DatetimeIndex(forecast.index)]
            lo, hi = forecast[quantile_column(levels[0])], forecast[quantile_column(levels[-1])]
            session.execute(
                insert(Forecast),
                [
                    {
                        "series_id": series_id,
                        "issued_at": issued,
                        "target_ts": t,
                        "run_id": run_id,
                        "model": model[:160],
                        "yhat": float(y),
                        "yhat_lower": float(a),
                        "yhat_upper": float(b),
                    }
                    for t, y, a, b in zip(targets, forecast["yhat"], lo, hi, strict=True)
                ],
            )
            session.execute(
                insert(ForecastQuantile),
                [
                    {
                        "series_id": series_id,
                        "issued_at": issued,
                        "target_ts": t,
                        "quantile": q,
                        "value": float(v),
                    }
                    for q in levels
                    for t, v in zip(targets, forecast[quantile_column(q)], strict=True)
                ],
            )
        for row in accuracy_rows:
            session.add(ForecastAccuracy(series_id=series_id, evaluated_at=now, **row))


def save_model_states(
    engine: Engine,
    run_id: int,
    issued_at: pd.Timestamp,
    states: Mapping[int, Sequence[ModelState]],
) -> int:
    """Store each series' new states (per series id) in one transaction; the number written.

    A stored state of a later issue time (a backfill run after a newer one) is kept.
    """
    issued = issued_at.to_pydatetime()
    written = 0
    with session_scope(engine) as session:
        known = {(r.series_id, r.model): r for r in session.scalars(select(ForecastModelState))}
        for series_id, series_states in states.items():
            for state in series_states:
                fields = {
                    "run_id": run_id,
                    "issued_at": issued,
                    "history_end": state.history_end.to_pydatetime(),
                    "fitted_at": state.fitted_at.to_pydatetime(),
                    "fingerprint": state.fingerprint,
                    "params_json": state.to_json(),
                }
                row = known.get((series_id, state.model))
                if row is None:
                    session.add(
                        ForecastModelState(series_id=series_id, model=state.model, **fields)
                    )
                elif row.issued_at <= issued:
                    for name, value in fields.items():
                        setattr(row, name, value)
                else:
                    continue
                written += 1
    return written
