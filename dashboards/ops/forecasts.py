"""Forecasts vs actuals: the latest stored forecast of a series, its actuals and past accuracy."""

from __future__ import annotations

import logging

import dash
import pandas as pd
from dash import Input, Output, dcc, html

from dashboards.context import kof
from dashboards.ops import figures
from dashboards.ops.widgets import fmt, graph, kpi_cards, no_data, table
from forecasting import service as forecasting

logger = logging.getLogger(__name__)
KEY = "forecasts"
LABEL = "Forecasts"
NO_FORECASTS = "No forecasts are stored yet: run `kof forecast run`."


def _num(value: object) -> float | None:
    """A float, or None for a missing score (None or NaN)."""
    return None if value is None or pd.isna(value) else float(value)  # type: ignore[arg-type]


def body(series_key: str | None) -> html.Div:
    """The chart, KPIs and accuracy table of one series (or a clear message)."""
    if not series_key or not isinstance(series_key, str):
        return no_data("Pick a series.")
    view = forecasting.forecast_vs_actuals(kof().engine, series_key)
    if view is None:
        return no_data(f"There is no stored forecast for {series_key!r}.")
    acc = view.accuracy
    last = acc.iloc[-1] if not acc.empty else None
    cards = [
        ("Issued", view.issued_at.isoformat(timespec="minutes")),
        ("Model", view.model),
        ("Scored forecasts", str(len(acc))),
        ("Last MAE", fmt(None if last is None else _num(last["mae"]), 2, view.series.unit)),
        ("Last MASE", fmt(None if last is None else _num(last["mase"]), 2)),
        ("Mean MASE", fmt(None if acc.empty else _num(acc["mase"].mean()), 2)),
    ]
    rows = [
        {
            "issued": r.issued_at.isoformat(timespec="minutes"),
            "model": r.model,
            "points": r.n_points,
            "MAE": fmt(_num(r.mae), 2),
            "MASE": fmt(_num(r.mase), 2),
            "coverage": fmt(None if _num(r.coverage) is None else float(r.coverage) * 100, 0, "%"),
        }
        for r in acc.iloc[::-1].itertuples()
    ]
    missing = (
        no_data("No actuals are in the store for this series' window yet.")
        if view.actuals.dropna().empty
        else None
    )
    return html.Div(
        [
            kpi_cards(cards),
            missing,
            graph(
                "ops-forecast",
                figures.forecast_figure(view.forecast, view.actuals, view.series.unit),
                "The latest forecast's median (dashed) and interval (band) against the values "
                "read from the store (solid), in UTC.",
            ),
            graph(
                "ops-forecast-accuracy",
                figures.accuracy_figure(acc),
                "Mean absolute error (bars) and MASE, the error relative to a seasonal-naive "
                "forecast (line; below 1 beats it), of each scored past forecast.",
            ),
            table("ops-accuracy-table", rows) if rows else None,
        ]
    )


def render() -> html.Div:
    """The forecasts tab: a series picker and the chosen series' body."""
    series = forecasting.stored_series(kof().engine)
    if not series:
        return html.Div([html.H2("Forecasts vs actuals"), no_data(NO_FORECASTS)])
    keys = [s.key for s in series]
    first = next((k for k in keys if k.startswith("cluster:")), keys[0])
    return html.Div(
        [
            html.H2("Forecasts vs actuals"),
            html.Label(
                [
                    "Series ",
                    dcc.Dropdown(
                        id="ops-forecast-series",
                        options=keys,
                        value=first,
                        clearable=False,
                        style={"minWidth": "24rem"},
                    ),
                ],
                className="ops-toolbar",
            ),
            dcc.Loading(html.Div(body(first), id="ops-forecast-body"), type="dot"),
        ]
    )


def register(app: dash.Dash) -> None:
    """Re-draw the body when another series is picked."""

    @app.callback(
        Output("ops-forecast-body", "children"),
        Input("ops-forecast-series", "value"),
        prevent_initial_call=True,
    )
    def pick(series_key: object) -> html.Div:
        return body(series_key if isinstance(series_key, str) else None)
