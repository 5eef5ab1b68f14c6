"""Networks: a water network drawn from its model's coordinates with the open water work orders
of the maintenance queue, and the IWA water balance and night flows per DMA for a month.

The models are the EPANET ``.inp`` files in the ``water_networks_dir`` setting
(``KOF_WATER_NETWORKS_DIR``; default ``<var_dir>/water/networks``), or in
``app.config["KOF_WATER_NETWORKS_DIR"]`` when set there; a work order's asset
``water:<file stem>/pipe:<id>`` (or ``/node:<id>``) places it on the model of that name.
"""

from __future__ import annotations

import logging
from pathlib import Path

import dash
import pandas as pd
from dash import Input, Output, dcc, html
from flask import current_app

from core.enums import Medium
from core.exceptions import InputError
from core.maintenance import service as maintenance
from core.maintenance.service import ItemView
from core.timeutil import LOCAL_TZ_NAME
from dashboards.context import kof
from dashboards.ops import figures, figures_water
from dashboards.ops.widgets import fmt, graph, kpi_cards, no_data, table
from water import service as water
from water.balance import METER_UNDER_REGISTRATION
from water.exceptions import NetworkFileError
from water.nightflow import NIGHT_DAY_FACTOR_H, NIGHT_USE_L_PER_PROPERTY_H

logger = logging.getLogger(__name__)
KEY = "networks"
LABEL = "Networks"
DIR_KEY = "KOF_WATER_NETWORKS_DIR"
MAX_MODELS = 20


def models_dir() -> Path:
    """Where the network models are: the app's ``DIR_KEY`` when set, else the setting."""
    configured = current_app.config.get(DIR_KEY)
    return Path(configured) if configured else water.networks_dir(kof().settings)


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


def _dma_kpis(result: water.DmaMonth) -> html.Ul:
    a = result.analysis
    b, n = a.balance, a.night
    days = (a.covered_until - a.covered_from) / pd.Timedelta(days=1) if a.covered_from else 0.0
    return kpi_cards(
        [
            ("Inflow readings", f"{a.hours_covered} of {a.hours_in_period} h"),
            ("System input", fmt(b.system_input_m3 if b else None, 1, "m³")),
            ("Non-revenue water", fmt(b.nrw_percent if b else None, 1, "%")),
            (
                "Real losses (balance)",
                fmt(b.real_losses_m3 / days if b and days else None, 2, "m³/day"),
            ),
            ("Leakage (night flow)", fmt(n.leakage_m3_per_day if n else None, 2, "m³/day")),
            (
                "Night-flow trend",
                fmt(n.trend_m3_per_h_per_day * 1000 if n else None, 1, "L/h per day"),
            ),
        ]
    )


def dma_body(name: object, month: object) -> html.Div:
    """The balance and night flows of one DMA over one month (or a clear message)."""
    engine = kof().engine
    dmas = {d.name: d for d in water.store_dmas(engine)}
    dma = dmas.get(name) if isinstance(name, str) else None
    if dma is None:
        return no_data(f"There is no DMA {name!r}.")
    try:
        result = water.dma_month(engine, dma, month if isinstance(month, str) else "")
    except InputError as err:
        return no_data(f"Period: {err}")
    a = result.analysis
    where = f"{dma.name}, {result.month}"
    if a.balance is None and a.night is None:
        return no_data(f"{where}: {a.problem}.")
    parts: list = [_dma_kpis(result)]
    if a.problem:
        parts.append(no_data(f"{where}: {a.problem}."))
    parts += [html.P(f"{where}: {note}.", className="ops-note") for note in a.notes]
    if a.balance is not None:
        parts += [
            graph(
                "ops-dma-balance",
                figures_water.balance_figure(a.balance),
                f"IWA water balance of {where} from {a.covered_from:%Y-%m-%d %H:%M} to "
                f"{a.covered_until:%Y-%m-%d %H:%M} UTC: system input split into authorised use "
                "and water losses; unbilled unmetered use and unauthorised use are the AWWA "
                f"default shares, meter under-registration {METER_UNDER_REGISTRATION:.0%}; real "
                "losses are what is left.",
            ),
            table("ops-dma-balance-table", figures_water.balance_rows(a.balance)),
        ]
    if a.night is not None:
        parts.append(
            graph(
                "ops-dma-night",
                figures_water.night_flow_figure(a.night),
                f"Minimum night flow of {where} (lowest hourly inflow 2:00-5:00 local), its "
                f"floor, its trend and the night leakage after {NIGHT_USE_L_PER_PROPERTY_H} L/h "
                "of legitimate use per household; the leakage per day assumes "
                f"{NIGHT_DAY_FACTOR_H:.0f} h of night leakage a day.",
            )
        )
    return html.Div(parts)


def dma_section() -> html.Div:
    """A DMA and month picker with the water balance and night flows, or what is missing."""
    engine = kof().engine
    heading = html.H3("Water balance and night flow per DMA")
    dmas = water.store_dmas(engine)
    if not dmas:
        return html.Div(
            [
                heading,
                no_data(
                    "Water balance and night flow per DMA: not available from the store. It "
                    "holds no water meters in any district. `kof water balance` computes them "
                    "from an inflow CSV and a customers CSV."
                ),
            ]
        )
    months = water.dma_months(engine)
    name = next((d.name for d in dmas if d.inflow_meter_ids), dmas[0].name)
    month = months[-1] if months else pd.Timestamp.now(tz=LOCAL_TZ_NAME).strftime("%Y-%m")
    return html.Div(
        [
            heading,
            html.Div(
                [
                    html.Label(
                        [
                            "DMA ",
                            dcc.Dropdown(
                                id="ops-dma-name",
                                options=[
                                    {
                                        "label": d.name
                                        + ("" if d.inflow_meter_ids else " (no inflow meter)"),
                                        "value": d.name,
                                    }
                                    for d in dmas
                                ],
                                value=name,
                                clearable=False,
                                style={"minWidth": "16rem"},
                            ),
                        ]
                    ),
                    html.Label(
                        [
                            "Month (YYYY-MM) ",
                            dcc.Input(id="ops-dma-month", type="text", value=month, debounce=True),
                        ]
                    ),
                ],
                className="ops-toolbar",
            ),
            dcc.Loading(html.Div(dma_body(name, month), id="ops-dma-body"), type="dot"),
        ]
    )


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
    """Draw another model, DMA or month when picked."""

    @app.callback(
        Output("ops-network-body", "children"),
        Input("ops-network-model", "value"),
        prevent_initial_call=True,
    )
    def pick(name: object) -> html.Div:
        return body(name if isinstance(name, str) else None, models(), open_water_items())

    @app.callback(
        Output("ops-dma-body", "children"),
        Input("ops-dma-name", "value"),
        Input("ops-dma-month", "value"),
        prevent_initial_call=True,
    )
    def pick_dma(name: object, month: object) -> html.Div:
        return dma_body(name, month)
