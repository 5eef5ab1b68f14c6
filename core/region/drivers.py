"""What every profile of the period shares: time grids, weather, heating driver, daily shapes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from core.region import figures as fig
from core.region.noise import ar1_filter, phi_for, seasonal_cosine
from core.region.timegrid import SATURDAY, SUNDAY_OR_HOLIDAY, WORKDAY, TimeGrid, build_time_grid
from core.region.weather import Weather, generate_weather, reference_weather

# Daily shapes as Gaussian bumps: (centre local hour, width h, height) over a floor.
Bumps = tuple[tuple[float, float, float], ...]
ELECTRICITY_SHAPE: dict[int, tuple[float, Bumps]] = {
    WORKDAY: (0.25, ((7.0, 1.0, 0.9), (13.0, 2.5, 0.35), (19.5, 2.0, 1.5), (22.5, 1.0, 0.3))),
    SATURDAY: (0.25, ((9.5, 1.5, 0.9), (13.5, 2.5, 0.7), (19.5, 2.0, 1.3))),
    SUNDAY_OR_HOLIDAY: (0.25, ((9.5, 1.5, 0.8), (13.5, 2.0, 0.9), (19.0, 2.2, 1.2))),
}
WATER_SHAPE: dict[int, tuple[float, Bumps]] = {
    WORKDAY: (0.12, ((7.0, 1.0, 2.2), (12.5, 2.0, 0.5), (20.0, 1.8, 1.6))),
    SATURDAY: (0.12, ((9.0, 1.5, 1.8), (13.0, 2.0, 0.8), (20.0, 1.8, 1.4))),
    SUNDAY_OR_HOLIDAY: (0.12, ((9.0, 1.5, 1.8), (13.0, 2.0, 0.8), (20.0, 1.8, 1.4))),
}
# Polish households cook the main meal (obiad) after work on weekdays, at midday on Sundays.
COOKING_SHAPE: dict[int, tuple[float, Bumps]] = {
    WORKDAY: (0.02, ((7.0, 0.7, 0.6), (15.5, 1.2, 1.0), (19.0, 1.0, 0.5))),
    SATURDAY: (0.02, ((9.0, 1.0, 0.7), (13.5, 1.2, 1.2), (19.0, 1.0, 0.4))),
    SUNDAY_OR_HOLIDAY: (0.02, ((9.0, 1.0, 0.7), (13.5, 1.2, 1.2), (19.0, 1.0, 0.4))),
}
# Heating driver: building time constant, heating-season switch on the 3-day mean temperature,
# solar gains per W/m² of smoothed irradiance and a wind (infiltration) term (assumptions).
_BUILDING_TAU_H = 18.0
_SEASON_TAU_H = 72.0
_SEASON_THRESHOLD_DEGC = 13.0
_SEASON_WIDTH_K = 3.0
_SOLAR_TAU_H = 12.0
_SOLAR_GAIN_K_PER_W_M2 = 0.012
_WIND_GAIN_PER_M_S = 0.02


def shape_table(shapes: dict[int, tuple[float, Bumps]], slots_per_day: int) -> np.ndarray:
    """Daily shapes (3 day types × slots) evaluated at slot midpoints, each summing to 1."""
    hours = (np.arange(slots_per_day) + 0.5) * 24.0 / slots_per_day
    table = np.zeros((3, slots_per_day))
    for day_type, (floor, bumps) in shapes.items():
        values = np.full(slots_per_day, floor)
        for centre, width, height in bumps:
            distance = (hours - centre + 12.0) % 24.0 - 12.0
            values += height * np.exp(-0.5 * (distance / width) ** 2)
        table[day_type] = values / values.sum()
    return table


def slot_of(grid: TimeGrid) -> np.ndarray:
    """Index of each interval within its local day's clock (0..slots_per_day-1)."""
    return (grid.local_hour * 3600.0 / grid.step_s).astype(np.int64)


def lookup(table: np.ndarray, grid: TimeGrid, shift_slots: np.ndarray | None = None) -> np.ndarray:
    """Evaluate a (day type × slot) table on the grid, optionally shifted per premise.

    Args:
        table: (3, slots_per_day) values.
        grid: the time grid.
        shift_slots: (n,) integer delay of each premise's routine, in slots.

    Returns:
        (T,) without a shift, else (n, T).
    """
    slots = slot_of(grid)
    if shift_slots is None:
        return table[grid.day_type, slots]
    shifted = (slots[None, :] - np.asarray(shift_slots)[:, None]) % table.shape[1]
    return table[grid.day_type[None, :], shifted]


