"""Hourly water (m³), gas (m³) and heat (kWh) of premises and buildings.

Space heating follows the heating driver (degree-hours below 15 °C on a smoothed temperature,
within the heating season, less solar gains) normalised so that an average year gives the
building's kWh/m²·yr (REF §4b). Hot water follows the hot-water volumes of the Polish energy
performance methodology. Household water and gas come in discrete events (flushes, showers,
burners), so a single flat shows zero hours at night as a real meter does.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from core.region import figures as fig
from core.region.behaviour import EXPECTED_AWAY_SHARE, Traits
from core.region.drivers import COOKING_SHAPE, WATER_SHAPE, RegionContext, lookup, shape_table
from core.region.noise import ar1_gaussian, compound_events, lognormal_factor, seasonal_cosine
from core.region.plans import BuildingPlan, PremisePlan
from core.region.profiles_electricity import OPEN_HOURS, open_fraction
from core.region.timegrid import TimeGrid
from core.region.weather import reference_weather

_WATER_DAY_TYPE_FACTOR = np.array([0.97, 1.075, 1.075])  # weekends at home (assumption)
_WATER_SEASON = {False: 0.07, True: 0.2}  # summer surplus: flats / houses with gardens
_WATER_HOUSEHOLD_SIGMA = 0.3
_WATER_EVENT_M3 = 0.012  # mean draw-off event, 12 L (assumption)
_GAS_DHW_EVENT_KWH = 1.0
_GAS_COOK_EVENT_KWH = 0.35
_GAS_COOKING_SIGMA = 0.3
_AWAY_WATER = 0.02
_RESIDENTIAL_HEATING_HOURS = ((22, 5, 0.9), (5, 9, 1.1))  # night setback, morning boost
_HOUSE_DHW_LOSS_FACTOR = 1.1
_SUMMER_DHW_DIP = 0.1  # fewer residents at home in July-August (assumption)


def _hourly_shift(traits: Traits) -> np.ndarray:
    return np.array([round(traits.shift_slots / 4)])


def _dhw_kwh_per_day_per_k(persons: float, litres: float) -> float:
    """Useful hot-water energy per day and per kelvin of temperature rise."""
    return persons * litres * fig.WATER_HEAT_CAPACITY_WH_PER_L_K / 1000.0


@lru_cache(maxsize=1)
def _residential_heating_table() -> np.ndarray:
    factor = np.ones(24)
    for start, end, value in _RESIDENTIAL_HEATING_HOURS:
        hours = np.arange(24)
        mask = (hours >= start) | (hours < end) if start > end else (hours >= start) & (hours < end)
        factor[mask] = value
    return np.tile(factor / factor.mean(), (3, 1))


def _heating_profile(activity: str, grid: TimeGrid) -> np.ndarray:
    """Within-day modulation of space heating with a long-run mean of 1."""
    if activity in ("household", "residential"):
        return lookup(_residential_heating_table(), grid)
    return (0.75 + 0.5 * open_fraction(activity, grid)) / _reference_open_mean(activity)


@lru_cache(maxsize=8)
def _reference_open_mean(activity: str) -> float:
    grid = reference_weather().grid
    return float((0.75 + 0.5 * open_fraction(activity, grid)).mean())


def _occupants(premise_or_building: PremisePlan | BuildingPlan) -> float:
    return premise_or_building.floor_area_m2 / fig.OCCUPANT_AREA_M2[premise_or_building.activity]


def _non_residential_use(activity: str, grid: TimeGrid) -> np.ndarray:
    """Share of a day's occupant water use in each hour (open hours only)."""
    open_hour, close_hour = OPEN_HOURS[activity]
    return open_fraction(activity, grid) / (close_hour - open_hour)


def _water_season(grid: TimeGrid, single_family: bool) -> np.ndarray:
    amplitude = _WATER_SEASON[single_family]
    return seasonal_cosine(grid.day_of_year - 181.0, 1.0 + amplitude, 1.0 - amplitude)


