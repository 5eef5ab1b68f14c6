"""On real measurements (../shared/data): the combined forecast beats seasonal naive in MASE.

Subsets keep the suite short: six weeks of every Dutch substation but the all-but-constant WLS
(15 min, with radiation and wind regressors, day-ahead; HFDP is the one where, before the
seasonal ridge and the fixed ensembles, nothing beat the weekly seasonal naive) and four months
of the Danish heat meter (hourly, day-ahead). The combination is nested cross-validated (the
choice and the weights used on a fold are made on the other folds), so the comparison is
honest. ``benchmarks/forecast_accuracy.py`` prints the same figures for more windows.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from forecasting.config import BacktestConfig, PipelineConfig
from forecasting.exceptions import ForecastWarning
from forecasting.horizon import split_history
from forecasting.pipeline import backtest_series, forecast_series
from forecasting.prepare import prepare_frame
from tests.forecasting.conftest import HEAT_METER, read_substation, require_data


def _substation(name: str):
    return prepare_frame(
        read_substation(name),
        time_col="datetime",
        target="total_substation",
        regressors=("radiation", "windspeed_100m"),
        source=name,
    )


SUBSTATIONS_WITH_LOAD = ("HAL", "HFDP", "LLS", "MNZL", "NRYN", "OWD", "WEW", "WHF", "WWF")


@pytest.mark.parametrize("name", SUBSTATIONS_WITH_LOAD)
def test_combined_beats_seasonal_naive_on_dutch_substations(name: str) -> None:
    require_data()
    prepared = _substation(name)
    split = split_history(
        prepared,
        train_until=pd.Timestamp("2021-10-31T00:00Z"),
        horizon_steps=0,
        calendar_tz="Europe/Amsterdam",
        country="NL",
    )
    history = split.history.tail_days(42)

    report = backtest_series(history, 96, PipelineConfig(backtest=BacktestConfig(folds=3)))

    naive = min(report.metrics[m].mase for m in ("seasonal_naive_daily", "seasonal_naive_weekly"))
    assert report.combined.mase < naive
    assert 0.6 <= report.combined.coverage <= 0.95


def test_combined_beats_seasonal_naive_on_the_danish_heat_meter() -> None:
    require_data()
    prepared = prepare_frame(
        pd.read_csv(HEAT_METER),
        time_col="time_rounded",
        target="energy_heat_kwh",
        cumulative=True,
        source="danish_heat_meter",
    )
    split = split_history(
        prepared,
        train_until=pd.Timestamp("2019-12-01T00:00Z"),
        horizon_steps=0,
        calendar_tz="Europe/Copenhagen",
        country="DK",
    )
    history = split.history.tail_days(120)

    report = backtest_series(history, 24, PipelineConfig(backtest=BacktestConfig(folds=6)))

    naive = min(report.metrics[m].mase for m in ("seasonal_naive_daily", "seasonal_naive_weekly"))
    assert report.combined.mase < naive


def test_a_substation_that_is_almost_always_zero_still_gets_a_sane_forecast() -> None:
    require_data()
    prepared = _substation("WLS")
    split = split_history(
        prepared,
        train_until=pd.Timestamp("2021-10-20T00:00Z"),
        horizon_steps=96,
        calendar_tz="Europe/Amsterdam",
        country="NL",
    )
    config = PipelineConfig(
        models=("seasonal_naive_daily", "seasonal_naive_weekly", "climatology", "lightgbm"),
        backtest=BacktestConfig(folds=2),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ForecastWarning)
        outcome = forecast_series(split.history.tail_days(28), split.future, config)
    history_max = split.history.y.abs().max()
    assert outcome.forecast["yhat"].abs().max() <= history_max
    assert outcome.forecast.notna().all().all()
