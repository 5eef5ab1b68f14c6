"""Registered Dash apps: one module per app (defining ``SPEC``), listed here by module name.

Example (issue 8): add ``dashboards/dash_apps/ops.py`` with
``SPEC = DashAppSpec("ops", "/ops/", frozenset({Role.OPERATOR}), build_ops, "MCUK")`` and put
``"ops"`` in REGISTRY.
"""

REGISTRY: tuple[str, ...] = ("ops",)
