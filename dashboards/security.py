"""Sessions, roles and response headers.

The session cookie (signed by Flask, HttpOnly, SameSite=Lax, Secure when configured) holds the
account id and its session version; every request checks both against the store, so a
password change, a deletion or a disabled account ends the session at once, and a tampered
cookie is simply no session.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import abort, g, jsonify, redirect, request, session, url_for

from core.accounts import Role, SessionInvalidError, UserView
from core.accounts import service as accounts
from core.residents.access import viewer_of
from core.residents.model import Viewer
from dashboards.context import kof

logger = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
# Dash renders with inline scripts; its pages get this policy (see dashboards.dash_registry).
CSP_DASH = CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline' 'unsafe-eval'")


def load_user() -> None:
    """``before_request``: resolve the session to ``g.user`` (None when anonymous)."""
    g.user = None
    uid, version = session.get("uid"), session.get("sv")
    if uid is None:
        return
    try:
        g.user = accounts.resolve_session(kof().engine, int(uid), int(version or 0))
    except (SessionInvalidError, TypeError, ValueError):
        logger.info("dropping a session that is no longer valid")
        session.clear()


def start_session(user: UserView) -> None:
    """Log in: a fresh session (no fixation) bound to the account and its session version."""
    lang = session.get("lang")
    session.clear()
    session.permanent = True
    session["uid"] = user.id
    session["sv"] = user.session_version
    if lang:
        session["lang"] = lang


def current_user() -> UserView | None:
    return getattr(g, "user", None)


def current_viewer() -> Viewer:
    user = current_user()
    if user is None:
        abort(401)
    return viewer_of(user)


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def login_required(view: F) -> F:
    """Anonymous visitors go to the login page (API: 401 JSON)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_user() is None:
            if is_api_request():
                response = jsonify(error={"code": "unauthorized", "message": "log in first"})
                response.status_code = 401
                return response
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def roles_required(*roles: Role) -> Callable[[F], F]:
    """Only these roles (and admins); others get 403."""
    allowed = {*roles, Role.ADMIN}

    def decorator(view: F) -> F:
        @login_required
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if current_user().role not in allowed:  # type: ignore[union-attr]
                abort(403)
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


def safe_next(target: str | None, default: str) -> str:
    """A redirect target inside this site only (no open redirects)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def security_headers(response: Any, dash_prefixes: tuple[str, ...] = ()) -> Any:
    """``after_request``: CSP, no sniffing, no framing; personal pages are not cached."""
    is_dash = any(request.path.startswith(p) for p in dash_prefixes)
    response.headers.setdefault("Content-Security-Policy", CSP_DASH if is_dash else CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if current_user() is not None or request.path.startswith(("/account", "/api/")):
        response.headers["Cache-Control"] = "no-store"
    return response
