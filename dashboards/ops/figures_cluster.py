"""Figures of the energy cluster's network check and plan vs actual: pure functions of service
results (``energy_cluster.dashboard_service``), no I/O, no Flask.
"""

from __future__ import annotations

import pandas as pd
import plotly.colors as pc
import plotly.graph_objects as go

from core.timeutil import LOCAL_TZ_NAME
from dashboards.ops.figure_base import LAYOUT as _LAYOUT
from dashboards.ops.figure_base import empty_figure as _empty
from energy_cluster.actuals import SeriesComparison
from energy_cluster.dashboard_service import NetworkView

# Loading as a share of the limit: green well below, amber near, red at and above the limit.
LOADING_SCALE = [
    [0.0, "#1b7f3b"],
    [0.55, "#9bbf3a"],
    [0.75, "#f2c200"],
    [0.83, "#e07000"],
    [1.0, "#b3261e"],
]
LOADING_SCALE_TOP = 1.2  # the colour scale ends at 120 % of the limit
# Voltage across the band: blue at v_min, grey at 1 pu, red at v_max.
VOLTAGE_SCALE = [[0.0, "#1f5f99"], [0.5, "#d9d9d9"], [1.0, "#b3261e"]]
VIOLATION_COLOUR = "#b3261e"
OPEN_COLOUR = "#9aa5b1"


def _loading_colour(loading_percent: float, limit_percent: float) -> str:
    """The colour of a loading on ``LOADING_SCALE`` (piecewise linear between its stops)."""
    share = min(max(loading_percent / (limit_percent * LOADING_SCALE_TOP), 0.0), 1.0)
    return str(pc.sample_colorscale(LOADING_SCALE, [share], colortype="rgb")[0])


def _local(ts: pd.Timestamp) -> str:
    return f"{ts.tz_convert(LOCAL_TZ_NAME):%Y-%m-%d %H:%M}"


def single_line_figure(view: NetworkView) -> go.Figure:
    """The network at one step: lines and transformers coloured by loading, buses by voltage.

    Lines are solid, transformers dashed, lines behind an open switch grey and dotted; elements
    over a limit are ringed in red. Hover shows each element's values.

    Args:
        view: ``dashboard_service.network_view`` at the step to draw.
    """
    worst = " (worst step)" if view.ts == view.worst_ts else ""
    title = f"{view.network} network at {_local(view.ts)}{worst}"
    if view.buses.empty:
        return _empty(title, "the network has no buses")
    fig = go.Figure(
        layout={
            **_LAYOUT,
            "title": title,
            "height": 620,
            "xaxis": {"visible": False},
            "yaxis": {"visible": False, "scaleanchor": "x"},
            "hovermode": "closest",
            "showlegend": True,
        }
    )
    at = view.buses.set_index("bus")
    limit = view.max_loading_percent
    mids_x: list[float] = []
    mids_y: list[float] = []
    mids_value: list[float] = []
    mids_text: list[str] = []
    ringed: list[tuple[float, float, str]] = []
    for branch in view.branches.itertuples():
        x0, y0 = float(at.at[branch.from_bus, "x"]), float(at.at[branch.from_bus, "y"])
        x1, y1 = float(at.at[branch.to_bus, "x"]), float(at.at[branch.to_bus, "y"])
        loading = float(branch.loading_percent) if pd.notna(branch.loading_percent) else 0.0
        colour = _loading_colour(loading, limit) if branch.closed else OPEN_COLOUR
        dash = "dash" if branch.kind == "trafo" else ("solid" if branch.closed else "dot")
        fig.add_scatter(
            x=[x0, x1], y=[y0, y1], mode="lines", name=str(branch.name), showlegend=False,
            line={"color": colour, "width": 7 if branch.violated else 4, "dash": dash},
            hoverinfo="skip",
        )  # fmt: skip
        mx, my = (x0 + x1) / 2, (y0 + y1) / 2
        state = "" if branch.closed else " (open switch)"
        text = f"{branch.name}{state}: {loading:.1f} % loaded, {float(branch.p_mw):.2f} MW"
        mids_x.append(mx)
        mids_y.append(my)
        mids_value.append(loading)
        mids_text.append(text)
        if branch.violated:
            ringed.append((mx, my, f"{branch.name}: {loading:.1f} % > {limit:g} %"))
    fig.add_scatter(
        x=mids_x, y=mids_y, mode="markers", name="line / transformer loading",
        text=mids_text, hovertemplate="%{text}<extra></extra>",
        marker={"size": 9, "symbol": "diamond", "color": mids_value, "cmin": 0,
                "cmax": limit * LOADING_SCALE_TOP, "colorscale": LOADING_SCALE,
                "colorbar": {"title": {"text": "loading %"}, "x": 1.02, "len": 0.45, "y": 0.78}},
    )  # fmt: skip
    buses = view.buses
    labels = [f"{r.name}" + (f" · {r.places}" if r.places else "") for r in buses.itertuples()]
    hover = [
        f"{r.name} ({r.vn_kv:g} kV){' · ' + r.places if r.places else ''}: {r.vm_pu:.4f} pu"
        + ("" if r.checked else " (slack: set, not checked)")
        for r in buses.itertuples()
    ]
    fig.add_scatter(
        x=buses["x"], y=buses["y"], mode="markers+text", name="bus voltage",
        text=labels, textposition="middle right", hovertext=hover,
        hovertemplate="%{hovertext}<extra></extra>",
        marker={"size": 16, "color": buses["vm_pu"], "cmin": view.v_min_pu,
                "cmax": view.v_max_pu, "colorscale": VOLTAGE_SCALE,
                "line": {"color": "#333333", "width": 1},
                "colorbar": {"title": {"text": "voltage pu"}, "x": 1.02, "len": 0.45, "y": 0.25}},
    )  # fmt: skip
    for r in buses[buses["violated"].eq(True)].itertuples():
        ringed.append(
            (float(r.x), float(r.y), f"{r.name}: {r.vm_pu:.4f} pu outside "
             f"{view.v_min_pu:g}-{view.v_max_pu:g} pu")
        )  # fmt: skip
    if ringed:
        fig.add_scatter(
            x=[r[0] for r in ringed], y=[r[1] for r in ringed], mode="markers",
            name="limit violated", text=[r[2] for r in ringed],
            hovertemplate="%{text}<extra></extra>",
            marker={"size": 28, "symbol": "circle-open", "color": VIOLATION_COLOUR,
                    "line": {"width": 3}},
        )  # fmt: skip
    return fig


