"""Open data (public, no login): anonymised consumption per district and month, ISO 37120.

``/api/v1/open-data/consumption`` (JSON, or CSV with ``?format=csv``),
``/api/v1/open-data/indicators`` (JSON) and the page ``/open-data``. No group of fewer than
``core.region.query.MIN_GROUP_PREMISES`` premises is ever returned.
"""

from __future__ import annotations

import io
import logging
from dataclasses import asdict
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request
from flask.typing import ResponseReturnValue

from core.region import query as region
from dashboards.context import kof
from energy_cluster.dashboard_service import latest_plan_view

logger = logging.getLogger(__name__)
bp = Blueprint("open_data", __name__)
LICENCE = "CC BY 4.0"


def _consumption() -> tuple[list[dict[str, Any]], int]:
    rows, suppressed = region.monthly_by_district(kof().engine)
    return rows.to_dict("records"), suppressed


def _indicators() -> list[dict[str, Any]]:
    engine = kof().engine
    plan = latest_plan_view(engine)
    share = plan.kpis.get("renewable_share") if plan is not None else None
    return [asdict(i) for i in region.iso37120_indicators(engine, renewable_share=share)]


def _error(status: int, code: str, message: str) -> ResponseReturnValue:
    response = jsonify(error={"code": code, "message": message})
    response.status_code = status
    return response


@bp.get("/api/v1/open-data/consumption")
def consumption() -> ResponseReturnValue:
    """Consumption per district, month and medium (groups of 10 or more premises)."""
    fmt = request.args.get("format", "json")
    if fmt not in ("json", "csv"):
        return _error(400, "bad_parameter", "format: expected json or csv")
    rows, suppressed = _consumption()
    if fmt == "csv":
        out = io.StringIO()
        out.write(",".join(region.OPEN_DATA_COLUMNS) + "\n")
        for row in rows:
            out.write(",".join(str(row[c]) for c in region.OPEN_DATA_COLUMNS) + "\n")
        return Response(
            out.getvalue(),
            mimetype="text/csv",
            headers={"Content-Disposition": "attachment; filename=kof-consumption.csv"},
        )
    return jsonify(
        licence=LICENCE,
        min_group_premises=region.MIN_GROUP_PREMISES,
        suppressed_groups=suppressed,
        units={"electricity": "kWh", "heat": "kWh", "water": "m3", "gas": "m3"},
        rows=rows,
    )


@bp.get("/api/v1/open-data/indicators")
def indicators() -> ResponseReturnValue:
    """The ISO 37120 indicators the platform computes, with definitions."""
    return jsonify(standard="ISO 37120:2018", licence=LICENCE, indicators=_indicators())


@bp.get("/open-data")
def page() -> ResponseReturnValue:
    rows, suppressed = _consumption()
    return render_template(
        "open_data.html",
        rows=rows,
        suppressed=suppressed,
        indicators=_indicators(),
        min_group=region.MIN_GROUP_PREMISES,
    )
