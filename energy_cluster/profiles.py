"""Deterministic generators for scenario series: shaped profiles, PV, wind and heat demand.

Noise is an AR(1) process on an hourly grid counted from ``EPOCH``, so the value at a timestamp
depends only on the seed and the timestamp (every rolling window sees the same data). Solar,
wind and degree-day series are scaled over a reference calendar year to a published annual
figure (specific yield, capacity factor, annual heat).
"""

from __future__ import annotations

import functools
import logging

import holidays
import numpy as np
import pandas as pd
from scipy.signal import lfilter
from scipy.special import ndtr

from core.timeutil import LOCAL_TZ_NAME
from energy_cluster.config_series import DegreeDaySpec, ProfileSpec, SolarSpec, WindSpec

logger = logging.getLogger(__name__)

EPOCH = pd.Timestamp("2020-01-01T00:00Z")
MAX_HOURS = 24 * 366 * 21  # noise is defined from 2020 to 2040
WEIBULL_K = 2.0
# Relative clear-sky transmittance per month (calibrated, not measured): with it the generated
# PV year gives 76.7 % of its yield in April-September and 43.0 % in June-August, matching the
# published irradiation shares for Poland, 77 % and 43 % (prosolis.pl, REFERENCE_FIGURES.md s.10).
DEFAULT_CLEARNESS = [0.9, 0.9, 0.85, 0.8, 0.8, 0.78, 0.78, 0.8, 0.82, 0.85, 0.9, 0.9]
# Windier winters (assumption, consistent with ~40 % CF in Feb 2024 vs ~32 % annual: section 8).
DEFAULT_WIND_MONTHLY = [1.15, 1.15, 1.1, 1.0, 0.92, 0.88, 0.86, 0.88, 0.95, 1.03, 1.1, 1.15]
# Hot-water draw over the day, mean 1 (assumption: morning and evening peaks).
DEFAULT_DHW = [
    0.5, 0.4, 0.4, 0.4, 0.5, 0.8, 1.4, 1.6, 1.3, 1.1, 1.0, 1.0,
    1.0, 0.9, 0.9, 0.9, 1.0, 1.2, 1.5, 1.6, 1.4, 1.1, 0.8, 0.6,
]  # fmt: skip


@functools.lru_cache(maxsize=32)
def _ar1_hourly(seed: int, phi: float) -> np.ndarray:
    """A unit-variance AR(1) series, one value per hour since EPOCH."""
    rng = np.random.default_rng(seed)
    shocks = rng.standard_normal(MAX_HOURS) * np.sqrt(1.0 - phi * phi)
    return lfilter([1.0], [1.0, -phi], shocks)


