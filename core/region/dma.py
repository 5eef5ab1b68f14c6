"""District metered areas (DMAs) of the reference region and the readings of their inflow meters.

Every district is one DMA, fed through one bulk inflow meter (water, kind ``network``). Its
hourly inflow is the IWA water balance of the area, built up from what the customer meters of
the district registered:

    inflow = customers' true use (registered / (1 - meter under-registration))
           + unbilled authorised use (flushing, hydrants; by day)
           + unauthorised use (follows the demand)
           + real losses (background leakage, pressure dependent, plus one unreported burst)

The real losses follow the zone pressure: the night pressure less a head loss that grows with
the demand, so leakage is highest at night, as on a real network (the night-day factor of the
minimum-night-flow method comes out near 20 h). Every figure is in ``figures.py``.

Determinism: the meters' under-registration and the burst draw from ``SeedSequence([seed, 4,
0, k])``, each DMA from ``SeedSequence([seed, 4, 1, index])``; the customers' sums are added in
premise order, so the inflow is the same whatever the batch size.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.enums import Medium, MeterKind
from core.region import figures as fig
from core.region.drivers import RegionContext
from core.region.noise import ar1_gaussian, lognormal_factor
from core.region.plans import (
    BuildingPlan,
    DistrictPlan,
    DmaPlan,
    MeterPlan,
    PremisePlan,
    RegionLayout,
)

DMA_STREAM = 4  # after the layout, weather, premise and building streams of series.py
INFLOW_ROLE = "dma_inflow"
_INFLOW_DECIMALS = 3  # 1 L, as the customer meters
_DMA_METER_AGE_DAYS = 365  # the DMAs were set up a year before the period (assumption)


def uarl_l_per_day_m(mains_km: float, connections: int, private_pipe_km: float) -> float:
    """Unavoidable annual real losses per metre of pressure (L/day/m), Lambert et al. 1999.

    Example:
        >>> round(uarl_l_per_day_m(10.0, 500, 5.0), 1)
        705.0
    """
    return (
        fig.UARL_L_PER_KM_MAINS_DAY_M * mains_km
        + fig.UARL_L_PER_CONNECTION_DAY_M * connections
        + fig.UARL_L_PER_KM_PRIVATE_DAY_M * private_pipe_km
    )


def real_losses_m3_per_day(connections: int, mains_m_per_connection: float) -> float:
    """Expected real losses of an area: the national average per connection (GUS 2019), scaled
    by the area's UARL per connection over the national one."""
    if connections <= 0:
        return 0.0
    private_km = fig.PRIVATE_PIPE_M_PER_CONNECTION / 1000.0
    local = uarl_l_per_day_m(mains_m_per_connection / 1000.0, 1, private_km)
    national = uarl_l_per_day_m(fig.MAINS_M_PER_CONNECTION_NATIONAL / 1000.0, 1, private_km)
    return connections * fig.REAL_LOSSES_NATIONAL_L_PER_CONNECTION_DAY * local / national / 1000.0


def plan_dmas(
    districts: Sequence[DistrictPlan],
    buildings: Sequence[BuildingPlan],
    premises: Sequence[PremisePlan],
    first_meter_index: int,
    start: dt.date,
) -> tuple[DmaPlan, ...]:
    """One DMA per district that has buildings; its inflow meter sits at its first building.

    Args:
        districts, buildings, premises: the layout.
        first_meter_index: the ``index`` of the first inflow meter (after every other meter).
        start: first day of the period (the meters are installed a year before).
    """
    installed = dt.datetime(start.year, start.month, start.day, tzinfo=dt.UTC) - dt.timedelta(
        days=_DMA_METER_AGE_DAYS
    )
    out: list[DmaPlan] = []
    for district in districts:
        members = [b for b in buildings if b.district_index == district.index]
        if not members:
            continue
        inside = {b.index for b in members}
        rural = members[0].rural
        per_connection_m = (
            fig.MAINS_M_PER_CONNECTION_RURAL if rural else fig.MAINS_M_PER_CONNECTION_CITY
        )
        k = len(out)
        meter = MeterPlan(
            index=first_meter_index + k,
            serial_number=f"KOF-DMA-{k + 1:03d}",
            medium=Medium.WATER,
            meter_kind=MeterKind.NETWORK,
            unit="m3",
            interval_s=3600,
            premise_index=None,
            building_index=members[0].index,
            installed_at=installed,
            role=INFLOW_ROLE,
        )
        out.append(
            DmaPlan(
                index=k,
                district_index=district.index,
                name=district.name,
                meter=meter,
                premise_indices=tuple(p.index for p in premises if p.building_index in inside),
                connections=len(members),
                mains_km=len(members) * per_connection_m / 1000.0,
                real_losses_m3_per_day=real_losses_m3_per_day(len(members), per_connection_m),
            )
        )
    return tuple(out)


