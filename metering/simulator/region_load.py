"""Load models fed by the reference region's own consumption series (``core.region``).

The region generator draws a Kielce-like set of premises and buildings with their meters'
interval consumption; each simulated device is given one of those meters' series (electricity
15-minute kWh, water and heat hourly) and measures it, repeating the window when the
simulation runs past it. Devices of one medium take the region's meters of that medium in
turn. The region is built once per (seed, start day, size) and cached.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache

import numpy as np

from core.enums import Medium
from core.timeutil import LOCAL_TZ
from metering.config import Device
from metering.simulator.consumption import ElectricityLoad, HeatLoad, LoadModel, WaterLoad

logger = logging.getLogger(__name__)

_ROLE = {Medium.ELECTRICITY: "electricity", Medium.WATER: "water", Medium.HEAT: "heat"}


class _Series:
    """One meter's interval consumption, read as a rate at any time (the window repeats)."""

    def __init__(self, start: datetime, step_s: int, values: np.ndarray):
        self.start_s = start.timestamp()
        self.step_s = step_s
        self.per_h = np.asarray(values, dtype=float) * (3600.0 / step_s)

    def rate_per_h(self, t: datetime) -> float:
        k = math.floor((t.timestamp() - self.start_s) / self.step_s) % len(self.per_h)
        return float(self.per_h[k])


class RegionElectricity(ElectricityLoad):
    def __init__(self, series: _Series, *args: object):
        super().__init__(*args)  # type: ignore[arg-type]
        self.series = series

    def power_kw(self, t: datetime) -> float:
        return self.series.rate_per_h(t)


class RegionWater(WaterLoad):
    def __init__(self, series: _Series, *args: object):
        super().__init__(*args)  # type: ignore[arg-type]
        self.series = series

    def flow_m3_per_h(self, t: datetime) -> float:
        return self.series.rate_per_h(t)


class RegionHeat(HeatLoad):
    def __init__(self, series: _Series, *args: object):
        super().__init__(*args)  # type: ignore[arg-type]
        self.series = series

    def _state(self, t: datetime) -> tuple[float, float, float]:
        _, t_supply, delta_k = super()._state(t)
        return self.series.rate_per_h(t), t_supply, delta_k


_MODELS = {
    Medium.ELECTRICITY: RegionElectricity,
    Medium.WATER: RegionWater,
    Medium.HEAT: RegionHeat,
}


@lru_cache(maxsize=4)
def _region_series(
    premises: int, seed: int, start: dt.date, days: int
) -> dict[str, list[tuple[datetime, int, np.ndarray]]]:
    """The region's interval series by role: (grid start, step, values) per meter."""
    from core.region.drivers import build_context
    from core.region.layout import build_layout
    from core.region.series import MeterIndex, building_batch, premise_batch, weather_rng

    layout = build_layout(premises, seed, start)
    ctx = build_context(start, days, weather_rng(seed))
    index = MeterIndex(layout)
    pairs = premise_batch(index, range(len(layout.premises)), ctx, seed)
    pairs += building_batch(index, range(len(layout.buildings)), ctx, seed)
    grid_start = {900: ctx.grid15.utc[0].to_pydatetime(), 3600: ctx.grid_h.utc[0].to_pydatetime()}
    out: dict[str, list[tuple[datetime, int, np.ndarray]]] = {}
    for meter, values in pairs:
        out.setdefault(meter.role, []).append(
            (grid_start[meter.interval_s], meter.interval_s, values)
        )
    logger.info(
        "reference region: %d premises, %s meter series for %d days from %s",
        premises,
        {k: len(v) for k, v in out.items()},
        days,
        start,
    )
    return out


def region_loads(
    devices: Sequence[Device], start: datetime, seed: int, days: int = 7
) -> dict[str, LoadModel]:
    """A load model per device, fed by the reference region's series.

    Args:
        devices: the simulated devices.
        start: simulated start time; the region's window starts on that local day.
        seed: the region seed.
        days: length of the region's window (repeated beyond it).
    """
    needed = sum(1 for d in devices if d.profile.medium in (Medium.ELECTRICITY, Medium.WATER))
    premises = max(60, math.ceil(needed / 100) * 100)
    local_day = start.astimezone(LOCAL_TZ).date()
    series = _region_series(premises, seed, local_day, days)
    taken: dict[str, int] = {}
    out: dict[str, LoadModel] = {}
    for k, dev in enumerate(devices):
        if dev.simulation.annual_consumption is not None:
            continue  # a device given its own annual consumption keeps the simple model
        role = _ROLE.get(dev.profile.medium)
        pool = series.get(role or "", [])
        if not pool:
            continue
        i = taken.get(role, 0)  # type: ignore[arg-type]
        taken[role] = i + 1  # type: ignore[index]
        g_start, step, values = pool[i % len(pool)]
        out[dev.key] = _MODELS[dev.profile.medium](
            _Series(g_start, step, values), dev.simulation, seed + k
        )
    return out
