"""Screenshots of the operators' views and the open-data page on the reference region.

Everything is made by the real commands, as an operator would: a fresh store with the reference
region, a network-checked cluster plan, forecasts of the districts and the cluster issued two
days before the data ends (so there are actuals to compare with), the region's water network
model, the work orders its DMAs' night flows open, an operator account, then ``kof serve`` and Debian's chromium (Playwright) opening every
view. Nothing is seeded by hand.

    .venv/bin/python docs/capture_screenshots.py [--out docs/screenshots] [--premises 300]

Needs /usr/bin/chromium (or KOF_CHROMIUM). Takes a few minutes (the plan and the forecasts).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from zoneinfo import ZoneInfo

WARSAW = ZoneInfo("Europe/Warsaw")
CHROMIUM = os.environ.get("KOF_CHROMIUM", "/usr/bin/chromium")
OPERATOR = "dyspozytor@mcuk.kielce.pl"
TIMEOUT_MS = 120_000
# (tab label, file name, the view's heading, the graphs that must be drawn before the shot)
VIEWS = (
    ("Overview", "ops-1-overview.png", "Region on", ("ops-overview-day",)),
    ("Metering", "ops-2-metering.png", "Device health", ("ops-completeness",)),
    ("Energy cluster", "ops-3-cluster.png", "Energy cluster plan", ()),
    ("Maintenance", "ops-4-maintenance.png", "Maintenance queue", ()),
    ("Forecasts", "ops-5-forecasts.png", "Forecasts vs actuals", ()),
    ("Outage notices", "ops-6-notices.png", "Outage notices", ()),
    ("Networks", "ops-7-networks.png", "Water networks", ()),
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _kof(env: dict[str, str], *args: str) -> None:
    print("$ kof", " ".join(args), flush=True)
    subprocess.run([sys.executable, "-m", "core.cli_main", *args], env=env, check=True)


def prepare(env: dict[str, str], premises: int, days: int) -> None:
    """The store, the plan, the forecasts, the network model and the operator."""
    start = dt.date.today() - dt.timedelta(days=days)
    _kof(env, "db", "upgrade")
    _kof(env, "region", "generate", "--premises", str(premises), "--days", str(days))
    _kof(env, "cluster", "plan", "--network-check", "--store", "--time-limit", "120")
    # two daily runs: the second scores the first against the actuals and warm-starts Prophet
    for days_before_end in (3, 2):
        issue_day = start + dt.timedelta(days=days - days_before_end)
        issue = dt.datetime.combine(issue_day, dt.time(0, 0), WARSAW)
        _kof(
            env,
            "forecast",
            "run",
            "--levels",
            "district,cluster",
            "--issue-time",
            issue.isoformat(timespec="minutes"),
        )
    _kof(env, "water", "region-network")
    _kof(env, "water", "dma-alarms", "--open-work-orders")
    _kof(env, "accounts", "create", "--email", OPERATOR, "--role", "operator")


def _wait_up(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"kof serve stopped with code {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/api/v1/health", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("kof serve did not answer within 60 s")


def shoot(url: str, password: str, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        page.goto(f"{url}/ops/")
        page.locator("input[name=email]").fill(OPERATOR)
        page.locator("input[name=password]").fill(password)
        page.keyboard.press("Enter")
        page.wait_for_url(f"{url}/ops/")
        for label, name, heading, graphs in VIEWS:
            page.locator("#ops-tabs .tab", has_text=label).click()
            page.get_by_role("heading", name=heading).first.wait_for()
            for graph in graphs:
                page.wait_for_selector(f"#{graph} .main-svg")
            page.wait_for_load_state("networkidle")
            page.wait_for_selector("._dash-loading", state="detached")
            time.sleep(3.0)  # the last callbacks' figures are drawn
            page.screenshot(path=str(out / name), full_page=True)
            print("wrote", out / name, flush=True)
        context.close()
        context = browser.new_context(locale="pl-PL", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        page.goto(f"{url}/open-data")
        page.wait_for_selector("#open-data-table tbody tr")
        page.screenshot(path=str(out / "open-data.png"), full_page=True)
        print("wrote", out / "open-data.png", flush=True)
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "screenshots")
    parser.add_argument("--premises", type=int, default=300)
    parser.add_argument("--days", type=int, default=60)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kof-shots-") as tmp:
        password = "Zrzuty ekranu " + secrets.token_hex(6)
        env = {k: v for k, v in os.environ.items() if not k.startswith("KOF_")}
        env.update(
            KOF_VAR_DIR=str(Path(tmp) / "var"),
            KOF_DATABASE_URL=f"sqlite:///{Path(tmp) / 'var' / 'kof.db'}",
            KOF_NEW_PASSWORD=password,
        )
        (Path(tmp) / "var").mkdir()
        prepare(env, args.premises, args.days)
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "core.cli_main", "serve", "--port", str(port)], env=env
        )
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_up(url, server)
            shoot(url, password, args.out)
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
