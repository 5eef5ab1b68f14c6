"""Benchmark: a poll cycle over 1,000 simulated meters on 10 endpoints.

Figures, all measured in the same run against the same servers:

- the poller's cycle duration and requests/s (read plans, decoding, validation, health; no
  store), beside a bare pymodbus async loop that issues the same requests on one connection
  per endpoint, endpoints concurrently, and only collects the registers. The printed ratio is
  poller requests/s / bare requests/s (target >= 0.8);
- readings/s end to end (poll, decode, validate, ``write_readings`` in one transaction per
  cycle, device health) into SQLite and PostgreSQL.

The field simulator runs in its own process (``kof field-sim``), as it would on a gateway, so
the servers do not share the poller's interpreter.

Usage: python benchmarks/modbus_poll.py [--meters N] [--endpoints K] [--cycles C]
       [--postgres URL | --no-postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import yaml
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.db.engine import make_engine
from core.db.migrate import upgrade
from core.enums import Medium, ReadingType
from core.settings import Settings
from metering.clock import ManualClock
from metering.config import DevicesFile, load_devices
from metering.poller import NullSink, Poller, StoreSink
from metering.profiles import RegisterFunction
from tests.factories import add_meters

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
# A city block's mix: flats' electricity, building meters, water and heat behind converters.
MIX = [
    ("eastron_sdm630", Medium.ELECTRICITY, "kWh", 0.40),
    ("carlo_gavazzi_em340", Medium.ELECTRICITY, "kWh", 0.20),
    ("schneider_pm5300", Medium.ELECTRICITY, "kWh", 0.10),
    ("mbus_water_meter", Medium.WATER, "m3", 0.15),
    ("kamstrup_multical", Medium.HEAT, "kWh", 0.15),
]


def free_ports(n: int) -> list[int]:
    import socket

    socks, ports = [], []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
        ports.append(s.getsockname()[1])
    for s in socks:
        s.close()
    return ports


def devices_document(n_meters: int, n_endpoints: int, serials: list[str] | None) -> dict:
    ports = free_ports(n_endpoints)
    per = n_meters // n_endpoints
    profiles = [p for p, _, _, share in MIX for _ in range(round(share * 100))]
    endpoints, k = [], 0
    for e in range(n_endpoints):
        devices = []
        for u in range(per):
            device = {"name": f"m{k:04d}", "unit_id": u + 1, "profile": profiles[k % len(profiles)]}
            if serials is not None:
                device["meter"] = {"serial": serials[k]}
            devices.append(device)
            k += 1
        endpoints.append(
            {"name": f"gw{e:02d}", "host": "127.0.0.1", "port": ports[e], "devices": devices}
        )
    return {
        "poll": {"timeout_s": 2.0, "retries": 1, "breaker_failure_threshold": 3},
        "endpoints": endpoints,
    }


def start_simulator(path: Path) -> tuple[subprocess.Popen, dict[str, int]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "core.cli_main", "field-sim", "--devices", str(path), "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    line = proc.stdout.readline()  # type: ignore[union-attr]
    if not line:
        proc.kill()
        raise RuntimeError("the field simulator did not start")
    listing = json.loads(line)
    return proc, {e["endpoint"]: e["port"] for e in listing["endpoints"]}


async def bare_cycle(
    devices: DevicesFile, ports: dict[str, int], clients: dict
) -> tuple[float, int]:
    """The same requests with plain pymodbus: one client per endpoint, no decoding."""

    async def endpoint(ep) -> int:
        client = clients[ep.name]
        n = 0
        for dev in ep.devices:
            for block in dev.plan:
                call = (
                    client.read_input_registers
                    if block.function is RegisterFunction.INPUT
                    else client.read_holding_registers
                )
                response = await call(block.address, count=block.count, device_id=dev.unit_id)
                _ = response.registers
                n += 1
        return n

    t0 = time.perf_counter()
    counts = await asyncio.gather(*(endpoint(ep) for ep in devices.endpoints))
    return time.perf_counter() - t0, sum(counts)


async def compare(devices: DevicesFile, ports: dict[str, int], repeat: int) -> dict:
    from pymodbus.client import AsyncModbusTcpClient

    clients = {}
    for ep in devices.endpoints:
        client = AsyncModbusTcpClient("127.0.0.1", port=ports[ep.name], timeout=2.0, retries=0)
        await client.connect()
        clients[ep.name] = client
    poller = Poller(devices, NullSink(), ManualClock(datetime.now(UTC)), ports=ports)
    bare_rates, poll_rates, durations = [], [], []
    try:
        await bare_cycle(devices, ports, clients)  # warm up both paths
        await poller.poll_once()
        for _ in range(repeat):
            dt, n = await bare_cycle(devices, ports, clients)
            bare_rates.append(n / dt)
            cycle = await poller.poll_once()
            assert cycle.counts()["ok"] == len(devices.devices), cycle.counts()
            poll_rates.append(cycle.requests / cycle.duration_s)
            durations.append(cycle.duration_s)
    finally:
        for client in clients.values():
            client.close()
        await poller.close()
    return {
        "requests_per_cycle": cycle.requests,
        "poll_cycle_s": statistics.median(durations),
        "poll_requests_per_s": statistics.median(poll_rates),
        "bare_requests_per_s": statistics.median(bare_rates),
    }


async def end_to_end(devices: DevicesFile, ports: dict[str, int], engine, cycles: int) -> dict:
    clock = ManualClock(datetime(2026, 1, 12, tzinfo=UTC))
    poller = Poller(devices, StoreSink(engine), clock, ports=ports)
    written, elapsed = 0, 0.0
    try:
        await poller.poll_once()  # warm-up cycle (first rows, connections)
        for _ in range(cycles):
            clock.advance(60)
            t0 = time.perf_counter()
            cycle = await poller.poll_once()
            elapsed += time.perf_counter() - t0
            written += cycle.readings_written
            assert cycle.write_error is None, cycle.write_error
    finally:
        await poller.close()
    return {
        "readings_per_s": written / elapsed,
        "cycle_s": elapsed / cycles,
        "readings_per_cycle": written // cycles,
    }


def prepare_store(url: str, n_meters: int) -> tuple[object, list[str]]:
    engine = make_engine(Settings(database_url=url))
    upgrade(engine)
    serials = []
    per_profile = [p for p, _, _, share in MIX for _ in range(round(share * 100))]
    for k, (name, medium, unit, _share) in enumerate(MIX):
        count = sum(1 for i in range(n_meters) if per_profile[i % len(per_profile)] == name)
        ids = add_meters(
            engine,
            count,
            medium=medium,
            reading_type=ReadingType.CUMULATIVE,
            unit=unit,
            interval_s=60,
            prefix=f"B{k}",
        )
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT id, serial_number FROM meters")).all()
        by_id = dict(rows)
        serials.append([by_id[i] for i in ids])
    # interleave the serials in the order devices_document assigns profiles
    queues = {name: list(s) for (name, *_), s in zip(MIX, serials, strict=True)}
    ordered = [queues[per_profile[i % len(per_profile)]].pop(0) for i in range(n_meters)]
    return engine, ordered


def run_store(label: str, url: str, args, tmp: Path) -> dict:
    engine, serials = prepare_store(url, args.meters)
    path = tmp / f"devices_{label}.yaml"
    path.write_text(yaml.safe_dump(devices_document(args.meters, args.endpoints, serials)))
    devices = load_devices(path)
    proc, ports = start_simulator(path)
    try:
        return asyncio.run(end_to_end(devices, ports, engine, args.cycles))
    finally:
        proc.terminate()
        proc.communicate(timeout=30)
        engine.dispose()  # type: ignore[attr-defined]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meters", type=int, default=1000)
    parser.add_argument("--endpoints", type=int, default=10)
    parser.add_argument("--cycles", type=int, default=5)
    parser.add_argument("--postgres", default=os.environ.get("KOF_TEST_POSTGRES_URL", DEFAULT_PG))
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("pymodbus").setLevel(logging.CRITICAL)

    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        path = tmp / "devices.yaml"
        path.write_text(yaml.safe_dump(devices_document(args.meters, args.endpoints, None)))
        devices = load_devices(path)
        proc, ports = start_simulator(path)
        try:
            figures = asyncio.run(compare(devices, ports, args.cycles))
        finally:
            proc.terminate()
            proc.communicate(timeout=30)
        ratio = figures["poll_requests_per_s"] / figures["bare_requests_per_s"]
        print(
            f"meters: {args.meters} on {args.endpoints} endpoints, {figures['requests_per_cycle']} requests per cycle"
        )
        print(
            f"poll cycle (decode, validate, health; no store): {figures['poll_cycle_s']:.3f} s, "
            f"{figures['poll_requests_per_s']:,.0f} requests/s"
        )
        print(
            f"bare pymodbus loop, same requests:            {figures['bare_requests_per_s']:,.0f} requests/s"
        )
        print(f"ratio poller / bare: {ratio:.2f} (target >= 0.8)")

        sqlite = run_store("sqlite", f"sqlite:///{tmp / 'bench.db'}", args, tmp)
        print(
            f"end to end into SQLite: {sqlite['readings_per_s']:,.0f} readings/s "
            f"({sqlite['readings_per_cycle']} readings per cycle of {sqlite['cycle_s']:.3f} s)"
        )
        if not args.no_postgres:
            admin_url = make_url(args.postgres)
            name = f"kof_bench_{uuid.uuid4().hex[:8]}"
            admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
            try:
                with admin.connect() as conn:
                    conn.execute(text(f'CREATE DATABASE "{name}"'))
            except Exception as err:
                print(f"PostgreSQL unreachable ({err.__class__.__name__}); skipped")
                admin.dispose()
                return 0
            try:
                url = admin_url.set(database=name).render_as_string(hide_password=False)
                pg = run_store("postgres", url, args, tmp)
                print(
                    f"end to end into PostgreSQL: {pg['readings_per_s']:,.0f} readings/s "
                    f"({pg['readings_per_cycle']} readings per cycle of {pg['cycle_s']:.3f} s)"
                )
            finally:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
