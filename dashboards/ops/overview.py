"""Overview: the region's KPIs on one day (default: the latest with data), open maintenance."""

from __future__ import annotations

import datetime as dt
import logging

import dash
from dash import Input, Output, dcc, html

from core.maintenance import service as maintenance
from core.region import query as region
from dashboards.context import kof
from dashboards.ops import figures
from dashboards.ops.widgets import fmt, graph, kpi_cards, no_data
from energy_cluster.dashboard_service import latest_plan_view

logger = logging.getLogger(__name__)
KEY = "overview"
LABEL = "Overview"


def parse_day(text: str | None) -> dt.date:
    """A day typed by the operator (YYYY-MM-DD). Raises ValueError with a clear message."""
    try:
        return dt.date.fromisoformat((text or "").strip())
    except ValueError as err:
        raise ValueError(f"{text!r} is not a day: give it as YYYY-MM-DD, e.g. 2026-02-08") from err


def body(day: dt.date) -> html.Div:
    """KPIs and the hourly chart of ``day``."""
    engine = kof().engine
    kpis = region.region_day_kpis(engine, day)
    if kpis.completeness == 0 and kpis.el_demand_kwh == 0:
        return html.Div(no_data(f"No readings on {day.isoformat()}."))
    open_items = len(maintenance.list_items(engine, active_only=True))
    plan = latest_plan_view(engine)
    ss = kpis.self_sufficiency_el
    cards = [
        ("Electricity demand", fmt(kpis.el_demand_kwh, 0, "kWh")),
        ("Local generation", fmt(kpis.el_generation_kwh, 0, "kWh")),
        ("Self-sufficiency (el.)", fmt(None if ss is None else ss * 100, 1, "%")),
        ("Heat", fmt(kpis.heat_kwh, 0, "kWh")),
        ("Water", fmt(kpis.water_m3, 1, "m³")),
        ("Gas", fmt(kpis.gas_m3, 1, "m³")),
        ("Data completeness", fmt(kpis.completeness * 100, 1, "%")),
        ("Open maintenance items", str(open_items)),
    ]
    if plan is not None:
        share = (plan.kpis.get("renewable_share") or 0) * 100
        cards += [
            ("Cluster renewable share", fmt(share, 1, "%")),
            ("Cluster CO2 (plan)", fmt(plan.kpis.get("co2_t"), 0, "t")),
        ]
    return html.Div(
        [
            html.H2(f"Region on {day.isoformat()}"),
            kpi_cards(cards),
            graph(
                "ops-overview-day",
                figures.region_day_figure(region.day_profile(kof().engine, day)),
                "Hourly electricity demand (main meters) and local generation (generation "
                f"meters), Europe/Warsaw time; {kpis.n_meters} meters of all media counted.",
            ),
        ]
    )


def render() -> html.Div:
    """The overview tab: a day field (default the latest day with readings) and its KPIs."""
    day = region.latest_day(kof().engine)
    if day is None:
        return html.Div([html.H2("Region today"), no_data("No readings in the store yet.")])
    return html.Div(
        [
            html.Label(
                [
                    "Day (YYYY-MM-DD; the latest with readings is shown first) ",
                    dcc.Input(
                        id="ops-overview-date",
                        value=day.isoformat(),
                        debounce=True,
                        type="text",
                        style={"width": "9rem", "display": "inline-block"},
                    ),
                ]
            ),
            html.Div(body(day), id="ops-overview-body"),
        ]
    )


def register(app: dash.Dash) -> None:
    """Re-draw the overview for the day the operator types."""

    @app.callback(
        Output("ops-overview-body", "children"),
        Input("ops-overview-date", "value"),
        prevent_initial_call=True,
    )
    def show_day(text: str | None) -> html.Div:
        try:
            day = parse_day(text)
        except ValueError as err:
            return html.Div(no_data(str(err)))
        return body(day)
