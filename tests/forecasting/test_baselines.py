import numpy as np
import pandas as pd

from forecasting.baselines import Climatology, SeasonalNaive
from forecasting.model import Future, History, future_index, quantile_column
from tests.forecasting.conftest import load_profile, split, synthetic_history


def _periodic(days: int, step_s: int = 3600) -> History:
    index = pd.date_range(
        "2026-03-16T00:00+01:00", periods=days * 86_400 // step_s, freq=f"{step_s}s"
    ).tz_convert("UTC")
    y = pd.Series(load_profile(index), index=index)
    return History(
        y=y, regressors=pd.DataFrame(index=index), step_s=step_s, tz="Europe/Warsaw", country=""
    )


def test_seasonal_naive_repeats_the_local_profile_across_the_spring_change() -> None:
    history = _periodic(days=13)  # ends on Saturday 28 March; the horizon crosses the change
    index = future_index(history.end, 3600, 48)
    future = Future(index=index, regressors=pd.DataFrame(index=index))
    # daily: Sunday from Saturday (both weekend days); weekly: Sunday and Monday
    for period, steps in ((1, 24), (7, 48)):
        model = SeasonalNaive(period_days=period).fit(history, 48)
        forecast = model.predict(future, (0.1, 0.9))
        expected = load_profile(index)
        np.testing.assert_allclose(forecast["yhat"][:steps], expected[:steps], atol=1e-9)
        assert (forecast[quantile_column(0.1)] <= forecast["yhat"] + 1e-12).all()


def test_seasonal_naive_looks_further_back_over_a_gap() -> None:
    history = _periodic(days=10)
    y = history.y.copy()
    y.iloc[-24:] = np.nan  # the last day is missing
    gappy = History(y=y, regressors=history.regressors, step_s=3600, tz=history.tz, country="")
    index = future_index(history.end, 3600, 24)

    forecast = SeasonalNaive(1).fit(gappy, 24).predict(Future(index, pd.DataFrame(index=index)))

    np.testing.assert_allclose(forecast["yhat"], load_profile(index), atol=1e-9)


def test_climatology_learns_workday_and_weekend_profiles_and_intervals_cover() -> None:
    history, _, regressors = synthetic_history(days=42, with_temperature=False, noise=0.03)
    train, future = split(history, regressors, history.y.index[-169], 168)
    actual = history.y.reindex(future.index)

    forecast = Climatology().fit(train, 168).predict(future, (0.1, 0.5, 0.9))

    error = np.abs(forecast["yhat"] - actual).mean() / actual.mean()
    assert error < 0.1
    inside = (actual >= forecast[quantile_column(0.1)]) & (actual <= forecast[quantile_column(0.9)])
    assert 0.6 <= inside.mean() <= 0.98
