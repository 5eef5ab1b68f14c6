"""kof demo: the set-up steps run, the services start, answer, and stop cleanly."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from core.demo import plan_demo, registered_commands


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_plan_follows_the_installed_commands(tmp_path: Path) -> None:
    plan = plan_demo(tmp_path, premises=50, days=1, seed=1, serve_port=8123)
    assert plan.setup[0] == ["db", "upgrade"]
    assert plan.setup[1][:2] == ["region", "generate"]
    have = registered_commands()
    assert ("serve" in plan.services) == ("serve" in have)
    assert ("poll" in plan.services) == ("field-setup" in have)
    # the analytics jobs run in the background, so the web UI does not wait for them
    assert (["cluster", "plan", "--network-check", "--store"] in [j[:4] for j in plan.jobs]) == (
        "cluster" in have
    )
    assert any(j[:2] == ["forecast", "run"] for j in plan.jobs) == ("forecast" in have)


@pytest.mark.slow
def test_demo_runs_everything_and_stops(tmp_path: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOF_")}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "core.cli_main",
            "demo",
            "--premises",
            "50",
            "--days",
            "1",
            "--port",
            str(port),
            "--duration",
            "25",
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    status = None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None and "serve" in registered_commands():
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=2) as r:
                status = r.status
                break
        except OSError:
            time.sleep(1)
    out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0, out
    assert (tmp_path / "var" / "kof.db").exists()
    if "serve" in registered_commands():
        assert status == 200, out
    if "poll" in registered_commands():
        assert "started poll" in out
        assert "stored" in (tmp_path / "var" / "log" / "poll.log").read_text()
    if "cluster" in registered_commands():
        assert "analytics jobs in the background" in out
        assert (tmp_path / "var" / "log" / "jobs.log").exists()
