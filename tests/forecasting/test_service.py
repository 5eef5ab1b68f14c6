"""The scheduled run on a small store: forecasts stored, past ones scored, Dask = in process."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select

from core.cli_main import main
from core.settings import Settings
from forecasting.config import BacktestConfig, PipelineConfig
from forecasting.distributed import IN_PROCESS
from forecasting.jobs import RunConfig
from forecasting.model import SeriesLevel, SeriesRunStatus
from forecasting.models import Forecast, ForecastAccuracy, ForecastQuantile, ForecastSeriesRun
from forecasting.service import run_forecasts
from forecasting.store_io import accuracy_history, latest_forecasts
from tests.forecasting.conftest import START, fill_store


def _config(models: tuple[str, ...]) -> RunConfig:
    return RunConfig(
        lookback_days=14,
        levels=(SeriesLevel.BUILDING, SeriesLevel.CLUSTER),
        pipeline=PipelineConfig(models=models, backtest=BacktestConfig(folds=2)),
    )


def test_runs_store_forecasts_with_quantiles_and_score_them_the_next_day(
    any_engine: Engine,
) -> None:
    fill_store(any_engine)
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
    fill_store(engine)
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
    fill_store(engine)
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
