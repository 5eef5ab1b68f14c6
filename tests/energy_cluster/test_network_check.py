"""The network check: a seeded overload on the CIGRE MV feeder is found and removed by re-planning."""

from __future__ import annotations

import pytest

from energy_cluster.exceptions import ScenarioError
from energy_cluster.planner import plan_scenario
from energy_cluster.scenario import scenario_from_dict
from tests.energy_cluster.conftest import assert_physical, el_demand, tiny

LOADING_TOL_PERCENT = 1e-3


def overloaded_feeder() -> dict[str, object]:
    """9 MW of free PV at the end of the urban cable feeder (5 MVA cables), grid at 110 kV."""
    raw = tiny(
        units=[
            {
                "name": "grid",
                "type": "grid",
                "bus": "hv",
                "import_max_mw": 20,
                "export_max_mw": 20,
                "price_pln_per_mwh": 300,
                "import_tariff_pln_per_mwh": 50,
            },
            {
                "name": "pv_farm",
                "type": "pv",
                "bus": "feeder_end",
                "p_el_max_mw": 9,
                "availability": "cf",
            },
        ],
        series={"d_el": {"constant": 1.0}, "cf": {"values": [0.2, 1.0, 1.0, 0.5]}},
        demands=[el_demand()],
        # A wide voltage band isolates the thermal limit (with 1.05 pu, voltage binds first).
        network={"max_iterations": 6, "v_min_pu": 0.9, "v_max_pu": 1.1},
    )
    raw["buses"] = {"hv": {"cigre_bus": 0}, "b1": {"cigre_bus": 1}, "feeder_end": {"cigre_bus": 5}}
    return raw


def test_seeded_overload_is_removed_by_the_loop() -> None:
    scenario = scenario_from_dict(overloaded_feeder(), file="feeder.yaml")

    without = plan_scenario(scenario)
    plan = plan_scenario(scenario, network_check=True)

    assert without.schedules["pv_farm-p_el_mw"].max() == pytest.approx(9.0)  # all PV used
    first, last = plan.network[0], plan.network[-1]
    assert first.violations > 0
    assert first.max_line_loading_percent > 150
    assert any("Line" in w for w in first.worst)
    assert last.violations == 0
    assert last.max_line_loading_percent <= 100 + LOADING_TOL_PERCENT
    assert len(plan.network) >= 2
    assert all(it.cuts_added > 0 for it in plan.network[:-1])
    assert_physical(plan)
    assert plan.kpis is not None
    assert plan.kpis.curtailment_mwh > 0
    assert plan.kpis.penalty_pln == pytest.approx(0.0, abs=1e-6)  # the cuts hold without slack
    # Hours without overload are left alone; overloaded hours keep as much PV as the cable takes.
    pv = plan.schedules["pv_farm-p_el_mw"]
    assert pv.iloc[0] == pytest.approx(1.8)
    assert 4.0 < pv.iloc[1] < 5.0
    assert [it.as_dict()["iteration"] for it in plan.network] == list(range(len(plan.network)))


def test_network_check_needs_every_bus_on_the_benchmark() -> None:
    raw = overloaded_feeder()
    raw["buses"]["feeder_end"] = {}  # type: ignore[index]
    scenario = scenario_from_dict(raw, file="feeder.yaml")

    with pytest.raises(ScenarioError, match="cigre_bus"):
        plan_scenario(scenario, network_check=True)