def network_steps_figure(view: NetworkView) -> go.Figure:
    """Per step: the highest line and transformer loadings and the voltage range, with limits.

    The step shown on the diagram is marked by a vertical line.
    """
    title = "Network check per step: highest loadings (%) and voltage range (pu)"
    summary = view.summary
    if summary.empty:
        return _empty(title, "no network-check results")
    index = pd.DatetimeIndex(summary.index).tz_convert(LOCAL_TZ_NAME)
    fig = go.Figure(
        layout={
            **_LAYOUT,
            "title": title,
            "yaxis": {"title": "loading %", "rangemode": "tozero"},
            "yaxis2": {"title": "voltage pu", "overlaying": "y", "side": "right"},
        }
    )
    fig.add_scatter(x=index, y=summary["max_line_loading_percent"], mode="lines",
                    name="max line loading", line={"color": "#1f5f99", "shape": "hv"})  # fmt: skip
    fig.add_scatter(x=index, y=summary["max_trafo_loading_percent"], mode="lines",
                    name="max transformer loading", line={"color": "#7b3fa0", "shape": "hv"})  # fmt: skip
    fig.add_scatter(x=index, y=summary["v_max_pu"], mode="lines", name="highest voltage",
                    yaxis="y2", line={"color": "#b3261e", "dash": "dot", "shape": "hv"})  # fmt: skip
    fig.add_scatter(x=index, y=summary["v_min_pu"], mode="lines", name="lowest voltage",
                    yaxis="y2", line={"color": "#2e9e4f", "dash": "dot", "shape": "hv"})  # fmt: skip
    fig.add_hline(y=view.max_loading_percent, line={"color": "#b3261e", "width": 1})
    for v in (view.v_min_pu, view.v_max_pu):
        fig.add_hline(y=v, yref="y2", line={"color": "#888888", "width": 1, "dash": "dash"})
    fig.add_vline(x=view.ts.tz_convert(LOCAL_TZ_NAME), line={"color": "#222222", "width": 1})
    return fig


def plan_vs_actual_figure(comparison: SeriesComparison) -> go.Figure:
    """Planned and measured average power (MW) of one plan series over the plan's period."""
    title = f"Plan vs actual: {comparison.series.value} (MW)"
    if comparison.planned_mw.empty:
        return _empty(title, "the plan has no such series")
    fig = go.Figure(layout={**_LAYOUT, "title": title, "yaxis_title": "MW"})
    planned = comparison.planned_mw
    actual = comparison.actual_mw
    fig.add_scatter(
        x=pd.DatetimeIndex(planned.index).tz_convert(LOCAL_TZ_NAME), y=planned.to_numpy(),
        mode="lines", name="plan", line={"color": "#1f5f99", "dash": "dash", "shape": "hv"},
    )  # fmt: skip
    fig.add_scatter(
        x=pd.DatetimeIndex(actual.index).tz_convert(LOCAL_TZ_NAME), y=actual.to_numpy(),
        mode="lines", name=f"measured ({comparison.n_meters} meters)",
        line={"color": "#222222", "shape": "hv"},
    )  # fmt: skip
    return fig
