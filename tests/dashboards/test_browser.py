"""The portal in a real browser: Debian's chromium driven by Playwright.

A missing chromium or Playwright is a skip locally and a failure with CI=true. Screenshots go
to $KOF_SCREENSHOT_DIR when set (else the test's temporary folder).
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.dashboards.conftest import PASSWORD, make_app

CHROMIUM = os.environ.get("KOF_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
TIMEOUT_MS = 20_000

pytestmark = pytest.mark.slow


def _need(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"CI=true needs the browser: {reason}")
    pytest.skip(reason)


class _Codes(logging.Handler):
    """Collects the demo activation codes the server logs."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.codes: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        found = re.search(r"\): (\d{8}) \(valid", record.getMessage())
        if found:
            self.codes.append(found[1])


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        _need(f"no chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _need("the playwright package is not installed (pip install -e .[dev])")
    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def server(portal_region_db: Path, tmp_path: Path) -> Iterator[tuple[str, object, _Codes]]:
    from waitress import create_server

    app = make_app(portal_region_db, tmp_path)
    handler = _Codes()
    logging.getLogger("core.accounts.service").addHandler(handler)
    srv = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.effective_port}", app, handler
    finally:
        logging.getLogger("core.accounts.service").removeHandler(handler)
        srv.close()
        thread.join(timeout=10)
        app.extensions["kof"].engine.dispose()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("KOF_SCREENSHOT_DIR", tmp_path / "shots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_register_log_in_see_charts_switch_language_and_download(
    browser: object, server: tuple[str, object, _Codes], shots: Path
) -> None:
    base, app, codes = server
    engine = app.extensions["kof"].engine
    with engine.connect() as conn:
        customer, meter = conn.execute(
            text(
                "SELECT c.customer_number, m.serial_number FROM premises p "
                "JOIN customers c ON c.id = p.customer_id JOIN meters m ON m.premise_id = p.id "
                "WHERE p.premise_kind = 'residential' AND m.medium = 'electricity' "
                "ORDER BY (SELECT count(*) FROM premises q WHERE q.building_id = p.building_id) "
                "DESC, p.id LIMIT 1"
            )
        ).one()
    context = browser.new_context(accept_downloads=True, locale="pl-PL")  # type: ignore[attr-defined]
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))

    # register with the numbers from the bill, by keyboard-reachable labelled fields
    page.goto(f"{base}/register")
    assert page.locator("html").get_attribute("lang") == "pl"
    page.get_by_label("Numer klienta").fill(customer)
    page.get_by_label("Numer licznika").fill(meter)
    page.get_by_label("Adres e-mail").fill("jan.kowalski@example.pl")
    page.get_by_label("Hasło", exact=True).fill(PASSWORD)
    page.get_by_label("Powtórz hasło").fill(PASSWORD)
    page.get_by_label(re.compile("Zgadzam się")).check()
    page.screenshot(path=str(shots / "01-register.png"), full_page=True)
    page.get_by_role("button", name="Zarejestruj się").click()
    page.wait_for_url(re.compile(r"/activate"))
    assert codes.codes, "the activation code was not logged"
    page.get_by_label("Kod aktywacyjny").fill(codes.codes[-1])
    page.get_by_role("button", name="Aktywuj").click()
    page.wait_for_url(re.compile(r"/login"))

    # log in; the skip link is the first stop of the keyboard
    page.get_by_label("Adres e-mail").fill("jan.kowalski@example.pl")
    page.get_by_label("Hasło").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.get_by_role("heading", name="Twoje liczniki").is_visible()
    page.screenshot(path=str(shots / "02-overview.png"), full_page=True)

    # a consumption chart drawn with data, beside its table
    page.get_by_role("link", name=re.compile("Pokaż zużycie")).first.click()
    page.wait_for_selector("#consumption-chart[data-rendered='true'] .main-svg")
    bars = page.locator("#consumption-chart .barlayer .point").count()
    rows = page.locator("#consumption-table tbody tr").count()
    assert bars > 0
    assert rows > 0
    page.get_by_role("link", name="Dzień", exact=True).click()
    page.wait_for_selector("#consumption-chart[data-rendered='true'] .main-svg")
    assert page.locator("#consumption-table tbody tr").count() == 96
    page.screenshot(path=str(shots / "03-consumption-day.png"), full_page=True)

    page.goto(f"{base}/comparison")
    page.wait_for_selector("[data-figure-id][data-rendered='true'] .main-svg")
    page.screenshot(path=str(shots / "04-comparison.png"), full_page=True)
    page.goto(f"{base}/tips")
    assert page.locator("li.tip").count() >= 1
    page.screenshot(path=str(shots / "05-tips.png"), full_page=True)

    # switch language
    page.locator("#lang-switch").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Saving tips").is_visible()
    page.screenshot(path=str(shots / "06-tips-en.png"), full_page=True)

    # download my data
    page.goto(f"{base}/account")
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("Everything as JSON")).click()
    document = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    assert document["account"]["email"] == "jan.kowalski@example.pl"
    assert sum(len(m["readings"]) for m in document["meters"]) > 0
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("Readings as CSV")).click()
    assert Path(info.value.path()).read_text(encoding="utf-8").startswith("meter_serial,")
    page.screenshot(path=str(shots / "07-account-en.png"), full_page=True)

    assert problems == []  # no script errors, no Content-Security-Policy violations
    context.close()
