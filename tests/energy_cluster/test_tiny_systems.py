"""Tiny systems solved by hand: one unit and a demand, storage arbitrage, minimum up time."""

from __future__ import annotations

import numpy as np
import pytest

from energy_cluster.enums import SolveStatus
from tests.energy_cluster.conftest import (
    MW_TOL,
    OBJECTIVE_TOL_PLN,
    el_demand,
    heat_demand,
    solve,
    tiny,
)

GAS = {
    "type": "boiler",
    "heat_node": "dh",
    "q_th_max_mw": 10,
    "eta_th": 0.9,
    "fuel_price_pln_per_mwh": 200,
}


def test_one_boiler_covers_the_heat_demand_at_fuel_plus_co2_cost() -> None:
    raw = tiny(
        units=[{"name": "boiler", **GAS, "co2_t_per_mwh_fuel": 0.2}],
        series={"d_heat": {"values": [5, 6, 7, 8]}},
        demands=[heat_demand()],
        prices={"co2_eur_per_t": 80, "eur_pln": 4.25},
    )

    plan = solve(raw)

    fuel_mwh = 26 / 0.9
    expected = fuel_mwh * 200 + fuel_mwh * 0.2 * 80 * 4.25
    assert plan.solve.status is SolveStatus.OPTIMAL
    assert plan.solve.objective_pln == pytest.approx(expected, rel=OBJECTIVE_TOL_PLN)
    np.testing.assert_allclose(plan.schedules["boiler-q_th_mw"], [5, 6, 7, 8], atol=MW_TOL)
    np.testing.assert_allclose(
        plan.schedules["boiler-fuel_mw"], np.array([5, 6, 7, 8]) / 0.9, atol=MW_TOL
    )
    assert plan.kpis is not None
    assert plan.kpis.co2_direct_t == pytest.approx(fuel_mwh * 0.2)
    assert plan.kpis.total_cost_pln == pytest.approx(expected)
    assert plan.kpis.cost_per_mwh_served_pln == pytest.approx(expected / 26)
    assert plan.solve.gap == pytest.approx(0.0, abs=1e-9)


def test_battery_buys_cheap_hours_to_cover_expensive_hours() -> None:
    # price 100, 100, 500, 600 PLN/MWh; 1 MW load; battery 1 MW, 2 MWh, 90 % each way, empty.
    raw = tiny(
        units=[
            {
                "name": "grid",
                "type": "grid",
                "bus": "b1",
                "import_max_mw": 5,
                "export_max_mw": 0,
                "price_pln_per_mwh": "price",
            },
            {
                "name": "bat",
                "type": "battery",
                "bus": "b1",
                "e_max_mwh": 2,
                "p_charge_max_mw": 1,
                "p_discharge_max_mw": 1,
                "eta_charge": 0.9,
                "eta_discharge": 0.9,
                "end_rule": "free",
            },
        ],
        series={"d_el": {"constant": 1.0}, "price": {"values": [100, 100, 500, 600]}},
        demands=[el_demand()],
    )

    plan = solve(raw)

    # Charge 1 MW in both cheap hours (1.8 MWh stored); 1 MW out in the dearest hour costs
    # 1/0.9 MWh of content, the remaining 0.6889 MWh gives 0.62 MW in the other one.
    np.testing.assert_allclose(plan.schedules["bat-charge_mw"], [1, 1, 0, 0], atol=MW_TOL)
    np.testing.assert_allclose(plan.schedules["bat-discharge_mw"], [0, 0, 0.62, 1], atol=MW_TOL)
    np.testing.assert_allclose(plan.schedules["grid-import_mw"], [2, 2, 0.38, 0], atol=MW_TOL)
    np.testing.assert_allclose(
        plan.schedules["bat-e_mwh"], [0.9, 1.8, 1.8 - 0.62 / 0.9, 0], atol=MW_TOL
    )
    assert plan.solve.objective_pln == pytest.approx(
        2 * 2 * 100 + 0.38 * 500, rel=OBJECTIVE_TOL_PLN
    )
    assert plan.kpis is not None
    assert plan.kpis.storage_cycles["bat"] == pytest.approx(1.62 / 2)


def test_battery_does_nothing_when_the_spread_does_not_pay_the_losses() -> None:
    raw = tiny(
        units=[
            {
                "name": "grid",
                "type": "grid",
                "bus": "b1",
                "import_max_mw": 5,
                "export_max_mw": 0,
                "price_pln_per_mwh": "price",
            },
            {
                "name": "bat",
                "type": "battery",
                "bus": "b1",
                "e_max_mwh": 2,
                "p_charge_max_mw": 1,
                "p_discharge_max_mw": 1,
                "eta_charge": 0.9,
                "eta_discharge": 0.9,
                "end_rule": "free",
            },
        ],
        series={
            "d_el": {"constant": 1.0},
            "price": {"values": [100, 100, 120, 120]},
        },  # 100/0.81 > 120
        demands=[el_demand()],
    )

    plan = solve(raw)

    assert plan.schedules["bat-discharge_mw"].sum() == pytest.approx(0.0, abs=MW_TOL)
    assert plan.solve.objective_pln == pytest.approx(2 * 100 + 2 * 120)


