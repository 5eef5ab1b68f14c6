import numpy as np
import pandas as pd
import pytest

from forecasting.config import BacktestConfig, PipelineConfig
from forecasting.exceptions import EmptySeriesError, ForecastWarning, InsufficientHistoryError
from forecasting.model import History, quantile_column
from forecasting.pipeline import backtest_series, forecast_series
from tests.forecasting.conftest import split, synthetic_history

QUICK = PipelineConfig(
    models=("seasonal_naive_daily", "seasonal_naive_weekly", "climatology", "lightgbm"),
    backtest=BacktestConfig(folds=3),
)


def test_combined_forecast_beats_seasonal_naive_on_a_series_with_known_structure() -> None:
    history, _, _ = synthetic_history(days=42, noise=0.04, seed=3)

    report = backtest_series(
        history, 24, QUICK.model_copy(update={"backtest": BacktestConfig(folds=5)})
    )

    reference = report.metrics[report.combination.reference].mase
    assert report.combined.mase < 0.9 * reference
    document = report.as_dict()
    assert document["combined_mase_ratio_to_seasonal_naive"] < 0.9
    assert set(document["models"]) == set(QUICK.models)


def test_forecast_has_intervals_and_respects_non_negative_history() -> None:
    history, _, regressors = synthetic_history(days=30)
    train, future = split(history, regressors, history.y.index[-25], 24)

    outcome = forecast_series(train, future, QUICK)

    frame = outcome.forecast
    assert list(frame.columns) == ["yhat", *[quantile_column(q) for q in QUICK.quantiles]]
    assert frame.index.equals(future.index)
    assert (frame[quantile_column(0.1)] <= frame["yhat"]).all()
    assert (frame[quantile_column(0.9)] >= frame["yhat"]).all()
    assert (frame >= 0).all().all()
    assert outcome.combination is not None


def test_constant_series_forecasts_the_constant_with_a_warning() -> None:
    history, _, regressors = synthetic_history(days=10)
    flat = History(
        y=history.y * 0 + 4.2,
        regressors=history.regressors,
        step_s=3600,
        tz=history.tz,
        country="PL",
    )
    train, future = split(flat, regressors, flat.y.index[-25], 24)
    with pytest.warns(ForecastWarning, match="constant"):
        outcome = forecast_series(train, future, QUICK)
    assert outcome.model == "constant"
    assert np.allclose(outcome.forecast.to_numpy(), 4.2)


def test_too_little_history_is_an_error_or_a_documented_fallback() -> None:
    history, _, regressors = synthetic_history(days=5)
    empty = History(y=history.y * np.nan, regressors=history.regressors, step_s=3600, tz=history.tz)
    with pytest.raises(EmptySeriesError):
        forecast_series(*split(empty, regressors, history.y.index[-25], 24), QUICK)
    with pytest.raises(InsufficientHistoryError, match="one day"):
        forecast_series(*split(history, regressors, history.y.index[10], 24), QUICK)
    with pytest.warns(ForecastWarning, match="no backtest possible"):
        outcome = forecast_series(*split(history, regressors, history.y.index[-25], 24), QUICK)
    assert outcome.model == "seasonal_naive_daily"
    assert len(outcome.forecast) == 24


def test_a_single_model_is_used_without_a_backtest() -> None:
    history, _, regressors = synthetic_history(days=10)
    config = QUICK.model_copy(update={"models": ("climatology",)})
    outcome = forecast_series(*split(history, regressors, history.y.index[-25], 24), config)
    assert outcome.model == "climatology"
    assert outcome.backtest is None
    assert isinstance(outcome.forecast.index, pd.DatetimeIndex)
