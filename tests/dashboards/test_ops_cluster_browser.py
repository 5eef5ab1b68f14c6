"""The cluster view's network check and plan vs actual in a real browser (Debian chromium).

A small checked plan and measured totals are stored; the operator opens the cluster tab, finds
the single-line diagram at the worst step, types a malformed and then a good hour, goes back to
the worst step, and sees plan vs actual. Screenshots go to $KOF_SCREENSHOT_DIR when set.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from energy_cluster.planner import plan_scenario
from energy_cluster.scenario import Scenario
from energy_cluster.service import store_plan
from tests.dashboards.test_browser import browser, shots  # noqa: F401
from tests.dashboards.test_ops_browser import operator_on_ops
from tests.dashboards.test_ops_cluster import OPERATOR, app, scenario  # noqa: F401
from tests.energy_cluster.dashkit import seed_actuals

pytestmark = pytest.mark.slow


@pytest.fixture
def server(app: Flask, scenario: Scenario) -> Iterator[str]:  # noqa: F811
    from waitress import create_server

    engine = app.extensions["kof"].engine
    seed_actuals(engine)
    store_plan(engine, scenario, plan_scenario(scenario, network_check=True))
    srv = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.effective_port}"
    finally:
        srv.close()
        thread.join(timeout=10)


def test_operator_reads_the_network_check_and_plan_vs_actual(
    browser: object,  # noqa: F811
    server: str,
    shots: Path,  # noqa: F811
) -> None:
    context, page, problems = operator_on_ops(browser, server, OPERATOR)

    page.locator("#ops-tabs .tab", has_text="Energy cluster").click()
    page.wait_for_selector("#ops-net-diagram .main-svg")
    # 17 branches, their loading markers, the buses (no violation left after the check)
    assert page.locator("#ops-net-diagram .trace").count() == 19
    assert page.get_by_text(re.compile(r"\(worst step\)")).count() >= 1
    page.wait_for_selector("#ops-pva-el-demand .main-svg")
    assert page.locator("#ops-pva-el-demand .trace").count() == 2
    page.screenshot(path=str(shots / "ops-cluster-network.png"), full_page=True)

    hour = page.locator("#ops-net-hour")
    hour.fill("14.01.2026 kwadrans po")
    hour.press("Enter")
    page.get_by_text("is not a time: give it as YYYY-MM-DD HH:MM").wait_for()
    hour.fill("2026-01-14 00:15")
    hour.press("Enter")
    page.get_by_text("CIGRE MV network at 2026-01-14 00:00").wait_for()
    page.get_by_role("button", name="Worst step").click()
    page.get_by_text(re.compile(r"CIGRE MV network at .* \(worst step\)")).wait_for()

    assert problems == []
    context.close()
