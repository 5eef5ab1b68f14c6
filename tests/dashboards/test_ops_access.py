"""Who may open /ops and its callbacks: operators and admins; residents 403; anonymous 401/login."""

from __future__ import annotations

import json

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine

from core.accounts import Role
from core.accounts import service as accounts
from tests.dashboards.conftest import PASSWORD, households, login, resident

CALLBACK = {
    "output": "ops-content.children",
    "outputs": {"id": "ops-content", "property": "children"},
    "inputs": [{"id": "ops-tabs", "property": "value", "value": "overview"}],
    "changedPropIds": ["ops-tabs.value"],
    "state": [],
}


def staff(engine: Engine, role: Role) -> str:
    email = f"{role.value}@mcuk.example.pl"
    building = households(engine)[0][1] if role is Role.BUILDING_MANAGER else None
    accounts.create_user(engine, email=email, password=PASSWORD, role=role, building_id=building)
    return email


def post_callback(client: FlaskClient, body: dict = CALLBACK) -> object:
    return client.post(
        "/ops/_dash-update-component", data=json.dumps(body), content_type="application/json"
    )


@pytest.mark.parametrize("path", ["/ops/", "/ops", "/ops/_dash-layout", "/ops/_dash-dependencies"])
def test_anonymous_is_sent_to_login(app: Flask, path: str) -> None:
    response = app.test_client().get(path)
    if "_dash-" in path:
        assert response.status_code == 401
    else:
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


def test_anonymous_callback_is_401(app: Flask) -> None:
    response = post_callback(app.test_client())
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.TRADER, Role.BUILDING_MANAGER])
def test_other_roles_get_403_on_pages_and_callbacks(app: Flask, engine: Engine, role: Role) -> None:
    client = app.test_client()
    if role is Role.RESIDENT:
        email = resident(engine, households(engine)[0][0]).email
    else:
        email = staff(engine, role)
    assert login(client, email).status_code == 302
    for path in ("/ops/", "/ops/_dash-layout", "/ops/_dash-dependencies"):
        assert client.get(path).status_code == 403, path
    response = post_callback(client)
    assert response.status_code == 403
    assert b"Traceback" not in response.data


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.ADMIN])
def test_operators_and_admins_open_ops_and_its_callbacks(
    app: Flask, engine: Engine, role: Role
) -> None:
    client = app.test_client()
    assert login(client, staff(engine, role)).status_code == 302
    page = client.get("/ops/")
    assert page.status_code == 200
    assert "'unsafe-eval'" in page.headers["Content-Security-Policy"]
    response = post_callback(client)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "ops-overview-day" in text
    assert "Electricity demand" in text


def test_unknown_view_says_so(app: Flask, engine: Engine) -> None:
    client = app.test_client()
    login(client, staff(engine, Role.OPERATOR))
    body = json.loads(json.dumps(CALLBACK))
    body["inputs"][0]["value"] = "no-such-view"
    response = post_callback(client, body)
    assert response.status_code == 200
    assert "There is no view" in response.get_data(as_text=True)


def test_portal_nav_links_ops_for_operators_only(app: Flask, engine: Engine) -> None:
    client = app.test_client()
    login(client, staff(engine, Role.OPERATOR))
    assert 'href="/ops/"' in client.get("/").get_data(as_text=True)
    other = app.test_client()
    login(other, resident(engine, households(engine)[0][0]).email)
    assert 'href="/ops/"' not in other.get("/").get_data(as_text=True)


def overview_day(client: FlaskClient, value: object) -> object:
    body = {
        "output": "ops-overview-body.children",
        "outputs": {"id": "ops-overview-body", "property": "children"},
        "inputs": [{"id": "ops-overview-date", "property": "value", "value": value}],
        "changedPropIds": ["ops-overview-date.value"],
        "state": [],
    }
    return post_callback(client, body)


@pytest.mark.parametrize("value", ["2026-13-45", "yesterday", "", None, "2026-02-08; DROP"])
def test_a_malformed_day_gets_a_clear_message(app: Flask, engine: Engine, value: object) -> None:
    client = app.test_client()
    login(client, staff(engine, Role.OPERATOR))
    response = overview_day(client, value)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "give it as YYYY-MM-DD" in text
    assert "Traceback" not in text


def test_a_day_without_readings_says_so_and_a_good_day_shows_kpis(
    app: Flask, engine: Engine
) -> None:
    client = app.test_client()
    login(client, staff(engine, Role.OPERATOR))
    assert "No readings on 2020-01-01" in overview_day(client, "2020-01-01").get_data(as_text=True)
    good = overview_day(client, "2026-01-20").get_data(as_text=True)
    assert "Region on 2026-01-20" in good
    assert "ops-overview-day" in good
