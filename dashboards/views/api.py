"""The REST API (JSON) under /api/v1, with its OpenAPI description at /api/v1/openapi.json.

Authentication is the portal session (same-origin, cookie HttpOnly + SameSite); the API only
reads, so CSRF does not apply. Errors are ``{"error": {"code": ..., "message": ...}}`` with
the HTTP status: 400 bad parameter, 401 not logged in, 403 wrong role, 404 not yours or absent.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue

from core.exceptions import InputError
from core.notices import service as notices
from core.residents import NotVisibleError, Period, access, comparison, consumption, tips
from dashboards.context import kof
from dashboards.openapi import openapi_document
from dashboards.security import current_user, current_viewer, login_required

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def error(status: int, code: str, message: str) -> ResponseReturnValue:
    response = jsonify(error={"code": code, "message": message})
    response.status_code = status
    return response


def _num(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


@bp.get("/health")
def health() -> ResponseReturnValue:
    """Trivial endpoint (liveness; the latency benchmark's baseline)."""
    return jsonify(status="ok")


@bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    return jsonify(openapi_document())


@bp.get("/me")
@login_required
def me() -> ResponseReturnValue:
    user = current_user()
    body: dict[str, Any] = {"id": user.id, "role": user.role.value, "locale": user.locale}  # type: ignore[union-attr]
    if user.premise_id is not None:  # type: ignore[union-attr]
        premise = access.premise_of(kof().engine, current_viewer())
        body["premise"] = {
            "address": premise.address,
            "unit_number": premise.unit_number,
            "district": premise.district_name,
            "tariff": premise.tariff.value,
            "floor_area_m2": premise.floor_area_m2,
            "household_size": premise.household_size,
        }
    return jsonify(body)


def _meter_json(m: Any) -> dict[str, Any]:
    return {
        "id": m.id,
        "serial_number": m.serial_number,
        "medium": m.medium.value,
        "unit": m.unit,
        "interval_s": m.interval_s,
        "scope": m.scope.value,
        "first_reading": m.first_ts.isoformat() if m.first_ts else None,
        "last_reading": m.last_ts.isoformat() if m.last_ts else None,
    }


@bp.get("/meters")
@login_required
def meters() -> ResponseReturnValue:
    return jsonify(
        meters=[_meter_json(m) for m in access.visible_meters(kof().engine, current_viewer())]
    )


@bp.get("/meters/<int:meter_id>/consumption")
@login_required
def meter_consumption(meter_id: int) -> ResponseReturnValue:
    unknown = set(request.args) - {"period", "date"}
    if unknown:
        return error(400, "bad_parameter", f"unknown parameter(s): {', '.join(sorted(unknown))}")
    period = request.args.get("period", "month")
    if period not in {p.value for p in Period}:
        return error(400, "bad_parameter", "period: expected day, week, month or year")
    anchor = None
    if "date" in request.args:
        try:
            anchor = dt.date.fromisoformat(request.args["date"])
        except ValueError:
            return error(400, "bad_parameter", "date: expected YYYY-MM-DD")
    try:
        view = consumption.consumption(kof().engine, current_viewer(), meter_id, period, anchor)
    except NotVisibleError:
        return error(404, "not_found", "no such meter for this account")
    except InputError as err:
        return error(400, "bad_parameter", str(err))
    return jsonify(
        meter=_meter_json(view.meter),
        period=view.period.value,
        start=view.start.isoformat(),
        end=view.end.isoformat(),
        resolution=view.resolution,
        unit=view.meter.unit,
        tariff=view.tariff.value if view.tariff else None,
        totals={k: _num(v) for k, v in view.totals.items()},
        points=[
            {
                "ts": row.ts.isoformat(),
                "value": _num(row.value),
                "last_year": _num(row.last_year),
                "building_avg": _num(row.building_avg),
                "cost_pln": _num(row.cost_pln),
                "estimated_share": _num(row.estimated_share),
            }
            for row in view.points.itertuples(index=False)
        ],
    )


@bp.get("/comparison")
@login_required
def comparison_api() -> ResponseReturnValue:
    try:
        report = comparison.compare(kof().engine, current_viewer())
    except NotVisibleError:
        return error(404, "not_found", "this account has no household")
    return jsonify(
        consent=report.consent,
        window_end=report.window_end.isoformat(),
        media=[
            {
                "medium": m.medium.value,
                "unit": m.unit,
                "window_days": m.window_days,
                "own_recent": m.own_recent,
                "own_previous": m.own_previous,
                "own_last_year": m.own_last_year,
                "criteria": m.criteria or None,
                "note": m.peer_note or None,
                "peers": None if m.peers is None else m.peers.__dict__,
            }
            for m in report.media
        ],
    )


@bp.get("/tips")
@login_required
def tips_api() -> ResponseReturnValue:
    try:
        report = tips.saving_tips(kof().engine, current_viewer())
    except NotVisibleError:
        return error(404, "not_found", "this account has no household")
    return jsonify(
        window_start=report.window_start.isoformat() if report.window_start else None,
        window_end=report.window_end.isoformat() if report.window_end else None,
        tips=[
            {
                "kind": t.kind.value,
                "saving_pln_per_year": t.saving_pln_per_year,
                "evidence": t.evidence,
            }
            for t in report.tips
        ],
        unavailable=[{"kind": u.kind.value, "reason": u.reason} for u in report.unavailable],
    )


@bp.get("/notices")
@login_required
def notices_api() -> ResponseReturnValue:
    user = current_user()
    engine = kof().engine
    items = (
        notices.notices_for_premise(engine, user.premise_id)  # type: ignore[union-attr]
        if user.premise_id is not None  # type: ignore[union-attr]
        else notices.list_notices(engine)
    )
    return jsonify(
        notices=[
            {
                "id": n.id,
                "kind": n.kind.value,
                "medium": n.medium.value,
                "scope": n.scope.value,
                "title": n.title,
                "body": n.body,
                "starts_at": n.starts_at.isoformat(),
                "ends_at": n.ends_at.isoformat() if n.ends_at else None,
            }
            for n in items
        ]
    )
