"""Outage notices: list the notices residents see on the portal and publish a new one."""

from __future__ import annotations

import logging
from typing import Any

import dash
from dash import Input, Output, State, dcc, html
from pydantic import ValidationError

from core.accounts import Role
from core.enums import Medium
from core.exceptions import InputError
from core.notices import NoticeDraft, NoticeKind, NoticeScope
from core.notices import service as notices
from dashboards.context import kof
from dashboards.forms import NoticeForm
from dashboards.ops.widgets import no_data, table
from dashboards.security import current_user

logger = logging.getLogger(__name__)
KEY = "notices"
LABEL = "Outage notices"
PUBLISHERS = frozenset({Role.OPERATOR, Role.ADMIN})
NO_NOTICES = "No outage notices are published."
FIELDS = ("kind", "medium", "scope", "district_id", "building_id", "title", "body")
TIMES = ("starts_at", "ends_at")


def notice_list() -> html.Div:
    """The current, coming and recently ended notices (or the "none" message)."""
    items = notices.list_notices(kof().engine)
    if not items:
        return html.Div(no_data(NO_NOTICES))
    rows = [
        {
            "id": n.id,
            "kind": n.kind.value,
            "network": n.medium.value,
            "scope": n.scope.value
            + (f" {n.district_id}" if n.district_id is not None else "")
            + (f" {n.building_id}" if n.building_id is not None else ""),
            "title": n.title,
            "starts": n.starts_at.isoformat(timespec="minutes"),
            "ends": n.ends_at.isoformat(timespec="minutes") if n.ends_at else "open",
            "published": n.published_at.isoformat(timespec="minutes"),
        }
        for n in items
    ]
    return html.Div(table("ops-notices-table", rows))


def _field(label: str, control: Any) -> html.Label:
    return html.Label([html.Span(label), control], className="ops-field")


def _choice(field_id: str, values: list[str]) -> dcc.Dropdown:
    return dcc.Dropdown(id=field_id, options=values, value=values[0], clearable=False)


def form() -> html.Div:
    """The publishing form (times in local wall time, e.g. 2026-02-10 08:00)."""
    return html.Div(
        [
            html.H3("Publish a notice"),
            _field("Kind", _choice("ops-notice-kind", [k.value for k in NoticeKind])),
            _field("Network", _choice("ops-notice-medium", [m.value for m in Medium])),
            _field("Scope", _choice("ops-notice-scope", [s.value for s in NoticeScope])),
            _field("District id", dcc.Input(id="ops-notice-district_id", type="number")),
            _field("Building id", dcc.Input(id="ops-notice-building_id", type="number")),
            _field("Title", dcc.Input(id="ops-notice-title", type="text", maxLength=160)),
            _field("Text", dcc.Textarea(id="ops-notice-body", maxLength=4000)),
            _field(
                "Starts (local time)",
                dcc.Input(id="ops-notice-starts_at", type="text", placeholder="2026-02-10 08:00"),
            ),
            _field(
                "Ends (local time, empty if unknown)",
                dcc.Input(id="ops-notice-ends_at", type="text", placeholder="2026-02-10 14:00"),
            ),
            html.Button("Publish", id="ops-notice-publish", n_clicks=0),
            html.Div(id="ops-notice-status", role="status", className="ops-status"),
        ],
        className="ops-form",
    )


def render() -> html.Div:
    """The notices tab: the list and the form."""
    return html.Div(
        [
            html.H2("Outage notices"),
            html.P("Residents see a notice on the portal when it concerns their address."),
            html.Div(notice_list(), id="ops-notices-body"),
            form(),
        ]
    )


def publish(values: dict[str, Any], author_id: int | None) -> tuple[bool, str]:
    """Validate and publish a notice from the form's values: (published, message)."""
    clean = {k: v for k, v in values.items() if v is not None and v != ""}
    try:
        draft = NoticeDraft(**NoticeForm(**clean).model_dump())
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        reason = str(first["msg"]).removeprefix("Value error, ")
        return False, f"Check the notice: {where + ': ' if where else ''}{reason}"
    try:
        notice = notices.publish_notice(kof().engine, draft, author_id)
    except InputError:
        return False, "Check the notice: no such district or building."
    return True, f"Notice {notice.id} published."


def register(app: dash.Dash) -> None:
    """The publish callback (operators and admins only, also checked here)."""

    @app.callback(
        Output("ops-notice-status", "children"),
        Output("ops-notices-body", "children"),
        Input("ops-notice-publish", "n_clicks"),
        *(State(f"ops-notice-{name}", "value") for name in FIELDS + TIMES),
        prevent_initial_call=True,
    )
    def on_publish(_clicks: int, *values: Any) -> tuple[Any, Any]:
        user = current_user()
        if user is None or user.role not in PUBLISHERS:
            return "Only operators may publish notices.", dash.no_update
        ok, message = publish(dict(zip(FIELDS + TIMES, values, strict=True)), user.id)
        return message, notice_list() if ok else dash.no_update
