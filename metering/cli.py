"""``kof field-sim``, ``kof poll`` and ``kof import``: metering from the command line."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
import sys
from collections.abc import Coroutine
from typing import Any

import click

from core.cli_context import CliContext
from core.db.engine import make_engine
from core.db.migrate import current_revisions
from core.enums import Medium
from core.exceptions import PlatformError
from metering.config import load_devices, simulation_clock

logger = logging.getLogger(__name__)


def _quiet_pymodbus() -> None:
    # pymodbus logs every timeout at ERROR; the poller reports outages itself, once.
    if logging.getLogger().getEffectiveLevel() > logging.DEBUG:
        logging.getLogger("pymodbus").setLevel(logging.CRITICAL)


def _run(main: Coroutine[Any, Any, None]) -> None:
    """Run a coroutine until it ends or SIGINT/SIGTERM stops it."""

    async def runner() -> None:
        task = asyncio.ensure_future(main)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, task.cancel)
        with contextlib.suppress(asyncio.CancelledError):
            await task

    asyncio.run(runner())


def _migrated_engine(obj: CliContext) -> Any:
    engine = make_engine(obj.settings)
    if "metering_0001" not in current_revisions(engine):
        url = engine.url.render_as_string(hide_password=True)
        raise PlatformError(
            f"the store {url} lacks the metering tables; run `kof db upgrade` first"
        )
    return engine


@click.command("field-sim")
@click.option("--devices", "devices_file", required=True, type=click.Path(dir_okay=False))
@click.option("--duration", type=float, default=None, help="Stop after this many real seconds.")
@click.option(
    "--host", default=None, help="Listen on this address instead of each endpoint's host."
)
@click.option("--json", "as_json", is_flag=True, help="Print the endpoints as one JSON document.")
@click.pass_obj
def field_sim(
    obj: CliContext, devices_file: str, duration: float | None, host: str | None, as_json: bool
) -> None:
    """Serve the devices of FILE over Modbus TCP on localhost (the field simulator)."""
    from metering.simulator import FieldSimulator

    _quiet_pymodbus()
    devices = load_devices(devices_file)

    async def main() -> None:
        sim = FieldSimulator(devices, simulation_clock(devices.simulation), host_override=host)
        try:
            ports = await sim.start()
            listing = [
                {
                    "endpoint": e.name,
                    "host": host or e.host,
                    "port": ports[e.name],
                    "devices": [
                        {"name": d.name, "unit_id": d.unit_id, "profile": d.profile.name}
                        for d in e.devices
                    ],
                }
                for e in devices.endpoints
            ]
            if as_json:
                click.echo(
                    json.dumps({"endpoints": listing, "started_at": sim.started_at.isoformat()})
                )
            else:
                for item in listing:
                    click.echo(
                        f"{item['endpoint']}: {item['host']}:{item['port']} "
                        f"({len(item['devices'])} devices)"
                    )
                click.echo(f"simulated time starts at {sim.started_at.isoformat()}; Ctrl-C stops")
            sys.stdout.flush()
            if duration is None:
                await asyncio.Event().wait()
            else:
                await asyncio.sleep(duration)
        finally:
            await sim.stop()

    _run(main())


@click.command("poll")
@click.option("--devices", "devices_file", required=True, type=click.Path(dir_okay=False))
@click.option("--once", is_flag=True, help="One poll cycle, then exit.")
@click.option("--cycles", type=int, default=None, help="Stop after N cycles.")
@click.option(
    "--interval", type=float, default=None, help="Seconds between cycles (default: the file's)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the last cycle as one JSON document.")
@click.option("--no-store", is_flag=True, help="Do not write to the store (no meters needed).")
@click.option(
    "--sim-clock",
    is_flag=True,
    help="Stamp readings with the simulated time of the file's simulation section.",
)
@click.pass_obj
def poll(
    obj: CliContext,
    devices_file: str,
    once: bool,
    cycles: int | None,
    interval: float | None,
    as_json: bool,
    no_store: bool,
    sim_clock: bool,
) -> None:
    """Poll the devices of FILE; decoded values go to the store through write_readings."""
    from metering.clock import WallClock
    from metering.poller import NullSink, Poller, StoreSink

    _quiet_pymodbus()
    devices = load_devices(devices_file)
    if interval is not None:
        devices = type(devices)(
            devices.path,
            devices.simulation,
            devices.poll.model_copy(update={"interval_s": interval}),
            devices.endpoints,
        )
    sink = NullSink() if no_store else StoreSink(_migrated_engine(obj), source=devices_file)
    clock = simulation_clock(devices.simulation) if sim_clock else WallClock()
    n_cycles = 1 if once else cycles
    document: dict[str, Any] = {}

    async def main() -> None:
        poller = Poller(devices, sink, clock)
        try:
            done = 0
            while n_cycles is None or done < n_cycles:
                t0 = asyncio.get_running_loop().time()
                cycle = await poller.poll_once()
                done += 1
                if not as_json:
                    counts = cycle.counts()
                    click.echo(
                        f"cycle {done}: {counts['ok']} ok, {counts['partial']} partial, "
                        f"{counts['failed']} failed, {counts['skipped']} skipped; "
                        f"{cycle.requests} requests, {cycle.readings_written} readings stored "
                        f"in {cycle.duration_s:.2f} s"
                    )
                if once and not as_json:
                    for result in cycle.devices:
                        values = ", ".join(
                            f"{q}={v.value:.6g} {v.unit}" if v.value is not None else f"{q}=invalid"
                            for q, v in result.values.items()
                        )
                        click.echo(
                            f"  {result.device.key}: {result.outcome.value} {values or result.error}"
                        )
                document.update(
                    cycle={
                        "started_at": cycle.started_at.isoformat(),
                        "duration_s": round(cycle.duration_s, 4),
                        "requests": cycle.requests,
                        "readings_written": cycle.readings_written,
                        "write_error": cycle.write_error,
                        "outcomes": cycle.counts(),
                    },
                    devices=[r.as_dict(poller.health[r.device.key]) for r in cycle.devices],
                )
                if n_cycles is not None and done >= n_cycles:
                    break
                elapsed = asyncio.get_running_loop().time() - t0
                await asyncio.sleep(max(0.0, devices.poll.interval_s - elapsed))
        finally:
            await poller.close()

    _run(main())
    if as_json:
        click.echo(json.dumps(document))


@click.command("import")
@click.argument("csv_file", type=click.Path(dir_okay=False))
@click.option(
    "--medium",
    required=True,
    type=click.Choice([m.value for m in Medium]),
    help="What the meters measure.",
)
@click.option("--all-or-nothing", is_flag=True, help="Import nothing if any line is wrong.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON document.")
@click.pass_obj
def import_readings(
    obj: CliContext, csv_file: str, medium: str, all_or_nothing: bool, as_json: bool
) -> None:
    """Import telemetry from CSV_FILE (long: timestamp,meter,value[,unit]; or wide).

    Exits 0 when every line was imported, 1 when some lines were refused (the valid ones were
    imported, the refused ones are listed), 2 when nothing was imported.
    """
    from metering.importer import import_csv

    engine = make_engine(obj.settings)
    report = import_csv(engine, csv_file, medium, all_or_nothing=all_or_nothing)
    if as_json:
        click.echo(json.dumps(report.as_dict()))
    else:
        click.echo(
            f"{report.file}: {report.layout} layout, {report.lines} lines, "
            f"{report.readings_written} readings imported, {report.n_errors} refused"
        )
        for error in report.errors[:50]:
            click.echo(f"  {error}", err=True)
        if report.n_errors > 50:
            click.echo(f"  ... and {report.n_errors - 50} more", err=True)
    if report.n_errors:
        click.get_current_context().exit(1)


@click.command("field-setup")
@click.option(
    "--out",
    "out_file",
    required=True,
    type=click.Path(dir_okay=False),
    help="The devices file to write.",
)
@click.option("--devices", type=int, default=40, show_default=True)
@click.option("--endpoints", type=int, default=2, show_default=True)
@click.option("--base-port", type=int, default=15020, show_default=True)
@click.option(
    "--interval",
    "interval_s",
    type=int,
    default=60,
    show_default=True,
    help="Poll interval in seconds.",
)
@click.option("--acceleration", type=float, default=60.0, show_default=True)
@click.option("--no-faults", is_flag=True, help="No injected faults.")
@click.pass_obj
def field_setup(
    obj: CliContext,
    out_file: str,
    devices: int,
    endpoints: int,
    base_port: int,
    interval_s: int,
    acceleration: float,
    no_faults: bool,
) -> None:
    """Write a devices file that simulates meters of the store (their register channels)."""
    from metering.field_setup import build_field

    engine = _migrated_engine(obj)
    path = build_field(
        engine,
        out_file,
        devices=devices,
        endpoints=endpoints,
        base_port=base_port,
        poll_interval_s=interval_s,
        acceleration=acceleration,
        faults=not no_faults,
    )
    click.echo(f"{path}: {devices} devices on {endpoints} endpoints from port {base_port}")
