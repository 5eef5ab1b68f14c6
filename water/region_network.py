"""A hydraulic model (EPANET, through WNTR) of the reference region's water network.

The store holds districts, buildings, premises and water meters but no pipes or coordinates;
this module draws a plausible network for them:

- a reservoir ``WTP`` (the water treatment plant; Wodociągi Kieleckie draw 64 % from the
  Białogon intake, REFERENCE_FIGURES §3) at the origin, its outlet ``WTP-OUT`` and a trunk
  main (a minimum spanning tree with a few loops) to one trunk node ``T-<entry>`` per DMA;
- per DMA one entry pipe ``DMA-<entry>`` from its trunk node to its entry node ``<entry>``
  (the chamber of the bulk inflow meter; ``<entry>`` is the meter's serial, e.g.
  ``KOF-DMA-001``), the only pipe into the DMA, so the inflow meter sees all its water;
- inside the DMA a spanning tree with loop closures over the entry node and one junction per
  building ``B<building id>``, pipes ``P-<entry>-<k>``;
- base demand of a building = the mean hourly use its customer water meters registered over
  the stored period, one diurnal pattern ``diurnal`` = the customers' summed use per local
  hour of day over its mean (the model's clock starts at local midnight);
- pipe sizes, terrain and roughness from ``water.region_layout``; the reservoir head is set
  so that the lowest pressure over a 24 h run is ``P_MIN_AT_PEAK_M``.

A building whose customer meters hold no readings gets ``FALLBACK_L_PER_PERSON_DAY`` per
resident (at least one); a building without customer water meters gets no demand. Real losses
are not modelled (the store's balance puts them at the DMA inflow, not at a node).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import wntr
from sqlalchemy import Engine, func, select

from core.db.engine import session_factory
from core.db.models import Building, District, Meter, Premise, Reading
from core.enums import Medium, MeterKind, Resolution
from core.exceptions import InputError
from core.region import figures as fig
from core.timeseries import read_series
from water import region_layout as lay
from water.dma_store import store_dmas
from water.epanet import open_project
from water.model import Sensor, SensorKind

logger = logging.getLogger(__name__)

CITY_GMINA = "Kielce"
# Service pressure band over the day (assumption, usual urban design range). The lowest
# pressure, at the peak hour, is held at 35 m: a five-storey block needs about 10 m + 4 m per
# storey = 30 m (a Polish design rule of thumb; assumption), plus 5 m to spare.
P_MIN_AT_PEAK_M = 35.0
P_BAND_M = (30.0, 70.0)
# Residents' use when a building's meters hold no readings: household use in cities 94, rural
# 79 L/person/day (REFERENCE_FIGURES §3, GUS ~2015).
FALLBACK_L_PER_PERSON_DAY = {
    False: fig.WATER_CITY_L_PER_PERSON_DAY,
    True: fig.WATER_RURAL_L_PER_PERSON_DAY,
}
PATTERN = "diurnal"
RESERVOIR = "WTP"
OUTLET = "WTP-OUT"
OUTLET_PIPE_M = 60.0  # plant to its outlet node (assumption)
MAX_ENTRY_TOKEN = 24  # EPANET ids are at most 31 characters; "T-" and "P-...-k" are added
READ_BATCH_METERS = 500


@dataclass(frozen=True)
class RegionDma:
    """A DMA of the store with what the model needs.

    Attributes:
        name: the district.
        rural: outside the city gmina (wider building spacing).
        entry: the entry node's name (the inflow meter's serial, ``M<id>`` for a long one,
            ``D<k>`` for a DMA without an inflow meter).
        building_ids: its buildings, the inflow meter's building first.
        demand_m3_per_h: base demand per building, same order.
    """

    name: str
    rural: bool
    entry: str
    building_ids: tuple[int, ...]
    demand_m3_per_h: tuple[float, ...]


def _entry_token(serial: str, meter_id: int) -> str:
    ok = (
        len(serial) <= MAX_ENTRY_TOKEN and serial.isascii() and not any(c.isspace() for c in serial)
    )
    return serial if ok else f"M{meter_id}"


def building_demands_m3_per_h(
    meter_means_m3_per_h: Mapping[int, float],
    meters_of_building: Mapping[int, Sequence[int]],
    residents_of_building: Mapping[int, int],
    rural: bool,
) -> dict[int, float]:
    """Base demand per building: the sum of its meters' mean hourly use; the fallback per
    resident (at least one) when none of its meters has readings; 0 without meters.

    Example:
        >>> building_demands_m3_per_h({1: 0.5}, {7: [1], 8: [2], 9: []}, {8: 2}, rural=False)
        {7: 0.5, 8: 0.007833333333333333, 9: 0.0}
    """
    out = {}
    for building, meters in meters_of_building.items():
        measured = [meter_means_m3_per_h[m] for m in meters if m in meter_means_m3_per_h]
        if measured:
            out[building] = float(sum(measured))
        elif meters:
            persons = max(residents_of_building.get(building, 0), 1)
            out[building] = persons * FALLBACK_L_PER_PERSON_DAY[rural] / 1000.0 / 24.0
            logger.info("building %d: no water readings, fallback %d persons", building, persons)
        else:
            out[building] = 0.0
    return out


def diurnal_pattern(total_m3_per_h: pd.Series) -> list[float]:
    """24 hourly multipliers (local hours 0-23) of a summed hourly use indexed by local time,
    normalised to mean 1; an hour without data gets 1."""
    if total_m3_per_h.empty:
        return [1.0] * 24
    by_hour = total_m3_per_h.groupby(pd.DatetimeIndex(total_m3_per_h.index).hour).mean()
    values = by_hour.reindex(range(24)).to_numpy(dtype=float)
    known = np.isfinite(values)
    scale = float(values[known].mean()) if known.any() else 0.0
    if scale <= 0.0:
        return [1.0] * 24
    values = np.where(known, values / scale, 1.0)
    return [float(v) for v in values / values.mean()]


def _read_use(engine: Engine, meter_ids: list[int]) -> tuple[dict[int, float], list[float]]:
    """Mean hourly use per customer meter (hours with readings) and the diurnal pattern."""
    if not meter_ids:
        return {}, [1.0] * 24
    with engine.connect() as conn:
        first, last = conn.execute(
            select(func.min(Reading.ts), func.max(Reading.ts))
            .join(Meter, Meter.id == Reading.meter_id)
            .where(
                Meter.medium == Medium.WATER,
                Meter.meter_kind == MeterKind.MAIN,
                Meter.premise_id.is_not(None),
            )
        ).one()
    if first is None:
        return {}, [1.0] * 24
    lo = pd.Timestamp(first).tz_convert("UTC").floor("h")
    hi = pd.Timestamp(last).tz_convert("UTC").floor("h") + pd.Timedelta(hours=1)
    means: dict[int, float] = {}
    total = pd.Series(dtype=float)
    for k in range(0, len(meter_ids), READ_BATCH_METERS):
        hourly = read_series(engine, meter_ids[k : k + READ_BATCH_METERS], lo, hi, Resolution.HOUR)
        hourly = hourly[hourly["n_readings"] > 0]
        means.update(hourly.groupby("meter_id")["value"].mean().to_dict())
        total = total.add(hourly.groupby("ts")["value"].sum(), fill_value=0.0)
    return {int(m): float(v) for m, v in means.items()}, diurnal_pattern(total)


def read_region(engine: Engine) -> tuple[list[RegionDma], list[float]]:
    """The store's DMAs with their buildings and base demands, and the diurnal pattern.

    Raises:
        InputError: the store has no DMAs (field ``dmas``).
    """
    dmas = store_dmas(engine)
    if not dmas:
        raise InputError(
            "the store has no DMAs (districts with water meters); run `kof region generate` "
            "or load a region first",
            field="dmas",
        )
    inflow_ids = [m for d in dmas for m in d.inflow_meter_ids]
    with session_factory(engine)() as session:
        inflows = {
            i: (serial, building)
            for i, serial, building in session.execute(
                select(Meter.id, Meter.serial_number, Meter.building_id).where(
                    Meter.id.in_(inflow_ids)
                )
            )
        }
        district_rows = session.execute(
            select(District.name, District.gmina, Building.id)
            .join(Building, Building.district_id == District.id)
            .order_by(Building.id)
        ).all()
        customer_rows = session.execute(
            select(Meter.id, Premise.building_id)
            .join(Premise, Premise.id == Meter.premise_id)
            .where(Meter.medium == Medium.WATER, Meter.meter_kind == MeterKind.MAIN)
            .order_by(Meter.id)
        ).all()
        residents = dict(
            session.execute(
                select(Premise.building_id, func.sum(Premise.household_size)).group_by(
                    Premise.building_id
                )
            ).all()
        )
    buildings_of: dict[str, list[int]] = {}
    gmina_of: dict[str, str] = {}
    for name, gmina, building in district_rows:
        buildings_of.setdefault(name, []).append(building)
        gmina_of[name] = gmina
    meters_of: dict[int, list[int]] = {}
    for meter, building in customer_rows:
        meters_of.setdefault(building, []).append(meter)
    means, pattern = _read_use(engine, [m for m, _ in customer_rows])
    out = []
    for k, dma in enumerate(dmas):
        buildings = list(buildings_of.get(dma.name, []))
        if dma.inflow_meter_ids:
            serial, at = inflows[dma.inflow_meter_ids[0]]
            entry = _entry_token(serial, dma.inflow_meter_ids[0])
            if at in buildings:
                buildings.remove(at)
                buildings.insert(0, at)
        else:
            entry = f"D{k + 1}"
            logger.warning("DMA %s has no inflow meter; its entry node is %s", dma.name, entry)
        rural = gmina_of.get(dma.name, CITY_GMINA) != CITY_GMINA
        demand = building_demands_m3_per_h(
            means, {b: meters_of.get(b, []) for b in buildings}, residents, rural
        )
        out.append(
            RegionDma(dma.name, rural, entry, tuple(buildings), tuple(demand[b] for b in buildings))
        )
    return out, pattern


class _Builder:
    """Adds nodes and pipes to a WNTR model, sizing pipes from their peak flow."""

    def __init__(self, peak_factor: float):
        self.wn = wntr.network.WaterNetworkModel()
        self.peak_factor = peak_factor
        self.xy: dict[str, tuple[float, float]] = {}

    def pipe(self, name: str, a: str, b: str, flow_m3_per_h: float | None, dn_mm: int = 0) -> int:
        """A pipe sized for ``flow_m3_per_h`` times the peak factor (or of ``dn_mm``)."""
        (xa, ya), (xb, yb) = self.xy[a], self.xy[b]
        length = max(math.hypot(xa - xb, ya - yb), lay.MIN_PIPE_LENGTH_M)
        dn = dn_mm or lay.size_dn_mm(self.peak_factor * (flow_m3_per_h or 0.0))
        self.wn.add_pipe(
            name, a, b, length=length, diameter=dn / 1000.0, roughness=lay.HAZEN_WILLIAMS_C
        )
        return dn

    def network(
        self,
        prefix: str,
        names: list[str],
        points: np.ndarray,
        demand: list[float],
        *,
        max_loop_m: float | None = None,
        radial: bool = False,
    ) -> None:
        """A tree from ``names[0]`` over the points plus loop closures, each loop as large as
        the smaller of the largest tree pipes at its ends."""
        tree, loops = lay.tree_and_loops(points, max_loop_m, radial=radial)
        flows = lay.subtree_sums(tree, 0, demand)
        largest = [0] * len(names)
        for k, (i, j) in enumerate(tree, start=1):
            dn = self.pipe(f"{prefix}{k}", names[i], names[j], flows[(i, j)])
            largest[i], largest[j] = max(largest[i], dn), max(largest[j], dn)
        for k, (i, j) in enumerate(loops, start=len(tree) + 1):
            self.pipe(f"{prefix}{k}", names[i], names[j], None, min(largest[i], largest[j]))


def assemble_region_network(
    dmas: Sequence[RegionDma], pattern: Sequence[float], *, seed: int = 0
) -> wntr.network.WaterNetworkModel:
    """The EPANET model of ``dmas`` with the diurnal ``pattern`` (see the module docstring);
    layout and terrain drawn from ``seed``."""
    rng = np.random.default_rng(seed)
    places = lay.place_dmas([len(d.building_ids) for d in dmas], [d.rural for d in dmas], rng)
    b = _Builder(peak_factor=max(pattern))
    nodes: list[tuple[str, tuple[float, float], float]] = [(OUTLET, (0.0, 0.0), 0.0)]
    for dma, place in zip(dmas, places, strict=True):
        nodes.append((f"T-{dma.entry}", place.trunk_xy_m, 0.0))
        nodes.append((dma.entry, place.centre_xy_m, 0.0))
        for building, xy, q in zip(
            dma.building_ids, place.buildings_xy_m, dma.demand_m3_per_h, strict=True
        ):
            nodes.append((f"B{building}", (float(xy[0]), float(xy[1])), q))
    xy = np.array([n[1] for n in nodes])
    elevation = lay.terrain_m(xy, rng)
    b.wn.add_pattern(PATTERN, list(pattern))
    for (name, at, q), z in zip(nodes, elevation, strict=True):
        b.xy[name] = at
        b.wn.add_junction(
            name,
            base_demand=q / 3600.0,
            demand_pattern=PATTERN,
            elevation=float(z),
            coordinates=at,
        )
    source_xy = (-OUTLET_PIPE_M, 0.0)
    b.xy[RESERVOIR] = source_xy
    head = float(elevation.max()) + P_MIN_AT_PEAK_M
    b.wn.add_reservoir(RESERVOIR, base_head=head, coordinates=source_xy)
    totals = [float(sum(d.demand_m3_per_h)) for d in dmas]
    b.pipe(f"MAIN-{RESERVOIR}", RESERVOIR, OUTLET, sum(totals))
    trunk_names = [OUTLET] + [f"T-{d.entry}" for d in dmas]
    trunk_xy = np.array([b.xy[n] for n in trunk_names])
    b.network("TRUNK-", trunk_names, trunk_xy, [0.0, *totals], radial=True)
    for dma, total in zip(dmas, totals, strict=True):
        b.pipe(f"DMA-{dma.entry}", f"T-{dma.entry}", dma.entry, total)
        names = [dma.entry] + [f"B{i}" for i in dma.building_ids]
        points = np.array([b.xy[n] for n in names])
        spacing = lay.SPACING_RURAL_M if dma.rural else lay.SPACING_CITY_M
        b.network(
            f"P-{dma.entry}-",
            names,
            points,
            [0.0, *dma.demand_m3_per_h],
            max_loop_m=lay.LOOP_MAX_SPACINGS * spacing,
        )
    _set_options(b.wn)
    _set_reservoir_head(b.wn)
    return b.wn


def _set_options(wn: wntr.network.WaterNetworkModel) -> None:
    """A 24 h run from local midnight at hourly steps, Hazen-Williams, no water quality."""
    wn.options.hydraulic.headloss = "H-W"
    wn.options.time.duration = 24 * 3600
    wn.options.time.hydraulic_timestep = 3600
    wn.options.time.pattern_timestep = 3600
    wn.options.time.report_timestep = 3600
    wn.options.time.start_clocktime = 0
    wn.options.quality.parameter = "NONE"


def junction_pressures_m(wn: wntr.network.WaterNetworkModel) -> np.ndarray:
    """Every junction's pressure (m) at each hour of a run of the model: (hours, junctions)."""
    sensors = [Sensor(SensorKind.PRESSURE, j) for j in wn.junction_name_list]
    with open_project(wn, "reference region") as project:
        return project.run(sensors, 3600).values


