"""``kof demo``: the whole platform on the embedded defaults, as separate ``kof`` processes.

Set-up steps run one after the other (migrations, the reference region, the simulated field,
demo accounts); then the long-running services start side by side (field simulator, poller,
web UI) with their logs under ``var/log/``. While they run, the analytics jobs (a network-
checked cluster plan, forecasts) run one after the other in the background, logged to
``var/log/jobs.log``: the web UI is up at once and their results appear when they are done; a
failed job is reported and the demo goes on. Steps, services and jobs belong to the packages
that registered them; one that is not installed is skipped. Ctrl-C stops everything.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path

from core.exceptions import PlatformError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DemoPlan:
    """What ``kof demo`` runs, as ``kof`` argument lists."""

    setup: list[list[str]]
    services: dict[str, list[str]]
    jobs: list[list[str]] = field(default_factory=list)


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
    jobs: list[list[str]] = []
    if "water" in have:  # the region's hydraulic model, and new leaks from DMA night flows
        jobs.append(["water", "region-network"])
        jobs.append(["water", "dma-alarms", "--open-work-orders"])
    if "cluster" in have:
        jobs.append(["cluster", "plan", "--network-check", "--store", "--time-limit", "120"])
    if "forecast" in have:
        jobs.append(["forecast", "run", "--levels", "district,cluster"])
    return DemoPlan(setup=setup, services=services, jobs=jobs)


def _kof(args: list[str]) -> list[str]:
    return [sys.executable, "-m", "core.cli_main", *args]


class _Jobs(threading.Thread):
    """Runs the analytics jobs one after the other; ``stop`` ends the running one."""

    def __init__(self, jobs: list[list[str]], log_path: Path, say: Callable[[str], object]):
        super().__init__(name="demo-jobs", daemon=True)
        self.jobs, self.log_path, self.say = jobs, log_path, say
        self.child: subprocess.Popen[bytes] | None = None
        self.stopping = threading.Event()

    def run(self) -> None:
        for args in self.jobs:
            if self.stopping.is_set():
                return
            with self.log_path.open("ab") as log:
                self.child = subprocess.Popen(
                    _kof(args), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
                )
                code = self.child.wait()
            if self.stopping.is_set():
                return
            outcome = "done" if code == 0 else f"failed ({code}); see {self.log_path}"
            self.say(f"job `kof {' '.join(args)}`: {outcome}")

    def stop(self) -> None:
        self.stopping.set()
        child = self.child
        if child is not None and child.poll() is None:
            os.killpg(child.pid, signal.SIGTERM)
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)


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
    jobs: _Jobs | None = None
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
            port = plan.services["serve"][-1]
            say(f"web UI: http://127.0.0.1:{port}/ (Ctrl-C stops the demo)")
        if plan.jobs:
            say(f"analytics jobs in the background: {len(plan.jobs)}; log: {log_dir / 'jobs.log'}")
            jobs = _Jobs(plan.jobs, log_dir / "jobs.log", say)
            jobs.start()
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
        if jobs is not None:
            jobs.stop()
        for child in children.values():
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGTERM)
        for child in children.values():
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
    return 0
