"""The Networks view of /ops: the model drawn from its coordinates, work orders, DMA message."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from flask import Flask
from sqlalchemy import Engine
from sqlalchemy import text as sa_text

from core.accounts import Role
from core.maintenance import service as maintenance
from dashboards.ops import figures, figures_water
from dashboards.ops.networks import DIR_KEY
from tests.dashboards.conftest import households, login, resident
from tests.dashboards.test_ops_access import post_callback, staff
from tests.dashboards.test_ops_forecasts_notices import show
from water import service as water
from water.balance import WaterBalance, iwa_balance
from water.nightflow import NightFlowAnalysis, minimum_night_flow

NETWORKS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "water" / "networks"
LEAK_PIPE = "329"  # a pipe of Net3


def net3_dir() -> Path:
    if not (NETWORKS / "Net3.inp").is_file():
        pytest.skip(f"{NETWORKS}/Net3.inp is not there (../shared/data beside the repository)")
    return NETWORKS


def seed_water_orders(engine: Engine) -> None:
    """A leak on a pipe of Net3, a node alarm and one on an element Net3 does not have."""
    maintenance.open_item(
        engine,
        medium="water",
        asset=f"water:Net3/pipe:{LEAK_PIPE}",
        kind="leak",
        title="abrupt leak near node 261, about 8.0 m3/h",
        evidence={"flow_m3_per_h": 8.0},
        priority="high",
    )
    maintenance.open_item(
        engine,
        medium="water",
        asset="water:Net3/node:255",
        kind="pressure",
        title="Low pressure at 255",
        evidence={"head_m": 12.0},
    )
    maintenance.open_item(
        engine,
        medium="water",
        asset="water:Net3/pipe:NO-SUCH",
        kind="leak",
        title="A pipe the model lacks",
        evidence={},
    )


def test_network_layout_and_asset_elements() -> None:
    layout = water.network_layout(net3_dir() / "Net3.inp")
    assert layout.name == "Net3"
    assert len(layout.nodes) == 97
    assert len(layout.links) == 119
    assert set(layout.nodes["kind"]) == {"Junction", "Tank", "Reservoir"}
    assert layout.links[["x0", "y0", "x1", "y1"]].notna().all().all()
    assert water.asset_element("water:Net3/pipe:P-12") == water.AssetElement("Net3", "pipe", "P-12")
    assert water.asset_element("water:Net3/node:10").kind == "node"  # type: ignore[union-attr]
    for bad in ("heat:substation-S7", "water:Net3", "water:/pipe:1", "water:Net3/valve:1"):
        assert water.asset_element(bad) is None


def test_network_figure_highlights_pipes_and_nodes() -> None:
    nodes = pd.DataFrame(
        {"name": ["a", "b", "r"], "kind": ["Junction", "Junction", "Reservoir"],
         "x": [0.0, 1.0, 0.0], "y": [0.0, 0.0, 1.0]}
    )  # fmt: skip
    links = pd.DataFrame(
        {"name": ["p1", "p2"], "kind": ["Pipe", "Pump"], "start": ["a", "r"], "end": ["b", "a"],
         "x0": [0.0, 0.0], "y0": [0.0, 1.0], "x1": [1.0, 0.0], "y1": [0.0, 0.0]}
    )  # fmt: skip
    fig = figures.network_figure(
        nodes,
        links,
        [("pipe", "p1", "high: leak"), ("node", "b", "low pressure"), ("node", "zz", "x")],
    )
    names = [t.name for t in fig.data]
    assert names == [
        "pipes, pumps, valves",
        "junctions",
        "reservoirs",
        "work order (pipe)",
        "open work order",
    ]
    assert list(fig.data[0].x) == [0.0, 1.0, None, 0.0, 0.0, None]
    assert list(fig.data[3].x) == [0.0, 1.0, None]
    marks = fig.data[4]
    assert list(zip(marks.x, marks.y, marks.text, strict=True)) == [
        (0.5, 0.0, "high: leak"),
        (1.0, 0.0, "low pressure"),
    ]
    assert fig.layout.yaxis.scaleanchor == "x"  # true proportions, no map
    plain = figures.network_figure(nodes, links, [])
    assert len(plain.data) == 3
    empty = figures.network_figure(nodes.iloc[0:0], links.iloc[0:0], [])
    assert empty.layout.annotations[0].text == "the model has no nodes"


def pick_model(client: object, name: object) -> object:
    body = {
        "output": "ops-network-body.children",
        "outputs": {"id": "ops-network-body", "property": "children"},
        "inputs": [{"id": "ops-network-model", "property": "value", "value": name}],
        "changedPropIds": ["ops-network-model.value"],
        "state": [],
    }
    return post_callback(client, body)  # type: ignore[arg-type]


def test_operator_sees_the_model_with_work_orders(app: Flask, engine: Engine) -> None:
    client = app.test_client()
    login(client, staff(engine, Role.OPERATOR))
    text = show(client, "networks")
    assert "No network model yet" in text
    assert "Water balance and night flow per DMA" in text
    app.config[DIR_KEY] = str(net3_dir())
    seed_water_orders(engine)
    text = show(client, "networks")
    assert "ops-network" in text
    assert "open work order" in text
    assert "abrupt leak near node 261" in text
    assert "no (not in the model)" in text
    assert "Water balance and night flow per DMA" in text
    good = pick_model(client, "Net3")
    assert good.status_code == 200
    assert "work order (pipe)" in good.get_data(as_text=True)
    for bad in ("../../etc/passwd", "Nope", None):
        response = pick_model(client, bad)
        assert response.status_code == 200
        assert "There is no network model" in response.get_data(as_text=True)


def test_a_resident_cannot_reach_networks(app: Flask, engine: Engine) -> None:
    client = app.test_client()
    login(client, resident(engine, households(engine)[0][0]).email)
    assert pick_model(client, "Net3").status_code == 403
    assert pick_model(app.test_client(), "Net3").status_code == 401


# --- the water balance and night flows per DMA --------------------------------------------------


def _balance() -> WaterBalance:
    return iwa_balance(1000.0, 780.0, unbilled_unmetered_share_of_input=0.0125)


def _night(days: int = 10, step_at: int | None = 5) -> NightFlowAnalysis:
    hours = pd.date_range("2026-02-01", periods=24 * days, freq="1h", tz="Europe/Warsaw")
    flow = pd.Series(0.5 + 0.3 * np.sin(np.arange(len(hours)) / 24 * 2 * np.pi) ** 2, hours)
    if step_at is not None:
        flow[24 * step_at :] += 1.6
    return minimum_night_flow(flow.tz_convert("UTC"), properties=40)


def test_balance_rows_and_figure() -> None:
    balance = _balance()
    rows = {r["component"]: r for r in figures_water.balance_rows(balance)}
    assert rows["system input"]["% of system input"] == "100.0"
    assert rows["billed metered"]["volume (m³)"] == "780.0"
    assert rows["unbilled unmetered"]["volume (m³)"] == "12.5"
    assert float(rows["non-revenue water"]["% of system input"]) == pytest.approx(22.0)
    fig = figures_water.balance_figure(balance)
    by_name = {t.name: t for t in fig.data}
    assert by_name["system input"].y[0] == pytest.approx(1000.0)
    assert by_name["authorised use"].y[0] + by_name["water losses"].y[0] == pytest.approx(1000.0)
    components = [t for t in fig.data if t.x[0] == "components"]
    assert sum(t.y[0] for t in components) == pytest.approx(1000.0)
    assert "billed unmetered" not in by_name  # zero parts are left out
    assert fig.layout.barmode == "relative"
    assert "NRW 22.0 %" in fig.layout.annotations[0].text
    for empty in (None, iwa_balance(0.0, 0.0)):
        assert figures_water.balance_figure(empty).layout.annotations[0].text == (
            "no balance for this period"
        )


def test_night_flow_figure_shows_floor_trend_and_leakage() -> None:
    night = _night()
    fig = figures_water.night_flow_figure(night)
    names = [t.name for t in fig.data]
    assert names[:2] == ["minimum night flow", "night leakage (less legitimate night use)"]
    assert names[2].startswith("trend +")
    assert names[3].startswith("floor ")
    assert list(fig.data[0].y) == pytest.approx(list(night.nightly["mnf_m3_per_h"]))
    trend = fig.data[2].y
    assert trend[-1] - trend[0] == pytest.approx(night.trend_m3_per_h_per_day * (len(trend) - 1))
    assert fig.data[3].y[0] == pytest.approx(night.floor_m3_per_h)
    flat = figures_water.night_flow_figure(_night(step_at=None))
    assert flat.data[2].name == "trend +0.0 L/h per day"
    assert figures_water.night_flow_figure(None).layout.annotations[0].text == (
        "no night flows for this period"
    )


def pick_dma(client: object, name: object, month: object) -> str:
    body = {
        "output": "ops-dma-body.children",
        "outputs": {"id": "ops-dma-body", "property": "children"},
        "inputs": [
            {"id": "ops-dma-name", "property": "value", "value": name},
            {"id": "ops-dma-month", "property": "value", "value": month},
        ],
        "changedPropIds": ["ops-dma-month.value"],
        "state": [],
    }
    response = post_callback(client, body)  # type: ignore[arg-type]
    assert response.status_code == 200  # type: ignore[attr-defined]
    return response.get_data(as_text=True)  # type: ignore[attr-defined]


def test_operator_sees_the_balance_and_night_flow_of_each_dma(app: Flask, engine: Engine) -> None:
    client = app.test_client()
    login(client, staff(engine, Role.OPERATOR))
    dmas = water.store_dmas(engine)
    assert dmas
    assert water.dma_months(engine) == ["2026-01", "2026-02"]
    text = show(client, "networks")
    assert "ops-dma-name" in text
    assert "ops-dma-balance" in text
    assert "ops-dma-night" in text
    assert "2026-02" in text  # the latest month is shown first
    january = pick_dma(client, dmas[0].name, "2026-01")
    assert "IWA water balance" in january
    assert "non-revenue water" in january
    assert "Minimum night flow" in january
    assert "648 of 744 h" in january  # the region starts on 5 January
    bad = pick_dma(client, dmas[0].name, "January")
    assert "Period: month:" in bad
    assert "is not a month; write it as YYYY-MM" in bad
    assert "no inflow readings in the period" in pick_dma(client, dmas[0].name, "2025-06")
    assert "There is no DMA" in pick_dma(client, "Atlantis", "2026-01")
    assert "There is no DMA" in pick_dma(client, None, None)


def test_a_dma_without_an_inflow_meter_says_so(app: Flask, engine: Engine) -> None:
    client = app.test_client()
    login(client, staff(engine, Role.OPERATOR))
    name = water.store_dmas(engine)[0].name
    with engine.begin() as conn:
        conn.execute(
            sa_text(
                "DELETE FROM readings WHERE meter_id IN "
                "(SELECT id FROM meters WHERE meter_kind = 'network')"
            )
        )
        conn.execute(sa_text("DELETE FROM meters WHERE meter_kind = 'network'"))
    assert "(no inflow meter)" in show(client, "networks")
    assert "the DMA has no inflow meter" in pick_dma(client, name, "2026-01")
