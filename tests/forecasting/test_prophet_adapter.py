import warnings

import numpy as np
import pandas as pd

from forecasting.config import ProphetConfig
from forecasting.metrics import mae
from forecasting.model import quantile_column
from forecasting.prophet_adapter import ProphetForecaster
from tests.forecasting.conftest import split, synthetic_history


def test_speed_tuned_prophet_fits_warm_and_samples_only_for_intervals() -> None:
    history, _, regressors = synthetic_history(days=28, noise=0.02)
    model = ProphetForecaster(ProphetConfig())
    first, future = split(history, regressors, history.y.index[-49], 24)

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing from Prophet or cmdstanpy leaks out
        model.fit(first, 24)
        point = model.predict(future)
    assert not model.last_fit_warm
    assert list(point.columns) == ["yhat"]
    assert model._model.uncertainty_samples == 0
    assert "public_holiday" in set(model._model.holidays["holiday"])
    assert {"daily_workday", "daily_offday", "weekly"} <= set(model._model.seasonalities)
    assert "yearly" not in model._model.seasonalities
    assert "t_air_degc__hdh" in model._model.extra_regressors

    second, future2 = split(history, regressors, history.y.index[-25], 24)
    model.fit(second, 24)
    forecast = model.predict(future2, (0.1, 0.5, 0.9))
    again = model.predict(future2, (0.1, 0.5, 0.9))
    assert model.last_fit_warm
    assert model._model.uncertainty_samples == 0
    pd.testing.assert_frame_equal(forecast, again)  # seeded sampling
    assert (forecast[quantile_column(0.1)] < forecast[quantile_column(0.9)]).all()
    actual = history.y.reindex(future2.index).to_numpy()
    assert mae(actual, forecast["yhat"].to_numpy()) < 0.15 * np.mean(actual)


def test_default_prophet_keeps_the_library_settings() -> None:
    history, _, regressors = synthetic_history(days=10, noise=0.02)
    train, future = split(history, regressors, history.y.index[-25], 24)
    model = ProphetForecaster(ProphetConfig(speed_tuned=False), name="prophet_default").fit(
        train, 24
    )
    assert model._model.n_changepoints == 25
    assert model._model.uncertainty_samples == 1000
    assert "weekly" not in model._model.seasonalities  # ten days: too short for a weekly cycle
    assert len(model.predict(future, (0.1, 0.9))) == 24