@dataclass(frozen=True)
class DmaTruth:
    """What the generator put into a DMA over the period (m³): the answer a water balance of
    the stored readings should find.

    Attributes:
        name: the DMA (its district's name).
        premises: properties supplied; connections: service connections.
        system_input_m3: the stored inflow readings, summed.
        customers_registered_m3: the customer meters' stored readings, summed.
        customers_true_m3: what passed the customer meters (registered + under-registration).
        unbilled_authorised_m3, unauthorised_m3, real_losses_m3: the other components.
        burst_start_utc: start of the unreported burst in this DMA (None: no burst here).
        burst_m3_per_h_at_50_m: its flow at 50 m of pressure (0 without a burst).
    """

    name: str
    premises: int
    connections: int
    system_input_m3: float
    customers_registered_m3: float
    customers_true_m3: float
    unbilled_authorised_m3: float
    unauthorised_m3: float
    real_losses_m3: float
    burst_start_utc: dt.datetime | None = None
    burst_m3_per_h_at_50_m: float = 0.0


class DmaAccumulator:
    """Sums the customer meters of every DMA as the premise batches are generated."""

    def __init__(self, layout: RegionLayout, n_hours: int, seed: int):
        self.layout = layout
        self.of_premise = np.full(len(layout.premises), -1, dtype=np.int64)
        for dma in layout.dmas:
            self.of_premise[list(dma.premise_indices)] = dma.index
        rng = np.random.default_rng(np.random.SeedSequence([seed, DMA_STREAM, 0, 0]))
        self.under_registration = rng.uniform(
            *fig.METER_UNDER_REGISTRATION_RANGE, size=len(layout.premises)
        )
        self.registered_m3 = np.zeros((len(layout.dmas), n_hours))
        self.true_m3 = np.zeros((len(layout.dmas), n_hours))

    def add(self, pairs: Sequence[tuple[MeterPlan, np.ndarray]]) -> None:
        """Add the premise water meters among ``pairs`` (in premise order) to their DMA."""
        for meter, values in pairs:
            if meter.role != "water" or meter.premise_index is None:
                continue
            dma = self.of_premise[meter.premise_index]
            if dma < 0:
                continue
            self.registered_m3[dma] += values
            self.true_m3[dma] += values / (1.0 - self.under_registration[meter.premise_index])


def _burst(layout: RegionLayout, ctx: RegionContext, seed: int) -> tuple[int, int] | None:
    """(DMA index, start hour) of the region's burst, or None for short periods."""
    grid = ctx.grid_h
    if grid.n_days < fig.BURST_MIN_DAYS or not layout.dmas:
        return None
    rng = np.random.default_rng(np.random.SeedSequence([seed, DMA_STREAM, 0, 1]))
    weights = np.array([d.connections for d in layout.dmas], dtype=float)
    dma = int(rng.choice(len(weights), p=weights / weights.sum()))
    lo, hi = (int(share * grid.n_days) for share in fig.BURST_START_SHARE)
    day = int(rng.integers(lo, hi + 1))
    hour = int(grid.day_starts[day] + rng.integers(0, grid.steps_per_day[day]))
    return dma, hour