def ema(values: np.ndarray, tau_h: float, step_h: float) -> np.ndarray:
    """Exponential moving average along the last axis, started at the first value."""
    phi = phi_for(tau_h, step_h)
    x = np.asarray(values, dtype=float)
    out = ar1_filter((1.0 - phi) * (x - x[..., :1]), phi)
    return out + x[..., :1]


def raw_heating_driver(
    t_air_degc: np.ndarray, ghi_w_per_m2: np.ndarray, wind_m_per_s: np.ndarray, step_h: float
) -> np.ndarray:
    """Heating degree-hours (K·h per step) below the 15 °C balance temperature.

    The building sees a smoothed outdoor temperature (thermal mass), less the free solar gains;
    heating runs in the season (3-day mean below ~13 °C, as DH operators and boilers do) and
    infiltration grows with wind.
    """
    t_building = ema(t_air_degc, _BUILDING_TAU_H, step_h)
    t_season = ema(t_air_degc, _SEASON_TAU_H, step_h)
    solar_k = _SOLAR_GAIN_K_PER_W_M2 * ema(ghi_w_per_m2, _SOLAR_TAU_H, step_h)
    season = np.clip((_SEASON_THRESHOLD_DEGC - t_season) / _SEASON_WIDTH_K + 0.5, 0.0, 1.0)
    deficit = np.clip(fig.HEATING_BALANCE_T_DEGC - t_building - solar_k, 0.0, None)
    wind = 1.0 + _WIND_GAIN_PER_M_S * (wind_m_per_s - fig.WIND_MEAN_M_PER_S)
    return deficit * season * np.clip(wind, 0.8, 1.3) * step_h


@lru_cache(maxsize=1)
def reference_heating_degree_hours() -> float:
    """Long-run annual sum of the heating driver (K·h/yr) on the reference weather."""
    ref = reference_weather()
    driver = raw_heating_driver(
        ref.hourly(ref.t_air_degc), ref.hourly(ref.ghi_w_per_m2), ref.hourly(ref.wind_m_per_s), 1.0
    )
    return float(driver.sum()) / (ref.grid.n_days / 365.25)


@dataclass(frozen=True)
class RegionContext:
    """The period's grids, weather and shared drivers.

    Attributes:
        grid15: 15-minute grid (electricity).
        grid_h: hourly grid (water, gas, heat).
        weather: the period's weather at 15 minutes.
        t_air_h: hourly mean air temperature, °C.
        heat_share_h: share of an average year's space heating in each hour (sums to ~1/yr).
        cold_water_t_degc_h: temperature of the cold water supply per hour.
    """

    grid15: TimeGrid
    grid_h: TimeGrid
    weather: Weather
    t_air_h: np.ndarray
    heat_share_h: np.ndarray
    cold_water_t_degc_h: np.ndarray

    @property
    def dhw_delta_t_k_h(self) -> np.ndarray:
        """Temperature rise of hot water per hour (supply 55 °C minus cold water)."""
        return fig.DHW_SUPPLY_T_DEGC - self.cold_water_t_degc_h


def build_context(start: dt.date, days: int, weather_rng: np.random.Generator) -> RegionContext:
    """Grids, weather and drivers for ``days`` local days from ``start``."""
    grid15 = build_time_grid(start, days, 900)
    grid_h = build_time_grid(start, days, 3600)
    weather = generate_weather(grid15, weather_rng)
    t_air_h = weather.hourly(weather.t_air_degc)
    driver = raw_heating_driver(
        t_air_h, weather.hourly(weather.ghi_w_per_m2), weather.hourly(weather.wind_m_per_s), 1.0
    )
    # Groundwater-fed supply: ~10 °C, a little warmer in late summer (assumption).
    cold = seasonal_cosine(
        grid_h.day_of_year - 45.0, fig.COLD_WATER_T_DEGC - 2.0, fig.COLD_WATER_T_DEGC + 2.0
    )
    return RegionContext(
        grid15, grid_h, weather, t_air_h, driver / reference_heating_degree_hours(), cold
    )
