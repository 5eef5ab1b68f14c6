"""The one Flask app: resident portal, operators' pages, REST API and the Dash apps."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

from flask import Flask, jsonify, render_template, request, send_file
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from core.db.engine import make_engine
from core.settings import Settings, load_settings
from dashboards import dash_registry, i18n, security
from dashboards.context import EXTENSION_KEY, PortalContext
from dashboards.extensions import babel, csrf, limiter
from dashboards.secret import secret_key

logger = logging.getLogger(__name__)
PLOTLY_JS = Path(__import__("plotly").__file__).parent / "package_data" / "plotly.min.js"


def create_app(
    settings: Settings | None = None,
    *,
    engine: Any = None,
    dash_apps: list[dash_registry.DashAppSpec] | None = None,
) -> Flask:
    """Build the web app.

    Args:
        settings: the platform settings (default: ``load_settings()``).
        engine: the store's engine (default: one made from the settings).
        dash_apps: Dash apps to mount (default: the registry, ``dashboards.dash_apps``).

    Example:
        >>> app = create_app(load_settings())  # doctest: +SKIP
        >>> app.run(port=8050)  # doctest: +SKIP
    """
    settings = settings or load_settings()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secret_key(settings),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.session_cookie_secure,
        PERMANENT_SESSION_LIFETIME=dt.timedelta(minutes=settings.session_lifetime_min),
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        WTF_CSRF_CHECK_DEFAULT=False,  # checked in _csrf_check below (all but the API and Dash)
        MAX_CONTENT_LENGTH=256 * 1024,
        BABEL_DEFAULT_LOCALE=i18n.DEFAULT_LANGUAGE,
        BABEL_DEFAULT_TIMEZONE="Europe/Warsaw",
        BABEL_TRANSLATION_DIRECTORIES=str(
            i18n.compile_catalogues(Path(settings.var_dir) / "translations").resolve()
        ),
        RATELIMIT_HEADERS_ENABLED=True,
        JSON_SORT_KEYS=False,
    )
    if settings.web_trusted_proxies:
        n = settings.web_trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    app.extensions[EXTENSION_KEY] = PortalContext(settings, engine or make_engine(settings))

    csrf.init_app(app)
    babel.init_app(
        app, locale_selector=i18n.select_locale, timezone_selector=lambda: "Europe/Warsaw"
    )
    limiter.init_app(app)

    from dashboards.views import api, auth, open_data, operator, portal

    for blueprint in (auth.bp, portal.bp, operator.bp, api.bp, open_data.bp):
        app.register_blueprint(blueprint)
    app.before_request(security.load_user)
    specs = dash_registry.registered_specs() if dash_apps is None else dash_apps
    dash_registry.mount(app, specs)
    prefixes = tuple(s.prefix for s in specs)

    @app.before_request
    def _csrf_check() -> None:
        # Every form POST carries the token. The read-only API takes none, nor do Dash
        # callbacks: they post JSON (a cross-site page cannot without a CORS preflight) and the
        # session cookie is SameSite=Lax (not sent on cross-site POSTs).
        if request.method in ("POST", "PUT", "PATCH", "DELETE") and not (
            request.path.startswith("/api/") or request.path.startswith(prefixes)
        ):
            csrf.protect()

    app.after_request(lambda response: security.security_headers(response, prefixes))
    _error_handlers(app)

    @app.get("/vendor/plotly.min.js")
    def plotly_js() -> Any:
        return send_file(PLOTLY_JS, mimetype="text/javascript", max_age=86_400)

    @app.get("/healthz")
    def healthz() -> Any:
        return "ok", 200, {"Content-Type": "text/plain"}

    app.jinja_env.globals.update(fmt_num=_fmt_num, timedelta=dt.timedelta)

    @app.context_processor
    def _globals() -> dict[str, Any]:
        user = security.current_user()
        return {
            "current_user": user,
            "locale": i18n.select_locale(),
            "dash_links": [
                s for s in specs if user is not None and s.allows(user.role) and s.title
            ],
        }

    logger.info(
        "portal app ready (store %s)",
        app.extensions[EXTENSION_KEY].engine.url.render_as_string(hide_password=True),
    )
    return app


def _fmt_num(value: Any, digits: int = 1) -> str:
    """A number in the page's language (1 234,5 in Polish); an en dash for no value."""
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return format_decimal(value, format=pattern)


def _error_handlers(app: Flask) -> None:
    messages = {
        400: lambda: _("The request is not valid."),
        401: lambda: _("Log in to see this page."),
        403: lambda: _("You do not have access to this page."),
        404: lambda: _("There is no such page, or it is not yours."),
        405: lambda: _("This action is not allowed here."),
        413: lambda: _("The request is too large."),
        429: lambda: _("Too many requests. Wait a moment and try again."),
        500: lambda: _("Something went wrong on our side. Try again later."),
    }

    def render(status: int, detail: str | None = None) -> Any:
        message = messages.get(status, messages[500])()
        if request.path.startswith("/api/"):
            response = jsonify(error={"code": str(status), "message": detail or message})
            response.status_code = status
            return response
        return render_template("error.html", status=status, message=message, detail=detail), status

    @app.errorhandler(CSRFError)
    def _csrf(err: CSRFError) -> Any:
        logger.info("refused a form without a valid CSRF token: %s", err.description)
        return render(
            400,
            _(
                "The form has expired or did not come from this site. Reload the "
                "page and send it again."
            ),
        )

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException) -> Any:
        status = err.code or 500
        detail = (
            err.description
            if status == 400
            and err.description
            and not str(err.description).startswith("The browser")
            else None
        )
        return render(status, detail)

    @app.errorhandler(Exception)
    def _unexpected(err: Exception) -> Any:
        logger.error("unhandled error on %s", request.path)
        return render(500)


def create_app_from_env() -> Flask:
    """WSGI entry: ``gunicorn 'dashboards.app:create_app_from_env()'`` (or waitress)."""
    return create_app(load_settings())
