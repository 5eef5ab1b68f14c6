"""Synthetic hourly weather for Kielce-Suków: air temperature, global irradiance, wind.

Temperature = climatology (the monthly means and min/max spreads of REF §10, interpolated
smoothly so that every month keeps its published mean) + a daily cycle whose amplitude follows
the monthly min/max spread and the day's cloudiness + anomalies from three AR(1) processes
(3 h, 3 days, 15 days; larger in winter). Irradiance = clear-sky irradiance from the solar
geometry at Kielce (Haurwitz model) × a persistent clear-sky index, calibrated once so that the
long-run annual sum is the published central-Poland value. Wind = the modulus of two
persistent Gaussian components (a Rayleigh, i.e. Weibull k = 2, distribution).

The series are produced at 15-minute resolution (PV needs it) and stored as hourly means.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from core.region import figures as fig
from core.region.noise import ar1_gaussian, seasonal_cosine
from core.region.timegrid import TimeGrid, build_time_grid

# Month boundaries of a 365-day year, in days from 1 January.
_MONTH_EDGES = np.cumsum([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]).astype(float)
_N_HARMONICS = 4  # 9 coefficients fitted to 12 monthly values: smooth, months kept to ~0.15 K
# Clear-sky index range and its seasonal logit offset (calibrated so that Apr-Sep holds ~77 %
# of the annual irradiation, REF §10 prosolis.pl).
_KC_MIN, _KC_MAX = 0.08, 1.05
_KC_LOGIT_WINTER, _KC_LOGIT_SUMMER = -0.45, 0.3
_KC_LOGIT_GAIN = 1.5
_CLOUD_SLOW_TAU_H, _CLOUD_FAST_TAU_H, _CLOUD_FAST_SD = 36.0, 2.0, 0.6
_WIND_TAU_H = 10.0
_WIND_DIURNAL_GAIN = 0.15
_T_MAX_SOLAR_HOUR = 14.5
_REFERENCE_SEED = 20_011_231
_REFERENCE_START = dt.date(2001, 1, 1)
_REFERENCE_DAYS = 3652  # ten years, 2001-2010


def _basis(day_of_year: np.ndarray) -> np.ndarray:
    """Fourier basis (n, 9): 1 and cos/sin of the annual harmonics 1..4."""
    w = 2.0 * np.pi * np.asarray(day_of_year, dtype=float)[..., None] / 365.0
    cols = [np.ones_like(w)]
    for k in range(1, _N_HARMONICS + 1):
        cols += [np.cos(k * w), np.sin(k * w)]
    return np.concatenate(cols, axis=-1)


@lru_cache(maxsize=8)
def _monthly_coefficients(monthly: tuple[float, ...]) -> np.ndarray:
    # Month-average of each basis function on a fine grid; least squares so the curve's
    # monthly averages match the given monthly values (within ~0.15 for the Kielce table).
    fine = np.arange(0.0, 365.0, 1.0 / 24.0) + 1.0 / 48.0
    month_of = np.searchsorted(_MONTH_EDGES, fine, side="right") - 1
    basis = _basis(fine)
    averages = np.stack([basis[month_of == m].mean(axis=0) for m in range(12)])
    coefficients, *_ = np.linalg.lstsq(averages, np.asarray(monthly, dtype=float), rcond=None)
    return coefficients


def monthly_curve(monthly: tuple[float, ...], day_of_year: np.ndarray) -> np.ndarray:
    """Smooth periodic curve through 12 monthly means, keeping each month's mean (±0.15).

    Example:
        >>> curve = monthly_curve(fig.MONTHLY_T_MEAN_DEGC, np.arange(0, 31, 1 / 24))
        >>> round(float(curve.mean()), 2)
        -2.49
    """
    return _basis(day_of_year) @ _monthly_coefficients(tuple(monthly))


def solar_geometry(utc: pd.DatetimeIndex, step_s: int) -> tuple[np.ndarray, np.ndarray]:
    """Cosine of the solar zenith angle and the solar hour at interval midpoints in Kielce.

    NOAA / Spencer (1971) formulas for declination and equation of time.

    Returns:
        (cos_zenith, solar_hour): arrays of the grid's length.
    """
    mid = utc + pd.Timedelta(seconds=step_s / 2)
    hour_utc = (mid.hour + mid.minute / 60.0 + mid.second / 3600.0).to_numpy(dtype=float)
    gamma = 2.0 * np.pi / 365.0 * (mid.dayofyear.to_numpy() - 1 + (hour_utc - 12.0) / 24.0)
    decl = (
        0.006918
        - 0.399912 * np.cos(gamma)
        + 0.070257 * np.sin(gamma)
        - 0.006758 * np.cos(2 * gamma)
        + 0.000907 * np.sin(2 * gamma)
        - 0.002697 * np.cos(3 * gamma)
        + 0.00148 * np.sin(3 * gamma)
    )
    eqtime_min = 229.18 * (
        0.000075
        + 0.001868 * np.cos(gamma)
        - 0.032077 * np.sin(gamma)
        - 0.014615 * np.cos(2 * gamma)
        - 0.040849 * np.sin(2 * gamma)
    )
    solar_hour = (hour_utc + (eqtime_min + 4.0 * fig.KIELCE_LON_DEG) / 60.0) % 24.0
    hour_angle = np.radians(15.0 * (solar_hour - 12.0))
    lat = math.radians(fig.KIELCE_LAT_DEG)
    cos_zenith = np.sin(lat) * np.sin(decl) + np.cos(lat) * np.cos(decl) * np.cos(hour_angle)
    return cos_zenith, solar_hour


def clear_sky_ghi_w_per_m2(cos_zenith: np.ndarray) -> np.ndarray:
    """Haurwitz (1945) clear-sky global horizontal irradiance, W/m²."""
    cz = np.clip(cos_zenith, 0.0, None)
    with np.errstate(divide="ignore", over="ignore"):
        ghi = 1098.0 * cz * np.exp(-0.057 / np.where(cz > 0.0, cz, np.inf))
    return np.where(cz > 0.0, ghi, 0.0)


@dataclass(frozen=True)
class Weather:
    """Weather on a 15-minute grid (values are interval means).

    Attributes:
        grid: the 15-minute time grid.
        t_air_degc: air temperature.
        ghi_w_per_m2: global horizontal irradiance.
        wind_m_per_s: wind speed at 10 m.
        sun_elevation_deg: solar elevation at the interval midpoint.
    """

    grid: TimeGrid
    t_air_degc: np.ndarray
    ghi_w_per_m2: np.ndarray
    wind_m_per_s: np.ndarray
    sun_elevation_deg: np.ndarray

    def hourly(self, values: np.ndarray) -> np.ndarray:
        """Hourly means of a 15-minute series (the grid always holds whole hours)."""
        steps_per_hour = 3600 // self.grid.step_s
        return values.reshape(*values.shape[:-1], -1, steps_per_hour).mean(axis=-1)

    def to_frame(self, station: str = fig.WEATHER_STATION) -> pd.DataFrame:
        """Hourly rows for ``TimeSeriesStore.write_weather``."""
        hours = self.grid.utc[:: 3600 // self.grid.step_s]
        return pd.DataFrame(
            {
                "station": station,
                "ts": hours,
                "t_air_degc": np.round(self.hourly(self.t_air_degc), 1),
                "ghi_w_per_m2": np.round(self.hourly(self.ghi_w_per_m2), 0),
                "wind_m_per_s": np.round(self.hourly(self.wind_m_per_s), 1),
            }
        )


def _simulate(grid: TimeGrid, rng: np.random.Generator, ghi_scale: float) -> Weather:
    n, step_h, doy = grid.n_steps, grid.step_h, grid.day_of_year
    cos_zenith, solar_hour = solar_geometry(grid.utc, grid.step_s)
    elevation_deg = np.degrees(np.arcsin(np.clip(cos_zenith, -1.0, 1.0)))
    winter_weight = np.cos(2.0 * np.pi * (doy - 15.0) / 365.0)  # +1 mid-January, -1 mid-July

    # Cloudiness: a slow (synoptic) and a fast component; z > 0 is clearer than usual.
    cloud_slow = ar1_gaussian(rng, n, _CLOUD_SLOW_TAU_H, step_h)
    cloud = cloud_slow + ar1_gaussian(rng, n, _CLOUD_FAST_TAU_H, step_h, _CLOUD_FAST_SD)
    logit = seasonal_cosine(doy, _KC_LOGIT_WINTER, _KC_LOGIT_SUMMER) + _KC_LOGIT_GAIN * cloud
    clear_sky_index = _KC_MIN + (_KC_MAX - _KC_MIN) / (1.0 + np.exp(-logit))
    ghi = ghi_scale * clear_sky_ghi_w_per_m2(cos_zenith) * clear_sky_index

    # Temperature: climatology + daily cycle + anomalies.
    t_clim = monthly_curve(fig.MONTHLY_T_MEAN_DEGC, doy)
    spread = tuple(
        hi - lo for hi, lo in zip(fig.MONTHLY_T_MAX_DEGC, fig.MONTHLY_T_MIN_DEGC, strict=True)
    )
    half_range = 0.5 * monthly_curve(spread, doy) * np.clip(1.0 + 0.3 * cloud_slow, 0.4, 1.5)
    daily_cycle = half_range * np.cos(2.0 * np.pi * (solar_hour - _T_MAX_SOLAR_HOUR) / 24.0)
    synoptic_sd = seasonal_cosine(doy, fig.T_SYNOPTIC_SD_WINTER_DEGC, fig.T_SYNOPTIC_SD_SUMMER_DEGC)
    slow_sd = seasonal_cosine(doy, fig.T_SLOW_SD_WINTER_DEGC, fig.T_SLOW_SD_SUMMER_DEGC)
    anomaly = (
        ar1_gaussian(rng, n, fig.T_SYNOPTIC_TAU_H, step_h, synoptic_sd)
        + ar1_gaussian(rng, n, fig.T_SLOW_TAU_H, step_h, slow_sd)
        + ar1_gaussian(rng, n, fig.T_FAST_TAU_H, step_h, fig.T_FAST_SD_DEGC)
        - fig.T_CLOUD_COUPLING_DEGC * winter_weight * cloud_slow
    )
    t_air = t_clim + daily_cycle + anomaly

    # Wind: Rayleigh speed from two Gaussian components, a little windier by day.
    mean_wind = seasonal_cosine(
        doy,
        fig.WIND_MEAN_M_PER_S + fig.WIND_SEASONAL_AMPLITUDE_M_PER_S,
        fig.WIND_MEAN_M_PER_S - fig.WIND_SEASONAL_AMPLITUDE_M_PER_S,
    )
    component_sd = mean_wind / math.sqrt(math.pi / 2.0)
    u = ar1_gaussian(rng, n, _WIND_TAU_H, step_h, component_sd)
    v = ar1_gaussian(rng, n, _WIND_TAU_H, step_h, component_sd)
    daytime = np.clip(cos_zenith, 0.0, None)
    wind = np.hypot(u, v) * (1.0 + _WIND_DIURNAL_GAIN * (daytime - daytime.mean()))

    return Weather(grid, t_air, ghi, np.clip(wind, 0.0, None), elevation_deg)


@lru_cache(maxsize=1)
def _unscaled_reference() -> Weather:
    grid = build_time_grid(_REFERENCE_START, _REFERENCE_DAYS, 900)
    return _simulate(grid, np.random.default_rng(_REFERENCE_SEED), ghi_scale=1.0)


@lru_cache(maxsize=1)
def ghi_calibration() -> float:
    """Factor on the clear-sky model so the long-run annual GHI is the published value."""
    ref = _unscaled_reference()
    years = ref.grid.n_days / 365.25
    annual_kwh_per_m2 = float(ref.ghi_w_per_m2.sum()) * ref.grid.step_h / 1000.0 / years
    return fig.GHI_ANNUAL_TARGET_KWH_PER_M2 / annual_kwh_per_m2


@lru_cache(maxsize=1)
def reference_weather() -> Weather:
    """Ten calibrated years of weather with a fixed seed, used to normalise annual totals.

    Heat, gas and PV models divide by long-run sums over this series, so a building's annual
    demand matches its cited kWh/m²·yr in an average year, whatever the user's seed.
    """
    ref = _unscaled_reference()
    scale = ghi_calibration()
    return Weather(
        ref.grid, ref.t_air_degc, ref.ghi_w_per_m2 * scale, ref.wind_m_per_s, ref.sun_elevation_deg
    )


def generate_weather(grid: TimeGrid, rng: np.random.Generator) -> Weather:
    """Weather for the period of ``grid`` (15-minute resolution).

    Args:
        grid: the 15-minute grid of the period.
        rng: the weather's random generator (one stream per region seed).
    """
    if grid.step_s != 900:
        raise ValueError("weather is generated on the 15-minute grid")
    return _simulate(grid, rng, ghi_calibration())
