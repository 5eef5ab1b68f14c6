"""``kof db`` and ``kof region``: the store and the reference region."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, timedelta

import click
import pandas as pd

from core.cli_context import CliContext
from core.db.engine import make_engine
from core.db.migrate import current_revisions, head_revisions, upgrade
from core.exceptions import InputError
from core.timeutil import LOCAL_TZ_NAME


@click.group()
def db() -> None:
    """The store: migrations and status."""


@db.command("upgrade")
@click.option("--revision", default="heads", show_default=True)
@click.pass_obj
def db_upgrade(obj: CliContext, revision: str) -> None:
    """Apply the migrations to the configured store (KOF_DATABASE_URL)."""
    engine = make_engine(obj.settings)
    revisions = upgrade(engine, revision)
    url = engine.url.render_as_string(hide_password=True)
    click.echo(f"store {url} is at revision {', '.join(revisions) or 'base'}")


@db.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.pass_obj
def db_status(obj: CliContext, as_json: bool) -> None:
    """Show the store's URL, its revision and the latest one."""
    engine = make_engine(obj.settings)
    status = {
        "url": engine.url.render_as_string(hide_password=True),
        "revisions": current_revisions(engine),
        "heads": head_revisions(),
    }
    if as_json:
        click.echo(json.dumps(status))
    else:
        click.echo(" ".join(f"{k}={v}" for k, v in status.items()))


def _parse_day(value: str | None, days: int) -> date:
    if value is None:
        today = pd.Timestamp.now(tz=LOCAL_TZ_NAME).date()
        return today - timedelta(days=days)
    try:
        return date.fromisoformat(value)
    except ValueError as err:
        raise InputError(
            f"--start: {value!r} is not a date (YYYY-MM-DD)", field="start", value=value
        ) from err


@click.group()
def region() -> None:
    """The reference region (digital twin) used when no field data exists."""


@region.command("generate")
@click.option("--premises", type=int, default=300, show_default=True, help="Points of supply.")
@click.option("--days", type=int, default=90, show_default=True, help="Days of readings.")
@click.option("--seed", type=int, default=2030, show_default=True)
@click.option(
    "--start",
    "start_day",
    default=None,
    help="First local day (YYYY-MM-DD); default: DAYS days before today.",
)
@click.option(
    "--batch",
    "batch_premises",
    type=int,
    default=25,
    show_default=True,
    help="Premises generated and written per batch.",
)
@click.option("--if-empty", is_flag=True, help="Do nothing (exit 0) if the store holds a region.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.pass_obj
def region_generate(
    obj: CliContext,
    premises: int,
    days: int,
    seed: int,
    start_day: str | None,
    batch_premises: int,
    if_empty: bool,
    as_json: bool,
) -> None:
    """Build the Kielce reference region into the store (deterministic for a seed)."""
    from core.region.generate import generate_region
    from core.region.persist import count_districts
    from core.timeseries import TimeSeriesStore

    settings = obj.settings
    engine = make_engine(settings)
    url = engine.url.render_as_string(hide_password=True)
    if if_empty and count_districts(engine):
        click.echo(f"the store {url} already holds a region; left as it is", err=as_json)
        if as_json:
            click.echo(json.dumps({"skipped": True, "store": url}))
        return
    start = _parse_day(start_day, days)
    store = TimeSeriesStore(engine, chunk_rows=settings.write_chunk_rows)
    progress = None if as_json else (lambda msg: click.echo(msg, err=True))
    summary = generate_region(
        engine,
        store,
        premises=premises,
        days=days,
        seed=seed,
        start=start,
        batch_premises=batch_premises,
        progress=progress,
    )
    result = {"store": url, **dataclasses.asdict(summary)}
    if as_json:
        click.echo(json.dumps(result, default=str))
    else:
        for key, value in result.items():
            if key == "dmas":
                for dma in value:
                    click.echo(
                        f"DMA {dma['name']}: {dma['premises']} premises, system input "
                        f"{dma['system_input_m3']:.1f} m3, real losses {dma['real_losses_m3']:.1f} m3"
                    )
            else:
                click.echo(f"{key}: {value}")


@click.command("demo")
@click.option("--premises", type=int, default=300, show_default=True)
@click.option("--days", type=int, default=60, show_default=True)
@click.option("--seed", type=int, default=2030, show_default=True)
@click.option("--port", "serve_port", type=int, default=8050, show_default=True)
@click.option(
    "--duration",
    type=float,
    default=None,
    help="Stop the services after this many seconds (default: run until Ctrl-C).",
)
@click.pass_obj
def demo(
    obj: CliContext, premises: int, days: int, seed: int, serve_port: int, duration: float | None
) -> None:
    """Everything on the embedded defaults: store, region, field simulator, poller, web UI."""
    from core.demo import plan_demo, run_demo

    settings = obj.settings
    click.echo(f"store: {settings.database_url}")
    plan = plan_demo(settings.var_dir, premises, days, seed, serve_port)
    run_demo(plan, settings.var_dir, duration, say=click.echo)
