"""Helpers for the metering tests: devices files built in code, simulators on free ports."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
import yaml

from metering.clock import ManualClock
from metering.config import DevicesFile, parse_devices
from metering.simulator import FieldSimulator

T = TypeVar("T")
START = datetime(2026, 1, 12, 6, 0, tzinfo=UTC)  # a Monday morning in winter
FAST_POLL = {
    "timeout_s": 0.25,
    "connect_timeout_s": 0.5,
    "retries": 1,
    "backoff_base_s": 0.01,
    "backoff_max_s": 0.02,
    "breaker_failure_threshold": 2,
    "breaker_open_s": 3600,
}


@pytest.fixture(autouse=True)
def _quiet_pymodbus() -> None:
    logging.getLogger("pymodbus").setLevel(logging.CRITICAL)


def free_port() -> int:
    """A TCP port free on localhost at this moment."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def devices_doc(
    endpoints: dict[str, list[dict[str, Any]]], poll: dict[str, Any] | None = None, **extra: Any
) -> dict[str, Any]:
    """A devices-file document: endpoint name -> devices, each on its own free port."""
    return {
        "poll": {**FAST_POLL, **(poll or {})},
        "endpoints": [
            {"name": name, "host": "127.0.0.1", "port": free_port(), "devices": devices}
            for name, devices in endpoints.items()
        ],
        **extra,
    }


def write_devices(path: Path, doc: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def make_devices(doc: dict[str, Any], source: str = "devices.yaml") -> DevicesFile:
    return parse_devices(doc, source)


def run(coro_fn: Callable[[], Awaitable[T]], timeout_s: float = 60.0) -> T:
    """Run an async test body with a hard timeout."""

    async def bounded() -> T:
        return await asyncio.wait_for(coro_fn(), timeout_s)

    return asyncio.run(bounded())


async def start_sim(devices: DevicesFile, clock: ManualClock) -> FieldSimulator:
    sim = FieldSimulator(devices, clock, port_override={e.name: 0 for e in devices.endpoints})
    await sim.start()
    return sim
