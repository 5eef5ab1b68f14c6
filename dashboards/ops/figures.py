"""Figures of the operators' views: pure functions of service results (no I/O, no Flask)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from core.enums import Quality
from dashboards.ops.figure_base import LAYOUT as _LAYOUT
from dashboards.ops.figure_base import empty_figure as _empty

Carrier = str  # "electricity" or "heat"
HEALTH_COLOURS = {"online": "#1b7f3b", "degraded": "#c77c02", "offline": "#b3261e"}
QUALITY_COLOURS = {
    Quality.MEASURED.value: "#1f5f99",
    Quality.ESTIMATED.value: "#c77c02",
    Quality.EDITED.value: "#7b3fa0",
    Quality.INVALID.value: "#b3261e",
}


def region_day_figure(profile: pd.DataFrame) -> go.Figure:
    """Hourly electricity demand and local generation (kWh) of the region on one day.

    Args:
        profile: ``core.region.query.day_profile`` (ts, medium, kind, value).
    """
    title = "Electricity: demand and local generation per hour (kWh)"
    el = profile[profile["medium"] == "electricity"] if not profile.empty else profile
    if el.empty:
        return _empty(title, "no data yet")
    fig = go.Figure(layout={**_LAYOUT, "title": title, "yaxis_title": "kWh"})
    for kind, name, colour in (
        ("main", "demand", "#1f5f99"),
        ("generation", "local generation", "#2e9e4f"),
    ):
        part = el[el["kind"] == kind].sort_values("ts")
        if not part.empty:
            fig.add_bar(x=part["ts"], y=part["value"], name=name, marker_color=colour)
    fig.update_layout(barmode="group")
    return fig


def health_figure(counts: dict[str, int]) -> go.Figure:
    """Devices online, degraded and offline (a bar per state)."""
    title = "Device health"
    if not any(counts.values()):
        return _empty(title, "no device has been polled yet")
    states = list(HEALTH_COLOURS)
    return go.Figure(
        go.Bar(
            x=states,
            y=[counts.get(s, 0) for s in states],
            marker_color=[HEALTH_COLOURS[s] for s in states],
        ),
        layout={**_LAYOUT, "title": title, "yaxis_title": "devices"},
    )


def completeness_figure(by_district: pd.DataFrame) -> go.Figure:
    """Data completeness (%) per district, a bar per medium."""
    title = "Data completeness per district (%)"
    if by_district.empty:
        return _empty(title, "no meters yet")
    fig = go.Figure(layout={**_LAYOUT, "title": title, "yaxis": {"range": [0, 105]}})
    for medium, part in by_district.groupby("medium"):
        fig.add_bar(x=part["district"], y=part["completeness"] * 100, name=str(medium))
    fig.update_layout(barmode="group")
    return fig


def quality_figure(by_district: pd.DataFrame) -> go.Figure:
    """Readings not as measured per district (stacked): estimated, edited, invalid.

    Measured readings are left out (they dwarf the rest); the title gives their share.
    """
    title = "Readings estimated, edited or invalid per district"
    if by_district.empty or by_district["n_readings"].sum() == 0:
        return _empty(title, "no readings yet")
    sums = by_district.groupby("district", as_index=False).sum(numeric_only=True)
    flags = [q for q in QUALITY_COLOURS if q != Quality.MEASURED.value]
    if sums[[f"n_{q}" for q in flags]].to_numpy().sum() == 0:
        return _empty(title, "none: every reading is as measured")
    share = sums[f"n_{Quality.MEASURED.value}"].sum() / sums["n_readings"].sum()
    fig = go.Figure(
        layout={
            **_LAYOUT,
            "title": f"{title} (measured: {share:.2%} of readings)",
            "barmode": "stack",
            "yaxis_title": "readings",
        }
    )
    for flag in flags:
        fig.add_bar(
            x=sums["district"], y=sums[f"n_{flag}"], name=flag, marker_color=QUALITY_COLOURS[flag]
        )
    return fig


def _supply_columns(
    schedules: pd.DataFrame, kpis: dict[str, float | None], carrier: Carrier
) -> list[str]:
    """Schedule columns that supply ``carrier``: generating units, storage discharge, import.

    A unit supplies a carrier when the plan's KPIs show it generated some (an electric boiler
    has ``p_el_mw`` too, but as a consumer: its electricity generation is zero).
    """
    attr = "p_el_mw" if carrier == "electricity" else "q_th_mw"
    units = sorted(
        {
            k.split(".")[1]
            for k, v in kpis.items()
            if k.startswith("generation_mwh.") and k.endswith(f".{carrier}") and (v or 0) > 0
        }
    )
    cols = [f"{u}-{attr}" for u in units if f"{u}-{attr}" in schedules.columns]
    if carrier == "electricity":
        cols += [c for c in ("grid-import_mw", "city_battery-discharge_mw") if c in schedules]
    else:
        cols += [c for c in schedules.columns if "heat_tank-discharge_mw" in c]
    return cols


def dispatch_figure(
    schedules: pd.DataFrame, kpis: dict[str, float | None], carrier: Carrier
) -> go.Figure:
    """The plan's dispatch per unit (MW, stacked areas) with the demand as a line.

    Args:
        schedules: ``PlanView.schedules`` (columns ``unit-attr``).
        kpis: ``PlanView.kpis`` (tells which units generate which carrier).
        carrier: "electricity" or "heat".
    """
    title = f"Dispatch: {carrier} (MW)"
    cols = _supply_columns(schedules, kpis, carrier) if not schedules.empty else []
    if not cols:
        return _empty(title, "no stored plan yet")
    index = schedules.index.tz_convert("Europe/Warsaw")
    fig = go.Figure(layout={**_LAYOUT, "title": title, "yaxis_title": "MW", "height": 380})
    for col in cols:
        values = schedules[col].clip(lower=0)
        if values.abs().sum() > 0:
            fig.add_scatter(
                x=index, y=values, name=col.split("-")[0], stackgroup="supply", mode="lines"
            )
    demand = [c for c in schedules.columns if c.endswith("-demand_mw")]
    demand = [c for c in demand if (c.startswith("members_el") == (carrier == "electricity"))]
    if demand:
        fig.add_scatter(
            x=index,
            y=schedules[demand].sum(axis=1),
            name="demand",
            mode="lines",
            line={"color": "black", "dash": "dash"},
        )
    return fig


def price_figure(prices: pd.Series) -> go.Figure:
    """The day-ahead price over the plan's horizon (PLN/MWh)."""
    title = "Day-ahead price (PLN/MWh)"
    if prices.empty:
        return _empty(title, "no price series for this plan")
    index = pd.DatetimeIndex(prices.index).tz_convert("Europe/Warsaw")
    fig = go.Figure(layout={**_LAYOUT, "title": title, "yaxis_title": "PLN/MWh"})
    fig.add_scatter(x=index, y=prices.to_numpy(), mode="lines", line_shape="hv", name="price")
    return fig