def water_m3(
    premises: Sequence[PremisePlan],
    traits: Sequence[Traits],
    rngs: Sequence[np.random.Generator],
    ctx: RegionContext,
) -> np.ndarray:
    """Hourly water (m³) per premise, including any continuous leak.

    Households: GUS litres per person per day (city 94 / rural 79) × household factor, shaped
    by day type and hour, more at weekends and in summer (gardens), none when away. Public and
    commercial premises: occupants × litres per occupant in opening hours.
    """
    grid = ctx.grid_h
    table = shape_table(WATER_SHAPE, 24)
    out = np.empty((len(premises), grid.n_steps))
    for i, (p, tr, rng) in enumerate(zip(premises, traits, rngs, strict=True)):
        if p.activity == "household":
            litres = (
                fig.WATER_RURAL_L_PER_PERSON_DAY if p.rural else fig.WATER_CITY_L_PER_PERSON_DAY
            )
            factor = float(lognormal_factor(rng.standard_normal(), _WATER_HOUSEHOLD_SIGMA))
            day_m3 = p.household_size * litres / 1000.0 * factor / (1.0 - EXPECTED_AWAY_SHARE)
            day_noise = lognormal_factor(ar1_gaussian(rng, grid.n_days, 36.0, 24.0), 0.15)
            daily = (
                day_m3
                * _WATER_DAY_TYPE_FACTOR[grid.day_types]
                * day_noise
                * np.where(tr.away_days, _AWAY_WATER, 1.0)
            )
            share = lookup(table, grid, _hourly_shift(tr))[0] * _water_season(grid, p.single_family)
        else:
            hot = fig.DHW_NON_RESIDENTIAL_L_PER_OCCUPANT_DAY[p.activity]
            day_m3 = _occupants(p) * hot / fig.NON_RESIDENTIAL_HOT_WATER_FRACTION / 1000.0
            daily = day_m3 * lognormal_factor(ar1_gaussian(rng, grid.n_days, 36.0, 24.0), 0.1)
            share = _non_residential_use(p.activity, grid)
        noise = lognormal_factor(ar1_gaussian(rng, grid.n_steps, 2.0, 1.0), 0.3)
        out[i] = compound_events(rng, daily[grid.day_index] * share * noise, _WATER_EVENT_M3)
        if tr.leak_start_h is not None:
            out[i, tr.leak_start_h :] += tr.leak_l_per_h / 1000.0
    return out


def _space_heat_kwh(
    q_kwh_per_m2: float, area_m2: float, activity: str, ctx: RegionContext, noise: np.ndarray
) -> np.ndarray:
    return (
        q_kwh_per_m2 * area_m2 * ctx.heat_share_h * _heating_profile(activity, ctx.grid_h) * noise
    )


def gas_m3(
    premises: Sequence[PremisePlan],
    traits: Sequence[Traits],
    rngs: Sequence[np.random.Generator],
    ctx: RegionContext,
) -> np.ndarray:
    """Hourly network gas (m³) per premise: space heating, hot water and cooking as they apply.

    Energy at the boiler or water heater is divided by its efficiency and converted to m³ with
    the gross calorific value 10.972 kWh/m³ (figures.py).
    """
    grid = ctx.grid_h
    water_table = shape_table(WATER_SHAPE, 24)
    cook_table = shape_table(COOKING_SHAPE, 24)
    out = np.zeros((len(premises), grid.n_steps))
    for i, (p, tr, rng) in enumerate(zip(premises, traits, rngs, strict=True)):
        home = np.where(tr.away_days, 0.03, 1.0)[grid.day_index]
        kwh = np.zeros(grid.n_steps)
        shift = _hourly_shift(tr)
        if p.gas_heating:
            noise = lognormal_factor(ar1_gaussian(rng, grid.n_steps, 2.0, 1.0), 0.25)
            kwh += (
                _space_heat_kwh(p.space_heat_kwh_per_m2, p.floor_area_m2, p.activity, ctx, noise)
                / fig.GAS_BOILER_EFFICIENCY
            )
            if p.activity != "household":
                dhw_l = fig.DHW_NON_RESIDENTIAL_L_PER_OCCUPANT_DAY[p.activity]
                per_k = _dhw_kwh_per_day_per_k(_occupants(p), dhw_l)
                kwh += (
                    per_k
                    * ctx.dhw_delta_t_k_h
                    * _non_residential_use(p.activity, grid)
                    / fig.GAS_BOILER_EFFICIENCY
                )
        if p.gas_dhw:
            litres = (
                fig.DHW_SINGLE_FAMILY_L_PER_PERSON_DAY
                if p.single_family
                else fig.DHW_MULTI_FAMILY_L_PER_PERSON_DAY
            )
            per_k = _dhw_kwh_per_day_per_k(p.household_size, litres)
            expected = (
                per_k
                * ctx.dhw_delta_t_k_h
                * lookup(water_table, grid, shift)[0]
                * home
                / fig.GAS_BOILER_EFFICIENCY
                / (1.0 - EXPECTED_AWAY_SHARE)
            )
            kwh += compound_events(rng, expected, _GAS_DHW_EVENT_KWH)
        if p.gas_cooking:
            annual = (
                fig.GAS_COOKING_KWH_PER_YR
                * (p.household_size / 2.5) ** 0.5
                * float(lognormal_factor(rng.standard_normal(), _GAS_COOKING_SIGMA))
            )
            expected = (
                annual
                / 365.25
                * lookup(cook_table, grid, shift)[0]
                * home
                / (1.0 - EXPECTED_AWAY_SHARE)
            )
            kwh += compound_events(rng, expected, _GAS_COOK_EVENT_KWH)
        out[i] = kwh / fig.GAS_GCV_KWH_PER_M3
    return out


