"""The scheduled run on a small store: forecasts stored, past ones scored, Dask = in process."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine, func, select

from core.cli_main import main
from core.enums import Medium
from core.settings import Settings
from core.timeseries import TimeSeriesStore
from forecasting.config import BacktestConfig, PipelineConfig
from forecasting.distributed import IN_PROCESS
from forecasting.model import SeriesLevel, SeriesRunStatus
from forecasting.models import Forecast, ForecastAccuracy, ForecastQuantile, ForecastSeriesRun
from forecasting.service import RunConfig, run_forecasts
from forecasting.store_io import accuracy_history, latest_forecasts
from tests.factories import add_meters
from tests.forecasting.conftest import load_profile

START = pd.Timestamp("2026-01-05T00:00+01:00").tz_convert("UTC")
DAYS = 16


def _fill_store(engine: Engine, seed: int = 11) -> None:
    rng = np.random.default_rng(seed)
    store = TimeSeriesStore(engine)
    electric = add_meters(engine, 2, medium=Medium.ELECTRICITY, interval_s=900, prefix="E")
    heat = add_meters(engine, 1, medium=Medium.HEAT, interval_s=3600, prefix="H")
    hours = pd.date_range(START, periods=DAYS * 24, freq="h")
    t_air = -2.0 + 4.0 * np.sin(np.arange(len(hours)) / 40.0)
    store.write_weather(
        pd.DataFrame(
            {
                "station": "kielce-sukow",
                "ts": hours,
                "t_air_degc": t_air,
                "ghi_w_per_m2": 0.0,
                "wind_m_per_s": 3.0,
            }
        )
    )
    frames = []
    quarter = pd.date_range(START, periods=DAYS * 96, freq="15min")
    for meter in electric:
        value = 0.5 * load_profile(quarter) * (1 + rng.normal(0, 0.05, len(quarter)))
        frames.append(pd.DataFrame({"meter_id": meter, "ts": quarter, "value": value}))
    heat_value = (
        20.0
        * load_profile(hours)
        * (1 + np.maximum(15 - t_air, 0) / 10)
        * (1 + rng.normal(0, 0.03, len(hours)))
    )
    frames.append(pd.DataFrame({"meter_id": heat[0], "ts": hours, "value": heat_value}))
    store.write_readings(pd.concat(frames, ignore_index=True))


def _config(models: tuple[str, ...]) -> RunConfig:
    return RunConfig(
        lookback_days=14,
        levels=(SeriesLevel.BUILDING, SeriesLevel.CLUSTER),
        pipeline=PipelineConfig(models=models, backtest=BacktestConfig(folds=2)),
    )


def test_runs_store_forecasts_with_quantiles_and_score_them_the_next_day(
    any_engine: Engine,
) -> None:
    _fill_store(any_engine)
    config = _config(("seasonal_naive_daily", "seasonal_naive_weekly", "climatology"))
    day1 = START + pd.Timedelta(days=14)

    first = run_forecasts(any_engine, issued_at=day1, config=config, scheduler=IN_PROCESS)
    second = run_forecasts(
        any_engine, issued_at=day1 + pd.Timedelta(days=1), config=config, scheduler=IN_PROCESS
    )

    assert first.n_series == 4
    assert first.n_failed == 0
    assert second.n_scored == 4
    with any_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Forecast)).scalar_one() == 2 * (
            96 + 24 + 96 + 24
        )
        n_quantiles = conn.execute(select(func.count()).select_from(ForecastQuantile)).scalar_one()
        assert n_quantiles == 3 * 2 * (96 + 24 + 96 + 24)
        statuses = set(conn.execute(select(ForecastSeriesRun.status)).scalars())
        assert statuses <= {SeriesRunStatus.OK, SeriesRunStatus.FALLBACK}
        assert conn.execute(select(func.count()).select_from(ForecastAccuracy)).scalar_one() == 4
    latest = latest_forecasts(any_engine, "cluster:heat_demand")
    assert len(latest) == 24
    assert pd.Timestamp(latest["target_ts"].iloc[0]) == day1 + pd.Timedelta(days=1)
    scores = accuracy_history(any_engine)
    assert (scores["n_points"] > 0).all()
    assert scores["mase"].between(0, 2).all()


@pytest.mark.slow
def test_a_local_dask_cluster_gives_the_same_forecasts_as_in_process(engine: Engine) -> None:
    _fill_store(engine)
    config = _config(
        ("seasonal_naive_daily", "seasonal_naive_weekly", "climatology", "lightgbm", "prophet")
    )
    config = config.model_copy(update={"levels": (SeriesLevel.CLUSTER,)})
    day1 = START + pd.Timedelta(days=14)

    here = run_forecasts(engine, issued_at=day1, config=config, scheduler=IN_PROCESS)
    dask = run_forecasts(engine, issued_at=day1, config=config, n_workers=2)

    assert [o.key for o in here.outcomes] == [o.key for o in dask.outcomes]
    for a, b in zip(here.outcomes, dask.outcomes, strict=True):
        assert a.model == b.model
        pd.testing.assert_frame_equal(a.forecast, b.forecast, check_exact=False, rtol=1e-9)


def test_kof_forecast_run_prints_one_json_document(
    engine: Engine,
    sqlite_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _fill_store(engine)
    monkeypatch.setenv("KOF_DATABASE_URL", sqlite_settings.database_url)
    issue = (START + pd.Timedelta(days=14)).isoformat()

    code = main(
        [
            "forecast",
            "run",
            "--issue-time",
            issue,
            "--levels",
            "cluster",
            "--lookback-days",
            "14",
            "--models",
            "seasonal_naive_daily,climatology",
            "--folds",
            "2",
            "--scheduler",
            IN_PROCESS,
            "--json",
        ]
    )

    out = capsys.readouterr()
    assert code == 0, out.err
    document = json.loads(out.out)
    assert document["n_series"] == 2
    assert set(document["series"]) == {"cluster:electric_demand", "cluster:heat_demand"}
    assert main(["forecast", "run", "--step", "1D", "--scheduler", IN_PROCESS]) == 2
