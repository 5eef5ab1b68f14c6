"""Chart specifications (Plotly JSON) as pure functions of the service results.

Every chart comes with a text alternative (``summary``) and is shown beside a data table.
Colours: blue #1f4e9a, orange #b35900, grey #595959 - each at least 4.5:1 against white, and
told apart by line style as well as colour.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from core.residents.model import ConsumptionView, Distribution

BLUE, ORANGE, GREY = "#1f4e9a", "#b35900", "#595959"
_TIME_FORMAT = {"15min": "%H:%M", "hour": "%a %H:%M", "day": "%d.%m", "month": "%m.%Y"}


def tick_label(ts: pd.Timestamp, resolution: str) -> str:
    return ts.strftime(_TIME_FORMAT.get(resolution, "%Y-%m-%d %H:%M"))


def _clean(values: pd.Series) -> list[float | None]:
    return [
        None if (v is None or (isinstance(v, float) and math.isnan(v))) else round(float(v), 4)
        for v in values
    ]


def consumption_figure(view: ConsumptionView, names: dict[str, str]) -> dict[str, Any]:
    """Bars of the own consumption, lines for last year and the building's mean household.

    Args:
        view: the consumption service's result.
        names: translated trace and axis names: ``own``, ``last_year``, ``building``, ``axis``.
    """
    x = [ts.isoformat() for ts in view.points["ts"]]
    data: list[dict[str, Any]] = [
        {
            "type": "bar",
            "name": names["own"],
            "x": x,
            "y": _clean(view.points["value"]),
            "marker": {"color": BLUE},
        }
    ]
    if view.points["last_year"].notna().any():
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": names["last_year"],
                "x": x,
                "y": _clean(view.points["last_year"]),
                "line": {"color": GREY, "dash": "dot", "width": 2},
            }
        )
    if view.points["building_avg"].notna().any():
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": names["building"],
                "x": x,
                "y": _clean(view.points["building_avg"]),
                "line": {"color": ORANGE, "dash": "dash", "width": 2},
            }
        )
    return {
        "data": data,
        "layout": {
            "margin": {"l": 56, "r": 16, "t": 16, "b": 48},
            "yaxis": {"title": {"text": names["axis"]}, "rangemode": "tozero"},
            "xaxis": {"type": "date"},
            "legend": {"orientation": "h", "y": -0.2},
            "bargap": 0.15,
            "height": 360,
        },
        "config": {"displaylogo": False, "responsive": True},
    }


def peak_point(view: ConsumptionView) -> tuple[pd.Timestamp, float] | None:
    """The period with the highest consumption (for the text alternative)."""
    values = view.points["value"]
    if values.dropna().empty:
        return None
    i = int(values.idxmax())
    return view.points["ts"].iloc[i], float(values.iloc[i])


def distribution_figure(dist: Distribution, names: dict[str, str]) -> dict[str, Any]:
    """A box from the group's quantiles (10-25-50-75-90 %) and a marker for the household."""
    return {
        "data": [
            {
                "type": "box",
                "name": names["group"],
                "orientation": "h",
                "q1": [dist.p25],
                "median": [dist.p50],
                "q3": [dist.p75],
                "lowerfence": [dist.p10],
                "upperfence": [dist.p90],
                "y": [names["group"]],
                "marker": {"color": GREY},
                "line": {"color": GREY},
                "hoverinfo": "x",
            },
            {
                "type": "scatter",
                "mode": "markers",
                "name": names["own"],
                "x": [round(dist.own, 3)],
                "y": [names["group"]],
                "marker": {"color": ORANGE, "size": 16, "symbol": "diamond"},
            },
        ],
        "layout": {
            "margin": {"l": 16, "r": 16, "t": 8, "b": 48},
            "yaxis": {"showticklabels": False},
            "xaxis": {"title": {"text": names["axis"]}, "rangemode": "tozero"},
            "showlegend": True,
            "legend": {"orientation": "h", "y": -0.45},
            "height": 200,
        },
        "config": {"displaylogo": False, "responsive": True},
    }
