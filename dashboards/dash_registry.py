"""Dash apps mounted on the portal's Flask server, behind login and roles.

Adding a Dash app is one module in ``dashboards/dash_apps/`` that defines
``SPEC = DashAppSpec(...)``, and its module name in ``dashboards/dash_apps/__init__.py``'s
``REGISTRY``. ``create_app`` mounts every registered app at its prefix; the guard below
answers every request under the prefix (pages, assets and ``_dash-update-component``
callbacks) before Dash sees it: anonymous visitors go to the login page (callbacks: 401), users
without one of the roles get 403.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, abort, jsonify, redirect, request, url_for

from core.accounts import Role
from dashboards.security import current_user

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DashAppSpec:
    """A Dash app to mount.

    Attributes:
        name: short name (e.g. "ops").
        prefix: URL prefix, starting and ending with "/" (e.g. "/ops/").
        roles: roles that may open it (admins always may).
        build: makes the Dash app on the given server at the prefix, e.g.
            ``lambda server, prefix: dash.Dash(server=server, url_base_pathname=prefix, ...)``.
        title: shown in the portal's navigation for users who may open it.
    """

    name: str
    prefix: str
    roles: frozenset[Role]
    build: Callable[[Flask, str], Any]
    title: str = ""

    def allows(self, role: Role) -> bool:
        return role is Role.ADMIN or role in self.roles


def registered_specs() -> list[DashAppSpec]:
    """The specs of the modules listed in ``dashboards.dash_apps.REGISTRY``."""
    from dashboards.dash_apps import REGISTRY

    return [importlib.import_module(f"dashboards.dash_apps.{name}").SPEC for name in REGISTRY]


def mount(app: Flask, specs: list[DashAppSpec]) -> None:
    """Build each Dash app on ``app`` and guard its prefix."""
    for spec in specs:
        if not (spec.prefix.startswith("/") and spec.prefix.endswith("/")):
            raise ValueError(
                f"Dash app {spec.name}: prefix {spec.prefix!r} must start and end with /"
            )
        spec.build(app, spec.prefix)
        logger.info("mounted Dash app %s at %s", spec.name, spec.prefix)
    app.config["KOF_DASH_APPS"] = tuple(specs)

    @app.before_request
    def _guard_dash() -> Any:
        for spec in app.config["KOF_DASH_APPS"]:
            if request.path.startswith(spec.prefix) or request.path == spec.prefix.rstrip("/"):
                user = current_user()
                if user is None:
                    if request.method != "GET" or "_dash-" in request.path:
                        response = jsonify(error={"code": "unauthorized", "message": "log in"})
                        response.status_code = 401
                        return response
                    return redirect(url_for("auth.login", next=request.path))
                if not spec.allows(user.role):
                    abort(403)
        return None