def _unbilled_weights(ctx: RegionContext) -> np.ndarray:
    """Share of each day's unbilled use in each hour: even over the daytime hours."""
    grid = ctx.grid_h
    lo, hi = fig.UNBILLED_HOURS
    mask = ((grid.local_hour >= lo) & (grid.local_hour < hi)).astype(float)
    per_day = np.bincount(grid.day_index, weights=mask, minlength=grid.n_days)
    return mask / np.maximum(per_day, 1.0)[grid.day_index]


def dma_inflows(
    acc: DmaAccumulator, ctx: RegionContext, seed: int
) -> tuple[list[tuple[MeterPlan, np.ndarray]], tuple[DmaTruth, ...]]:
    """Hourly readings (m³) of every DMA inflow meter, and what went into each.

    Call after every premise batch has been added to ``acc``.
    """
    layout, grid = acc.layout, ctx.grid_h
    burst = _burst(layout, ctx, seed)
    unbilled_share = fig.UNBILLED_UNMETERED_SHARE_OF_INPUT
    unauthorised_share = fig.UNAUTHORISED_SHARE_OF_INPUT
    gross_up = 1.0 / (1.0 - unbilled_share - unauthorised_share)
    hour_weights = _unbilled_weights(ctx)
    pairs: list[tuple[MeterPlan, np.ndarray]] = []
    truths: list[DmaTruth] = []
    for dma in layout.dmas:
        rng = np.random.default_rng(np.random.SeedSequence([seed, DMA_STREAM, 1, dma.index]))
        demand = acc.true_m3[dma.index]
        peak = float(demand.max())
        relative = demand / peak if peak > 0 else np.zeros_like(demand)
        pressure_m = fig.NIGHT_PRESSURE_M - fig.PEAK_HEAD_LOSS_M * relative**fig.HEAD_LOSS_EXPONENT
        shape = (pressure_m / fig.NIGHT_PRESSURE_M) ** fig.BACKGROUND_LEAK_N1
        drift = lognormal_factor(
            ar1_gaussian(rng, grid.n_steps, fig.BACKGROUND_DRIFT_TAU_H, grid.step_h),
            fig.BACKGROUND_DRIFT_SD,
        )
        real = dma.real_losses_m3_per_day / 24.0 * shape / shape.mean() * drift
        burst_start = None
        burst_flow = 0.0
        if burst is not None and burst[0] == dma.index:
            start_h = burst[1]
            burst_flow = fig.BURST_FLOW_M3_PER_H_AT_50_M
            real[start_h:] += burst_flow * (pressure_m[start_h:] / 50.0) ** fig.BURST_N1
            burst_start = grid.utc[start_h].to_pydatetime()
        base = demand + real
        unauthorised = unauthorised_share * gross_up * base
        day_factor = lognormal_factor(rng.standard_normal(grid.n_days), fig.UNBILLED_DAY_SIGMA)
        unbilled_by_day = unbilled_share * gross_up * grid.daily_sum(base) * day_factor
        unbilled = unbilled_by_day[grid.day_index] * hour_weights
        inflow = np.round(base + unauthorised + unbilled, _INFLOW_DECIMALS)
        pairs.append((dma.meter, inflow))
        truths.append(
            DmaTruth(
                name=dma.name,
                premises=len(dma.premise_indices),
                connections=dma.connections,
                system_input_m3=float(inflow.sum()),
                customers_registered_m3=float(acc.registered_m3[dma.index].sum()),
                customers_true_m3=float(demand.sum()),
                unbilled_authorised_m3=float(unbilled.sum()),
                unauthorised_m3=float(unauthorised.sum()),
                real_losses_m3=float(real.sum()),
                burst_start_utc=burst_start,
                burst_m3_per_h_at_50_m=burst_flow,
            )
        )
    return pairs, tuple(truths)
