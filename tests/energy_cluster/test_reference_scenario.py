"""The reference KOF scenario: loads, solves to optimality, and the plan is physical."""

from __future__ import annotations

import pytest

from energy_cluster.enums import SolveStatus, UnitType
from energy_cluster.planner import plan_scenario
from energy_cluster.scenario import Scenario
from tests.energy_cluster.conftest import REFERENCE, assert_physical

ENERGY_TOL_MWH = 1e-6


def test_reference_file_cites_its_figures() -> None:
    text = REFERENCE.read_text(encoding="utf-8")
    for figure in (
        "5 x 32 MWt",
        "0.30 MWh_el/t",
        "1.27 MWh_th/t",
        "3,600 m3/d",
        "990.2",
        "32 %",
        "17/10",
        "743",
        "0.202",
        "EUA",
    ):
        assert figure in text, figure


def test_reference_has_every_unit_type_the_issue_asks_for(reference: Scenario) -> None:
    types = {u.type for u in reference.config.units}
    assert {
        UnitType.GRID,
        UnitType.PV,
        UnitType.WIND,
        UnitType.WTE_CHP,
        UnitType.BIOGAS_CHP,
        UnitType.WASTE_HEAT,
        UnitType.BOILER,
        UnitType.ELECTRIC_BOILER,
        UnitType.HEAT_STORAGE,
        UnitType.BATTERY,
        UnitType.GAS_CHP,
    } <= types
    assert reference.config.horizon.resolution_min == 15


def test_reference_plan_is_optimal_physical_and_balanced(reference: Scenario) -> None:
    plan = plan_scenario(reference)

    assert plan.solve.status is SolveStatus.OPTIMAL
    assert plan.solve.gap is not None
    assert plan.solve.gap <= reference.config.solver.mip_rel_gap + 1e-9
    assert_physical(plan)
    assert plan.shortfalls == []
    k = plan.kpis
    assert k is not None
    assert k.penalty_pln == pytest.approx(0.0, abs=1e-6)
    assert k.total_cost_pln == pytest.approx(plan.solve.objective_pln, rel=1e-9)
    # Energy bookkeeping: electricity served = generation + import - export - storage and P2H use.
    generated = sum(v["electricity"] for v in k.generation_mwh.values())
    p2h = plan.schedules["ec_electric_boiler-p_el_mw"].sum() * plan.step_h
    battery = (
        plan.schedules["city_battery-discharge_mw"] - plan.schedules["city_battery-charge_mw"]
    ).sum() * plan.step_h
    assert k.el_served_mwh == pytest.approx(
        generated + k.import_mwh - k.export_mwh - p2h + battery, abs=1e-4
    )
    assert 0 < k.renewable_share < 1
    assert 0 < k.self_sufficiency <= 1
    assert k.co2_t == pytest.approx(k.co2_direct_t + k.co2_import_t)
