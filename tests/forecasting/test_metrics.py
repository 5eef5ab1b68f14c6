import numpy as np
import pandas as pd
import pytest

from forecasting.metrics import (
    coverage,
    mae,
    pinball_loss,
    rmse,
    score,
    seasonal_naive_scale,
    smape_percent,
)

TOL = 1e-12


def test_point_metrics_on_known_values() -> None:
    actual = np.array([1.0, 2.0, 0.0, np.nan])
    forecast = np.array([2.0, 2.0, 0.0, 5.0])
    assert mae(actual, forecast) == pytest.approx(1 / 3, abs=TOL)
    assert rmse(actual, forecast) == pytest.approx(np.sqrt(1 / 3), abs=TOL)
    assert smape_percent(actual, forecast) == pytest.approx(200 * (1 / 3) / 3, abs=TOL)


def test_pinball_and_coverage() -> None:
    actual = np.array([0.0, 10.0])
    assert pinball_loss(actual, np.array([5.0, 5.0]), 0.9) == pytest.approx((0.1 * 5 + 0.9 * 5) / 2)
    assert coverage(actual, np.array([-1.0, 0.0]), np.array([1.0, 5.0])) == 0.5


def test_mase_is_one_for_the_daily_seasonal_naive_in_sample() -> None:
    index = pd.date_range("2026-01-01", periods=24 * 6, freq="h", tz="UTC")
    rng = np.random.default_rng(1)
    y = pd.Series(rng.normal(size=len(index)), index=index)
    scale = seasonal_naive_scale(y, "UTC")
    lagged = y.shift(24).dropna()
    forecast = pd.DataFrame({"yhat": lagged.to_numpy()}, index=lagged.index)
    assert score(y, forecast, scale).mase == pytest.approx(1.0, rel=1e-9)
    assert np.isnan(seasonal_naive_scale(pd.Series(1.0, index=index), "UTC"))
