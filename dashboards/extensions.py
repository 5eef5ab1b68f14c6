"""Flask extensions shared by the blueprints (bound to each app in ``create_app``)."""

from __future__ import annotations

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf import CSRFProtect

csrf = CSRFProtect()
babel = Babel()
# Per client address, per process: a first line in front of the store-backed login throttle
# of core.accounts (which holds across processes and restarts).
limiter = Limiter(get_remote_address, storage_uri="memory://", headers_enabled=True)
AUTH_LIMIT = "20 per minute; 200 per hour"
