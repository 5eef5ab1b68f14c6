import numpy as np
import pandas as pd
import pytest

from forecasting.baselines import SeasonalNaive
from forecasting.exceptions import InsufficientHistoryError
from forecasting.features import lag_days
from forecasting.gbm import GbmForecaster
from forecasting.metrics import mae
from forecasting.model import quantile_column
from tests.forecasting.conftest import split, synthetic_history


def test_lags_are_always_observed_at_the_origin() -> None:
    assert lag_days(24, 24) == (1, 2, 7, 14)
    assert lag_days(25, 24) == (2, 3, 7, 14)
    assert lag_days(24 * 8, 24) == (8, 9, 14, 21)


def test_gbm_uses_the_temperature_and_beats_seasonal_naive() -> None:
    history, _, regressors = synthetic_history(days=42, noise=0.03)
    errors: dict[str, list[float]] = {"gbm": [], "naive": []}
    for origin in history.y.index[[-97, -73, -49, -25]]:
        train, future = split(history, regressors, origin, 24)
        actual = history.y.reindex(future.index).to_numpy()
        gbm = GbmForecaster().fit(train, 24).predict(future, (0.1, 0.9))
        naive = SeasonalNaive(1).fit(train, 24).predict(future)
        errors["gbm"].append(mae(actual, gbm["yhat"].to_numpy()))
        errors["naive"].append(mae(actual, naive["yhat"].to_numpy()))
        assert (gbm[quantile_column(0.1)] <= gbm[quantile_column(0.9)]).all()
    assert np.mean(errors["gbm"]) < 0.8 * np.mean(errors["naive"])


def test_gbm_is_deterministic_and_needs_three_days() -> None:
    history, _, regressors = synthetic_history(days=10)
    train, future = split(history, regressors, history.y.index[-25], 24)
    first = GbmForecaster().fit(train, 24).predict(future)
    second = GbmForecaster().fit(train, 24).predict(future)
    pd.testing.assert_frame_equal(first, second)
    with pytest.raises(InsufficientHistoryError, match="3 days"):
        GbmForecaster().fit(history.head_until(history.y.index[40]), 24)
