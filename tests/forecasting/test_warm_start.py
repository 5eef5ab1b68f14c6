"""Warm starts across runs: states stored, used by the next run, refused when incompatible."""

from __future__ import annotations

import dataclasses
import logging

import pandas as pd
import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from forecasting.config import BacktestConfig, PipelineConfig, ProphetConfig
from forecasting.distributed import IN_PROCESS, map_series
from forecasting.exceptions import ModelStateError
from forecasting.jobs import RunConfig, run_job
from forecasting.model import SeriesLevel
from forecasting.models import ForecastModelState, ForecastSeries
from forecasting.prophet_adapter import ProphetForecaster
from forecasting.service import plan_jobs, run_forecasts
from forecasting.store_io import load_model_states
from forecasting.store_write import save_model_states
from forecasting.warm_start import ModelState, WarmSource, layout_fingerprint
from tests.forecasting.conftest import START, fill_store, split, synthetic_history

# the store's weather covers DAY2's horizon, so both runs keep the temperature regressor
DAY1 = START + pd.Timedelta(days=13)
DAY2 = DAY1 + pd.Timedelta(days=1)
N_SERIES = 4  # the building and cluster totals of electricity and heat


def _config(**prophet: object) -> RunConfig:
    return RunConfig(
        lookback_days=13,
        levels=(SeriesLevel.BUILDING, SeriesLevel.CLUSTER),
        pipeline=PipelineConfig(
            models=("seasonal_naive_daily", "prophet"),
            backtest=BacktestConfig(folds=2),
            prophet=ProphetConfig(**prophet),
        ),
    )


def _stored(engine: Engine) -> dict[str, ForecastModelState]:
    with Session(engine) as session:
        rows = session.execute(
            select(ForecastSeries.series_key, ForecastModelState).join(
                ForecastSeries, ForecastSeries.id == ForecastModelState.series_id
            )
        ).all()
    return {key: row for key, row in rows}


def _rewrite(engine: Engine, series_key: str, **values: object) -> None:
    with engine.begin() as conn:
        sid = conn.execute(
            select(ForecastSeries.id).where(ForecastSeries.series_key == series_key)
        ).scalar_one()
        conn.execute(
            update(ForecastModelState)
            .where(ForecastModelState.series_id == sid, ForecastModelState.model == "prophet")
            .values(**values)
        )


# --- the state as data -------------------------------------------------------------------------


def _state(**changes: object) -> ModelState:
    layout = {"regressors": [["t_air_degc", "additive"]], "n_changepoints": 2}
    state = ModelState(
        model="prophet",
        fingerprint=layout_fingerprint(layout),
        layout=layout,
        params={"k": 0.1, "m": 0.5, "sigma_obs": 0.05, "delta": (0.0, 0.01), "beta": (0.2,)},
        history_end=pd.Timestamp("2026-01-18T23:00Z"),
        fitted_at=pd.Timestamp("2026-01-19T00:05Z"),
    )
    return dataclasses.replace(state, **changes)


def _read(state: ModelState, text: str) -> ModelState:
    return ModelState.from_json(
        text,
        model=state.model,
        fingerprint=state.fingerprint,
        history_end=state.history_end,
        fitted_at=state.fitted_at,
        series="building:7:heat_demand",
    )


def test_a_state_survives_its_json_and_a_damaged_one_is_an_error_naming_the_series() -> None:
    state = _state()

    assert _read(state, state.to_json()) == state
    with pytest.raises(ModelStateError, match="building:7:heat_demand") as err:
        _read(state, '{"layout": {"regressors": [')
    assert err.value.series == "building:7:heat_demand"
    with pytest.raises(ModelStateError, match="not finite"):
        _read(state, state.to_json().replace("0.05", "NaN"))
    with pytest.raises(ModelStateError, match="fingerprint"):
        _read(state, state.to_json().replace("t_air_degc", "wind_m_per_s"))


# --- the adapter -------------------------------------------------------------------------------


