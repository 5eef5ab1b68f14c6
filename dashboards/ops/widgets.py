"""Small layout pieces shared by the operators' views."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from dash import dcc, html


def no_data(message: str) -> html.Div:
    """The clear "no data yet" box shown where a source is empty."""
    return html.Div(message, className="ops-no-data", role="status")


def kpi_cards(items: list[tuple[str, str]]) -> html.Ul:
    """A row of KPI cards: (label, formatted value with unit)."""
    return html.Ul(
        [
            html.Li([html.Span(label, className="ops-kpi-label"), html.Strong(value)])
            for label, value in items
        ],
        className="ops-kpis",
    )


def graph(graph_id: str, figure: go.Figure, description: str) -> html.Figure:
    """A chart with a text alternative."""
    return html.Figure(
        [
            dcc.Graph(id=graph_id, figure=figure, config={"displaylogo": False}),
            html.Figcaption(description),
        ],
        className="ops-graph",
    )


def table(table_id: str, rows: list[dict[str, Any]], max_rows: int = 50) -> html.Table:
    """A plain, accessible HTML table of records (the first ``max_rows``).

    A plain table rather than ``dash_table.DataTable``, which Dash 4 deprecates.
    """
    columns = list(rows[0]) if rows else []
    shown = rows[:max_rows]
    caption = f"{len(shown)} of {len(rows)} rows" if len(rows) > max_rows else f"{len(rows)} rows"
    return html.Table(
        [
            html.Caption(caption),
            html.Thead(html.Tr([html.Th(c, scope="col") for c in columns])),
            html.Tbody([html.Tr([html.Td(str(r[c])) for c in columns]) for r in shown]),
        ],
        id=table_id,
        className="ops-table",
    )


def fmt(value: float | None, digits: int = 1, unit: str = "") -> str:
    """A number with a unit; an en dash when absent."""
    if value is None:
        return "–"
    text = f"{value:,.{digits}f}".replace(",", " ")
    return f"{text} {unit}".strip()
