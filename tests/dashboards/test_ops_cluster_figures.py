"""Figures of the cluster's network check and plan vs actual on fixture service results."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from dashboards.ops import figures_cluster
from energy_cluster.actuals import PlanSeries, SeriesComparison
from energy_cluster.dashboard_service import NetworkView
from energy_cluster.network.outcome import IterationRecord
from energy_cluster.network.topology import LayoutSource

INDEX = pd.date_range("2026-01-13T23:00Z", periods=3, freq="1h")


@pytest.fixture
def view() -> NetworkView:
    """Slack bus 0, a transformer to bus 1, a loaded line 1-2 (over its limit) and an open line."""
    buses = pd.DataFrame(
        {
            "bus": [0, 1, 2],
            "name": ["Bus 0", "Bus 1", "Bus 2"],
            "vn_kv": [110.0, 20.0, 20.0],
            "x": [0.0, 0.0, 1.0],
            "y": [0.0, -1.0, -2.0],
            "places": ["gpz", "", "pv park"],
            "vm_pu": [1.03, 1.01, 1.07],
            "checked": [False, True, True],
            "violated": [False, False, True],
        }
    )
    branches = pd.DataFrame(
        {
            "kind": ["trafo", "line", "line"],
            "element": [0, 0, 1],
            "name": ["Trafo 0-1", "Line 1-2", "Line 2-0"],
            "from_bus": [0, 1, 2],
            "to_bus": [1, 2, 0],
            "closed": [True, True, False],
            "loading_percent": [40.0, 112.0, 0.5],
            "p_mw": [-5.0, -5.5, 0.0],
            "violated": [False, True, False],
        }
    )
    summary = pd.DataFrame(
        {
            "max_line_loading_percent": [50.0, 112.0, 80.0],
            "max_trafo_loading_percent": [20.0, 40.0, 30.0],
            "v_min_pu": [1.0, 1.01, 1.0],
            "v_max_pu": [1.02, 1.07, 1.04],
            "violations": [0, 2, 0],
            "utilisation": [0.5, 1.4, 0.8],
        },
        index=INDEX,
    )
    return NetworkView(
        plan_id=7,
        network="CIGRE MV",
        ts=INDEX[1],
        worst_ts=INDEX[1],
        v_min_pu=0.95,
        v_max_pu=1.05,
        max_loading_percent=100.0,
        summary=summary,
        buses=buses,
        branches=branches,
        layout=LayoutSource.GEODATA,
        iterations=[IterationRecord(0, 2, 112.0, 40.0, 1.0, 1.07, 0, None)],
    )


def _by_name(fig: object, name: str) -> object:
    return next(t for t in fig.data if t.name == name)  # type: ignore[attr-defined]


def test_diagram_colours_branches_by_loading_and_buses_by_voltage(view: NetworkView) -> None:
    fig = figures_cluster.single_line_figure(view)

    assert fig.layout.title.text == "CIGRE MV network at 2026-01-14 01:00 (worst step)"
    trafo, line, open_line = (_by_name(fig, n) for n in ("Trafo 0-1", "Line 1-2", "Line 2-0"))
    assert trafo.line.dash == "dash"
    assert line.line.dash == "solid"
    assert open_line.line.dash == "dot"
    assert open_line.line.color == figures_cluster.OPEN_COLOUR
    assert line.line.width > trafo.line.width  # the violated line is drawn thicker
    assert trafo.line.color == figures_cluster._loading_colour(40.0, 100.0)
    assert line.line.color != trafo.line.color
    assert list(trafo.x) == [0.0, 0.0]
    assert list(trafo.y) == [0.0, -1.0]
    buses = _by_name(fig, "bus voltage")
    np.testing.assert_allclose(buses.marker.color, [1.03, 1.01, 1.07])
    assert (buses.marker.cmin, buses.marker.cmax) == (0.95, 1.05)
    assert "Bus 2 · pv park" in buses.text
    loading = _by_name(fig, "line / transformer loading")
    np.testing.assert_allclose(loading.marker.color, [40.0, 112.0, 0.5])
    rings = _by_name(fig, "limit violated")
    assert sorted(zip(rings.x, rings.y, strict=True)) == [(0.5, -1.5), (1.0, -2.0)]
    assert any("Line 1-2: 112.0 % > 100 %" in t for t in rings.text)


def test_a_step_without_violations_has_no_rings_and_is_not_called_worst(
    view: NetworkView,
) -> None:
    calm = dataclasses.replace(
        view,
        ts=INDEX[0],
        branches=view.branches.assign(violated=False),
        buses=view.buses.assign(violated=False),
    )
    fig = figures_cluster.single_line_figure(calm)
    assert "limit violated" not in [t.name for t in fig.data]
    assert "(worst step)" not in fig.layout.title.text


def test_loading_colours_run_from_green_to_red() -> None:
    assert figures_cluster._loading_colour(0.0, 100.0) == "rgb(27, 127, 59)"
    assert figures_cluster._loading_colour(120.0, 100.0) == "rgb(179, 38, 30)"
    assert figures_cluster._loading_colour(500.0, 100.0) == "rgb(179, 38, 30)"


def test_steps_figure_draws_loadings_voltages_limits_and_the_step_shown(view: NetworkView) -> None:
    fig = figures_cluster.network_steps_figure(view)

    assert [t.name for t in fig.data] == [
        "max line loading",
        "max transformer loading",
        "highest voltage",
        "lowest voltage",
    ]
    np.testing.assert_allclose(fig.data[0].y, [50.0, 112.0, 80.0])
    assert fig.data[2].yaxis == "y2"
    levels = sorted(s.y0 for s in fig.layout.shapes if s.y0 == s.y1)
    assert levels == [0.95, 1.05, 100.0]
    (marker,) = [s for s in fig.layout.shapes if s.x0 == s.x1]
    assert pd.Timestamp(marker.x0) == pd.Timestamp("2026-01-14T01:00+01:00")  # local time


def test_plan_vs_actual_figure_draws_plan_and_measured() -> None:
    comparison = SeriesComparison(
        series=PlanSeries.EL_DEMAND,
        store_key="cluster:electric_demand",
        n_meters=2,
        step_h=1.0,
        planned_mw=pd.Series([1.0, 2.0, 3.0], index=INDEX),
        actual_mw=pd.Series([1.2, 1.2, np.nan], index=INDEX),
        n_steps=3,
        n_compared=2,
        mae_mw=0.5,
        planned_mwh=3.0,
        actual_mwh=2.4,
        energy_deviation_mwh=-0.6,
        imbalance_cost_pln=-180.0,
    )
    fig = figures_cluster.plan_vs_actual_figure(comparison)

    assert fig.layout.title.text == "Plan vs actual: electricity demand (MW)"
    assert [t.name for t in fig.data] == ["plan", "measured (2 meters)"]
    np.testing.assert_allclose(fig.data[0].y, [1.0, 2.0, 3.0])
    assert np.isnan(fig.data[1].y[2])  # a gap stays a gap
    assert pd.Timestamp(fig.data[0].x[0]) == pd.Timestamp("2026-01-14T00:00+01:00")


def test_empty_results_draw_a_message(view: NetworkView) -> None:
    empty = dataclasses.replace(view, buses=view.buses.iloc[0:0])
    fig = figures_cluster.single_line_figure(empty)
    assert fig.layout.annotations[0].text == "the network has no buses"
