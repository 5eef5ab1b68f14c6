"""``kof demo``: the whole platform on the embedded defaults, as separate ``kof`` processes.

Set-up steps run one after the other (migrations, the reference region, the simulated field,
demo accounts); then the long-running services start side by side (field simulator, poller,
web UI) with their logs under ``var/log/``. Steps and services belong to the packages that
registered them; one that is not installed is skipped. Ctrl-C stops everything.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path

from core.exceptions import PlatformError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DemoPlan:
    """What ``kof demo`` runs, as ``kof`` argument lists."""

    setup: list[list[str]]
    services: dict[str, list[str]]


def registered_commands() -> set[str]:
    return {ep.name for ep in entry_points(group="kof.commands")}


def plan_demo(var_dir: Path, premises: int, days: int, seed: int, serve_port: int) -> DemoPlan:
    """The steps and services of the demo, given the commands installed."""
    have = registered_commands()
    devices = var_dir / "devices.yaml"
    setup = [
        ["db", "upgrade"],
        [
            "region",
            "generate",
            "--if-empty",
            "--premises",
            str(premises),
            "--days",
            str(days),
            "--seed",
            str(seed),
        ],
    ]
    services: dict[str, list[str]] = {}
    if "field-setup" in have:
        setup.append(["field-setup", "--out", str(devices)])
        services["field-sim"] = ["field-sim", "--devices", str(devices)]
        services["poll"] = ["poll", "--devices", str(devices)]
    if "accounts" in have:
        setup.append(["accounts", "demo"])
    if "serve" in have:
        services["serve"] = ["serve", "--host", "127.0.0.1", "--port", str(serve_port)]
    return DemoPlan(setup=setup, services=services)


def _kof(args: list[str]) -> list[str]:
    return [sys.executable, "-m", "core.cli_main", *args]


def run_demo(
    plan: DemoPlan,
    var_dir: Path,
    duration_s: float | None = None,
    say: Callable[[str], object] = print,
) -> int:
    """Run the set-up steps, then the services until Ctrl-C (or ``duration_s``).

    Returns:
        0 when everything ran and stopped cleanly.

    Raises:
        PlatformError: a set-up step failed (its output was shown) or a service died.
    """
    for step in plan.setup:
        say(f"$ kof {' '.join(step)}")
        result = subprocess.run(_kof(step), check=False)
        if result.returncode != 0:
            raise PlatformError(f"demo step `kof {' '.join(step)}` failed ({result.returncode})")
    log_dir = var_dir / "log"
    log_dir.mkdir(parents=True, exist_ok=True)
    children: dict[str, subprocess.Popen[bytes]] = {}
    try:
        for name, args in plan.services.items():
            log_path = log_dir / f"{name}.log"
            with log_path.open("ab") as log:
                children[name] = subprocess.Popen(
                    _kof(["-v", *args]),
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            say(f"started {name} (pid {children[name].pid}); log: {log_path}")
            time.sleep(1.0)  # the simulator listens before the poller connects
        if "serve" in children:
            say("web UI: http://127.0.0.1:8050 (Ctrl-C stops the demo)")
        deadline = None if duration_s is None else time.monotonic() + duration_s
        while deadline is None or time.monotonic() < deadline:
            for name, child in children.items():
                if child.poll() is not None:
                    raise PlatformError(
                        f"demo service {name} stopped with code {child.returncode}; "
                        f"see {log_dir / (name + '.log')}"
                    )
            time.sleep(0.5)
    except KeyboardInterrupt:
        say("stopping the demo")
    finally:
        for child in children.values():
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGTERM)
        for child in children.values():
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
    return 0
