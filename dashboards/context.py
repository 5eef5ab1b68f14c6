"""What the views need from the platform: settings, the store's engine, the login policy."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask import current_app

from core.accounts import LoginPolicy
from core.settings import Settings

EXTENSION_KEY = "kof"


@dataclass(frozen=True)
class PortalContext:
    """Held in ``app.extensions["kof"]``; the views pass ``engine`` on to the services."""

    settings: Settings
    engine: Any  # sqlalchemy.Engine (not imported here: the web layer builds no SQL)

    @property
    def login_policy(self) -> LoginPolicy:
        s = self.settings
        return LoginPolicy(
            max_failures=s.login_max_failures,
            max_failures_per_client=s.login_max_failures_per_ip,
            window=dt.timedelta(minutes=s.login_window_min),
        )


def kof() -> PortalContext:
    """The current app's platform context."""
    return current_app.extensions[EXTENSION_KEY]
