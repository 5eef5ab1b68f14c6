"""Networks: a water network drawn from its model's coordinates with the open water work orders
of the maintenance queue, and what the water balance / night flow per DMA needs from the store.

The models are the EPANET ``.inp`` files in ``app.config["KOF_WATER_NETWORKS_DIR"]`` (default
``<var_dir>/water/networks``); a work order's asset ``water:<file stem>/pipe:<id>`` (or
``/node:<id>``) places it on the model of that name.
"""

from __future__ import annotations

import logging
from pathlib import Path

import dash
from dash import Input, Output, dcc, html
from flask import current_app

from core.enums import Medium
from core.maintenance import service as maintenance
from core.maintenance.service import ItemView
from dashboards.context import kof
from dashboards.ops import figures
from dashboards.ops.widgets import graph, kpi_cards, no_data, table
from water import service as water
from water.exceptions import NetworkFileError

logger = logging.getLogger(__name__)
KEY = "networks"
LABEL = "Networks"
DIR_KEY = "KOF_WATER_NETWORKS_DIR"
MAX_MODELS = 20


def models_dir() -> Path:
    """Where the network models are."""
    configured = current_app.config.get(DIR_KEY)
    return Path(configured) if configured else Path(kof().settings.var_dir) / "water" / "networks"


def models() -> dict[str, Path]:
    """The network models by name (file stem)."""
    folder = models_dir()
    files = sorted(folder.glob("*.inp"))[:MAX_MODELS] if folder.is_dir() else []
    return {f.stem: f for f in files}


def open_water_items() -> list[ItemView]:
    """The active water items of the maintenance queue."""
    return [
        i
        for i in maintenance.list_items(kof().engine)
        if i.medium is Medium.WATER and i.status.is_active
    ]


def body(name: str | None, files: dict[str, Path], items: list[ItemView]) -> html.Div:
    """One model with its work orders (or a clear message)."""
    path = files.get(name) if isinstance(name, str) else None
    if path is None:
        return no_data(f"There is no network model {name!r}.")
    try:
        layout = water.network_layout(path)
    except NetworkFileError:
        logger.exception("network model %s could not be read", path)
        return no_data(f"The network model {name!r} could not be read; see the server log.")
    placed = [(i, water.asset_element(i.asset)) for i in items]
    here = [(i, e) for i, e in placed if e is not None and e.network == layout.name]
    known = set(layout.links["name"]) | set(layout.nodes["name"])
    highlights = [(e.kind, e.element, f"{i.priority.value}: {i.title}") for i, e in here]
    missing = [i for i, e in here if e.element not in known]
    rows = [
        {
            "id": i.id,
            "priority": i.priority.value,
            "asset": i.asset,
            "title": i.title,
            "status": i.status.value,
            "assignee": i.assignee or "",
            "on the map": "no (not in the model)" if e.element not in known else "yes",
        }
        for i, e in here
    ]
    return html.Div(
        [
            kpi_cards(
                [
                    ("Nodes", str(len(layout.nodes))),
                    ("Links", str(len(layout.links))),
                    ("Open water work orders on this model", str(len(here))),
                    ("Not found in the model", str(len(missing))),
                ]
            ),
            graph(
                "ops-network",
                figures.network_figure(layout.nodes, layout.links, highlights),
                "The network drawn from the model's own coordinates (no map): grey links, "
                "junctions, tanks and reservoirs; red marks the elements of open work orders.",
            ),
            table("ops-network-orders", rows)
            if rows
            else no_data("No open water work order is on this model."),
        ]
    )


def dma_section() -> html.Div:
    """The water balance and night flow per DMA, or what the store lacks for them."""
    inflows = water.dma_inflow_meter_ids(kof().engine)
    if not inflows:
        message = (
            "Water balance and night flow per DMA: not available from the store. It holds no "
            "DMA inflow meters (water meters of kind 'network') and no assignment of customer "
            "meters to DMAs. Until those are loaded, `kof water balance` computes them from an "
            "inflow CSV and a customers CSV."
        )
    else:
        message = (
            f"Water balance and night flow per DMA: the store holds {len(inflows)} DMA inflow "
            "meter(s) but no assignment of customer meters to DMAs, so the balance cannot be "
            "computed here yet; `kof water balance` computes it from CSV files."
        )
    return html.Div([html.H3("Water balance and night flow per DMA"), no_data(message)])


def render() -> html.Div:
    """The networks tab: a model picker, the drawn model and the DMA section."""
    files = models()
    heading = html.H2("Water networks")
    if not files:
        return html.Div(
            [
                heading,
                no_data(
                    f"No network model yet: put EPANET .inp files in {models_dir()} "
                    f"(or set {DIR_KEY})."
                ),
                dma_section(),
            ]
        )
    items = open_water_items()
    with_orders = {
        e.network for e in (water.asset_element(i.asset) for i in items) if e is not None
    }
    first = next((n for n in files if n in with_orders), next(iter(files)))
    return html.Div(
        [
            heading,
            html.Label(
                [
                    "Model ",
                    dcc.Dropdown(
                        id="ops-network-model",
                        options=list(files),
                        value=first,
                        clearable=False,
                        style={"minWidth": "16rem"},
                    ),
                ],
                className="ops-toolbar",
            ),
            dcc.Loading(html.Div(body(first, files, items), id="ops-network-body"), type="dot"),
            dma_section(),
        ]
    )


def register(app: dash.Dash) -> None:
    """Draw another model when picked."""

    @app.callback(
        Output("ops-network-body", "children"),
        Input("ops-network-model", "value"),
        prevent_initial_call=True,
    )
    def pick(name: object) -> html.Div:
        return body(name if isinstance(name, str) else None, models(), open_water_items())