def test_prophet_starts_from_a_stored_fit_only_with_the_same_regressors(
    caplog: pytest.LogCaptureFixture,
) -> None:
    history, _, regressors = synthetic_history(days=21, noise=0.02)
    plain, _, _ = synthetic_history(days=21, noise=0.02, with_temperature=False)
    earlier, _ = split(history, regressors, history.y.index[-25], 24)
    stored = ProphetForecaster().fit(earlier, 24).warm_state()
    assert stored is not None

    warm = ProphetForecaster()
    warm.start_from(stored)
    warm.fit(history, 24)
    cold = ProphetForecaster()
    cold.start_from(stored)
    with caplog.at_level(logging.DEBUG, logger="forecasting.prophet_adapter"):
        cold.fit(plain, 24)

    assert [(f.source, f.warm) for f in warm.fit_log] == [(WarmSource.STORED, True)]
    assert warm.last_fit_warm
    (info,) = cold.fit_log
    assert (info.source, info.warm) == (WarmSource.STORED, False)
    assert "regressors" in info.reason
    assert "t_air_degc" in info.reason
    assert "does not start from the stored fit" in caplog.text
    assert cold.warm_state() is not None  # the cold fit is the state for next time


def test_prophet_refuses_parameters_of_the_wrong_shape_whole() -> None:
    history, _, _ = synthetic_history(days=21, noise=0.02)
    stored = ProphetForecaster().fit(history, 24).warm_state()
    assert stored is not None
    short = dataclasses.replace(stored, params={**stored.params, "beta": stored.params["beta"][1:]})

    model = ProphetForecaster()
    model.start_from(short)
    model.fit(history, 24)

    (info,) = model.fit_log
    assert not info.warm
    assert info.reason.startswith("beta has shape")


# --- the scheduled run -------------------------------------------------------------------------


@pytest.mark.slow
def test_a_run_stores_its_fits_and_the_next_run_starts_from_them(engine: Engine) -> None:
    fill_store(engine)
    config = _config()

    first = run_forecasts(engine, issued_at=DAY1, config=config, scheduler=IN_PROCESS)
    stored = _stored(engine)
    rerun = run_forecasts(engine, issued_at=DAY1, config=config, scheduler=IN_PROCESS)
    second = run_forecasts(engine, issued_at=DAY2, config=config, scheduler=IN_PROCESS)

    assert first.n_failed == second.n_failed == 0
    assert set(stored) == {o.key for o in first.outcomes}
    assert len(stored) == N_SERIES
    for row in stored.values():
        assert row.issued_at == DAY1.to_pydatetime()
        assert row.history_end < DAY1.to_pydatetime()
        assert row.run_id == first.run_id
    # a rerun of the same issue time starts cold, so it reproduces the run
    assert rerun.n_warm_started == 0
    for a, b in zip(first.outcomes, rerun.outcomes, strict=True):
        pd.testing.assert_frame_equal(a.forecast, b.forecast)
    # the next day starts every series from the stored fit: CmdStan starts near the optimum
    assert second.n_warm_started == N_SERIES
    assert second.as_dict()["n_warm_started"] == N_SERIES
    for before, after in zip(first.outcomes, second.outcomes, strict=True):
        start = after.stored_start()
        cold = before.fits[0]
        assert start is not None
        assert start.warm
        assert cold.source is WarmSource.NONE
        assert not cold.warm
        assert start.initial_log_prob is not None
        assert cold.initial_log_prob is not None
        assert start.initial_log_prob > cold.initial_log_prob
    assert {r.issued_at for r in _stored(engine).values()} == {DAY2.to_pydatetime()}


