"""The operators' /ops app in a real browser (Debian chromium via Playwright).

Logs in as an operator, opens every view and finds its charts drawn with data; presses
Re-plan and sees progress, then the new plan's charts. Screenshots go to $KOF_SCREENSHOT_DIR
when set (else the test's temporary folder); docs/screenshots/ holds the committed ones.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from core.accounts import Role
from core.accounts import service as accounts
from core.maintenance import service as maintenance
from core.timeseries import read_series, write_readings
from metering.health import DeviceHealth, HealthState
from metering.poller.sink import StoreSink
from tests.dashboards.conftest import PASSWORD, make_app
from tests.dashboards.test_browser import TIMEOUT_MS, browser, shots  # noqa: F401
from tests.dashboards.test_ops_forecasts_notices import seed_forecast
from tests.dashboards.test_ops_networks import net3_dir, seed_water_orders

pytestmark = pytest.mark.slow
OPERATOR = "dyspozytor@mcuk.kielce.pl"


def _seed(engine: object) -> None:
    """An operator, polled devices in three states, two maintenance items and a forecast."""
    accounts.create_user(engine, email=OPERATOR, password=PASSWORD, role=Role.OPERATOR)
    since = dt.datetime(2026, 2, 8, 6, 0, tzinfo=dt.UTC)
    health = [
        DeviceHealth(f"meter-{i:02d}", "127.0.0.1:5020", i, state, since)
        for i, state in enumerate(
            [HealthState.ONLINE] * 8 + [HealthState.DEGRADED] * 2 + [HealthState.OFFLINE], 1
        )
    ]
    StoreSink(engine).write_cycle(pd.DataFrame(), [], health)
    # the last six readings of one meter: four estimated (a gap filled), two edited
    last = pd.Timestamp("2026-02-08T22:45Z")
    raw = read_series(engine, 1, last - pd.Timedelta(hours=2), last + pd.Timedelta(minutes=1))
    redo = raw.tail(6)[["meter_id", "ts", "value"]].copy()
    redo["quality"] = ["estimated"] * 4 + ["edited"] * 2
    redo["reason"] = ["gap filled (linear)"] * 4 + ["corrected by the operator"] * 2
    write_readings(engine, redo)
    maintenance.open_item(
        engine,
        medium="water",
        asset="water:dma-3/pipe:P-12",
        kind="leak",
        title="Night flow up 2.1 m3/h in DMA 3",
        evidence={"night_flow_m3_per_h": 2.1},
        priority="high",
    )
    maintenance.open_item(
        engine,
        medium="heat",
        asset="heat:substation-S7",
        kind="anomaly",
        title="Return temperature high at S7",
        evidence={"score": 4.2},
    )
    seed_forecast(engine)
    seed_water_orders(engine)


@pytest.fixture
def server(portal_region_db: Path, tmp_path: Path) -> Iterator[str]:
    from waitress import create_server

    app = make_app(portal_region_db, tmp_path)
    app.config["KOF_WATER_NETWORKS_DIR"] = str(net3_dir())
    _seed(app.extensions["kof"].engine)
    srv = create_server(app, host="127.0.0.1", port=0, threads=8)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.effective_port}"
    finally:
        srv.close()
        thread.join(timeout=10)
        app.extensions["kof"].engine.dispose()


def _tab(page: object, label: str) -> None:
    page.locator("#ops-tabs .tab", has_text=label).click()  # type: ignore[attr-defined]


def _drawn(page: object, graph_id: str) -> int:
    """Wait for a chart's SVG and return how many traces it drew."""
    page.wait_for_selector(f"#{graph_id} .main-svg")  # type: ignore[attr-defined]
    return page.locator(f"#{graph_id} .trace").count()  # type: ignore[attr-defined]


def operator_on_ops(chromium: object, server: str, email: str) -> tuple[object, object, list[str]]:
    """A fresh browser context, sent from /ops to the login page, logged in and back on /ops;
    with the page errors it collects."""
    context = chromium.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(f"{server}/ops/")
    page.wait_for_url(re.compile(r"/login"))  # not logged in: to the login page
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/ops/$"))
    return context, page, problems


