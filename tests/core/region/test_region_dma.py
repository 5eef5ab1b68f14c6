"""DMAs of the reference region: the plan, the inflow meters and their readings (no water
package: the balance itself is tested in tests/water/test_region_dma.py)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from sqlalchemy import Engine, text

from core.enums import Medium, MeterKind
from core.region import figures as fig
from core.region import generate_region
from core.region.dma import DmaAccumulator, dma_inflows, real_losses_m3_per_day, uarl_l_per_day_m
from core.region.drivers import build_context
from core.region.layout import build_layout
from core.region.series import MeterIndex, premise_batch, weather_rng
from core.timeseries import TimeSeriesStore

START = dt.date(2026, 1, 5)
SEED = 7


def test_one_dma_per_district_with_an_inflow_meter_after_every_other_meter() -> None:
    layout = build_layout(120, SEED, START)
    assert len(layout.dmas) == len(layout.districts)
    n = len(layout.meters)
    assert [d.meter.index for d in layout.dmas] == list(range(n, n + len(layout.dmas)))
    assert [m.index for m in layout.all_meters] == list(range(len(layout.all_meters)))
    serials = [m.serial_number for m in layout.all_meters]
    assert len(set(serials)) == len(serials)
    supplied = sorted(i for d in layout.dmas for i in d.premise_indices)
    assert supplied == list(range(120))  # every premise in exactly one DMA
    for dma in layout.dmas:
        assert dma.meter.medium == Medium.WATER
        assert dma.meter.meter_kind == MeterKind.NETWORK
        assert dma.meter.premise_index is None
        chamber = layout.buildings[dma.meter.building_index]
        assert chamber.district_index == dma.district_index
        buildings = [b for b in layout.buildings if b.district_index == dma.district_index]
        assert dma.connections == len(buildings)
        assert dma.real_losses_m3_per_day == pytest.approx(
            real_losses_m3_per_day(
                dma.connections,
                fig.MAINS_M_PER_CONNECTION_RURAL
                if buildings[0].rural
                else fig.MAINS_M_PER_CONNECTION_CITY,
            )
        )


def test_real_losses_follow_the_gus_average_and_the_uarl_weights() -> None:
    # Lambert et al. 1999: 18 L/km of mains, 0.8 L/connection, 25 L/km of private pipe, per m
    assert uarl_l_per_day_m(10.0, 500, 5.0) == pytest.approx(180.0 + 400.0 + 125.0)
    national = real_losses_m3_per_day(1000, fig.MAINS_M_PER_CONNECTION_NATIONAL)
    assert national == pytest.approx(152.0, rel=0.01)  # GUS 2019: 321 hm³ / 5.79 M connections
    city = real_losses_m3_per_day(1000, fig.MAINS_M_PER_CONNECTION_CITY)
    rural = real_losses_m3_per_day(1000, fig.MAINS_M_PER_CONNECTION_RURAL)
    assert city < national < rural  # shorter mains per connection in cities
    assert real_losses_m3_per_day(0, fig.MAINS_M_PER_CONNECTION_CITY) == 0.0


def test_inflow_is_the_customers_plus_losses_with_a_night_floor_and_one_burst() -> None:
    days = 21
    layout = build_layout(80, SEED, START)
    ctx = build_context(START, days, weather_rng(SEED))
    acc = DmaAccumulator(layout, ctx.grid_h.n_steps, SEED)
    index = MeterIndex(layout)
    acc.add(premise_batch(index, range(80), ctx, SEED))
    pairs, truths = dma_inflows(acc, ctx, SEED)
    assert [m.index for m, _ in pairs] == [d.meter.index for d in layout.dmas]
    night = (ctx.grid_h.local_hour >= 2) & (ctx.grid_h.local_hour < 5)
    for (_, inflow), truth, dma in zip(pairs, truths, layout.dmas, strict=True):
        registered = acc.registered_m3[dma.index]
        assert inflow.shape == (ctx.grid_h.n_steps,)
        assert np.all(inflow >= np.round(registered, 3))  # losses are never negative
        assert inflow[night].min() > 0.0  # leakage never stops: the night-flow floor
        assert truth.system_input_m3 == pytest.approx(inflow.sum())
        assert truth.customers_registered_m3 == pytest.approx(registered.sum())
        si = truth.system_input_m3
        assert truth.unauthorised_m3 / si == pytest.approx(
            fig.UNAUTHORISED_SHARE_OF_INPUT, rel=0.01
        )
        assert truth.unbilled_authorised_m3 / si == pytest.approx(
            fig.UNBILLED_UNMETERED_SHARE_OF_INPUT, rel=0.5
        )
        under = 1.0 - truth.customers_registered_m3 / truth.customers_true_m3
        low, high = fig.METER_UNDER_REGISTRATION_RANGE
        assert low <= under <= high
        if truth.burst_start_utc is None:
            expected = dma.real_losses_m3_per_day * days
            assert truth.real_losses_m3 == pytest.approx(expected, rel=0.15)  # drift SD 5 %
    bursts = [t for t in truths if t.burst_start_utc is not None]
    assert len(bursts) == 1
    start = bursts[0].burst_start_utc
    first, last = ctx.grid_h.utc[0], ctx.grid_h.utc[-1]
    assert first + (last - first) * 0.35 < start < first + (last - first) * 0.75


def test_short_periods_have_no_burst_and_the_store_holds_the_inflows(
    engine: Engine, store: TimeSeriesStore
) -> None:
    summary = generate_region(engine, store, premises=60, days=3, seed=SEED, start=START)
    assert len(summary.dmas) == summary.districts
    assert all(t.burst_start_utc is None for t in summary.dmas)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT m.serial_number, count(r.ts), sum(r.value) FROM meters m "
                "JOIN readings r ON r.meter_id = m.id WHERE m.meter_kind = 'network' "
                "GROUP BY m.id ORDER BY m.serial_number"
            )
        ).all()
    assert [r[0] for r in rows] == [f"KOF-DMA-{k + 1:03d}" for k in range(summary.districts)]
    assert {r[1] for r in rows} == {3 * 24}
    assert sorted(r[2] for r in rows) == pytest.approx(
        sorted(t.system_input_m3 for t in summary.dmas)
    )
