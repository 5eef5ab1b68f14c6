"""The web layer: one Flask app (resident portal, operators' pages, REST API, Dash apps).

Views call service functions of ``core`` and the domain packages; nothing here builds SQL.
"""

from dashboards.app import create_app

__all__ = ["create_app"]