def test_operator_opens_every_view_and_replans(
    browser: object,  # noqa: F811
    server: str,
    shots: Path,  # noqa: F811
) -> None:
    context, page, problems = operator_on_ops(browser, server, OPERATOR)

    # overview: KPIs and the day's chart with demand and generation
    assert _drawn(page, "ops-overview-day") >= 2
    assert page.get_by_text("Electricity demand", exact=True).is_visible()
    assert page.get_by_text("Open maintenance items", exact=True).is_visible()
    page.screenshot(path=str(shots / "ops-1-overview.png"), full_page=True)
    # a malformed day: a clear message in the page; then another day with data
    day = page.locator("#ops-overview-date")
    day.fill("2026-02-31")
    day.press("Enter")
    page.get_by_text("give it as YYYY-MM-DD").wait_for()
    day.fill("2026-01-20")
    day.press("Enter")
    page.get_by_text("Region on 2026-01-20").wait_for()
    assert _drawn(page, "ops-overview-day") >= 2

    # metering: health, completeness, quality
    _tab(page, "Metering")
    assert _drawn(page, "ops-health") == 1
    assert _drawn(page, "ops-completeness") >= 3  # one trace per medium
    assert _drawn(page, "ops-quality") == 3  # estimated, edited, invalid
    assert page.locator("#ops-health-table").get_by_text("offline").count() == 1
    card = page.locator(".ops-kpis li", has_text="Readings estimated or edited")
    assert card.locator("strong").inner_text() == "6"
    first_row = page.locator("#ops-meter-table tbody tr").first.inner_text()
    assert "KOF-E-0000001" in first_row  # worst first: the meter with edited readings
    page.screenshot(path=str(shots / "ops-2-metering.png"), full_page=True)

    # energy cluster: no plan yet, then re-plan in the background
    _tab(page, "Energy cluster")
    page.get_by_text("No cluster plan is stored yet").wait_for()
    page.get_by_role("button", name=re.compile("Re-plan")).click()
    page.locator("#ops-replan-status progress").wait_for()  # progress while it runs
    page.get_by_text(re.compile(r"New plan \d+ stored")).wait_for(timeout=120_000)
    # the reference scenario plans a past day: the page says the plan is stale
    assert page.get_by_text("This plan is stale").is_visible()
    assert _drawn(page, "ops-dispatch-el") >= 4
    assert _drawn(page, "ops-dispatch-heat") >= 4
    assert _drawn(page, "ops-prices") == 1
    assert _drawn(page, "ops-storage") == 2
    page.screenshot(path=str(shots / "ops-3-cluster.png"), full_page=True)

    # maintenance queue
    _tab(page, "Maintenance")
    page.locator("#ops-maintenance-table").get_by_text("Night flow up 2.1 m3/h in DMA 3").wait_for()
    page.screenshot(path=str(shots / "ops-4-maintenance.png"), full_page=True)

    # forecasts vs actuals: band, median and actuals; MAE bars and the MASE line
    _tab(page, "Forecasts")
    assert _drawn(page, "ops-forecast") == 4
    assert _drawn(page, "ops-forecast-accuracy") == 2
    assert page.locator("#ops-accuracy-table tbody tr").count() == 2
    page.screenshot(path=str(shots / "ops-5-forecasts.png"), full_page=True)

    # outage notices: none yet; a bad time gets a message; then one is published
    _tab(page, "Outage notices")
    page.get_by_text("No outage notices are published.").wait_for()
    page.locator("#ops-notice-title").fill("Water off on Sienkiewicza street")
    page.locator("#ops-notice-body").fill("Pipe works; a water tanker stands at number 12.")
    page.locator("#ops-notice-starts_at").fill("next Tuesday")
    page.get_by_role("button", name="Publish").click()
    page.get_by_text(re.compile("Check the notice: starts_at")).wait_for()
    page.locator("#ops-notice-starts_at").fill("2099-02-10 08:00")
    page.locator("#ops-notice-ends_at").fill("2099-02-10 14:00")
    page.get_by_role("button", name="Publish").click()
    page.get_by_text(re.compile(r"Notice \d+ published")).wait_for()
    page.locator("#ops-notices-table").get_by_text("Water off on Sienkiewicza street").wait_for()
    page.screenshot(path=str(shots / "ops-6-notices.png"), full_page=True)

    # networks: Net3 from its own coordinates with the open water work orders marked
    _tab(page, "Networks")
    assert _drawn(page, "ops-network") == 6  # links, 3 node kinds, the leaking pipe, marks
    assert page.locator("#ops-network-orders tbody tr").count() == 3
    assert _drawn(page, "ops-dma-balance") >= 5  # system input, authorised, losses, parts
    assert _drawn(page, "ops-dma-night") == 4  # night flow, leakage, trend, floor
    page.screenshot(path=str(shots / "ops-7-networks.png"), full_page=True)

    assert problems == []
    context.close()

    # the open-data page, as an anonymous visitor sees it (in Polish, the default)
    context = browser.new_context(locale="pl-PL", viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.on("pageerror", lambda e: problems.append(str(e)))
    assert page.goto(f"{server}/ops/").url.endswith("/login?next=/ops/")
    page.goto(f"{server}/open-data")
    assert page.locator("#open-data-table tbody tr").count() > 0
    assert page.locator("#iso-table tbody tr").count() == 5
    page.screenshot(path=str(shots / "open-data.png"), full_page=True)

    assert problems == []
    context.close()
