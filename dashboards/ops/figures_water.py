"""Figures of the water balance and night flows per DMA: pure functions of water service results
(no I/O, no Flask)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboards.ops.figure_base import LAYOUT
from dashboards.ops.figure_base import empty_figure as _base_empty
from water.balance import WaterBalance
from water.nightflow import NightFlowAnalysis

_LAYOUT = {**LAYOUT, "height": 340}


def _empty(title: str, message: str) -> go.Figure:
    return _base_empty(title, message, height_px=340)


# The IWA balance components, from revenue water to real losses, with their colours.
BALANCE_PARTS: tuple[tuple[str, str, str], ...] = (
    ("billed_metered_m3", "billed metered", "#1f5f99"),
    ("billed_unmetered_m3", "billed unmetered", "#6b9bd1"),
    ("unbilled_metered_m3", "unbilled metered", "#2e9e4f"),
    ("unbilled_unmetered_m3", "unbilled unmetered", "#7cc48f"),
    ("unauthorised_m3", "unauthorised use", "#c77c02"),
    ("meter_under_registration_m3", "meter under-registration", "#e0a84a"),
    ("real_losses_m3", "real losses (leaks, bursts)", "#b3261e"),
)


def balance_rows(balance: WaterBalance) -> list[dict[str, str]]:
    """The balance as table rows: component, volume (m³) and share of system input (%)."""
    total = balance.system_input_m3

    def row(label: str, value: float) -> dict[str, str]:
        share = f"{100.0 * value / total:.1f}" if total else "–"
        return {"component": label, "volume (m³)": f"{value:,.1f}", "% of system input": share}

    rows = [row("system input", total)]
    rows += [row(label, getattr(balance, key)) for key, label, _ in BALANCE_PARTS]
    rows += [
        row("authorised consumption", balance.authorised_m3),
        row("apparent losses", balance.apparent_losses_m3),
        row("water losses", balance.water_losses_m3),
        row("non-revenue water", balance.non_revenue_water_m3),
    ]
    return rows


def balance_figure(
    balance: WaterBalance | None, title: str = "IWA water balance (m³)"
) -> go.Figure:
    """The IWA balance as three stacked columns: system input; authorised use and water
    losses; the components (billed, unbilled, apparent and real losses).

    A negative real loss (inflow meters reading low) is drawn below zero.
    """
    if balance is None or balance.system_input_m3 <= 0:
        return _empty(title, "no balance for this period")
    columns = ["system input", "authorised / losses", "components"]
    fig = go.Figure(layout={**_LAYOUT, "title": title, "yaxis_title": "m³", "barmode": "relative"})
    fig.add_bar(
        x=[columns[0]], y=[balance.system_input_m3], name="system input", marker_color="#555555"
    )
    fig.add_bar(
        x=[columns[1]], y=[balance.authorised_m3], name="authorised use", marker_color="#2e7d6b"
    )
    fig.add_bar(
        x=[columns[1]], y=[balance.water_losses_m3], name="water losses", marker_color="#8c1d18"
    )
    for key, label, colour in BALANCE_PARTS:
        value = getattr(balance, key)
        if value:
            fig.add_bar(x=[columns[2]], y=[value], name=label, marker_color=colour)
    fig.add_annotation(
        x=columns[0],
        y=balance.system_input_m3,
        text=f"NRW {balance.nrw_percent:.1f} %",
        showarrow=False,
        yshift=12,
    )
    return fig


def trend_line(nightly: pd.DataFrame, slope_m3_per_h_per_day: float) -> np.ndarray:
    """The Theil-Sen trend through the nightly minimum flows (median intercept)."""
    y = nightly["mnf_m3_per_h"].to_numpy(dtype=float)
    x = np.arange(len(y), dtype=float)
    if len(y) == 0:
        return y
    intercept = float(np.nanmedian(y - slope_m3_per_h_per_day * x))
    return intercept + slope_m3_per_h_per_day * x


def night_flow_figure(
    night: NightFlowAnalysis | None, title: str = "Minimum night flow (m³/h)"
) -> go.Figure:
    """Each night's minimum flow with its floor, its trend and the night leakage left after
    the customers' legitimate night use."""
    if night is None or night.nightly.empty:
        return _empty(title, "no night flows for this period")
    nightly = night.nightly
    dates = [str(d) for d in nightly.index]
    fig = go.Figure(layout={**_LAYOUT, "title": title, "yaxis_title": "m³/h"})
    fig.add_scatter(
        x=dates,
        y=nightly["mnf_m3_per_h"],
        mode="lines+markers",
        name="minimum night flow",
        line={"color": "#1f5f99"},
    )
    fig.add_scatter(
        x=dates,
        y=nightly["night_leakage_m3_per_h"],
        mode="lines",
        name="night leakage (less legitimate night use)",
        line={"color": "#b3261e"},
    )
    fig.add_scatter(
        x=dates,
        y=trend_line(nightly, night.trend_m3_per_h_per_day),
        mode="lines",
        name=f"trend {round(night.trend_m3_per_h_per_day * 1000, 1) + 0.0:+.1f} L/h per day",
        line={"color": "#c77c02", "dash": "dash"},
    )
    fig.add_scatter(
        x=[dates[0], dates[-1]],
        y=[night.floor_m3_per_h] * 2,
        mode="lines",
        name=f"floor {night.floor_m3_per_h:.3f} m³/h",
        line={"color": "#555555", "dash": "dot"},
    )
    return fig
