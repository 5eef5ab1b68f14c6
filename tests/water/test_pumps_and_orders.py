"""Pump health against the Net3 pump curve, and leak detections becoming work orders."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine

from core.exceptions import InputError
from core.maintenance.enums import Priority
from core.maintenance.service import list_items
from tests.water.conftest import network_file
from water.model import LeakDetection, LeakKind
from water.network import load_network
from water.pumps import curve_head_m, pump_curve, pump_health
from water.service import LeakReport, open_leak_work_orders, open_pump_work_order

REFERENCE = pd.Timestamp("2026-03-01", tz="UTC")


def _pump_telemetry(
    curve: list[tuple[float, float]], wear_from: pd.Timestamp | None, seed: int = 0
) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    index = pd.date_range("2026-02-01", "2026-04-01", freq="15min", tz="UTC", inclusive="left")
    flow = 400 + 60 * np.sin(2 * np.pi * index.hour.to_numpy() / 24) + rng.normal(0, 5, len(index))
    head = curve_head_m(curve, flow) + rng.normal(0, 0.2, len(index))
    eta = np.full(len(index), 0.72)
    if wear_from is not None:
        worn = index >= wear_from
        days = (index[worn] - wear_from).total_seconds().to_numpy() / 86400
        head[worn] -= 0.1 * days  # impeller wear: 3 m less head after a month
        eta[worn] -= 0.003 * days
    power = 1000 * 9.81 * (flow / 3600) * head / eta / 1000 + rng.normal(0, 0.3, len(index))
    return pd.DataFrame({"flow_m3_per_h": flow, "head_m": head, "power_kw": power}, index=index)


def test_a_worn_pump_drifts_below_its_curve() -> None:
    curve = pump_curve(load_network(network_file("Net3")), "10")
    healthy = pump_health(_pump_telemetry(curve, None), reference_until=REFERENCE, curve=curve)
    assert not healthy.degraded
    assert abs(healthy.head_deficit_m) < 0.5
    assert healthy.efficiency[0] == pytest.approx(0.72, abs=0.01)
    assert healthy.specific_energy_kwh_per_m3[0] == pytest.approx(
        9.81 * 28.5 / 3600 / 0.72, rel=0.1
    )
    worn = pump_health(_pump_telemetry(curve, REFERENCE), reference_until=REFERENCE, curve=curve)
    assert worn.degraded
    assert worn.head_deficit_m > 1.0
    assert worn.efficiency_drift_pct_per_30d < -5.0
    assert any("efficiency" in r for r in worn.reasons)


def test_pump_health_needs_its_columns() -> None:
    with pytest.raises(InputError, match="power_kw"):
        pump_health(
            pd.DataFrame({"flow_m3_per_h": [1.0], "head_m": [1.0]}), reference_until=REFERENCE
        )


def test_each_leak_opens_one_work_order(engine: Engine) -> None:
    found = LeakDetection(
        start=pd.Timestamp("2026-01-21T03:00Z"),
        detected_at=pd.Timestamp("2026-01-21T09:00Z"),
        location="241",
        pipe="277",
        kind=LeakKind.ABRUPT,
        estimated_flow_m3_per_h=35.0,
        score=7.2,
        confidence_nodes=("241", "243"),
        confidence_radius_m=410.0,
    )
    report = LeakReport("Net3", (found,), pd.Timestamp("2026-01-19T00:00Z"), 5.0)
    first = open_leak_work_orders(engine, report)
    again = open_leak_work_orders(engine, report)
    assert [i.id for i in first] == [i.id for i in again]
    [item] = list_items(engine, medium="water")
    assert item.asset == "water:Net3/pipe:277"
    assert item.priority is Priority.URGENT
    assert item.evidence["location"] == "241"


def test_a_degraded_pump_opens_a_work_order(engine: Engine) -> None:
    curve = pump_curve(load_network(network_file("Net3")), "10")
    worn = pump_health(_pump_telemetry(curve, REFERENCE), reference_until=REFERENCE, curve=curve)
    healthy = pump_health(_pump_telemetry(curve, None), reference_until=REFERENCE, curve=curve)
    assert open_pump_work_order(engine, "water:Net3/pump:10", healthy) is None
    item = open_pump_work_order(engine, "water:Net3/pump:10", worn)
    assert item is not None
    assert item.kind == "pump_health"
    assert item.evidence["head_deficit_m"] > 1.0
