"""Metering: device health, data completeness and quality flags per district and meter."""

from __future__ import annotations

import datetime as dt
import logging

from dash import html

from dashboards.context import kof
from dashboards.ops import figures
from dashboards.ops.widgets import graph, kpi_cards, no_data, table
from metering import service as metering

logger = logging.getLogger(__name__)
KEY = "metering"
LABEL = "Metering"
WINDOW = dt.timedelta(days=7)


def render() -> html.Div:
    """The metering tab: health of polled devices and the last 7 days' data quality."""
    engine = kof().engine
    health = metering.device_health(engine)
    counts = metering.health_counts(health)
    parts: list[object] = [html.H2("Device health")]
    if health:
        parts += [
            kpi_cards([(state, str(n)) for state, n in counts.items()]),
            graph("ops-health", figures.health_figure(counts), "Devices per health state."),
            table(
                "ops-health-table",
                [
                    {
                        "device": h.device,
                        "state": h.state.value,
                        "since": h.since.isoformat(timespec="minutes"),
                        "failures": h.consecutive_failures,
                        "last error": h.last_error or "",
                    }
                    for h in health
                ],
            ),
        ]
    else:
        parts.append(no_data("No device has been polled yet (run `kof poll`)."))
    _, last = metering.reading_span(engine)
    parts.append(html.H2("Data completeness and quality (last 7 days of readings)"))
    if last is None:
        parts.append(no_data("No readings in the store yet."))
        return html.Div(parts)
    end = last + dt.timedelta(seconds=1)  # the last reading included, 7 days back from it
    per_meter = metering.completeness(engine, end - WINDOW, end)
    by_district = metering.completeness_by_district(per_meter)
    not_measured = int(per_meter[["n_estimated", "n_edited"]].sum().sum())
    parts += [
        kpi_cards(
            [
                ("Meters", str(len(per_meter))),
                ("Readings estimated or edited", str(not_measured)),
                ("Readings invalid", str(int(per_meter["n_invalid"].sum()))),
            ]
        ),
        graph(
            "ops-completeness",
            figures.completeness_figure(by_district),
            "Share of expected readings received, per district and medium.",
        ),
        graph(
            "ops-quality",
            figures.quality_figure(by_district),
            "Readings estimated, edited or invalid per district (measured ones left out).",
        ),
        html.H3("Per meter (worst first)"),
        table(
            "ops-meter-table",
            per_meter.assign(not_measured=per_meter["n_estimated"] + per_meter["n_edited"])
            .sort_values(
                ["completeness", "not_measured", "meter_id"], ascending=[True, False, True]
            )
            .drop(columns="not_measured")
            .assign(completeness=lambda f: (f["completeness"] * 100).round(1))
            .to_dict("records"),
            max_rows=20,
        ),
    ]
    return html.Div(parts)
