"""CHP operating regions and part-load curves: hand-solved points and invariants."""

from __future__ import annotations

import numpy as np
import pytest

from energy_cluster.config_units import PartLoadPoint
from energy_cluster.units.curves import make_curve
from tests.energy_cluster.conftest import MW_TOL, el_demand, heat_demand, solve, tiny

GRID = {
    "name": "grid",
    "type": "grid",
    "bus": "b1",
    "import_max_mw": 50,
    "export_max_mw": 50,
    "price_pln_per_mwh": "price",
}


def chp(**fields: object) -> dict[str, object]:
    base = {
        "name": "chp",
        "type": "gas_chp",
        "bus": "b1",
        "heat_node": "dh",
        "p_el_max_mw": 7,
        "p_el_min_mw": 3.5,
        "power_to_heat": 0.58,
        "eta_el": 0.35,
        "fuel_price_pln_per_mwh": 150,
    }
    base.update(fields)
    return base


def test_back_pressure_chp_stays_on_its_line_and_follows_heat() -> None:
    raw = tiny(
        units=[GRID, chp()],
        series={
            "d_el": {"constant": 2},
            "d_heat": {"values": [8, 10, 12, 6.5]},
            "price": {"constant": 600},
        },
        demands=[el_demand(), heat_demand()],
    )

    plan = solve(raw)

    q = plan.schedules["chp-q_th_mw"].to_numpy()
    np.testing.assert_allclose(q, [8, 10, 12, 6.5], atol=MW_TOL)
    np.testing.assert_allclose(plan.schedules["chp-p_el_mw"], 0.58 * q, atol=MW_TOL)
    np.testing.assert_allclose(plan.schedules["chp-fuel_mw"], 0.58 * q / 0.35, atol=MW_TOL)


def test_back_pressure_chp_at_minimum_load_dumps_the_heat_surplus() -> None:
    # 5 MW of heat would need p = 2.9 MW < 3.5 MW minimum: run at minimum and dump 1.03 MW.
    raw = tiny(
        units=[GRID, chp()],
        series={"d_el": {"constant": 2}, "d_heat": {"constant": 5}, "price": {"constant": 200}},
        demands=[el_demand(), heat_demand()],
        penalties={"dumped_heat_pln_per_mwh": 1},
    )

    plan = solve(raw)

    np.testing.assert_allclose(plan.schedules["chp-p_el_mw"], 3.5, atol=MW_TOL)
    np.testing.assert_allclose(plan.schedules["dh-dumped_heat_mw"], 3.5 / 0.58 - 5, atol=MW_TOL)


def test_extraction_chp_trades_power_for_heat_along_cv() -> None:
    # condensing max 10 MW; heat 8 MW costs 0.15 MW each: p = 10 - 1.2 = 8.8 at full fuel.
    unit = chp(
        mode="extraction",
        p_el_max_mw=10,
        p_el_min_mw=3,
        power_to_heat=0.5,
        cv=0.15,
        q_th_max_mw=12,
        eta_el=0.4,
    )
    raw = tiny(
        units=[GRID, unit],
        series={"d_el": {"constant": 1}, "d_heat": {"constant": 8}, "price": {"constant": 900}},
        demands=[el_demand(), heat_demand()],
    )

    plan = solve(raw)

    np.testing.assert_allclose(plan.schedules["chp-q_th_mw"], 8, atol=MW_TOL)
    np.testing.assert_allclose(plan.schedules["chp-p_el_mw"], 8.8, atol=MW_TOL)
    np.testing.assert_allclose(plan.schedules["chp-fuel_mw"], 10 / 0.4, atol=MW_TOL)


def test_extraction_chp_respects_back_pressure_line_when_power_is_worthless() -> None:
    # Cheap power: the CHP makes the heat with the least power, p = sigma * q.
    unit = chp(
        mode="extraction",
        p_el_max_mw=10,
        p_el_min_mw=1,
        power_to_heat=0.5,
        cv=0.15,
        q_th_max_mw=12,
        eta_el=0.4,
    )
    raw = tiny(
        units=[GRID, unit],
        series={"d_el": {"constant": 1}, "d_heat": {"constant": 8}, "price": {"constant": 10}},
        demands=[el_demand(), heat_demand()],
    )

    plan = solve(raw)

    np.testing.assert_allclose(plan.schedules["chp-p_el_mw"], 4.0, atol=MW_TOL)


def test_convex_part_load_curve_needs_no_binaries_and_is_followed() -> None:
    points = [{"load": 0.5, "eta": 0.30}, {"load": 0.75, "eta": 0.34}, {"load": 1.0, "eta": 0.36}]
    curve = make_curve(3.5, 7.0, None, [PartLoadPoint(**p) for p in points])
    assert curve.convex
    raw = tiny(
        units=[GRID, chp(eta_el=None, part_load=points)],
        series={
            "d_el": {"constant": 1},
            "d_heat": {"values": [6.1, 9.0, 12.0, 7.5]},
            "price": {"constant": 2000},
        },
        demands=[el_demand(), heat_demand()],
    )

    plan = solve(raw)  # the invariant check asserts the fuel lies on the curve

    p = plan.schedules["chp-p_el_mw"].to_numpy()
    np.testing.assert_allclose(plan.schedules["chp-fuel_mw"], curve.fuel_at(p), atol=1e-5)


def test_non_convex_part_load_curve_is_followed_exactly_with_binaries() -> None:
    # Efficiency rises steeply at part load: fuel is concave; an LP would cut the corner.
    points = [{"load": 0.4, "eta": 0.6}, {"load": 0.7, "eta": 0.65}, {"load": 1.0, "eta": 0.8}]
    curve = make_curve(4.0, 10.0, None, [PartLoadPoint(**p) for p in points])
    assert not curve.convex
    boiler = {
        "name": "boiler",
        "type": "boiler",
        "heat_node": "dh",
        "q_th_max_mw": 10,
        "q_th_min_mw": 4,
        "part_load": points,
        "fuel_price_pln_per_mwh": 100,
    }
    raw = tiny(
        units=[boiler],
        series={"d_heat": {"values": [4.0, 5.5, 8.5, 10.0]}},
        demands=[heat_demand()],
    )

    plan = solve(raw)

    q = plan.schedules["boiler-q_th_mw"].to_numpy()
    np.testing.assert_allclose(q, [4.0, 5.5, 8.5, 10.0], atol=MW_TOL)
    np.testing.assert_allclose(plan.schedules["boiler-fuel_mw"], curve.fuel_at(q), atol=1e-5)


def test_clustered_boilers_commit_the_fewest_units() -> None:
    # 5 x 32 MW with a 30 % minimum and lower part-load efficiency (a no-load fuel use):
    # 70 MW needs 3 units on (2 give only 64 MW), 40 MW is cheapest with 2.
    part_load = [{"load": 0.3, "eta": 0.85}, {"load": 1.0, "eta": 0.95}]
    boilers = {
        "name": "gb",
        "type": "boiler",
        "heat_node": "dh",
        "count": 5,
        "q_th_max_mw": 32,
        "q_th_min_mw": 9.6,
        "part_load": part_load,
        "fuel_price_pln_per_mwh": 180,
        "startup_cost_pln": 500,
    }
    raw = tiny(
        units=[boilers], series={"d_heat": {"values": [20, 70, 150, 40]}}, demands=[heat_demand()]
    )

    plan = solve(raw)

    np.testing.assert_allclose(plan.schedules["gb-on"], [1, 3, 5, 2], atol=MW_TOL)
    assert plan.kpis is not None
    assert plan.kpis.startups["gb"] == pytest.approx(5)
