"""The MCUK operators' Dash app at ``/ops/``: one tab per view of ``dashboards.ops.VIEWS``."""

from __future__ import annotations

import importlib
import logging
from pathlib import Path
from types import ModuleType

import dash
from dash import Input, Output, dcc, html
from flask import Flask

from core.accounts import Role
from dashboards.dash_registry import DashAppSpec
from dashboards.ops import VIEWS
from dashboards.ops.widgets import no_data

logger = logging.getLogger(__name__)


def _views() -> list[ModuleType]:
    return [importlib.import_module(f"dashboards.ops.{name}") for name in VIEWS]


def build(server: Flask, prefix: str) -> dash.Dash:
    """The Dash app on ``server`` at ``prefix``."""
    views = _views()
    app = dash.Dash(
        __name__,
        server=server,
        url_base_pathname=prefix,
        title="MCUK operations · KOF",
        suppress_callback_exceptions=True,
        serve_locally=True,
        assets_folder=str(Path(__file__).parent.parent / "ops" / "assets"),
    )
    app.layout = html.Div(
        [
            html.Header(
                [
                    html.A("← Portal", href="/", className="ops-home"),
                    html.H1("MCUK operations"),
                ],
                className="ops-header",
            ),
            dcc.Tabs(
                id="ops-tabs",
                value=views[0].KEY,
                children=[dcc.Tab(label=v.LABEL, value=v.KEY, id=f"tab-{v.KEY}") for v in views],
            ),
            html.Main(id="ops-content", className="ops-content"),
        ],
        lang="en",
    )
    by_key = {v.KEY: v for v in views}

    @app.callback(Output("ops-content", "children"), Input("ops-tabs", "value"))
    def show(key: str) -> object:
        view = by_key.get(key)
        if view is None:
            return no_data(f"There is no view {key!r}.")
        try:
            return view.render()
        except Exception:  # one broken source must not take the page down
            logger.exception("ops view %s failed", key)
            return no_data("This view could not be loaded; the error is in the server log.")

    for view in views:
        if hasattr(view, "register"):
            view.register(app)
    return app


SPEC = DashAppSpec(
    name="ops",
    prefix="/ops/",
    roles=frozenset({Role.OPERATOR}),
    build=build,
    title="MCUK",
)
