"""The dashboard services on a small checked plan solved for real: the network check stored with
the plan and read back per step, the single-line topology, and plan vs measured totals."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine, func, select

from core.exceptions import InputError
from energy_cluster.actuals import PlanSeries
from energy_cluster.dashboard_service import (
    latest_plan_view,
    network_view,
    parse_local_time,
    plan_vs_actual,
)
from energy_cluster.models import ClusterNetworkBranch, ClusterNetworkBus
from energy_cluster.network.cigre import cigre_mv_net, cigre_topology
from energy_cluster.network.outcome import step_summary, voltage_utilisation
from energy_cluster.network.topology import LayoutSource, topology_of, tree_layout
from energy_cluster.planner import plan_scenario
from energy_cluster.results import PlanResult
from energy_cluster.scenario import Scenario, scenario_from_dict
from energy_cluster.service import store_plan
from energy_cluster.store import delete_plan
from tests.energy_cluster.conftest import assert_physical
from tests.energy_cluster.dashkit import (
    EL_DEMAND_MW,
    PRICE_PLN_PER_MWH,
    START_UTC,
    checked_feeder,
    seed_actuals,
)

LOADING_TOL_PERCENT = 1e-6  # stored vs computed loading
VM_TOL_PU = 1e-9
MW_TOL = 1e-6
LOSS_SHARE_MAX = 0.1  # 9 km of MV cable near its rating loses under 10 % of the power carried


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return scenario_from_dict(checked_feeder(), file="checked_feeder.yaml")


@pytest.fixture(scope="module")
def checked(scenario: Scenario) -> PlanResult:
    plan = plan_scenario(scenario, network_check=True)
    assert_physical(plan)
    return plan


@pytest.fixture(scope="module")
def unchecked(scenario: Scenario) -> PlanResult:
    plan = plan_scenario(scenario)
    assert_physical(plan)
    return plan


def test_the_network_check_is_stored_with_the_plan_and_read_back(
    any_engine: Engine, scenario: Scenario, checked: PlanResult
) -> None:
    outcome = checked.network_outcome
    assert outcome is not None

    plan_id = store_plan(any_engine, scenario, checked)
    view = network_view(any_engine, plan_id)

    assert view is not None
    summary = step_summary(outcome)
    pd.testing.assert_frame_equal(view.summary, summary, check_freq=False, atol=1e-9)
    # the worst step is the one with the largest utilisation of a limit; PV is full in hours 2-3
    assert view.ts == view.worst_ts == summary["utilisation"].idxmax()
    assert view.worst_ts in (START_UTC + pd.Timedelta(hours=1), START_UTC + pd.Timedelta(hours=2))
    step = list(outcome.index).index(view.ts)
    lines = view.branches[view.branches["kind"] == "line"].set_index("element")
    np.testing.assert_allclose(
        lines["loading_percent"].sort_index(),
        outcome.line_loading_percent.iloc[step].sort_index(),
        atol=LOADING_TOL_PERCENT,
    )
    buses = view.buses.set_index("bus")
    np.testing.assert_allclose(
        buses["vm_pu"].sort_index(), outcome.bus_vm_pu.iloc[step].sort_index(), atol=VM_TOL_PU
    )
    # after the check no limit is violated; the first iteration found the overload
    assert view.violations_left == 0
    assert not view.branches["violated"].any()
    assert not view.buses["violated"].any()
    assert view.iterations[0].violations > 0
    assert view.iterations[-1].violations == 0
    assert view.summary["max_line_loading_percent"].max() <= view.max_loading_percent
    assert buses.at[5, "places"] == "feeder_end"
    assert buses.at[0, "checked"] == np.False_
    # physics: the PV surplus over the load at bus 1 leaves through transformer 0-1, less the
    # losses of the feeder that carries the PV power (positive, and a small share of it)
    pv = checked.schedules.at[view.ts, "pv_farm-p_el_mw"]
    surplus_mw = pv - EL_DEMAND_MW[step]
    trafo = view.branches[(view.branches["kind"] == "trafo") & (view.branches["element"] == 0)]
    export_mw = -float(trafo["p_mw"].iloc[0])
    assert 0 < surplus_mw - export_mw < LOSS_SHARE_MAX * pv


def test_a_chosen_hour_shows_the_step_holding_it_and_bad_hours_are_refused(
    engine: Engine, scenario: Scenario, checked: PlanResult
) -> None:
    plan_id = store_plan(engine, scenario, checked)

    view = network_view(engine, plan_id, parse_local_time("2026-01-14 00:30"))

    assert view is not None
    assert view.ts == START_UTC  # 00:30 local lies in the first hour, 23:00 UTC
    assert view.worst_ts != view.ts
    with pytest.raises(
        InputError, match="outside the plan's horizon, 2026-01-14 00:00 to 2026-01-14 04:00"
    ):
        network_view(engine, plan_id, parse_local_time("2026-01-14 04:00"))


def test_a_plan_without_network_check_has_no_network_view(
    engine: Engine, scenario: Scenario, unchecked: PlanResult
) -> None:
    assert unchecked.network_outcome is None
    plan_id = store_plan(engine, scenario, unchecked)
    assert network_view(engine, plan_id) is None


def test_deleting_a_plan_removes_its_network_results(
    engine: Engine, scenario: Scenario, checked: PlanResult
) -> None:
    plan_id = store_plan(engine, scenario, checked)
    delete_plan(engine, plan_id)
    with engine.connect() as conn:
        for table in (ClusterNetworkBranch, ClusterNetworkBus):
            assert conn.execute(select(func.count()).select_from(table)).scalar_one() == 0
    assert network_view(engine, plan_id) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no time given"),
        ("yesterday noon", "is not a time: give it as YYYY-MM-DD HH:MM"),
        ("2026-02-31 10:00", "is not a time"),
        ("2026-03-29 02:30", "skipped or repeated by a daylight-saving change"),
        ("2026-10-25 02:30", "skipped or repeated by a daylight-saving change"),
    ],
)
def test_malformed_times_get_a_clear_message(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_local_time(text)


def test_times_are_local_unless_they_carry_an_offset() -> None:
    assert parse_local_time("2026-07-01 12:00") == pd.Timestamp("2026-07-01T10:00Z")
    assert parse_local_time("2026-10-25 02:30+01:00") == pd.Timestamp("2026-10-25T01:30Z")


def test_voltage_utilisation_is_one_at_either_limit() -> None:
    from energy_cluster.config import NetworkConfig

    limits = NetworkConfig(v_min_pu=0.9, v_max_pu=1.05)
    np.testing.assert_allclose(
        voltage_utilisation(np.array([0.9, 0.95, 1.0, 1.025, 1.05]), limits),
        [1.0, 0.5, 0.0, 0.5, 1.0],
    )


def test_the_diagram_uses_the_geodata_of_the_net() -> None:
    topology = cigre_topology()
    net = cigre_mv_net()

    assert topology.layout is LayoutSource.GEODATA
    assert len(topology.buses) == len(net.bus)
    assert len(topology.branches) == len(net.line) + len(net.trafo)
    bus5 = topology.buses.set_index("bus").loc[5]
    assert (bus5["x"], bus5["y"]) == (1.0, 7.0)  # {"coordinates": [1.0, 7.0]} in net.bus.geo
    # the three lines behind open switches (S1, S2, S3) are drawn open
    assert sorted(topology.branches.loc[~topology.branches["closed"], "name"]) == [
        "Line 11-4",
        "Line 14-8",
        "Line 6-7",
    ]


def test_without_geodata_the_layout_is_a_deterministic_tree_from_the_slack_bus() -> None:
    first = cigre_topology(use_geodata=False)
    again = topology_of(cigre_mv_net(), use_geodata=False)  # a fresh net, not the cached one

    assert first.layout is LayoutSource.TOPOLOGY
    pd.testing.assert_frame_equal(first.buses, again.buses)
    at = first.buses.set_index("bus")
    assert at.at[first.slack_bus, "y"] == 0.0
    assert at.at[1, "y"] == at.at[12, "y"] == -1.0  # the two transformers' MV busbars
    assert len(set(zip(at["x"], at["y"], strict=True))) == len(at)  # no two buses overlap
    closed = first.branches[first.branches["closed"]]
    for r in closed.itertuples():  # a radial feeder: every closed branch spans one layer
        assert abs(at.at[r.from_bus, "y"] - at.at[r.to_bus, "y"]) == 1.0


def test_tree_layout_centres_parents_over_their_children() -> None:
    positions = tree_layout([0, 1, 2, 3, 4], [(0, 1), (0, 2), (2, 3), (2, 4)], root=0)
    assert positions == {
        1: (0.0, -1.0),
        3: (1.0, -2.0),
        4: (2.0, -2.0),
        2: (1.5, -1.0),
        0: (0.75, 0.0),
    }


def test_plan_vs_actual_on_measured_totals(
    engine: Engine, scenario: Scenario, checked: PlanResult
) -> None:
    seed_actuals(engine)
    store_plan(engine, scenario, checked)
    plan = latest_plan_view(engine)
    assert plan is not None
    prices = pd.Series(PRICE_PLN_PER_MWH, index=plan.schedules.index)
    plan = dataclasses.replace(plan, prices_pln_per_mwh=prices)

    result = plan_vs_actual(engine, plan, scenario)

    assert result is not None
    by_series = {c.series: c for c in result.compared}
    assert set(by_series) == {PlanSeries.EL_DEMAND, PlanSeries.PV}
    assert result.missing == {PlanSeries.HEAT_DEMAND: "no meters for it in the store"}
    el = by_series[PlanSeries.EL_DEMAND]
    # 2 meters x 150 kWh per quarter = 1.2 MW; the last hour lacks one meter, so it is left out
    assert el.n_steps == 4
    assert el.n_compared == 3
    assert el.n_meters == 2
    np.testing.assert_allclose(el.actual_mw.to_numpy()[:3], [1.2, 1.2, 1.2], atol=MW_TOL)
    assert np.isnan(el.actual_mw.iloc[3])
    assert el.mae_mw == pytest.approx((0.2 + 0.8 + 1.8) / 3, abs=MW_TOL)
    assert el.energy_deviation_mwh == pytest.approx(3.6 - 6.0, abs=MW_TOL)
    assert el.imbalance_cost_pln == pytest.approx(-2.4 * PRICE_PLN_PER_MWH, abs=1e-3)
    pv = by_series[PlanSeries.PV]
    planned_pv = checked.schedules["pv_farm-p_el_mw"].to_numpy()
    assert pv.n_compared == 4
    assert pv.mae_mw == pytest.approx(np.abs(2.0 - planned_pv).mean(), abs=MW_TOL)
    # less PV than planned is bought at the day-ahead price: a positive cost
    expected = -((2.0 - planned_pv) * PRICE_PLN_PER_MWH).sum()
    assert pv.imbalance_cost_pln == pytest.approx(expected, abs=1e-3)


def test_plan_vs_actual_says_what_is_missing_without_readings(
    engine: Engine, scenario: Scenario, unchecked: PlanResult
) -> None:
    store_plan(engine, scenario, unchecked)
    plan = latest_plan_view(engine)
    assert plan is not None

    empty = plan_vs_actual(engine, plan, scenario)
    seed_actuals(engine)
    moved = dataclasses.replace(
        plan, schedules=plan.schedules.set_axis(plan.schedules.index + pd.Timedelta(days=7))
    )
    elsewhere = plan_vs_actual(engine, moved, scenario)

    assert empty is not None
    assert empty.compared == []
    assert set(empty.missing) == set(PlanSeries)
    assert elsewhere is not None
    assert elsewhere.compared == []
    assert "no complete readings of its 2 meters" in elsewhere.missing[PlanSeries.EL_DEMAND]
    # a plan of a scenario the dashboards cannot resolve has no comparison at all
    assert plan_vs_actual(engine, plan) is None
