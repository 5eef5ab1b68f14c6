"""Generate the KOF reference region (the digital twin used when no field data exists).

``generate_region`` stores, for a seed, a premise count and a period:

1. the layout: districts (Kielce osiedla and two KOF gminas), buildings, customers, premises
   and meters (``layout.py``, ``archetypes.py``);
2. hourly weather at Kielce-Suków (``weather.py``);
3. readings, in batches of premises: electricity every 15 minutes, water, gas and heat every
   hour, rooftop PV every 15 minutes (``profiles_electricity.py``,
   ``profiles_heat_water_gas.py``); then the building-level meters (DH substations, PV);
4. one district metered area (DMA) per district: the hourly readings of its bulk inflow meter,
   the district's customer meters plus unbilled use, apparent and real losses and one seeded
   burst (``dma.py``).

Sources. Every figure is in ``figures.py`` with its source: REFERENCE_FIGURES.md (GUS, URE,
IMGW/Wikipedia climate of Kielce, pgie.pl irradiation, Gulkowski 2022 PV yield, the Polish
construction-period heat demands), the Polish energy-performance methodology (hot water),
CIBSE TM46 (non-domestic electricity), the PGNiG gas calorific value and, where nothing is
published, a marked assumption.

Plausibility check (``tests/core/region``): long-run monthly temperatures within ~1 K of the
Kielce table and persistent anomalies; annual GHI 1,000-1,070 kWh/m²; mean household
electricity 1,500-2,300 kWh/yr (GUS 1,741.8 cities / 2,452.9 rural); household water 70-130
L/person/day (GUS 94); gas-heated households 8,000-30,000 kWh/yr (GUS 5,260 per city customer
including cooking-only ones); an as-built 1967-85 panel block 240-280 kWh/m²·yr of space
heating; PV ~990 kWh/kWp; no negative value anywhere; 92/100 quarter-hours on DST days.

Determinism: the layout, the weather and every premise and building draw from their own
``SeedSequence([seed, stream, index])``, so the stored region is identical for the same seed,
premises, days and start, whatever the batch size.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from core.exceptions import InputError
from core.region.dma import DmaAccumulator, DmaTruth, dma_inflows
from core.region.drivers import RegionContext, build_context
from core.region.layout import build_layout
from core.region.persist import count_districts, store_layout
from core.region.plans import MeterPlan
from core.region.series import MeterIndex, building_batch, premise_batch, weather_rng
from core.region.timegrid import period_bounds

if TYPE_CHECKING:
    from core.timeseries import TimeSeriesStore

logger = logging.getLogger(__name__)

PREMISES_RANGE = (50, 100_000)
# A batch is generated in memory, then written in slices (one transaction each): long periods
# use fewer premises per batch so that a batch stays under ~4 million readings.
MAX_BATCH_READINGS = 4_000_000
MAX_WRITE_READINGS = 1_000_000
# Upper bound of readings per premise and day: 96 + 24 + 24 + 24 + 96 (all meters).
_READINGS_PER_PREMISE_DAY = 264
DAYS_RANGE = (1, 3660)


@dataclass(frozen=True)
class RegionSummary:
    """What ``generate_region`` stored.

    Attributes:
        districts, buildings, premises, meters: layout rows stored.
        readings: meter readings stored.
        weather_rows: hourly weather rows stored.
        period_start_utc, period_end_utc: the period [start, end), UTC.
        elapsed_s: wall-clock time of the generation.
        dmas: per district metered area, what went into its inflow (the balance's answer).
    """

    districts: int
    buildings: int
    premises: int
    meters: int
    readings: int
    weather_rows: int
    period_start_utc: dt.datetime
    period_end_utc: dt.datetime
    elapsed_s: float
    dmas: tuple[DmaTruth, ...] = ()


def _check_int(name: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise InputError(f"{name}: expected a whole number, got {value!r}", field=name, value=value)
    if not low <= int(value) <= high:
        raise InputError(
            f"{name}: {value} is out of range; expected {low:,} to {high:,}",
            field=name,
            value=value,
        )
    return int(value)


def _validate(
    premises: object, days: object, seed: object, start: object, batch_premises: object
) -> None:
    _check_int("premises", premises, *PREMISES_RANGE)
    _check_int("days", days, *DAYS_RANGE)
    _check_int("seed", seed, 0, 2**63 - 1)
    _check_int("batch_premises", batch_premises, 1, PREMISES_RANGE[1])
    if isinstance(start, dt.datetime) or not isinstance(start, dt.date):
        raise InputError(
            f"start: expected a calendar date (YYYY-MM-DD), got {start!r}",
            field="start",
            value=start,
        )
    if not 1900 <= start.year <= 2090:
        raise InputError(
            f"start: {start} is out of range; expected a year from 1900 to 2090",
            field="start",
            value=start,
        )


def _frame(
    pairs: Sequence[tuple[MeterPlan, np.ndarray]], meter_ids: Sequence[int], ctx: RegionContext
) -> pd.DataFrame:
    """One long readings frame for ``TimeSeriesStore.write_readings``."""
    stamps = {900: ctx.grid15.utc.as_unit("ns").asi8, 3600: ctx.grid_h.utc.as_unit("ns").asi8}
    ids = np.concatenate([np.full(len(v), meter_ids[m.index], dtype=np.int64) for m, v in pairs])
    ts_ns = np.concatenate([stamps[m.interval_s] for m, _ in pairs])
    values = np.concatenate([v for _, v in pairs])
    ts = pd.DatetimeIndex(ts_ns.view("datetime64[ns]")).tz_localize("UTC")
    return pd.DataFrame({"meter_id": ids, "ts": ts, "value": values})


def _chunks(items: Sequence[int], size: int) -> list[Sequence[int]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _write(store: TimeSeriesStore, frame: pd.DataFrame) -> int:
    """Write a batch's readings in slices of at most MAX_WRITE_READINGS rows."""
    return sum(
        store.write_readings(frame.iloc[i : i + MAX_WRITE_READINGS])
        for i in range(0, len(frame), MAX_WRITE_READINGS)
    )


def generate_region(
    engine: Engine,
    store: TimeSeriesStore,
    *,
    premises: int,
    days: int,
    seed: int,
    start: dt.date,
    batch_premises: int = 25,
    progress: Callable[[str], None] | None = None,
) -> RegionSummary:
    """Build the reference region into an empty store.

    Args:
        engine: the store's engine (migrated).
        store: the time-series store on that engine.
        premises: number of premises, 50 to 100,000.
        days: number of local calendar days, 1 to 3,660.
        seed: the region seed (0 or more).
        start: the first local (Europe/Warsaw) day; the period starts at its local midnight.
        batch_premises: premises whose readings are generated together (an upper bound: long
            periods use smaller batches, see MAX_BATCH_READINGS; the result is the same).
        progress: called with a one-line message after each stage and batch.

    Returns:
        The counts stored and the period.

    Raises:
        InputError: an argument out of range (named in ``field``), or a store that already
            holds a region.

    Example:
        >>> generate_region(engine, store, premises=60, days=7, seed=1,
        ...                 start=dt.date(2026, 1, 5))  # doctest: +SKIP
    """
    _validate(premises, days, seed, start, batch_premises)
    existing = count_districts(engine)
    if existing:
        raise InputError(
            f"the store already contains a region ({existing} districts); generate into a fresh "
            "store (a new KOF_DATABASE_URL, then `kof db upgrade`)",
            field="store",
            value=existing,
        )
    say = progress or (lambda message: None)
    began = time.perf_counter()

    layout = build_layout(premises, seed, start)
    meter_ids = store_layout(engine, layout)
    say(
        f"layout: {len(layout.districts)} districts, {len(layout.buildings)} buildings, "
        f"{len(layout.premises)} premises, {len(layout.all_meters)} meters"
    )

    ctx = build_context(start, days, weather_rng(seed))
    weather_rows = store.write_weather(ctx.weather.to_frame())
    say(f"weather: {weather_rows} hourly rows")

    index = MeterIndex(layout)
    readings = 0
    per_batch = min(
        batch_premises, max(1, MAX_BATCH_READINGS // (_READINGS_PER_PREMISE_DAY * days))
    )
    batches = _chunks(range(premises), per_batch)
    dma_sums = DmaAccumulator(layout, ctx.grid_h.n_steps, seed)
    for n, batch in enumerate(batches, start=1):
        pairs = premise_batch(index, batch, ctx, seed)
        dma_sums.add(pairs)
        readings += _write(store, _frame(pairs, meter_ids, ctx))
        say(
            f"premises {batch[0] + 1}-{batch[-1] + 1} of {premises} (batch {n}/{len(batches)}): "
            f"{readings:,} readings"
        )
    with_meters = [i for i in range(len(layout.buildings)) if index.by_building.get(i)]
    for batch in _chunks(with_meters, per_batch):
        pairs = building_batch(index, batch, ctx, seed)
        if pairs:
            readings += _write(store, _frame(pairs, meter_ids, ctx))
    say(f"building meters ({len(with_meters)} buildings): {readings:,} readings in total")
    inflows, dmas = dma_inflows(dma_sums, ctx, seed)
    if inflows:
        readings += _write(store, _frame(inflows, meter_ids, ctx))
    say(f"DMA inflow meters ({len(inflows)} DMAs): {readings:,} readings in total")

    start_utc, end_utc = period_bounds(start, days)
    summary = RegionSummary(
        districts=len(layout.districts),
        buildings=len(layout.buildings),
        premises=len(layout.premises),
        meters=len(layout.all_meters),
        readings=readings,
        weather_rows=weather_rows,
        period_start_utc=start_utc.to_pydatetime(),
        period_end_utc=end_utc.to_pydatetime(),
        elapsed_s=time.perf_counter() - began,
        dmas=dmas,
    )
    logger.info(
        "generated region: %d premises, %d meters, %d readings in %.1f s",
        summary.premises,
        summary.meters,
        summary.readings,
        summary.elapsed_s,
    )
    return summary
