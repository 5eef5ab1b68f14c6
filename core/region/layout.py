"""The region's layout: districts, buildings, premises, customers and meters, as plain plans.

``build_layout`` is pure (no database): it draws everything from one random stream, so a seed
and a premise count give the same region every time. The plan types are in ``plans.py``;
``core.region.persist`` stores them.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from core.enums import BuildingType, HeatingSource, Medium, MeterKind, PremiseKind, Tariff
from core.region import archetypes as arch
from core.region import figures as fig
from core.region.dma import plan_dmas
from core.region.plans import (
    BuildingPlan,
    DistrictPlan,
    MeterPlan,
    PremisePlan,
    RegionLayout,
)

_FLAT_AREA_SIGMA = 0.2
_FLAT_AREA_RANGE_M2 = (22.0, 140.0)
_HOUSE_AREA_RANGE_M2 = (50.0, 350.0)
_METER_AGE_DAYS = (30, 5 * 365)  # smart meters installed 1 month to 5 years before the start


def _choice(rng: np.random.Generator, weights: dict) -> object:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


def _allocate(total: int, shares: list[float], minimum: int = 1) -> list[int]:
    """Integer counts proportional to shares (largest remainder), each at least ``minimum``."""
    n = len(shares)
    counts = [minimum] * n
    rest = total - minimum * n
    raw = np.array(shares) / sum(shares) * rest
    floors = np.floor(raw).astype(int)
    order = np.argsort(-(raw - floors), kind="stable")
    bonus = set(order[: rest - int(floors.sum())].tolist())
    return [counts[i] + int(floors[i]) + (1 if i in bonus else 0) for i in range(n)]


def space_heat_demand_kwh_per_m2(
    rng: np.random.Generator, year_built: int, retrofit_share: float
) -> float:
    """Annual space-heating demand drawn from the construction-period range (REF §4b)."""
    for last_year, (low, high) in fig.SPACE_HEAT_KWH_PER_M2_BY_PERIOD:
        if year_built <= last_year:
            q = float(rng.uniform(low, high))
            break
    if rng.random() < retrofit_share:
        q *= 1.0 - float(rng.uniform(*fig.RETROFIT_SAVING_RANGE))
    return q


def prebound_factor(q_kwh_per_m2: float) -> float:
    """Actual over calculated space-heating use of an individually heated dwelling."""
    factor = fig.PREBOUND_INTERCEPT - fig.PREBOUND_SLOPE_PER_KWH_PER_M2 * q_kwh_per_m2
    return float(min(max(factor, fig.PREBOUND_RANGE[0]), fig.PREBOUND_RANGE[1]))


class _Builder:
    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.buildings: list[BuildingPlan] = []
        self.premises: list[PremisePlan] = []

    def _household_size(self, rural: bool) -> int:
        shares = fig.HOUSEHOLD_SIZE_SHARES_RURAL if rural else fig.HOUSEHOLD_SIZE_SHARES_CITY
        return int(self.rng.choice(len(shares), p=np.array(shares) / sum(shares))) + 1

    @staticmethod
    def _size_factor(size: int, rural: bool) -> float:
        # Larger households live in larger dwellings; the factor averages 1 over the sizes.
        shares = np.array(
            fig.HOUSEHOLD_SIZE_SHARES_RURAL if rural else fig.HOUSEHOLD_SIZE_SHARES_CITY
        )
        mean_size = float((shares / shares.sum()) @ np.arange(1, len(shares) + 1))
        return (0.75 + 0.1 * size) / (0.75 + 0.1 * mean_size)

    def _premise(
        self,
        building: int,
        kind: PremiseKind,
        unit: str,
        size: int,
        area: float,
        activity: str,
        rural: bool,
        single: bool,
        heating: HeatingSource,
        q: float,
        gas_cooking_share: float,
        dhw_from_gas: bool,
        pv_kwp: float,
    ) -> None:
        gas_heating = heating == HeatingSource.GAS
        residential = kind == PremiseKind.RESIDENTIAL
        if single or heating != HeatingSource.DISTRICT_HEATING:
            q *= prebound_factor(q)
        if residential:
            electric = heating == HeatingSource.ELECTRIC
            shares = fig.TARIFF_SHARES_ELECTRIC_HEATING if electric else fig.TARIFF_SHARES_HOUSEHOLD
        else:
            shares = fig.TARIFF_SHARES_NON_RESIDENTIAL
        tariff = Tariff(_choice(self.rng, shares))
        cooking = residential and (
            gas_heating or dhw_from_gas or self.rng.random() < gas_cooking_share
        )
        index = len(self.premises)
        self.premises.append(
            PremisePlan(
                index=index,
                building_index=building,
                kind=kind,
                unit_number=unit,
                household_size=size,
                floor_area_m2=round(area, 1),
                tariff=tariff,
                customer_number=f"KOF-{index + 1:06d}",
                activity=activity,
                rural=rural,
                single_family=single,
                heating_source=heating,
                space_heat_kwh_per_m2=q,
                gas_heating=gas_heating,
                gas_dhw=(gas_heating or dhw_from_gas) and residential,
                gas_cooking=cooking,
                pv_kwp=pv_kwp,
            )
        )

    def residential_building(
        self, district: int, spec: arch.DistrictSpec, key: str, number: int, remaining: int
    ) -> int:
        rng, a = self.rng, arch.ARCHETYPES[key]
        year = int(rng.integers(a.year_range[0], a.year_range[1] + 1))
        floors = int(rng.integers(a.floors_range[0], a.floors_range[1] + 1))
        per_floor = int(rng.integers(a.flats_per_floor_range[0], a.flats_per_floor_range[1] + 1))
        n_units = min(remaining, floors * per_floor)
        heating = HeatingSource(_choice(rng, a.heating_mix))
        single = a.building_type == BuildingType.SINGLE_FAMILY
        # Heat pumps go into insulated houses (assumption): always retrofitted.
        heat_pump = single and heating == HeatingSource.ELECTRIC
        q = space_heat_demand_kwh_per_m2(rng, year, 1.0 if heat_pump else a.retrofit_share)
        b_index = len(self.buildings)
        first = len(self.premises)
        lo, hi = _HOUSE_AREA_RANGE_M2 if single else _FLAT_AREA_RANGE_M2
        for unit in range(n_units):
            size = self._household_size(spec.rural)
            noise = float(
                np.exp(_FLAT_AREA_SIGMA * rng.standard_normal() - _FLAT_AREA_SIGMA**2 / 2)
            )
            area = float(
                np.clip(a.flat_area_m2 * self._size_factor(size, spec.rural) * noise, lo, hi)
            )
            pv = 0.0
            if single and rng.random() < fig.PV_SHARE["house"]:
                pv = round(float(np.clip(rng.normal(fig.PV_HOUSE_MEAN_KWP, 2.0), 3.0, 15.0)), 1)
            self._premise(
                b_index,
                PremiseKind.RESIDENTIAL,
                str(unit + 1),
                size,
                area,
                "household",
                spec.rural,
                single,
                heating,
                q,
                a.gas_cooking_share,
                a.dhw_from_gas,
                pv,
            )
        units = self.premises[first:]
        block_pv = 0.0
        if not single and rng.random() < fig.PV_SHARE["block"]:
            block_pv = round(float(rng.uniform(10.0, 40.0)), 1)
        self.buildings.append(
            BuildingPlan(
                index=b_index,
                district_index=district,
                address=f"{spec.name}, {'dom' if single else 'blok'} {number}",
                building_type=a.building_type,
                floor_area_m2=round(sum(p.floor_area_m2 for p in units), 1),
                year_built=year,
                n_floors=floors if single else max(1, math.ceil(n_units / per_floor)),
                heating_source=heating,
                space_heat_kwh_per_m2=q,
                rural=spec.rural,
                n_persons=sum(p.household_size for p in units),
                pv_kwp=block_pv,
                central_dhw=not a.dhw_from_gas and not single,
                activity="residential",
            )
        )
        return n_units

    def non_residential_building(
        self, district: int, spec: arch.DistrictSpec, kind: str, number: int, n_units: int
    ) -> None:
        rng = self.rng
        heating_mix = (
            arch.RURAL_NON_RESIDENTIAL_HEATING if spec.rural else arch.CITY_NON_RESIDENTIAL_HEATING
        )
        heating = HeatingSource(_choice(rng, heating_mix))
        if kind == "shop":
            year = int(rng.integers(arch.COMMERCIAL_YEARS[0], arch.COMMERCIAL_YEARS[1] + 1))
            areas = [float(rng.uniform(*arch.SHOP_AREA_M2)) for _ in range(n_units)]
            floors, retrofit, pv_share = int(rng.integers(1, 3)), 0.3, fig.PV_SHARE["commercial"]
            btype, pkind = BuildingType.COMMERCIAL, PremiseKind.COMMERCIAL
            units = [f"U{i + 1}" for i in range(n_units)]
        else:
            y0, y1 = arch.PUBLIC_YEARS[kind]
            year = int(rng.integers(y0, y1 + 1))
            areas = [float(rng.uniform(*arch.PUBLIC_AREA_M2[kind]))]
            f0, f1 = arch.PUBLIC_FLOORS[kind]
            floors, retrofit, pv_share = (
                int(rng.integers(f0, f1 + 1)),
                arch.PUBLIC_RETROFIT_SHARE,
                fig.PV_SHARE["public"],
            )
            btype, pkind, units = BuildingType.PUBLIC, PremiseKind.PUBLIC, ["A"]
        q = space_heat_demand_kwh_per_m2(rng, year, retrofit)
        b_index = len(self.buildings)
        for unit, area in zip(units, areas, strict=True):
            self._premise(
                b_index, pkind, unit, 0, area, kind, spec.rural, False, heating, q, 0.0, False, 0.0
            )
        pv = 0.0
        if rng.random() < pv_share:
            hi = 50.0 if kind != "shop" else 40.0
            pv = round(float(rng.uniform(15.0 if kind != "shop" else 10.0, hi)), 1)
        label = {
            "school": "szkoła",
            "office": "urząd",
            "community": "dom kultury",
            "shop": "pawilon handlowy",
        }[kind]
        self.buildings.append(
            BuildingPlan(
                index=b_index,
                district_index=district,
                address=f"{spec.name}, {label} {number}",
                building_type=btype,
                floor_area_m2=round(sum(areas), 1),
                year_built=year,
                n_floors=floors,
                heating_source=heating,
                space_heat_kwh_per_m2=q,
                rural=spec.rural,
                n_persons=0,
                pv_kwp=pv,
                central_dhw=True,
                activity=kind,
            )
        )


def _meters(
    layout_rng: np.random.Generator,
    premises: list[PremisePlan],
    buildings: list[BuildingPlan],
    start: dt.date,
) -> list[MeterPlan]:
    meters: list[MeterPlan] = []
    start_utc = dt.datetime(start.year, start.month, start.day, tzinfo=dt.UTC)

    def add(role: str, premise: int | None, building: int) -> None:
        medium, kind, unit, interval_s, prefix = {
            "electricity": (Medium.ELECTRICITY, MeterKind.MAIN, "kWh", 900, "E"),
            "pv": (Medium.ELECTRICITY, MeterKind.GENERATION, "kWh", 900, "PV"),
            "water": (Medium.WATER, MeterKind.MAIN, "m3", 3600, "W"),
            "gas": (Medium.GAS, MeterKind.MAIN, "m3", 3600, "G"),
            "heat": (Medium.HEAT, MeterKind.MAIN, "kWh", 3600, "H"),
        }[role]
        age_days = int(layout_rng.integers(*_METER_AGE_DAYS))
        meters.append(
            MeterPlan(
                index=len(meters),
                serial_number=f"KOF-{prefix}-{len(meters) + 1:07d}",
                medium=medium,
                meter_kind=kind,
                unit=unit,
                interval_s=interval_s,
                premise_index=premise,
                building_index=building,
                installed_at=start_utc - dt.timedelta(days=age_days),
                role=role,
            )
        )

    for p in premises:
        add("electricity", p.index, p.building_index)
        add("water", p.index, p.building_index)
        if p.has_gas:
            add("gas", p.index, p.building_index)
        if p.has_heat_meter:
            add("heat", p.index, p.building_index)
        if p.pv_kwp > 0:
            add("pv", p.index, p.building_index)
    for b in buildings:
        if (
            b.heating_source == HeatingSource.DISTRICT_HEATING
            and b.building_type != BuildingType.SINGLE_FAMILY
        ):
            add("heat", None, b.index)
        if b.pv_kwp > 0:
            add("pv", None, b.index)
    return meters


def build_layout(premises: int, seed: int, start: dt.date) -> RegionLayout:
    """Draw the region's districts, buildings, premises, customers and meters, and one DMA
    (with its inflow meter) per district.

    Args:
        premises: number of premises (points of supply) in the region.
        seed: the region seed; the layout uses its own stream ``SeedSequence([seed, 0])``.
        start: first day of the period (meters are installed before it).

    Example:
        >>> layout = build_layout(60, seed=1, start=dt.date(2026, 1, 1))
        >>> len(layout.premises)
        60
    """
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0]))
    specs = arch.DISTRICTS
    n_public = max(2, round(arch.PUBLIC_SHARE * premises))
    n_commercial = max(3, round(arch.COMMERCIAL_SHARE * premises))
    residential = _allocate(premises - n_public - n_commercial, [s.share for s in specs])
    shares = np.array([s.share for s in specs])
    public_at = [int(rng.choice(len(specs), p=shares / shares.sum())) for _ in range(n_public)]
    shop_groups: list[tuple[int, int]] = []
    left = n_commercial
    while left > 0:
        units = min(
            left, int(rng.integers(arch.SHOPS_PER_BUILDING[0], arch.SHOPS_PER_BUILDING[1] + 1))
        )
        shop_groups.append((int(rng.choice(len(specs), p=shares / shares.sum())), units))
        left -= units

    builder = _Builder(rng)
    for d, spec in enumerate(specs):
        remaining, number = residential[d], 0
        weights = dict(spec.archetypes)
        while remaining > 0:
            number += 1
            remaining -= builder.residential_building(
                d, spec, str(_choice(rng, weights)), number, remaining
            )
        for i, at in enumerate(public_at):
            if at == d:
                number += 1
                kind = str(_choice(rng, arch.PUBLIC_KINDS))
                builder.non_residential_building(d, spec, kind, number, 1)
                public_at[i] = -1
        for at, units in shop_groups:
            if at == d:
                number += 1
                builder.non_residential_building(d, spec, "shop", number, units)

    districts = tuple(DistrictPlan(i, s.name, s.gmina, s.description) for i, s in enumerate(specs))
    meters = _meters(rng, builder.premises, builder.buildings, start)
    dmas = plan_dmas(districts, builder.buildings, builder.premises, len(meters), start)
    return RegionLayout(
        districts, tuple(builder.buildings), tuple(builder.premises), tuple(meters), dmas
    )
