"""Labelled scenarios: the leak is really in the telemetry, and it is WNTR's leak model."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tests.water.conftest import Bench
from water.dma import area_inflows, metered_areas
from water.leaks.scenarios import ScenarioSettings, simulate_scenario, simulate_wntr_leak
from water.model import LeakKind, LeakSpec, Sensor, SensorKind

FLOW_TOL_REL = 0.03  # leak flow recovered from the DMA inflow, relative
WNTR_FLOW_TOL_REL = 0.05  # WNTR's own leak model vs the orifice flow we inject


def _inflow(bench: Bench, telemetry: pd.DataFrame) -> pd.Series:
    wide = telemetry.pivot(index="timestamp", columns="sensor", values="value")
    flows = [s.element for s in bench.sensors if s.kind is SensorKind.FLOW]
    return area_inflows(wide, metered_areas(bench.network, flows)).sum(axis=1)


def test_a_leak_adds_its_flow_to_the_dma_inflow(net3: Bench) -> None:
    start = pd.Timestamp("2026-03-02", tz="UTC")
    settings = ScenarioSettings(
        start=start,
        duration_h=48,
        noise_sigma=0.0,
        day_sigma=0.0,
        pressure_noise_m=0.0,
        flow_noise_rel=0.0,
    )
    leak = LeakSpec(net3.leak_node(1), start + pd.Timedelta(hours=24), flow_m3_per_h=50.0)
    base = simulate_scenario(net3.network, net3.sensors, settings)
    leaky = simulate_scenario(net3.network, net3.sensors, settings, [leak])
    extra = _inflow(net3, leaky.telemetry) - _inflow(net3, base.telemetry)
    assert abs(extra[: start + pd.Timedelta(hours=23)].mean()) < 0.5
    # over whole days the tanks give back what they lent: the inflow carries the leak
    assert abs(extra[start + pd.Timedelta(hours=24) :].mean() - 50.0) < FLOW_TOL_REL * 50.0 + 2.0
    assert leaky.leak_flow_m3_per_h[0].max() == 50.0


def test_incipient_leaks_ramp_up(net3: Bench) -> None:
    start = pd.Timestamp("2026-03-02", tz="UTC")
    leak = LeakSpec(
        net3.leak_node(2),
        start + pd.Timedelta(hours=6),
        LeakKind.INCIPIENT,
        flow_m3_per_h=30.0,
        ramp_h=24.0,
    )
    scenario = simulate_scenario(
        net3.network, net3.sensors, ScenarioSettings(start=start, duration_h=36), [leak]
    )
    flow = scenario.leak_flow_m3_per_h[0]
    assert flow[start + pd.Timedelta(hours=5)] == 0.0
    assert flow[start + pd.Timedelta(hours=18)] == 15.0
    assert flow.iloc[-1] == 30.0
    assert set(scenario.telemetry.columns) == {"timestamp", "sensor", "value"}
    assert str(scenario.telemetry["timestamp"].dt.tz) == "UTC"


def test_leak_area_follows_wntr_leak_model(net3: Bench) -> None:
    """Our EPANET injection of a leak given by its area matches WNTR's own leak model."""
    start = pd.Timestamp("2026-03-02", tz="UTC")
    node = net3.leak_node(3)
    spec = LeakSpec(node, start + pd.Timedelta(hours=6), area_m2=0.0015)
    sensors = [Sensor(SensorKind.PRESSURE, node), *net3.sensors[:2]]
    _, wntr_flow = simulate_wntr_leak(net3.network, sensors, spec, sim_start=start, duration_h=12)
    ours = simulate_scenario(
        net3.network, net3.sensors, ScenarioSettings(start=start, duration_h=12), [spec]
    )
    injected = ours.leaks[0].flow_m3_per_h
    wntr_mean = float(wntr_flow[wntr_flow > 0].mean())
    assert np.isclose(injected, wntr_mean, rtol=WNTR_FLOW_TOL_REL)
    assert 20.0 < injected < 400.0
