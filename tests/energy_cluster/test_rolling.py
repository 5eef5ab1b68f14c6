"""Rolling horizon: one model, states carried across windows, DST days, intraday re-planning."""

from __future__ import annotations

import numpy as np
import pytest

import energy_cluster.rolling as rolling_module
from energy_cluster.enums import RollingMode, SolveStatus
from energy_cluster.exceptions import ScenarioError
from energy_cluster.model import ClusterModel
from energy_cluster.rolling import run_rolling
from energy_cluster.scenario import Scenario, scenario_from_dict
from tests.energy_cluster.conftest import el_demand, heat_demand, tiny

STATE_TOL = 1e-5


def _continuity(
    e: np.ndarray,
    charge: np.ndarray,
    discharge: np.ndarray,
    initial: float,
    keep: float,
    eta_c: float,
    eta_d: float,
) -> float:
    previous = np.r_[initial, e[:-1]]
    return float(np.abs(e - (keep * previous + eta_c * charge - discharge / eta_d)).max())


def test_three_days_ahead_on_the_reference_carry_storage_and_stocks(
    reference: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    builds = []
    original = ClusterModel.__init__

    def counting(self: ClusterModel, *args: object, **kwargs: object) -> None:
        builds.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(rolling_module.ClusterModel, "__init__", counting)

    result = run_rolling(reference, 3)

    assert len(builds) == 1  # built once, updated between windows
    assert len(result.windows) == 3
    assert [w.kept_steps for w in result.windows] == [24, 24, 24]
    assert all(w.status is SolveStatus.OPTIMAL for w in result.windows)
    assert result.violations == []
    s = result.schedules
    tank = reference.unit("ec_heat_tank")
    # Storage continuity holds across the window boundaries of the joined schedule.
    assert (
        _continuity(
            s["ec_heat_tank-e_mwh"].to_numpy(),
            s["ec_heat_tank-charge_mw"].to_numpy(),
            s["ec_heat_tank-discharge_mw"].to_numpy(),
            tank.initial_mwh,
            (1 - tank.loss_per_h),
            tank.eta_charge,
            tank.eta_discharge,
        )
        < STATE_TOL
    )
    bunker = s["promnik_wte-bunker_t"].to_numpy()
    inflow = reference.series("rdf_delivery_t_per_h", result.index)
    out = (
        s["promnik_wte-burn_t_per_h"]
        + s["promnik_wte-fuel_sale_t_per_h"]
        + s["promnik_wte-overflow_t_per_h"]
    )
    assert np.abs(bunker - (np.r_[600.0, bunker[:-1]] + inflow - out.to_numpy())).max() < STATE_TOL
    assert result.kpis.total_cost_pln == pytest.approx(
        result.costs.filter(regex="cost_(?!penalty)").to_numpy().sum()
    )


def _boiler_case() -> Scenario:
    boiler = {
        "name": "gb",
        "type": "boiler",
        "heat_node": "dh",
        "q_th_max_mw": 10,
        "q_th_min_mw": 2,
        "eta_th": 0.9,
        "fuel_price_pln_per_mwh": 200,
        "min_up_h": 4,
    }
    # Heat at 23:00 on the first day and 2 MW at 02:00 on the second: the boiler starts at 23:00
    # and its 4 h minimum up time (carried into the second window) keeps it on at 00:00-01:00,
    # where stopping and restarting would otherwise be cheaper.
    heat = [0.0] * 23 + [5.0] + [0.0, 0.0, 2.0] + [0.0] * 69
    raw = tiny(
        units=[boiler],
        series={"d_heat": {"values": heat}},
        demands=[heat_demand()],
        hours=96,  # two kept days plus the 48 h look-ahead of the last window
        penalties={"dumped_heat_pln_per_mwh": 100},
        rolling={"resolution_min": 60},
    )
    return scenario_from_dict(raw, file="tiny.yaml")


def test_minimum_up_time_is_carried_into_the_next_window() -> None:
    scenario = _boiler_case()

    result = run_rolling(scenario, 2)

    on = result.schedules["gb-on"].to_numpy()
    np.testing.assert_allclose(on[22:28], [0, 1, 1, 1, 1, 0], atol=1e-6)
    assert result.windows[1].start.hour == 23  # 00:00 local = 23:00 UTC


def test_dst_spring_day_keeps_23_hours() -> None:
    raw = tiny(
        units=[
            {
                "name": "gb",
                "type": "boiler",
                "heat_node": "dh",
                "q_th_max_mw": 10,
                "eta_th": 0.9,
                "fuel_price_pln_per_mwh": 200,
            }
        ],
        series={"d_heat": {"constant": 3.0}},
        demands=[heat_demand()],
        rolling={"resolution_min": 60},
    )
    raw["horizon"]["start"] = "2026-03-28T00:00:00+01:00"

    result = run_rolling(scenario_from_dict(raw), 2)

    assert [w.kept_steps for w in result.windows] == [24, 23]
    assert len(result.index) == 47
    assert result.kpis.heat_demand_mwh == pytest.approx(47 * 3.0)


def test_intraday_replans_every_hour_and_carries_the_battery() -> None:
    raw = tiny(
        units=[
            {
                "name": "grid",
                "type": "grid",
                "bus": "b1",
                "import_max_mw": 10,
                "export_max_mw": 10,
                "price_pln_per_mwh": "price",
            },
            {
                "name": "bat",
                "type": "battery",
                "bus": "b1",
                "e_max_mwh": 4,
                "p_charge_max_mw": 2,
                "p_discharge_max_mw": 2,
                "eta_charge": 0.95,
                "eta_discharge": 0.95,
                "initial_mwh": 2,
            },
        ],
        series={
            "d_el": {"constant": 1.0},
            "price": {"profile": {"hourly": [100] * 6 + [400] * 6 + [150] * 6 + [500] * 6}},
        },
        demands=[el_demand()],
        rolling={
            "resolution_min": 60,
            "intraday_window_hours": 12,
            "forecast_error": {"demand_rel_sd": 0.05, "price_rel_sd": 0.1, "seed": 3},
        },
    )

    result = run_rolling(scenario_from_dict(raw), 1, mode=RollingMode.INTRADAY)

    assert len(result.windows) == 24
    assert all(w.kept_steps == 1 for w in result.windows)
    s = result.schedules
    assert (
        _continuity(
            s["bat-e_mwh"].to_numpy(),
            s["bat-charge_mw"].to_numpy(),
            s["bat-discharge_mw"].to_numpy(),
            2.0,
            1.0,
            0.95,
            0.95,
        )
        < STATE_TOL
    )
    assert s["bat-discharge_mw"].sum() > 0  # arbitrage happens
    assert result.violations == []


def test_series_that_do_not_cover_the_period_are_refused() -> None:
    raw = tiny(
        units=[
            {
                "name": "gb",
                "type": "boiler",
                "heat_node": "dh",
                "q_th_max_mw": 10,
                "eta_th": 0.9,
                "fuel_price_pln_per_mwh": 200,
            }
        ],
        series={"d_heat": {"values": [3.0] * 24}},
        demands=[heat_demand()],
        hours=24,
    )

    with pytest.raises(ScenarioError, match="series 'd_heat'.*needed"):
        run_rolling(scenario_from_dict(raw, file="tiny.yaml"), 2)
