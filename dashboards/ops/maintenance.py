"""Networks: the maintenance queue (priority, asset, evidence, status, assignee)."""

from __future__ import annotations

import json
import logging

from dash import html

from core.maintenance import service as maintenance
from dashboards.context import kof
from dashboards.ops.widgets import kpi_cards, no_data, table

logger = logging.getLogger(__name__)
KEY = "maintenance"
LABEL = "Maintenance"


def render() -> html.Div:
    """The maintenance tab: the newest 200 items of the queue."""
    items = maintenance.list_items(kof().engine)
    if not items:
        return html.Div([html.H2("Maintenance queue"), no_data("The maintenance queue is empty.")])
    active = [i for i in items if i.status.is_active]
    rows = [
        {
            "id": i.id,
            "priority": i.priority.value,
            "network": i.medium.value,
            "asset": i.asset,
            "title": i.title,
            "status": i.status.value,
            "assignee": i.assignee or "",
            "detected": i.detected_at.isoformat(timespec="minutes"),
            "evidence": json.dumps(i.evidence, default=str)[:200],
        }
        for i in items
    ]
    return html.Div(
        [
            html.H2("Maintenance queue"),
            kpi_cards([("Active items", str(len(active))), ("All items shown", str(len(items)))]),
            table("ops-maintenance-table", rows),
        ]
    )