def test_minimum_up_time_keeps_a_boiler_on_after_the_demand_is_gone() -> None:
    # 5 MW for one hour only; the boiler must stay on 3 h at >= 3 MW: 6 MWh dumped at 100 PLN/MWh.
    raw = tiny(
        units=[{"name": "boiler", **GAS, "q_th_min_mw": 3, "min_up_h": 3}],
        series={"d_heat": {"values": [5, 0, 0, 0]}},
        demands=[heat_demand()],
        penalties={"dumped_heat_pln_per_mwh": 100},
    )

    plan = solve(raw)

    np.testing.assert_allclose(plan.schedules["boiler-on"], [1, 1, 1, 0], atol=MW_TOL)
    np.testing.assert_allclose(plan.schedules["boiler-q_th_mw"], [5, 3, 3, 0], atol=MW_TOL)
    np.testing.assert_allclose(plan.schedules["dh-dumped_heat_mw"], [0, 3, 3, 0], atol=MW_TOL)
    assert plan.solve.objective_pln == pytest.approx(
        11 / 0.9 * 200 + 6 * 100, rel=OBJECTIVE_TOL_PLN
    )
    assert [s.kind for s in plan.shortfalls] == ["dumped"]
    assert plan.kpis is not None
    assert plan.kpis.startups["boiler"] == 1


def test_minimum_up_time_carried_from_before_the_horizon() -> None:
    # On for 1 h before the start with min up 3 h: on at steps 0 and 1 although nothing is needed.
    raw = tiny(
        units=[
            {
                "name": "boiler",
                **GAS,
                "q_th_min_mw": 2,
                "min_up_h": 3,
                "initial_on": 1,
                "initial_hours_in_state": 1,
            }
        ],
        series={"d_heat": {"values": [0, 0, 0, 0]}},
        demands=[heat_demand()],
        penalties={"dumped_heat_pln_per_mwh": 10},
    )

    plan = solve(raw)

    np.testing.assert_allclose(plan.schedules["boiler-on"], [1, 1, 0, 0], atol=MW_TOL)


def test_minimum_down_time_keeps_a_stopped_unit_off_and_the_report_says_so() -> None:
    # Stopped 1 h before the start, min down 3 h: off at steps 0-1; demand then goes unserved.
    raw = tiny(
        units=[
            {
                "name": "boiler",
                **GAS,
                "q_th_min_mw": 1,
                "min_down_h": 3,
                "initial_on": 0,
                "initial_hours_in_state": 1,
            }
        ],
        series={"d_heat": {"values": [4, 4, 4, 4]}},
        demands=[heat_demand()],
    )

    plan = solve(raw)

    np.testing.assert_allclose(plan.schedules["boiler-on"], [0, 0, 1, 1], atol=MW_TOL)
    (shortfall,) = plan.shortfalls
    assert shortfall.name == "dh_load"
    assert shortfall.steps == 2
    assert "minimum down time" in shortfall.reason


def test_ramp_limit_spreads_a_step_in_demand() -> None:
    raw = tiny(
        units=[
            {
                "name": "boiler",
                **GAS,
                "q_th_min_mw": 1,
                "ramp_up_mw_per_h": 2,
                "initial_on": 1,
                "initial_output_mw": 2,
            },
            {"name": "peak", **GAS, "fuel_price_pln_per_mwh": 400},
        ],
        series={"d_heat": {"values": [2, 8, 8, 8]}},
        demands=[heat_demand()],
    )

    plan = solve(raw)

    np.testing.assert_allclose(plan.schedules["boiler-q_th_mw"], [2, 4, 6, 8], atol=MW_TOL)
    np.testing.assert_allclose(plan.schedules["peak-q_th_mw"], [0, 4, 2, 0], atol=MW_TOL)


def test_pv_is_curtailed_when_export_is_full_and_prices_are_negative() -> None:
    raw = tiny(
        units=[
            {
                "name": "grid",
                "type": "grid",
                "bus": "b1",
                "import_max_mw": 5,
                "export_max_mw": 1,
                "price_pln_per_mwh": "price",
                "import_tariff_pln_per_mwh": 100,
            },
            {"name": "pv", "type": "pv", "bus": "b1", "p_el_max_mw": 4, "availability": "cf"},
        ],
        series={
            "d_el": {"constant": 1.0},
            "cf": {"values": [0.5, 1.0, 1.0, 0.0]},
            "price": {"values": [300, 300, -50, 300]},
        },
        demands=[el_demand()],
    )

    plan = solve(raw)

    np.testing.assert_allclose(plan.schedules["pv-p_el_mw"], [2, 2, 1, 0], atol=MW_TOL)
    np.testing.assert_allclose(plan.schedules["pv-curtail_mw"], [0, 2, 3, 0], atol=MW_TOL)
    assert plan.kpis is not None
    assert plan.kpis.curtailment_mwh == pytest.approx(5)
    assert plan.kpis.renewable_share == pytest.approx(1.0)  # PV is the only generator
    assert plan.kpis.export_mwh == pytest.approx(2)
    assert plan.kpis.import_mwh == pytest.approx(1)
