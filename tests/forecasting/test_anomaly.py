import numpy as np
import pandas as pd
import pytest

from forecasting.anomaly import anomaly_scores, pit_values, summarise

LEVELS = (0.1, 0.5, 0.9)


def _gaussian_forecast(n: int) -> pd.DataFrame:
    index = pd.date_range("2026-01-01", periods=n, freq="h", tz="UTC")
    z = {0.1: -1.2815515655446004, 0.5: 0.0, 0.9: 1.2815515655446004}
    return pd.DataFrame({"yhat": 10.0, **{f"q{q:g}": 10.0 + z[q] for q in LEVELS}}, index=index)


def test_pit_of_quantiles_and_gaussian_tails() -> None:
    qv = np.array([[9.0, 10.0, 11.0]] * 3)
    u = pit_values(np.array([10.0, 11.0, 13.0]), qv, LEVELS)
    assert u[0] == pytest.approx(0.5)
    assert u[1] == pytest.approx(0.9)
    assert u[2] > 0.99


def test_calibrated_actuals_score_low_and_an_injected_spike_scores_high() -> None:
    forecast = _gaussian_forecast(200)
    rng = np.random.default_rng(4)
    actual = pd.Series(10.0 + rng.normal(size=200), index=forecast.index)

    calm = summarise(anomaly_scores(actual, forecast, LEVELS), LEVELS)
    spiked = actual.copy()
    spiked.iloc[150] = 18.0
    scores = anomaly_scores(spiked, forecast, LEVELS)
    alarm = summarise(scores, LEVELS)

    assert 0.1 < calm.share_outside < 0.3
    assert calm.score < 2.0
    assert alarm.score > 8.0
    assert alarm.n_anomalous == 1
    assert bool(scores["is_anomaly"].iloc[150])
