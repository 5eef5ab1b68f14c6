"""The MCUK operators' Dash app (``/ops``): one module per view, listed in ``VIEWS``.

Adding a view is one module here that defines ``KEY`` (tab id), ``LABEL`` (tab title),
``render() -> dash component`` (called on every visit of the tab, inside the Flask request,
so it may call services with ``kof().engine``) and, optionally, ``register(app)`` for its own
callbacks; then its module name in ``VIEWS``.
"""

VIEWS: tuple[str, ...] = (
    "overview",
    "metering",
    "cluster",
    "forecasts",
    "maintenance",
    "networks",
    "notices",
)