def storage_figure(schedules: pd.DataFrame) -> go.Figure:
    """Storage levels over the plan's horizon (MWh)."""
    title = "Storage levels (MWh)"
    cols = [c for c in schedules.columns if c.endswith("-e_mwh")] if not schedules.empty else []
    if not cols:
        return _empty(title, "no storage in the stored plan")
    index = schedules.index.tz_convert("Europe/Warsaw")
    fig = go.Figure(layout={**_LAYOUT, "title": title, "yaxis_title": "MWh"})
    for col in cols:
        fig.add_scatter(x=index, y=schedules[col], mode="lines", name=col.split("-")[0])
    return fig


def forecast_figure(forecast: pd.DataFrame, actuals: pd.Series, unit: str) -> go.Figure:
    """The latest forecast (median and interval band) against the actuals.

    Args:
        forecast: target_ts, yhat, yhat_lower, yhat_upper (``forecasting.service``).
        actuals: the series' stored values indexed by time (NaN where incomplete).
        unit: the series' unit, for the axis.
    """
    title = f"Forecast vs actuals ({unit})"
    observed = actuals.dropna()
    if forecast.empty and observed.empty:
        return _empty(title, "no forecast yet")
    fig = go.Figure(layout={**_LAYOUT, "title": title, "yaxis_title": unit})
    if not forecast.empty:
        f = forecast.sort_values("target_ts")
        fig.add_scatter(
            x=f["target_ts"], y=f["yhat_upper"], mode="lines", line={"width": 0},
            name="interval (upper)", showlegend=False, hoverinfo="skip",
        )  # fmt: skip
        fig.add_scatter(
            x=f["target_ts"], y=f["yhat_lower"], mode="lines", line={"width": 0},
            fill="tonexty", fillcolor="rgba(31,95,153,0.2)", name="forecast interval",
        )  # fmt: skip
        fig.add_scatter(
            x=f["target_ts"], y=f["yhat"], mode="lines", name="forecast (median)",
            line={"color": "#1f5f99", "dash": "dash"},
        )  # fmt: skip
    if not observed.empty:
        fig.add_scatter(
            x=observed.index, y=observed.to_numpy(), mode="lines", name="actual",
            line={"color": "#222222"},
        )  # fmt: skip
    return fig


