"""``kof serve``: the web portal, REST API and Dash apps on one server."""

from __future__ import annotations

import logging

import click

from core.cli_context import CliContext

logger = logging.getLogger(__name__)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, default=8050, show_default=True)
@click.option("--threads", type=int, default=8, show_default=True, help="Worker threads.")
@click.pass_obj
def serve(obj: CliContext, host: str, port: int, threads: int) -> None:
    """Serve the resident portal, the REST API and the Dash apps (waitress WSGI server)."""
    from waitress import serve as waitress_serve

    from dashboards.app import create_app

    logging.getLogger().setLevel(min(logging.getLogger().level, logging.INFO))
    app = create_app(obj.settings)
    click.echo(f"KOF portal on http://{host}:{port}/ (Ctrl+C stops it)", err=True)
    waitress_serve(app, host=host, port=port, threads=threads, ident="kof")