def _set_reservoir_head(wn: wntr.network.WaterNetworkModel) -> None:
    """Shift the reservoir head so the day's lowest pressure is ``P_MIN_AT_PEAK_M`` (demands
    do not depend on pressure, so every pressure moves by the same shift)."""
    pressure = junction_pressures_m(wn)
    shift = P_MIN_AT_PEAK_M - float(pressure.min())
    reservoir = wn.get_node(RESERVOIR)
    reservoir.base_head += shift
    high = float(pressure.max()) + shift
    logger.info(
        "reservoir head %.1f m, pressures %.1f-%.1f m", reservoir.base_head, P_MIN_AT_PEAK_M, high
    )
    if high > P_BAND_M[1]:
        logger.warning(
            "the highest pressure %.1f m exceeds %.0f m: the region needs a second pressure zone",
            high,
            P_BAND_M[1],
        )


def build_region_network(engine: Engine, *, seed: int = 0) -> wntr.network.WaterNetworkModel:
    """The EPANET model of the store's reference region (see the module docstring).

    Raises:
        InputError: the store has no DMAs.

    Example:
        >>> wn = build_region_network(make_engine(settings), seed=0)  # doctest: +SKIP
        >>> wn.get_link("DMA-KOF-DMA-001").diameter  # doctest: +SKIP
        0.1
    """
    dmas, pattern = read_region(engine)
    return assemble_region_network(dmas, pattern, seed=seed)


def write_region_network(
    engine: Engine, path: str | Path, *, seed: int = 0
) -> wntr.network.WaterNetworkModel:
    """Build the region's model and write it as an EPANET ``.inp`` (CMH: flows in m³/h)."""
    wn = build_region_network(engine, seed=seed)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    wntr.network.io.write_inpfile(wn, str(out), units="CMH")
    logger.info("wrote %s: %d junctions, %d pipes", out, wn.num_junctions, wn.num_pipes)
    return wn
