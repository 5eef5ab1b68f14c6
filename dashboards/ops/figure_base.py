"""What every /ops figure shares: the layout and the figure shown when there is nothing to draw."""

from __future__ import annotations

import plotly.graph_objects as go

LAYOUT = {
    "margin": {"l": 60, "r": 20, "t": 40, "b": 40},
    "height": 320,
    "legend": {"orientation": "h", "y": -0.2},
    "template": "plotly_white",
}


def empty_figure(title: str, message: str, *, height_px: int | None = None) -> go.Figure:
    """A figure with only its title and ``message`` in the middle (no axes)."""
    layout = {**LAYOUT, "title": title}
    if height_px is not None:
        layout["height"] = height_px
    fig = go.Figure(layout=layout)
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig
