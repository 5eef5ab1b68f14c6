"""An impossible scenario still solves; the report says which demand, which hours and why."""

from __future__ import annotations

import numpy as np
import pytest

from energy_cluster.enums import Carrier, SolveStatus
from tests.energy_cluster.conftest import el_demand, heat_demand, solve, tiny


def test_heat_demand_above_capacity_is_reported_with_hours_and_reason() -> None:
    boiler = {
        "name": "gb",
        "type": "boiler",
        "heat_node": "dh",
        "q_th_max_mw": 30,
        "eta_th": 0.9,
        "fuel_price_pln_per_mwh": 200,
    }
    raw = tiny(
        units=[boiler], series={"d_heat": {"values": [20, 45, 50, 25]}}, demands=[heat_demand()]
    )

    plan = solve(raw)

    assert plan.solve.status is SolveStatus.OPTIMAL
    (shortfall,) = plan.shortfalls
    assert shortfall.kind == "unserved"
    assert shortfall.carrier is Carrier.HEAT
    assert shortfall.name == "dh_load"
    assert shortfall.start.isoformat() == "2026-01-14T01:00:00+01:00"
    assert shortfall.end.isoformat() == "2026-01-14T03:00:00+01:00"
    assert shortfall.energy_mwh == pytest.approx(15 + 20)
    assert shortfall.max_mw == pytest.approx(20)
    assert (
        "demand 50.000 MW exceeds the most the units can deliver, 30.000 MW (gb 30)"
        in shortfall.reason
    )
    assert plan.kpis is not None
    assert plan.kpis.unserved_heat_mwh == pytest.approx(35)
    assert plan.kpis.penalty_pln == pytest.approx(35 * 20_000)


def test_electricity_shortfall_names_the_import_limit() -> None:
    grid = {
        "name": "grid",
        "type": "grid",
        "bus": "b1",
        "import_max_mw": 3,
        "export_max_mw": 0,
        "price_pln_per_mwh": 300,
    }
    pv = {"name": "pv", "type": "pv", "bus": "b1", "p_el_max_mw": 2, "availability": "cf"}
    raw = tiny(
        units=[grid, pv],
        series={"d_el": {"values": [2, 6, 4, 2]}, "cf": {"values": [0, 0.5, 0, 0]}},
        demands=[el_demand()],
    )

    plan = solve(raw)

    reasons = {s.start.hour: s.reason for s in plan.shortfalls}
    assert set(reasons) == {1}
    assert (
        "demand 6.000 MW exceeds the most the units can deliver, 4.000 MW (grid 3, pv 1)"
        in reasons[1]
    )
    np.testing.assert_allclose(plan.schedules["load-unserved_mw"], [0, 2, 1, 0], atol=1e-6)
    assert len(plan.shortfalls) == 1
    assert plan.shortfalls[0].steps == 2


def test_empty_bunker_is_given_as_the_reason() -> None:
    wte = {
        "name": "wte",
        "type": "wte_chp",
        "bus": "b1",
        "heat_node": "dh",
        "burn_max_t_per_h": 6,
        "el_mwh_per_t": 0.30,
        "th_mwh_per_t": 1.27,
        "lhv_mj_per_kg": 17,
        "bunker": {"capacity_t": 100, "initial_t": 10},
        "deliveries_t_per_h": 0,
    }
    raw = tiny(
        units=[wte],
        series={"d_el": {"constant": 0}, "d_heat": {"constant": 6}},
        demands=[el_demand(), heat_demand()],
    )

    plan = solve(raw)

    # 10 t give 12.7 MWh of heat of the 24 MWh asked for; the bunker ends empty.
    assert plan.schedules["wte-bunker_t"].iloc[-1] == pytest.approx(0, abs=1e-6)
    assert plan.kpis is not None
    assert plan.kpis.unserved_heat_mwh == pytest.approx(24 - 12.7)
    unserved = [s for s in plan.shortfalls if s.kind == "unserved"]
    assert unserved
    assert all("wte bunker" in s.reason and "fuel limited" in s.reason for s in unserved)


def test_must_burn_fuel_with_a_full_bunker_dumps_heat_with_a_reason() -> None:
    wte = {
        "name": "wte",
        "type": "wte_chp",
        "bus": "b1",
        "heat_node": "dh",
        "burn_max_t_per_h": 6,
        "burn_min_t_per_h": 3,
        "el_mwh_per_t": 0.30,
        "th_mwh_per_t": 1.27,
        "lhv_mj_per_kg": 17,
        "bunker": {"capacity_t": 10, "initial_t": 10},
        "deliveries_t_per_h": 5,
    }
    grid = {
        "name": "grid",
        "type": "grid",
        "bus": "b1",
        "import_max_mw": 5,
        "export_max_mw": 5,
        "price_pln_per_mwh": 300,
    }
    raw = tiny(
        units=[grid, wte],
        series={"d_el": {"constant": 1}, "d_heat": {"constant": 2}},
        demands=[el_demand(), heat_demand()],
        penalties={"fuel_overflow_pln_per_t": 10_000},
    )

    plan = solve(raw)

    # All 20 t delivered must be burnt: 25.4 MWh of heat for 8 MWh of demand.
    assert plan.schedules["wte-burn_t_per_h"].sum() == pytest.approx(20)
    dumped = [s for s in plan.shortfalls if s.kind == "dumped" and s.carrier is Carrier.HEAT]
    assert dumped
    assert {s.name for s in dumped} == {"dh"}
    assert sum(s.energy_mwh for s in dumped) == pytest.approx(20 * 1.27 - 8)
    assert all("wte" in s.reason for s in dumped)