def hourly_noise(index: pd.DatetimeIndex, seed: int, phi: float) -> np.ndarray:
    """AR(1) noise at each timestamp (constant within an hour).

    Raises:
        ValueError: a timestamp before 2020 or after 2040.
    """
    hours = ((index - EPOCH) // pd.Timedelta(hours=1)).to_numpy()
    if len(hours) and (hours.min() < 0 or hours.max() >= MAX_HOURS):
        raise ValueError("generated series are defined from 2020 to 2040")
    return _ar1_hourly(seed, phi)[hours]


def _local(index: pd.DatetimeIndex) -> pd.DatetimeIndex:
    return index.tz_convert(LOCAL_TZ_NAME)


def _day_off(local: pd.DatetimeIndex) -> np.ndarray:
    years = sorted(set(local.year))
    off_days = holidays.country_holidays("PL", years=years)
    dates = local.date
    holiday = np.fromiter((d in off_days for d in dates), dtype=bool, count=len(dates))
    return (local.dayofweek.to_numpy() >= 5) | holiday


def profile_values(spec: ProfileSpec, index: pd.DatetimeIndex) -> np.ndarray:
    """Evaluate a shaped profile at the interval starts ``index`` (aware)."""
    local = _local(index)
    hour = local.hour.to_numpy()
    month = local.month.to_numpy()
    off = _day_off(local) if spec.weekend_hourly is not None else np.zeros(len(index), bool)
    summer = (month >= 4) & (month <= 9)

    def shape_at(h: np.ndarray) -> np.ndarray:
        shape = np.asarray(spec.hourly)[h]
        if spec.summer_hourly is not None:
            shape = np.where(summer & ~off, np.asarray(spec.summer_hourly)[h], shape)
        if spec.weekend_hourly is not None:
            shape = np.where(off, np.asarray(spec.weekend_hourly)[h], shape)
        return shape

    values = shape_at(hour)
    if spec.interpolate:
        frac = local.minute.to_numpy() / 60.0
        values = values + (shape_at((hour + 1) % 24) - values) * frac
    if spec.monthly is not None:
        values = values * np.asarray(spec.monthly)[month - 1]
    if spec.noise_rel_sd:
        values = values * (
            1.0 + spec.noise_rel_sd * hourly_noise(index, spec.seed, spec.noise_autocorr)
        )
    values = values * spec.scale
    if spec.floor is not None:
        values = np.maximum(values, spec.floor)
    return values


def _year_index(year: int) -> pd.DatetimeIndex:
    start = pd.Timestamp(f"{year}-01-01").tz_localize(LOCAL_TZ_NAME).tz_convert("UTC")
    end = pd.Timestamp(f"{year + 1}-01-01").tz_localize(LOCAL_TZ_NAME).tz_convert("UTC")
    return pd.date_range(start, end, freq="1h", inclusive="left")


def _solar_raw(spec: SolarSpec, index: pd.DatetimeIndex, step_h: float) -> np.ndarray:
    mid = index + pd.Timedelta(hours=step_h / 2)
    doy = mid.dayofyear.to_numpy()
    utc_hour = mid.hour.to_numpy() + mid.minute.to_numpy() / 60.0
    decl = np.radians(23.45) * np.sin(2 * np.pi * (284 + doy) / 365.0)
    omega = np.radians(15.0 * (utc_hour + spec.longitude_deg / 15.0 - 12.0))
    lat = np.radians(spec.latitude_deg)
    cosz = np.sin(lat) * np.sin(decl) + np.cos(lat) * np.cos(decl) * np.cos(omega)
    cosz = np.clip(cosz, 0.0, 1.0)
    air_mass = 1.0 / np.maximum(cosz, 0.05)
    clear = cosz * 0.7 ** (air_mass**0.678)
    clearness = np.asarray(spec.monthly_clearness or DEFAULT_CLEARNESS)[_local(mid).month - 1]
    day = ((mid - EPOCH) // pd.Timedelta(days=1)).to_numpy()
    daily = _ar1_hourly(spec.seed + 7919, 0.6)[day]  # a daily cloud state, correlated day to day
    within = hourly_noise(index, spec.seed, 0.8)
    cloud = np.clip(0.75 + spec.cloud_sd * daily + 0.1 * within, 0.08, 1.0)
    return clear * clearness * cloud


@functools.lru_cache(maxsize=32)
def _solar_scale(spec_json: str) -> float:
    spec = SolarSpec.model_validate_json(spec_json)
    raw = _solar_raw(spec, _year_index(spec.reference_year), 1.0)
    target = spec.annual_yield_kwh_per_kwp / 1000.0 * 1000.0  # full-load hours
    scale = target / raw.sum()
    for _ in range(30):  # clipping at 1 lowers the yield: fixed-point correction
        got = np.minimum(1.0, scale * raw).sum()
        if abs(got - target) < 1e-6 * target:
            break
        scale *= target / got
    return float(scale)


def solar_capacity_factor(spec: SolarSpec, index: pd.DatetimeIndex, step_h: float) -> np.ndarray:
    """PV output per installed MW over each interval (0..1)."""
    scale = _solar_scale(spec.model_dump_json())
    return np.minimum(1.0, scale * _solar_raw(spec, index, step_h))


def _power_curve(speed: np.ndarray, spec: WindSpec) -> np.ndarray:
    ci, rated, co = spec.cut_in_m_per_s, spec.rated_m_per_s, spec.cut_out_m_per_s
    ramp = (speed**3 - ci**3) / (rated**3 - ci**3)
    out = np.where(speed < ci, 0.0, np.where(speed < rated, ramp, 1.0))
    return np.where(speed >= co, 0.0, out)


def _wind_speed(spec: WindSpec, index: pd.DatetimeIndex, scale_m_per_s: float) -> np.ndarray:
    z = hourly_noise(index, spec.seed, spec.autocorr_per_h)
    u = np.clip(ndtr(z), 1e-9, 1 - 1e-9)
    monthly = np.asarray(spec.monthly_speed_factor or DEFAULT_WIND_MONTHLY)
    factor = monthly[_local(index).month - 1]
    return scale_m_per_s * factor * (-np.log1p(-u)) ** (1.0 / WEIBULL_K)


@functools.lru_cache(maxsize=32)
def _wind_scale(spec_json: str) -> float:
    spec = WindSpec.model_validate_json(spec_json)
    index = _year_index(spec.reference_year)
    low, high = 0.5, 40.0
    for _ in range(60):
        mid = 0.5 * (low + high)
        cf = _power_curve(_wind_speed(spec, index, mid), spec).mean()
        low, high = (mid, high) if cf < spec.capacity_factor else (low, mid)
    return 0.5 * (low + high)


def wind_capacity_factor(spec: WindSpec, index: pd.DatetimeIndex) -> np.ndarray:
    """Wind output per installed MW (0..1)."""
    return _power_curve(_wind_speed(spec, index, _wind_scale(spec.model_dump_json())), spec)


def _temperature(spec: DegreeDaySpec, index: pd.DatetimeIndex) -> np.ndarray:
    local = _local(index)
    doy = local.dayofyear.to_numpy() + local.hour.to_numpy() / 24.0
    mids = np.array([15.5 + 30.4 * m for m in range(12)])
    means = np.asarray(spec.monthly_mean_temperature_degc)
    seasonal = np.interp(doy, np.r_[mids - 365, mids, mids + 365], np.r_[means, means, means])
    diurnal = spec.diurnal_amplitude_k * np.cos(2 * np.pi * (local.hour.to_numpy() - 15) / 24.0)
    weather = spec.weather_sd_k * hourly_noise(index, spec.seed, 0.985)
    return seasonal + diurnal + weather


@functools.lru_cache(maxsize=32)
def _degree_day_scale(spec_json: str) -> tuple[float, float]:
    spec = DegreeDaySpec.model_validate_json(spec_json)
    index = _year_index(spec.reference_year)
    kelvin_hours = np.maximum(0.0, spec.heating_limit_degc - _temperature(spec, index)).sum()
    base_mw = spec.annual_mwh * spec.dhw_share / len(index)
    mw_per_k = spec.annual_mwh * (1.0 - spec.dhw_share) / kelvin_hours
    return base_mw, mw_per_k


def degree_day_heat(spec: DegreeDaySpec, index: pd.DatetimeIndex) -> np.ndarray:
    """Heat demand in MW: hot-water base plus space heating below the heating limit."""
    base_mw, mw_per_k = _degree_day_scale(spec.model_dump_json())
    dhw = np.asarray(spec.dhw_hourly or DEFAULT_DHW)
    dhw = dhw / dhw.mean()
    hour = _local(index).hour.to_numpy()
    heating = np.maximum(0.0, spec.heating_limit_degc - _temperature(spec, index))
    return base_mw * dhw[hour] + mw_per_k * heating
