"""Weather of the reference region against the published Kielce climate (pure, no database)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from core.region import figures as fig
from core.region.timegrid import build_time_grid
from core.region.weather import Weather, generate_weather, ghi_calibration, monthly_curve

# Named tolerances per quantity.
MONTHLY_MEAN_TOL_K = 1.0  # 20-year mean of a month vs the Kielce table (rounded to 0.5 K)
CURVE_MONTH_TOL_K = 0.2  # climatology curve vs the table
GHI_ANNUAL_RANGE_KWH_PER_M2 = (1000.0, 1070.0)  # pgie.pl 1,022-1,048 ± inter-annual spread
GHI_SINGLE_YEAR_RANGE_KWH_PER_M2 = (900.0, 1170.0)
APR_SEP_SHARE_TOL = 0.04


@pytest.fixture(scope="module")
def twenty_years() -> Weather:
    grid = build_time_grid(dt.date(2030, 1, 1), 7305, 900)
    return generate_weather(grid, np.random.default_rng(12345))


def _daily_means(weather: Weather, values: np.ndarray) -> np.ndarray:
    grid = weather.grid
    return grid.daily_sum(values) / grid.steps_per_day


def test_climatology_curve_keeps_the_monthly_means() -> None:
    edges = np.cumsum([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    doy = np.arange(0, 365, 1 / 24) + 1 / 48
    curve = monthly_curve(fig.MONTHLY_T_MEAN_DEGC, doy)
    for month in range(12):
        in_month = (doy >= edges[month]) & (doy < edges[month + 1])
        assert curve[in_month].mean() == pytest.approx(
            fig.MONTHLY_T_MEAN_DEGC[month], abs=CURVE_MONTH_TOL_K
        )


def test_monthly_mean_temperatures_match_kielce(twenty_years: Weather) -> None:
    for month in range(1, 13):
        mean = twenty_years.t_air_degc[twenty_years.grid.month == month].mean()
        assert mean == pytest.approx(fig.MONTHLY_T_MEAN_DEGC[month - 1], abs=MONTHLY_MEAN_TOL_K)


def test_daily_cycle_follows_the_monthly_spread(twenty_years: Weather) -> None:
    grid = twenty_years.grid
    daily_max = np.maximum.reduceat(twenty_years.t_air_degc, grid.day_starts)
    daily_min = np.minimum.reduceat(twenty_years.t_air_degc, grid.day_starts)
    month = np.array([d.month for d in grid.dates])
    spread = {m: float((daily_max - daily_min)[month == m].mean()) for m in (1, 7)}
    published = {m: fig.MONTHLY_T_MAX_DEGC[m - 1] - fig.MONTHLY_T_MIN_DEGC[m - 1] for m in (1, 7)}
    assert spread[7] > spread[1]
    for m in (1, 7):
        # the published spread is of mean min/max; a day's own range is a little wider
        assert published[m] * 0.8 < spread[m] < published[m] * 1.8


def test_temperature_anomalies_persist_for_days_and_are_larger_in_winter(
    twenty_years: Weather,
) -> None:
    grid = twenty_years.grid
    daily = _daily_means(twenty_years, twenty_years.t_air_degc)
    doy = np.array([d.timetuple().tm_yday for d in grid.dates]) - 0.5
    anomaly = daily - monthly_curve(fig.MONTHLY_T_MEAN_DEGC, doy)
    lag1 = np.corrcoef(anomaly[:-1], anomaly[1:])[0, 1]
    lag7 = np.corrcoef(anomaly[:-7], anomaly[7:])[0, 1]
    assert lag1 > 0.6  # weather, not white noise
    assert 0.0 < lag7 < lag1
    month = np.array([d.month for d in grid.dates])
    winter = anomaly[np.isin(month, (12, 1, 2))].std()
    summer = anomaly[np.isin(month, (6, 7, 8))].std()
    assert winter > summer * 1.2
    assert twenty_years.t_air_degc.min() > fig.T_EXTREME_MIN_DEGC - 3
    assert twenty_years.t_air_degc.max() < fig.T_EXTREME_MAX_DEGC + 3


def test_irradiation_sum_and_season_match_central_poland(twenty_years: Weather) -> None:
    grid = twenty_years.grid
    ghi_kwh = twenty_years.ghi_w_per_m2 * grid.step_h / 1000.0
    years = np.array([d.year for d in grid.dates])[grid.day_index]
    annual = np.array([ghi_kwh[years == y].sum() for y in np.unique(years)])
    lo, hi = GHI_ANNUAL_RANGE_KWH_PER_M2
    assert lo < annual.mean() < hi
    assert (annual > GHI_SINGLE_YEAR_RANGE_KWH_PER_M2[0]).all()
    assert (annual < GHI_SINGLE_YEAR_RANGE_KWH_PER_M2[1]).all()
    apr_sep = ghi_kwh[(grid.month >= 4) & (grid.month <= 9)].sum() / ghi_kwh.sum()
    assert apr_sep == pytest.approx(fig.GHI_SHARE_APR_SEP, abs=APR_SEP_SHARE_TOL)
    assert (twenty_years.ghi_w_per_m2 >= 0).all()
    assert twenty_years.ghi_w_per_m2[twenty_years.sun_elevation_deg < -1].max() == 0.0
    assert 0.5 < ghi_calibration() < 1.5  # Haurwitz needs little correction at Kielce


def test_irradiance_is_persistent_not_white_noise(twenty_years: Weather) -> None:
    daily = _daily_means(twenty_years, twenty_years.ghi_w_per_m2)
    clim = np.convolve(daily, np.ones(31) / 31, mode="same")
    anomaly = (daily - clim)[30:-30]
    assert np.corrcoef(anomaly[:-1], anomaly[1:])[0, 1] > 0.2


def test_wind_is_rayleigh_like_in_the_published_range(twenty_years: Weather) -> None:
    wind = twenty_years.wind_m_per_s
    lo, hi = fig.WIND_RANGE_M_PER_S
    assert lo <= wind.mean() <= hi
    assert wind.min() >= 0.0
    # Rayleigh (Weibull k=2): SD/mean = 0.523
    assert wind.std() / wind.mean() == pytest.approx(0.523, abs=0.08)
    assert np.corrcoef(wind[:-4], wind[4:])[0, 1] > 0.8  # hour-to-hour persistence


@pytest.mark.parametrize(("day", "hours"), [("2026-03-29", 23), ("2026-10-25", 25)])
def test_hourly_weather_frame_has_the_local_day_length(day: str, hours: int) -> None:
    grid = build_time_grid(dt.date.fromisoformat(day), 1, 900)
    frame = generate_weather(grid, np.random.default_rng(1)).to_frame()
    assert len(frame) == hours
    assert frame["station"].eq(fig.WEATHER_STATION).all()
    assert str(frame["ts"].dtype) == "datetime64[ns, UTC]"
    assert np.isfinite(frame[["t_air_degc", "ghi_w_per_m2", "wind_m_per_s"]].to_numpy()).all()
