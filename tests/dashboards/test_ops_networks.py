"""The Networks view of /ops: the model drawn from its coordinates, work orders, DMA message."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from flask import Flask
from sqlalchemy import Engine

from core.accounts import Role
from core.maintenance import service as maintenance
from dashboards.ops import figures
from dashboards.ops.networks import DIR_KEY
from tests.dashboards.conftest import households, login, resident
from tests.dashboards.test_ops_access import post_callback, staff
from tests.dashboards.test_ops_forecasts_notices import show
from water import service as water

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
    assert "no assignment of customer meters to DMAs" in text
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
