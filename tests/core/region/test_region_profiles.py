"""Annual plausibility of the consumption profiles against published figures (no database)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pytest

from core.enums import BuildingType, HeatingSource, Tariff
from core.region import figures as fig
from core.region.behaviour import Traits
from core.region.drivers import RegionContext, build_context
from core.region.layout import build_layout, space_heat_demand_kwh_per_m2
from core.region.plans import BuildingPlan, MeterPlan, RegionLayout
from core.region.profiles_electricity import offpeak_table, pv_generation_kwh
from core.region.profiles_heat_water_gas import building_heat_kwh, water_m3
from core.region.series import MeterIndex, building_batch, premise_batch, weather_rng
from core.region.timegrid import SUNDAY_OR_HOLIDAY, WORKDAY

SEED = 2026
START = dt.date(2025, 1, 1)
# Published ranges with their tolerance (see figures.py for the sources).
E_HOUSEHOLD_RANGE_KWH = (1500.0, 2300.0)  # GUS 1,741.8 cities / 2,452.9 rural; URE 1.8 MWh
WATER_RANGE_L_PER_PERSON_DAY = (70.0, 130.0)  # GUS 94 cities / 79 rural
GAS_HEATING_RANGE_KWH = (8000.0, 30000.0)  # above GUS 10,235 rural per customer (all customers)
GAS_COOKING_MAX_KWH = 1100.0  # PSG tariff group W-1
GAS_CITY_REL_TOL = 0.5  # 150 premises: a few gas-heated houses move the city mean a lot
PANEL_AS_BUILT_KWH_PER_M2 = (240.0, 280.0)  # REF §4b, 1967-85
SPACE_HEAT_TOL = 0.15  # one simulated year vs the average-year demand
PV_YIELD_RANGE_KWH_PER_KWP = (900.0, 1090.0)  # Gulkowski 2022: 990.2


@pytest.fixture(scope="module")
def year_ctx() -> RegionContext:
    return build_context(START, 365, weather_rng(SEED))


@pytest.fixture(scope="module")
def region(year_ctx: RegionContext) -> tuple[RegionLayout, dict[int, np.ndarray]]:
    """A 150-premise region with a full year of readings, by meter position."""
    layout = build_layout(150, SEED, START)
    index = MeterIndex(layout)
    pairs = []
    for first in range(0, 150, 50):
        pairs += premise_batch(index, range(first, first + 50), year_ctx, SEED)
    pairs += building_batch(index, range(len(layout.buildings)), year_ctx, SEED)
    return layout, {m.index: v for m, v in pairs}


def _series(
    region: tuple[RegionLayout, dict[int, np.ndarray]], role: str
) -> list[tuple[MeterPlan, np.ndarray]]:
    layout, values = region
    return [(m, values[m.index]) for m in layout.meters if m.role == role]


def test_every_meter_has_a_full_year_and_nothing_is_negative(region, year_ctx) -> None:
    layout, values = region
    assert set(values) == {m.index for m in layout.meters}
    for meter in layout.meters:
        steps = year_ctx.grid15.n_steps if meter.interval_s == 900 else year_ctx.grid_h.n_steps
        assert values[meter.index].shape == (steps,)
        assert values[meter.index].min() >= 0.0
        assert np.isfinite(values[meter.index]).all()


def test_household_electricity_matches_gus(region) -> None:
    layout, _ = region
    annual = {m.premise_index: v.sum() for m, v in _series(region, "electricity")}
    homes = [
        p
        for p in layout.premises
        if p.activity == "household" and p.heating_source != HeatingSource.ELECTRIC
    ]
    mean = np.mean([annual[p.index] for p in homes])
    assert E_HOUSEHOLD_RANGE_KWH[0] < mean < E_HOUSEHOLD_RANGE_KWH[1]
    singles = np.mean([annual[p.index] for p in homes if p.household_size == 1])
    families = np.mean([annual[p.index] for p in homes if p.household_size >= 4])
    assert families > singles
    spread = np.percentile([annual[p.index] for p in homes], [10, 90])
    assert spread[1] > 1.8 * spread[0]  # households differ, some much more


def test_electricity_shape_weekdays_holidays_and_seasons(region, year_ctx) -> None:
    layout, _ = region
    grid = year_ctx.grid15
    homes = {
        p.index
        for p in layout.premises
        if p.activity == "household" and p.heating_source != HeatingSource.ELECTRIC
    }
    total = sum(v for m, v in _series(region, "electricity") if m.premise_index in homes)
    hour = grid.local_hour

    def mean_at(day_type: int, lo: float, hi: float) -> float:
        return total[(grid.day_type == day_type) & (hour >= lo) & (hour < hi)].mean()

    assert mean_at(WORKDAY, 6.5, 8.0) > 1.2 * mean_at(SUNDAY_OR_HOLIDAY, 6.5, 8.0)
    assert mean_at(WORKDAY, 18.0, 22.0) > 1.5 * mean_at(WORKDAY, 2.0, 5.0)
    # 11 November 2025 (Tuesday, Independence Day) looks like a Sunday, not a workday
    day = grid.day_index == grid.dates.index(dt.date(2025, 11, 11))
    assert grid.day_type[day][0] == SUNDAY_OR_HOLIDAY
    morning = total[day & (hour >= 6.5) & (hour < 8.0)].mean()
    assert morning < mean_at(WORKDAY, 6.5, 8.0)
    assert total[grid.month == 1].mean() > 1.1 * total[grid.month == 7].mean()


def test_g12_households_use_more_in_the_cheap_hours(region, year_ctx) -> None:
    layout, _ = region
    off = offpeak_table(Tariff.G12)[
        year_ctx.grid15.day_type, (year_ctx.grid15.local_hour * 4).astype(int)
    ]
    share = {Tariff.G11: [], Tariff.G12: []}
    for meter, values in _series(region, "electricity"):
        premise = layout.premises[meter.premise_index]
        if (
            premise.activity == "household"
            and premise.heating_source != HeatingSource.ELECTRIC
            and premise.tariff in share
        ):
            share[premise.tariff].append(values[off].sum() / values.sum())
    assert share[Tariff.G12]
    assert np.mean(share[Tariff.G12]) > np.mean(share[Tariff.G11]) + 0.03


def test_household_water_per_person_matches_gus(region) -> None:
    layout, _ = region
    volume_m3, persons = 0.0, 0
    for meter, values in _series(region, "water"):
        premise = layout.premises[meter.premise_index]
        if premise.activity == "household":
            volume_m3 += values.sum()
            persons += premise.household_size
    litres = volume_m3 * 1000.0 / 365.0 / persons
    assert WATER_RANGE_L_PER_PERSON_DAY[0] < litres < WATER_RANGE_L_PER_PERSON_DAY[1]


def test_gas_customers_match_published_use(region) -> None:
    layout, _ = region
    heating, cooking, city = [], [], []
    for meter, values in _series(region, "gas"):
        premise = layout.premises[meter.premise_index]
        kwh = values.sum() * fig.GAS_GCV_KWH_PER_M3
        if premise.activity == "household" and not premise.rural:
            city.append(kwh)
        if premise.gas_heating and premise.activity == "household":
            heating.append(kwh)
        elif premise.gas_cooking and not premise.gas_dhw:
            cooking.append(kwh)
    assert heating
    assert cooking
    assert GAS_HEATING_RANGE_KWH[0] < np.mean(heating) < GAS_HEATING_RANGE_KWH[1]
    assert np.mean(cooking) < GAS_COOKING_MAX_KWH
    # all city household customers together: GUS 5,260 kWh/yr
    assert np.mean(city) == pytest.approx(
        fig.GAS_PER_CUSTOMER_CITY_KWH_PER_YR, rel=GAS_CITY_REL_TOL
    )


def test_as_built_panel_block_heat_per_m2(year_ctx) -> None:
    rng = np.random.default_rng(3)
    q = space_heat_demand_kwh_per_m2(rng, 1978, retrofit_share=0.0)
    assert PANEL_AS_BUILT_KWH_PER_M2[0] <= q <= PANEL_AS_BUILT_KWH_PER_M2[1]
    block = BuildingPlan(
        index=0,
        district_index=0,
        address="test",
        building_type=BuildingType.MULTI_FAMILY_PANEL,
        floor_area_m2=3000.0,
        year_built=1978,
        n_floors=5,
        heating_source=HeatingSource.DISTRICT_HEATING,
        space_heat_kwh_per_m2=q,
        rural=False,
        n_persons=150,
        pv_kwp=0.0,
        central_dhw=False,
        activity="residential",
    )
    space = building_heat_kwh([block], [np.random.default_rng(4)], year_ctx)[0]
    assert space.sum() / block.floor_area_m2 == pytest.approx(q, rel=SPACE_HEAT_TOL)
    july = year_ctx.grid_h.month == 7
    assert space[july].sum() < 0.01 * space.sum()  # heating season is over in summer
    with_dhw = building_heat_kwh(
        [replace(block, central_dhw=True)], [np.random.default_rng(4)], year_ctx
    )[0]
    dhw_per_m2 = (with_dhw.sum() - space.sum()) / block.floor_area_m2
    assert 20.0 < dhw_per_m2 < 80.0
    assert with_dhw[july].min() > 0.0  # hot water all year


def test_pv_yield_matches_gulkowski(year_ctx) -> None:
    three_years = build_context(dt.date(2030, 1, 1), 1096, weather_rng(7))
    rngs = [np.random.default_rng(i) for i in range(10)]
    output = pv_generation_kwh([1.0] * 10, rngs, three_years)
    yield_kwh_per_kwp = output.sum(axis=1) / 3.0
    lo, hi = PV_YIELD_RANGE_KWH_PER_KWP
    assert lo < yield_kwh_per_kwp.mean() < hi
    night = three_years.weather.sun_elevation_deg < -1
    assert output[:, night].max() == 0.0
    assert output.max() <= 0.25  # never above the inverter rating (1 kW for 15 min)


def test_a_leak_adds_a_constant_night_flow(year_ctx) -> None:
    layout = build_layout(60, SEED, START)
    home = next(p for p in layout.premises if p.activity == "household")
    dry = Traits(np.zeros(365, dtype=bool), 0, None, 0.0)
    leaking = Traits(np.zeros(365, dtype=bool), 0, 24 * 100, 5.0)
    base = water_m3([home], [dry], [np.random.default_rng(1)], year_ctx)[0]
    leak = water_m3([home], [leaking], [np.random.default_rng(1)], year_ctx)[0]
    assert np.allclose(leak[: 24 * 100], base[: 24 * 100])
    assert np.allclose(leak[24 * 100 :] - base[24 * 100 :], 0.005)
    night = (year_ctx.grid_h.local_hour >= 2) & (year_ctx.grid_h.local_hour < 4)
    assert (base[night] == 0.0).mean() > 0.5  # a real flat meter is often idle at night
    assert leak[night & (np.arange(len(leak)) >= 2400)].min() >= 0.005


def test_premise_series_do_not_depend_on_the_batch(year_ctx) -> None:
    layout = build_layout(60, SEED, START)
    index = MeterIndex(layout)
    short = build_context(START, 7, weather_rng(SEED))
    whole = {m.index: v for m, v in premise_batch(index, range(60), short, SEED)}
    parts = {}
    for first in range(0, 60, 7):
        parts.update(
            {
                m.index: v
                for m, v in premise_batch(index, range(first, min(60, first + 7)), short, SEED)
            }
        )
    assert whole.keys() == parts.keys()
    for key, values in whole.items():
        np.testing.assert_array_equal(values, parts[key])
