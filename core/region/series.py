"""Readings of a batch of premises or buildings, as arrays per meter (no database).

Every premise and building has its own random streams, ``SeedSequence([seed, stream, index])``,
so a region's readings are the same whatever the batch size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from core.region.behaviour import draw_traits
from core.region.drivers import RegionContext
from core.region.plans import MeterPlan, PremisePlan, RegionLayout
from core.region.profiles_electricity import (
    household_electricity_kwh,
    non_residential_electricity_kwh,
    pv_generation_kwh,
)
from core.region.profiles_heat_water_gas import building_heat_kwh, gas_m3, house_heat_kwh, water_m3

LAYOUT_STREAM, WEATHER_STREAM, PREMISE_STREAM, BUILDING_STREAM = 0, 1, 2, 3
_PREMISE_ROLES = ("traits", "electricity", "water", "gas", "heat", "pv")
_BUILDING_ROLES = ("heat", "pv")
# Meter resolution: 1 Wh, 1 L, 1 dm³ of gas, 10 Wh of heat.
DECIMALS = {"electricity": 3, "pv": 3, "water": 3, "gas": 3, "heat": 2}


def weather_rng(seed: int) -> np.random.Generator:
    """The weather's generator for a region seed."""
    return np.random.default_rng(np.random.SeedSequence([seed, WEATHER_STREAM]))


def _streams(
    seed: int, stream: int, index: int, roles: Sequence[str]
) -> dict[str, np.random.Generator]:
    children = np.random.SeedSequence([seed, stream, index]).spawn(len(roles))
    return {role: np.random.default_rng(child) for role, child in zip(roles, children, strict=True)}


@dataclass(frozen=True)
class MeterIndex:
    """Which meters belong to which premise, and which are building-level."""

    layout: RegionLayout

    @cached_property
    def by_premise(self) -> dict[int, dict[str, MeterPlan]]:
        """Meters of each premise, by role."""
        out: dict[int, dict[str, MeterPlan]] = defaultdict(dict)
        for m in self.layout.meters:
            if m.premise_index is not None:
                out[m.premise_index][m.role] = m
        return out

    @cached_property
    def by_building(self) -> dict[int, dict[str, MeterPlan]]:
        """Building-level meters (no premise) of each building, by role."""
        out: dict[int, dict[str, MeterPlan]] = defaultdict(dict)
        for m in self.layout.meters:
            if m.premise_index is None and m.building_index is not None:
                out[m.building_index][m.role] = m
        return out


def premise_batch(
    index: MeterIndex, premise_indices: Sequence[int], ctx: RegionContext, seed: int
) -> list[tuple[MeterPlan, np.ndarray]]:
    """Readings of every premise-level meter of a batch of premises.

    Returns:
        (meter, values) pairs; values on the meter's grid (15 min or hourly), rounded to the
        meter's resolution, never negative.
    """
    premises = [index.layout.premises[i] for i in premise_indices]
    rngs = [_streams(seed, PREMISE_STREAM, p.index, _PREMISE_ROLES) for p in premises]
    traits = [draw_traits(p, r["traits"], ctx) for p, r in zip(premises, rngs, strict=True)]
    out: list[tuple[MeterPlan, np.ndarray]] = []

    def emit(role: str, positions: list[int], values: np.ndarray) -> None:
        for row, pos in enumerate(positions):
            meter = index.by_premise[premises[pos].index][role]
            out.append((meter, np.round(np.clip(values[row], 0.0, None), DECIMALS[role])))

    def pick(condition: Callable[[PremisePlan], bool]) -> list[int]:
        return [k for k, p in enumerate(premises) if condition(p)]

    def args(positions: list[int], role: str) -> tuple:
        return (
            [premises[k] for k in positions],
            [traits[k] for k in positions],
            [rngs[k][role] for k in positions],
        )

    homes = pick(lambda p: p.activity == "household")
    others = pick(lambda p: p.activity != "household")
    if homes:
        emit("electricity", homes, household_electricity_kwh(*args(homes, "electricity"), ctx))
    if others:
        plans, _, generators = args(others, "electricity")
        emit("electricity", others, non_residential_electricity_kwh(plans, generators, ctx))
    everyone = list(range(len(premises)))
    emit("water", everyone, water_m3(*args(everyone, "water"), ctx))
    with_gas = pick(lambda p: p.has_gas)
    if with_gas:
        emit("gas", with_gas, gas_m3(*args(with_gas, "gas"), ctx))
    with_heat = pick(lambda p: p.has_heat_meter)
    if with_heat:
        emit("heat", with_heat, house_heat_kwh(*args(with_heat, "heat"), ctx))
    with_pv = pick(lambda p: p.pv_kwp > 0)
    if with_pv:
        kwp = [premises[k].pv_kwp for k in with_pv]
        emit("pv", with_pv, pv_generation_kwh(kwp, [rngs[k]["pv"] for k in with_pv], ctx))
    return out


def building_batch(
    index: MeterIndex, building_indices: Sequence[int], ctx: RegionContext, seed: int
) -> list[tuple[MeterPlan, np.ndarray]]:
    """Readings of the building-level meters (DH substations, rooftop PV) of some buildings."""
    buildings = [index.layout.buildings[i] for i in building_indices if index.by_building.get(i)]
    rngs = [_streams(seed, BUILDING_STREAM, b.index, _BUILDING_ROLES) for b in buildings]
    out: list[tuple[MeterPlan, np.ndarray]] = []
    heat = [k for k, b in enumerate(buildings) if "heat" in index.by_building[b.index]]
    if heat:
        values = building_heat_kwh(
            [buildings[k] for k in heat], [rngs[k]["heat"] for k in heat], ctx
        )
        for row, k in enumerate(heat):
            out.append(
                (
                    index.by_building[buildings[k].index]["heat"],
                    np.round(np.clip(values[row], 0.0, None), DECIMALS["heat"]),
                )
            )
    pv = [k for k, b in enumerate(buildings) if "pv" in index.by_building[b.index]]
    if pv:
        values = pv_generation_kwh(
            [buildings[k].pv_kwp for k in pv], [rngs[k]["pv"] for k in pv], ctx
        )
        for row, k in enumerate(pv):
            out.append(
                (
                    index.by_building[buildings[k].index]["pv"],
                    np.round(np.clip(values[row], 0.0, None), DECIMALS["pv"]),
                )
            )
    return out