_DAY = pd.Timedelta(days=1)
_HALF_DAY_MS = 12 * 3600 * 1000


def accuracy_figure(accuracy: pd.DataFrame) -> go.Figure:
    """MAE (bars) and MASE (line, right axis) of past forecasts per issue time."""
    title = "Accuracy of past forecasts"
    if accuracy.empty:
        return _empty(title, "no past forecast has been scored yet")
    a = accuracy.sort_values("issued_at")
    issued = pd.to_datetime(a["issued_at"])
    # forecasts are issued about daily: half-day bars, and a day of room either side so that
    # one scored forecast is a bar, not the whole plot
    fig = go.Figure(
        layout={
            **_LAYOUT,
            "title": title,
            "xaxis": {"range": [issued.min() - _DAY, issued.max() + _DAY]},
            "yaxis": {"title": "MAE"},
            "yaxis2": {"title": "MASE", "overlaying": "y", "side": "right", "rangemode": "tozero"},
        }
    )
    fig.add_bar(
        x=a["issued_at"], y=a["mae"], name="MAE", marker_color="#1f5f99", width=_HALF_DAY_MS
    )
    fig.add_scatter(
        x=a["issued_at"], y=a["mase"], mode="lines+markers", name="MASE", yaxis="y2",
        line={"color": "#c77c02"},
    )  # fmt: skip
    return fig


NODE_COLOURS = {"Junction": "#7a8a99", "Tank": "#1f5f99", "Reservoir": "#2e9e4f"}


def _segments(links: pd.DataFrame) -> tuple[list[float | None], list[float | None]]:
    xs: list[float | None] = []
    ys: list[float | None] = []
    for r in links.itertuples():
        xs += [r.x0, r.x1, None]
        ys += [r.y0, r.y1, None]
    return xs, ys


def network_figure(
    nodes: pd.DataFrame, links: pd.DataFrame, highlights: list[tuple[str, str, str]]
) -> go.Figure:
    """A water network from its model's coordinates, with work orders' elements in red.

    Args:
        nodes: name, kind, x, y (``water.service.network_layout``).
        links: name, kind, x0, y0, x1, y1.
        highlights: (kind "pipe" or "node", element name, label) of open work orders.
    """
    title = "Network model with open water work orders"
    if nodes.empty:
        return _empty(title, "the model has no nodes")
    fig = go.Figure(
        layout={
            **_LAYOUT,
            "title": title,
            "height": 560,
            "xaxis": {"visible": False},
            "yaxis": {"visible": False, "scaleanchor": "x"},
            "hovermode": "closest",
        }
    )
    xs, ys = _segments(links)
    fig.add_scatter(
        x=xs, y=ys, mode="lines", name="pipes, pumps, valves", line={"color": "#b8c4cf", "width": 1.5},
        hoverinfo="skip",
    )  # fmt: skip
    for kind, part in nodes.groupby("kind"):
        fig.add_scatter(
            x=part["x"], y=part["y"], mode="markers", name=str(kind).lower() + "s",
            marker={"color": NODE_COLOURS.get(str(kind), "#444"),
                    "size": 5 if kind == "Junction" else 11,
                    "symbol": "circle" if kind == "Junction" else "square"},
            text=part["name"], hovertemplate="%{text}<extra></extra>",
        )  # fmt: skip
    pipes = {name: label for kind, name, label in highlights if kind == "pipe"}
    hit_links = links[links["name"].isin(list(pipes))]
    if not hit_links.empty:
        xs, ys = _segments(hit_links)
        fig.add_scatter(
            x=xs, y=ys, mode="lines", name="work order (pipe)",
            line={"color": "#b3261e", "width": 5}, hoverinfo="skip",
        )  # fmt: skip
    marks = [
        (float(r.x0 + r.x1) / 2, float(r.y0 + r.y1) / 2, pipes[r.name])
        for r in hit_links.itertuples()
    ]
    at = nodes.set_index("name")
    marks += [
        (float(at.at[name, "x"]), float(at.at[name, "y"]), label)
        for kind, name, label in highlights
        if kind == "node" and name in at.index
    ]
    if marks:
        fig.add_scatter(
            x=[m[0] for m in marks], y=[m[1] for m in marks], mode="markers",
            name="open work order", text=[m[2] for m in marks],
            marker={"color": "#b3261e", "size": 16, "symbol": "x"},
            hovertemplate="%{text}<extra></extra>",
        )  # fmt: skip
    return fig
