"""The operators' views on an empty store: each says "no data yet" instead of failing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from core.accounts import Role
from core.accounts import service as accounts
from core.db.engine import make_engine
from core.db.migrate import upgrade
from core.settings import Settings
from dashboards import create_app
from dashboards.extensions import limiter
from tests.dashboards.conftest import PASSWORD, login

EMPTY_MESSAGES = {
    "overview": "No readings in the store yet.",
    "metering": "No device has been polled yet",
    "cluster": "No cluster plan is stored yet",
    "maintenance": "The maintenance queue is empty.",
    "forecasts": "No forecasts are stored yet",
    "notices": "No outage notices are published.",
    "networks": "No network model yet",
}


@pytest.fixture
def empty_app(tmp_path: Path) -> Iterator[Flask]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'kof.db'}", var_dir=tmp_path)
    engine = make_engine(settings)
    upgrade(engine)
    app = create_app(settings, engine=engine)
    app.config["TESTING"] = True
    limiter.reset()
    accounts.create_user(engine, email="op@mcuk.kielce.pl", password=PASSWORD, role=Role.OPERATOR)
    yield app
    engine.dispose()


def show(client: object, view: str) -> str:
    body = {
        "output": "ops-content.children",
        "outputs": {"id": "ops-content", "property": "children"},
        "inputs": [{"id": "ops-tabs", "property": "value", "value": view}],
        "changedPropIds": ["ops-tabs.value"],
        "state": [],
    }
    response = client.post(  # type: ignore[attr-defined]
        "/ops/_dash-update-component", data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("view", list(EMPTY_MESSAGES))
def test_each_view_says_no_data_on_an_empty_store(empty_app: Flask, view: str) -> None:
    client = empty_app.test_client()
    assert login(client, "op@mcuk.kielce.pl").status_code == 302
    text = show(client, view)
    assert EMPTY_MESSAGES[view] in text
    assert "ops-no-data" in text
    assert "could not be loaded" not in text


def test_open_data_on_an_empty_store(empty_app: Flask) -> None:
    client = empty_app.test_client()
    body = client.get("/api/v1/open-data/consumption").get_json()
    assert body["rows"] == []
    assert body["suppressed_groups"] == 0
    indicators = client.get("/api/v1/open-data/indicators").get_json()["indicators"]
    assert all(i["value"] is None for i in indicators)
    page = client.get("/open-data")  # Polish by default
    assert page.status_code == 200
    assert "Brak danych" in page.get_data(as_text=True)
