import numpy as np
import pandas as pd
import pytest

from forecasting.baselines import SeasonalNaive
from forecasting.exceptions import InsufficientHistoryError
from forecasting.model import Future, History, RegressorRole, future_index, quantile_column
from forecasting.seasonal_ridge import SeasonalRidge
from tests.forecasting.conftest import load_profile

TZ = "Europe/Amsterdam"


def _net_load(days: int, seed: int = 4) -> tuple[History, pd.Series, pd.DataFrame]:
    """15-minute net load of a substation with PV: demand minus 0.02 x irradiance.

    The irradiance of each day is the clear-sky bell times a random cloudiness, so copying the
    same hour of another day misses the PV by the difference in cloudiness.
    """
    rng = np.random.default_rng(seed)
    index = pd.date_range("2021-08-02T00:00+02:00", periods=days * 96, freq="15min")
    index = index.tz_convert("UTC")
    wall = index.tz_convert(TZ)
    hour = np.asarray(wall.hour + wall.minute / 60.0)
    clear_sky = np.clip(np.sin(np.pi * (hour - 6.0) / 14.0), 0.0, None) * 800.0
    cloudiness = np.repeat(rng.uniform(0.1, 1.0, days), 96)
    radiation = clear_sky * cloudiness
    demand = 20.0 * load_profile(index, TZ) + rng.normal(0, 0.2, len(index))
    y = pd.Series(demand - 0.02 * radiation, index=index)
    regressors = pd.DataFrame({"radiation": radiation}, index=index)
    history = History(
        y=y,
        regressors=regressors,
        step_s=900,
        tz=TZ,
        country="NL",
        roles={"radiation": RegressorRole.IRRADIANCE},
    )
    return history, y, regressors


def test_the_weather_correction_beats_the_seasonal_naive_on_a_pv_substation() -> None:
    history, y, regressors = _net_load(days=42)
    origin = history.y.index[-97]
    train = history.head_until(origin)
    index = future_index(origin, 900, 96)
    future = Future(index=index, regressors=regressors.reindex(index))
    actual = y.reindex(index).to_numpy()

    model = SeasonalRidge().fit(train, 96)
    forecast = model.predict(future, (0.1, 0.5, 0.9))
    naive = SeasonalNaive(period_days=7).fit(train, 96).predict(future)["yhat"].to_numpy()

    ridge_mae = np.abs(forecast["yhat"].to_numpy() - actual).mean()
    naive_mae = np.abs(naive - actual).mean()
    assert np.isfinite(model.alpha)
    assert ridge_mae < 0.5 * naive_mae
    assert (forecast[quantile_column(0.1)] <= forecast[quantile_column(0.9)]).all()


def test_without_a_driver_the_correction_stays_close_to_the_seasonal_naive() -> None:
    history, _, _ = _net_load(days=42)
    plain = History(
        y=history.y, regressors=pd.DataFrame(index=history.y.index), step_s=900, tz=TZ, country=""
    )
    index = future_index(plain.end, 900, 96)
    future = Future(index=index, regressors=pd.DataFrame(index=index))

    forecast = SeasonalRidge().fit(plain, 96).predict(future)["yhat"].to_numpy()

    assert np.isfinite(forecast).all()
    spread = plain.y.std()
    assert np.abs(forecast - plain.y.iloc[-96:].to_numpy()).mean() < spread


def test_too_short_a_history_is_refused() -> None:
    history, _, _ = _net_load(days=6)
    with pytest.raises(InsufficientHistoryError):
        SeasonalRidge().fit(history, 96)
