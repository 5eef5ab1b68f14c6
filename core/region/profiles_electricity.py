"""Electricity at 15 minutes: households, public and commercial premises, rooftop PV.

Every function returns an array (n premises/systems, n quarter-hours) of kWh per interval and
draws its randomness from each premise's own generator, so results do not depend on how the
premises are batched. Annual totals are normalised on the reference weather (``weather.py``),
so an average year gives the cited figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from core.enums import HeatingSource, Tariff
from core.region import figures as fig
from core.region.behaviour import EXPECTED_AWAY_SHARE, Traits
from core.region.drivers import (
    ELECTRICITY_SHAPE,
    WATER_SHAPE,
    RegionContext,
    lookup,
    shape_table,
)
from core.region.noise import ar1_gaussian, compound_events, lognormal_factor, seasonal_cosine
from core.region.plans import PremisePlan
from core.region.timegrid import TimeGrid
from core.region.weather import reference_weather

_SLOTS = 96
_DAY_TYPE_FACTOR = np.array([0.96, 1.08, 1.06])  # workday, Saturday, Sunday/holiday (assumption)
_ACTIVITY_SEASON = (1.06, 0.94)  # winter / summer (assumption; lighting is modelled apart)
_EVENT_SHARE, _EVENT_MEAN_KWH = 0.35, 0.3  # appliance cycles: kettle, oven, washing machine
_NOISE_TAU_H, _NOISE_SIGMA = 0.75, 0.45
_DAY_NOISE_TAU_H, _DAY_NOISE_SIGMA = 36.0, 0.15
_BASE_NOISE_SIGMA = 0.15
_AWAY_ACTIVITY, _AWAY_LIGHT = 0.05, 0.1
_NON_RESIDENTIAL_SIGMA = 0.25  # spread of annual intensity between buildings (assumption)
OPEN_HOURS = {
    "school": (7.5, 16.0),
    "office": (7.0, 16.0),
    "community": (10.0, 20.0),
    "shop": (8.0, 20.0),
}
_OPEN_ON_SATURDAY = {"school": False, "office": False, "community": True, "shop": True}
_CLOSED_LOAD = {"school": 0.2, "office": 0.25, "community": 0.2, "shop": 0.45}
_PV_TEMP_COEFF_PER_K = 0.004
_PV_SYSTEM_SD = 0.07
_PV_CELL_K_PER_W_M2 = 0.03
_HEAT_PUMP_DHW_COP = 2.5  # heating water to 55 °C (assumption)


def _dark(sun_elevation_deg: np.ndarray) -> np.ndarray:
    """1 when artificial light is needed (sun below -3°), 0 in daylight (above +3°)."""
    return np.clip((3.0 - sun_elevation_deg) / 6.0, 0.0, 1.0)


@lru_cache(maxsize=1)
def _tables() -> tuple[np.ndarray, np.ndarray]:
    activity = shape_table(ELECTRICITY_SHAPE, _SLOTS) * _SLOTS * _DAY_TYPE_FACTOR[:, None]
    awake = np.minimum(1.0, activity / (0.6 * activity.max(axis=1, keepdims=True)))
    return activity, awake


def offpeak_table(tariff: Tariff) -> np.ndarray:
    """(day type × quarter-hour) True in the cheaper hours of G12/G12w (REF §2c).

    G12w is cheap all weekend; public holidays are treated like Sundays.
    """
    hours = np.arange(_SLOTS) / 4.0
    daily = np.zeros(_SLOTS, dtype=bool)
    for lo, hi in fig.G12_OFFPEAK_HOURS:
        daily |= (hours >= lo) & (hours < hi)
    table = np.tile(daily, (3, 1))
    if tariff == Tariff.G12W:
        table[1:] = True
    return table


def _activity_season(grid: TimeGrid) -> np.ndarray:
    return seasonal_cosine(grid.day_of_year, *_ACTIVITY_SEASON)


@lru_cache(maxsize=4)
def _reference_means(tariff: Tariff) -> tuple[float, float, float]:
    """Long-run means of the activity shape, the lighting driver, and the G12 off-peak boost."""
    ref = reference_weather()
    activity_table, awake_table = _tables()
    activity = lookup(activity_table, ref.grid) * _activity_season(ref.grid)
    light = _dark(ref.sun_elevation_deg) * lookup(awake_table, ref.grid)
    boost = 0.0
    if tariff in (Tariff.G12, Tariff.G12W):
        off = lookup(offpeak_table(tariff), ref.grid)
        boost = fig.G12_SHIFTED_SHARE * activity[~off].sum() / activity[off].sum()
    return float(activity.mean()), float(light.mean()), float(boost)


def _size_factor(size: int, rural: bool) -> float:
    shares = np.array(fig.HOUSEHOLD_SIZE_SHARES_RURAL if rural else fig.HOUSEHOLD_SIZE_SHARES_CITY)
    sizes = np.arange(1, len(shares) + 1)
    mean = float((shares / shares.sum()) @ sizes**fig.E_HOUSEHOLD_SIZE_ELASTICITY)
    return size**fig.E_HOUSEHOLD_SIZE_ELASTICITY / mean


def heat_pump_cop(t_air_degc: np.ndarray) -> np.ndarray:
    """Air-source heat-pump COP at an outdoor temperature (figures.py)."""
    cop = fig.HEAT_PUMP_COP_AT_0_DEGC + fig.HEAT_PUMP_COP_SLOPE_PER_K * t_air_degc
    return np.clip(cop, *fig.HEAT_PUMP_COP_RANGE)


def _to_quarter_hours(hourly: np.ndarray) -> np.ndarray:
    return np.repeat(hourly, 4, axis=-1) / 4.0


def electric_heating_kwh(
    premise: PremisePlan, rng: np.random.Generator, ctx: RegionContext, away: np.ndarray
) -> np.ndarray:
    """Electricity for space heating and hot water of an electric-heated premise (15 min).

    Houses run air-source heat pumps; flats run storage heaters and water heaters, which on a
    G12/G12w tariff charge in the cheaper hours of the same day.
    """
    grid_h = ctx.grid_h
    noise = lognormal_factor(ar1_gaussian(rng, grid_h.n_steps, 6.0, 1.0), 0.15)
    space_kwh = premise.space_heat_kwh_per_m2 * premise.floor_area_m2 * ctx.heat_share_h * noise
    litres = (
        fig.DHW_SINGLE_FAMILY_L_PER_PERSON_DAY
        if premise.single_family
        else fig.DHW_MULTI_FAMILY_L_PER_PERSON_DAY
    )
    dhw_day_kwh = premise.household_size * litres * fig.WATER_HEAT_CAPACITY_WH_PER_L_K / 1000.0
    water_share = lookup(shape_table(WATER_SHAPE, 24), grid_h)
    home = np.where(away[grid_h.day_index], 0.05, 1.0)
    dhw_kwh = dhw_day_kwh * ctx.dhw_delta_t_k_h * water_share * home
    if premise.single_family:
        cop = heat_pump_cop(ctx.t_air_h)
        return _to_quarter_hours(space_kwh / cop + dhw_kwh / _HEAT_PUMP_DHW_COP)
    e_kwh = _to_quarter_hours(space_kwh + dhw_kwh)
    if premise.tariff in (Tariff.G12, Tariff.G12W):
        grid = ctx.grid15
        off = lookup(offpeak_table(premise.tariff), grid).astype(float)
        daily = grid.daily_sum(e_kwh)
        e_kwh = daily[grid.day_index] * off / grid.daily_sum(off)[grid.day_index]
    return e_kwh


def household_electricity_kwh(
    premises: Sequence[PremisePlan],
    traits: Sequence[Traits],
    rngs: Sequence[np.random.Generator],
    ctx: RegionContext,
) -> np.ndarray:
    """Household consumption (kWh per quarter-hour), one row per premise.

    Annual total ~ GUS city/rural average × household-size factor × a lognormal household
    factor, split into an always-on base load, lighting (when dark and awake) and activity
    (daily shape by day type, shifted per household, with persistent noise and appliance
    events); absences cut activity and lighting; G12 households move part of the load into
    the cheap hours; electric-heated premises add their heating.
    """
    grid = ctx.grid15
    n, n_steps = len(premises), grid.n_steps
    activity_table, awake_table = _tables()
    season = _activity_season(grid)
    dark = _dark(ctx.weather.sun_elevation_deg)
    steps_per_year = 365.25 * _SLOTS
    out = np.empty((n, n_steps))
    for i, (p, tr, rng) in enumerate(zip(premises, traits, rngs, strict=True)):
        mean_act, mean_light, boost = _reference_means(p.tariff)
        city = fig.E_HOUSEHOLD_RURAL_KWH_PER_YR if p.rural else fig.E_HOUSEHOLD_CITY_KWH_PER_YR
        target = (
            city
            * _size_factor(p.household_size, p.rural)
            * float(lognormal_factor(rng.standard_normal(), fig.E_HOUSEHOLD_SIGMA))
        )
        base_kw = fig.E_BASE_MEDIAN_KW * float(np.exp(fig.E_BASE_SIGMA * rng.standard_normal()))
        if rng.random() < fig.E_BASE_HIGH_SHARE:
            base_kw *= float(rng.uniform(*fig.E_BASE_HIGH_FACTOR))
        light_kwh = fig.E_LIGHTING_SHARE * target
        act_kwh = max(target - base_kw * 8766.0 - light_kwh, 0.3 * target)
        compensation = 1.0 / (1.0 - EXPECTED_AWAY_SHARE * (1.0 - _AWAY_ACTIVITY))
        act_scale = act_kwh * compensation / (mean_act * steps_per_year)
        light_scale = light_kwh * compensation / (mean_light * steps_per_year)

        shift = np.array([tr.shift_slots])
        shape = lookup(activity_table, grid, shift)[0] * season
        if boost:
            off = lookup(offpeak_table(p.tariff), grid, shift)[0]
            shape = shape * np.where(off, 1.0 + boost, 1.0 - fig.G12_SHIFTED_SHARE)
        away = tr.away_days[grid.day_index]
        day_noise = lognormal_factor(
            ar1_gaussian(rng, grid.n_days, _DAY_NOISE_TAU_H, 24.0), _DAY_NOISE_SIGMA
        )[grid.day_index]
        noise = lognormal_factor(ar1_gaussian(rng, n_steps, _NOISE_TAU_H, 0.25), _NOISE_SIGMA)
        activity = act_scale * shape * day_noise * np.where(away, _AWAY_ACTIVITY, 1.0)
        smooth = (1.0 - _EVENT_SHARE) * activity * noise
        events = compound_events(rng, _EVENT_SHARE * activity, _EVENT_MEAN_KWH)
        awake = lookup(awake_table, grid, shift)[0]
        light = light_scale * dark * awake * np.where(away, _AWAY_LIGHT, 1.0)
        base = base_kw * 0.25 * lognormal_factor(rng.standard_normal(n_steps), _BASE_NOISE_SIGMA)
        out[i] = base + light + smooth + events
        if p.heating_source == HeatingSource.ELECTRIC:
            out[i] += electric_heating_kwh(p, rng, ctx, tr.away_days)
    return out


def school_break(dates: Sequence[dt.date]) -> np.ndarray:
    """True on school holidays: summer break and 23-31 December (MEN, figures.py)."""
    out = np.zeros(len(dates), dtype=bool)
    for i, day in enumerate(dates):
        june = dt.date(day.year, 6, fig.SCHOOL_YEAR_END_AFTER_JUNE_DAY)
        last_class = june + dt.timedelta(days=(4 - june.weekday()) % 7 or 7)
        out[i] = last_class < day <= dt.date(day.year, 8, 31) or (
            day.month == 12 and day.day >= fig.SCHOOL_WINTER_BREAK_FROM_DEC_DAY
        )
    return out


def open_fraction(kind: str, grid: TimeGrid) -> np.ndarray:
    """Share of the working load in each interval (0 closed, 1 open) for a premise kind."""
    open_h, close_h = OPEN_HOURS[kind]
    hour = grid.local_hour + grid.step_h / 2.0
    ramp = np.clip(np.minimum(hour - open_h + 0.5, close_h + 0.5 - hour), 0.0, 1.0)
    day_open = np.where(grid.day_types == 0, 1.0, 0.0)
    if _OPEN_ON_SATURDAY[kind]:
        day_open = np.where(grid.day_types == 1, 1.0, day_open)
    if kind == "school":
        day_open = np.where(school_break(grid.dates), 0.15 * day_open, day_open)
    return ramp * day_open[grid.day_index]


def _load_shape(kind: str, grid: TimeGrid, sun_elevation_deg: np.ndarray) -> np.ndarray:
    closed = _CLOSED_LOAD[kind]
    is_open = open_fraction(kind, grid)
    return (closed + (1.0 - closed) * is_open) * (1.0 + 0.3 * _dark(sun_elevation_deg) * is_open)


@lru_cache(maxsize=8)
def _reference_load_mean(kind: str) -> float:
    ref = reference_weather()
    return float(_load_shape(kind, ref.grid, ref.sun_elevation_deg).mean())


def non_residential_electricity_kwh(
    premises: Sequence[PremisePlan], rngs: Sequence[np.random.Generator], ctx: RegionContext
) -> np.ndarray:
    """Public and commercial consumption (kWh per quarter-hour): working-hours profiles.

    Annual total = CIBSE TM46 intensity × floor area × a lognormal building factor; closed on
    Sundays and holidays (schools also in their breaks), with a standby load when closed.
    """
    grid = ctx.grid15
    out = np.empty((len(premises), grid.n_steps))
    shapes: dict[str, np.ndarray] = {}
    for i, (p, rng) in enumerate(zip(premises, rngs, strict=True)):
        if p.activity not in shapes:
            shapes[p.activity] = _load_shape(p.activity, grid, ctx.weather.sun_elevation_deg)
        annual = (
            fig.E_INTENSITY_KWH_PER_M2[p.activity]
            * p.floor_area_m2
            * float(lognormal_factor(rng.standard_normal(), _NON_RESIDENTIAL_SIGMA))
        )
        scale = annual / (_reference_load_mean(p.activity) * 365.25 * _SLOTS)
        day_noise = lognormal_factor(ar1_gaussian(rng, grid.n_days, 48.0, 24.0), 0.06)
        noise = lognormal_factor(ar1_gaussian(rng, grid.n_steps, 1.0, 0.25), 0.12)
        out[i] = scale * shapes[p.activity] * noise * day_noise[grid.day_index]
        if p.heating_source == HeatingSource.ELECTRIC:
            heat_kwh = p.space_heat_kwh_per_m2 * p.floor_area_m2 * ctx.heat_share_h
            out[i] += _to_quarter_hours(heat_kwh / heat_pump_cop(ctx.t_air_h))
    return out


def _pv_raw_kw_per_kwp(ghi_w_per_m2: np.ndarray, t_air_degc: np.ndarray) -> np.ndarray:
    t_cell = t_air_degc + _PV_CELL_K_PER_W_M2 * ghi_w_per_m2
    return ghi_w_per_m2 / 1000.0 * (1.0 - _PV_TEMP_COEFF_PER_K * (t_cell - 25.0))


@lru_cache(maxsize=1)
def pv_system_factor() -> float:
    """Factor so a typical system yields 990.2 kWh/kWp in an average year (REF §8)."""
    ref = reference_weather()
    raw = _pv_raw_kw_per_kwp(ref.ghi_w_per_m2, ref.t_air_degc)
    annual = float(raw.sum()) * ref.grid.step_h / (ref.grid.n_days / 365.25)
    return fig.PV_SPECIFIC_YIELD_KWH_PER_KWP / annual


def pv_generation_kwh(
    kwp: Sequence[float], rngs: Sequence[np.random.Generator], ctx: RegionContext
) -> np.ndarray:
    """Rooftop PV output (kWh per quarter-hour) from the period's irradiance and temperature.

    Each system gets a fixed orientation/shading factor (SD 7 %); output is clipped at the
    inverter rating (= kWp).
    """
    raw = _pv_raw_kw_per_kwp(ctx.weather.ghi_w_per_m2, ctx.weather.t_air_degc)
    out = np.empty((len(kwp), ctx.grid15.n_steps))
    for i, (size, rng) in enumerate(zip(kwp, rngs, strict=True)):
        system = float(np.clip(rng.normal(1.0, _PV_SYSTEM_SD), 0.8, 1.2))
        power_kw = np.clip(size * pv_system_factor() * system * raw, 0.0, size)
        out[i] = power_kw * ctx.grid15.step_h
    return out