@pytest.mark.slow
def test_an_incompatible_or_damaged_state_is_ignored_with_a_log_naming_the_series(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    fill_store(engine)
    config = _config()
    run_forecasts(engine, issued_at=DAY1, config=config, scheduler=IN_PROCESS)
    stored = _stored(engine)
    damaged, other, *_ = sorted(stored)
    _rewrite(engine, damaged, params_json='{"layout": {"growth": "lin')
    # a state fitted when the series had another regressor: consistent, but another layout
    state = ModelState.from_json(
        stored[other].params_json,
        model="prophet",
        fingerprint=stored[other].fingerprint,
        history_end=pd.Timestamp(stored[other].history_end),
        fitted_at=pd.Timestamp(stored[other].fitted_at),
    )
    layout = {**state.layout, "regressors": [["wind_m_per_s", "additive"]]}
    _rewrite(
        engine,
        other,
        params_json=dataclasses.replace(state, layout=layout).to_json(),
        fingerprint=layout_fingerprint(layout),
    )

    with caplog.at_level(logging.INFO, logger="forecasting"):
        second = run_forecasts(engine, issued_at=DAY2, config=config, scheduler=IN_PROCESS)

    assert second.n_failed == 0
    assert second.n_warm_started == N_SERIES - 2
    outcomes = {o.key: o for o in second.outcomes}
    assert outcomes[damaged].stored_start() is None  # never offered
    refused = outcomes[other].stored_start()
    assert refused is not None
    assert not refused.warm
    assert "wind_m_per_s" in refused.reason
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert any(damaged in r.getMessage() and "unreadable" in r.getMessage() for r in warnings)
    assert any(
        other in r.getMessage() and "was not used" in r.getMessage()
        for r in caplog.records
        if r.name == "forecasting.service"
    )
    # both fitted cold and stored fresh, readable states for the next run
    assert set(load_model_states(engine, DAY2 + pd.Timedelta(days=1))) == set(stored)


def test_a_backfill_run_does_not_replace_a_newer_state(any_engine: Engine) -> None:
    engine = any_engine
    fill_store(engine)
    config = _config().model_copy(
        update={"pipeline": PipelineConfig(models=("seasonal_naive_daily",))}
    )
    newer = run_forecasts(engine, issued_at=DAY2, config=config, scheduler=IN_PROCESS)
    older = run_forecasts(engine, issued_at=DAY1, config=config, scheduler=IN_PROCESS)
    key = newer.outcomes[0].key
    with engine.connect() as conn:
        sid = conn.execute(
            select(ForecastSeries.id).where(ForecastSeries.series_key == key)
        ).scalar_one()
    state = _state()

    assert save_model_states(engine, newer.run_id, DAY2, {sid: [state]}) == 1
    assert save_model_states(engine, older.run_id, DAY1, {sid: [state]}) == 0

    assert _stored(engine)[key].run_id == newer.run_id
    assert load_model_states(engine, DAY2) == {}  # not before its own issue time
    assert load_model_states(engine, DAY2 + pd.Timedelta(hours=1)) == {key: [state]}


@pytest.mark.slow
def test_stored_states_give_the_same_forecasts_on_a_local_dask_cluster(engine: Engine) -> None:
    fill_store(engine)
    config = _config().model_copy(update={"levels": (SeriesLevel.CLUSTER,)})
    run_forecasts(engine, issued_at=DAY1, config=config, scheduler=IN_PROCESS)
    with engine.connect() as conn:
        ids = dict(conn.execute(select(ForecastSeries.series_key, ForecastSeries.id)).all())
    jobs = plan_jobs(engine, DAY2, config, ids)
    assert all(len(j.warm_states) == 1 for j in jobs)

    here = map_series(run_job, jobs, scheduler=IN_PROCESS)
    dask = map_series(run_job, jobs, n_workers=2)

    for a, b in zip(here, dask, strict=True):
        assert [f.warm for f in a.fits if f.source is WarmSource.STORED] == [True]
        assert [f.warm for f in b.fits if f.source is WarmSource.STORED] == [True]
        assert a.model == b.model
        pd.testing.assert_frame_equal(a.forecast, b.forecast, check_exact=False, rtol=1e-9)