def _central_dhw_kwh(
    persons: float, litres: float, loss_factor: float, ctx: RegionContext, rng: np.random.Generator
) -> np.ndarray:
    """Hot water of a building from its DH substation: draw-offs plus circulation losses."""
    grid = ctx.grid_h
    per_k = _dhw_kwh_per_day_per_k(persons, litres)
    summer = np.isin(grid.month, (7, 8))
    draw = per_k * ctx.dhw_delta_t_k_h * lookup(shape_table(WATER_SHAPE, 24), grid)
    sigma = float(np.clip(0.6 / np.sqrt(max(persons, 1.0)), 0.05, 0.4))
    draw *= lognormal_factor(ar1_gaussian(rng, grid.n_steps, 2.0, 1.0), sigma)
    draw *= 1.0 - _SUMMER_DHW_DIP * summer
    losses = (loss_factor - 1.0) * per_k * (fig.DHW_SUPPLY_T_DEGC - fig.COLD_WATER_T_DEGC) / 24.0
    return draw + losses


def building_heat_kwh(
    buildings: Sequence[BuildingPlan], rngs: Sequence[np.random.Generator], ctx: RegionContext
) -> np.ndarray:
    """Hourly heat (kWh) at the DH substation of multi-family, public and commercial buildings.

    Space heating of the whole heated area; domestic hot water with circulation losses where
    the substation makes it (not in blocks with gas water heaters, e.g. Uroczysko).
    """
    grid = ctx.grid_h
    out = np.empty((len(buildings), grid.n_steps))
    for i, (b, rng) in enumerate(zip(buildings, rngs, strict=True)):
        noise = lognormal_factor(ar1_gaussian(rng, grid.n_steps, 6.0, 1.0), 0.06)
        noise *= lognormal_factor(ar1_gaussian(rng, grid.n_days, 48.0, 24.0), 0.04)[grid.day_index]
        out[i] = _space_heat_kwh(b.space_heat_kwh_per_m2, b.floor_area_m2, b.activity, ctx, noise)
        if b.activity == "residential" and b.central_dhw:
            out[i] += _central_dhw_kwh(
                b.n_persons,
                fig.DHW_MULTI_FAMILY_L_PER_PERSON_DAY,
                fig.DHW_DISTRIBUTION_LOSS_FACTOR,
                ctx,
                rng,
            )
        elif b.activity != "residential":
            dhw_l = fig.DHW_NON_RESIDENTIAL_L_PER_OCCUPANT_DAY[b.activity]
            per_k = _dhw_kwh_per_day_per_k(_occupants(b), dhw_l)
            out[i] += per_k * ctx.dhw_delta_t_k_h * _non_residential_use(b.activity, grid)
    return out


def house_heat_kwh(
    premises: Sequence[PremisePlan],
    traits: Sequence[Traits],
    rngs: Sequence[np.random.Generator],
    ctx: RegionContext,
) -> np.ndarray:
    """Hourly heat (kWh) of DH-connected single-family houses: space heating and hot water."""
    grid = ctx.grid_h
    out = np.empty((len(premises), grid.n_steps))
    for i, (p, tr, rng) in enumerate(zip(premises, traits, rngs, strict=True)):
        noise = lognormal_factor(ar1_gaussian(rng, grid.n_steps, 3.0, 1.0), 0.2)
        out[i] = _space_heat_kwh(p.space_heat_kwh_per_m2, p.floor_area_m2, p.activity, ctx, noise)
        dhw = _central_dhw_kwh(
            p.household_size,
            fig.DHW_SINGLE_FAMILY_L_PER_PERSON_DAY,
            _HOUSE_DHW_LOSS_FACTOR,
            ctx,
            rng,
        )
        out[i] += dhw * np.where(tr.away_days, 0.1, 1.0)[grid.day_index]
    return out
