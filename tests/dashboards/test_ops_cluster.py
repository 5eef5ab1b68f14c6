"""The cluster view with a stored plan: network check on the single-line diagram, the hour
field and plan vs actual; and the clear messages when a part has no data."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from dash import Input, Output
from dash._utils import create_callback_id
from flask import Flask

from core.accounts import Role
from core.accounts import service as accounts
from core.db.engine import make_engine
from core.db.migrate import upgrade
from core.settings import Settings
from dashboards import create_app
from dashboards.extensions import limiter
from energy_cluster import dashboard_service
from energy_cluster.planner import plan_scenario
from energy_cluster.results import PlanResult
from energy_cluster.scenario import Scenario, load_scenario
from energy_cluster.service import store_plan
from tests.dashboards.conftest import PASSWORD, login
from tests.dashboards.test_ops_views import show
from tests.energy_cluster.dashkit import seed_actuals, write_scenario

OPERATOR = "op@mcuk.kielce.pl"


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    return load_scenario(write_scenario(tmp_path_factory.mktemp("scenario")))


@pytest.fixture(scope="module")
def checked(scenario: Scenario) -> PlanResult:
    return plan_scenario(scenario, network_check=True)


@pytest.fixture
def app(tmp_path: Path, scenario: Scenario, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """An empty store whose "reference" scenario is the small checked feeder."""
    monkeypatch.setattr(dashboard_service, "REFERENCE_SCENARIO", Path(scenario.file))
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'kof.db'}", var_dir=tmp_path)
    engine = make_engine(settings)
    upgrade(engine)
    application = create_app(settings, engine=engine)
    application.config["TESTING"] = True
    limiter.reset()
    accounts.create_user(engine, email=OPERATOR, password=PASSWORD, role=Role.OPERATOR)
    yield application
    engine.dispose()


def _client(app: Flask) -> object:
    client = app.test_client()
    assert login(client, OPERATOR).status_code == 302
    return client


def _post(client: object, body: dict[str, object]) -> str:
    response = client.post(  # type: ignore[attr-defined]
        "/ops/_dash-update-component", data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)


def pick_step(client: object, plan_id: object, text: str, *, worst: bool = False) -> str:
    """The step callback as the browser calls it when the hour is typed or Worst is pressed."""
    trigger = "ops-net-worst.n_clicks" if worst else "ops-net-hour.value"
    return _post(
        client,
        {
            "output": "..ops-net-body.children...ops-net-hour.value..",
            "outputs": [
                {"id": "ops-net-body", "property": "children"},
                {"id": "ops-net-hour", "property": "value"},
            ],
            "inputs": [
                {"id": "ops-net-hour", "property": "value", "value": text},
                {"id": "ops-net-worst", "property": "n_clicks", "value": 1 if worst else 0},
            ],
            "changedPropIds": [trigger],
            "state": [{"id": "ops-net-plan", "property": "data", "value": plan_id}],
        },
    )


def test_the_view_shows_the_network_check_and_plan_vs_actual(
    app: Flask, scenario: Scenario, checked: PlanResult
) -> None:
    engine = app.extensions["kof"].engine
    seed_actuals(engine)
    store_plan(engine, scenario, checked)

    text = show(_client(app), "cluster")

    for graph_id in ("ops-dispatch-el", "ops-net-diagram", "ops-net-steps", "ops-pva-el-demand"):
        assert f'"id":"{graph_id}"' in text
    assert '"id":"ops-pva-pv"' in text
    assert "CIGRE MV network at 2026-01-14 0" in text  # the diagram's title: the worst step
    assert "(worst step)" in text
    assert "No limit is violated at this step." in text
    assert "Imbalance cost (day-ahead price)" in text
    assert "Not compared: heat demand: no meters for it in the store." in text
    assert "could not be loaded" not in text


def test_the_hour_field_redraws_that_step_and_refuses_bad_input(
    app: Flask, scenario: Scenario, checked: PlanResult
) -> None:
    engine = app.extensions["kof"].engine
    plan_id = store_plan(engine, scenario, checked)
    client = _client(app)

    first = pick_step(client, plan_id, "2026-01-14 00:45")
    malformed = pick_step(client, plan_id, "2026-13-40 25:00")
    outside = pick_step(client, plan_id, "2026-01-15 12:00")
    worst = pick_step(client, plan_id, "2026-01-15 12:00", worst=True)

    assert "CIGRE MV network at 2026-01-14 00:00" in first
    assert "(worst step)" not in first
    assert "is not a time: give it as YYYY-MM-DD HH:MM" in malformed
    assert "ops-no-data" in malformed
    assert "Traceback" not in malformed
    assert "outside the plan" in outside
    assert "(worst step)" in worst
    assert json.loads(worst)["response"]["ops-net-hour"]["value"].startswith("2026-01-14 0")


def test_without_network_check_or_actuals_the_view_says_so(app: Flask, scenario: Scenario) -> None:
    engine = app.extensions["kof"].engine
    plan_id = store_plan(engine, scenario, plan_scenario(scenario))

    text = show(_client(app), "cluster")

    assert f"Plan {plan_id} was stored without a network check" in text
    assert "No measured data for this plan" in text
    assert '"id":"ops-net-diagram"' not in text
    assert '"id":"ops-dispatch-el"' in text  # the plan itself is still shown


def test_replan_with_network_check_stores_the_check(app: Flask) -> None:
    client = _client(app)
    body = {
        "output": "..ops-replan-job.data...ops-replan-poll.disabled...ops-replan-status.children"
        "...ops-replan-done.data..",
        "outputs": [
            {"id": "ops-replan-job", "property": "data"},
            {"id": "ops-replan-poll", "property": "disabled"},
            {"id": "ops-replan-status", "property": "children"},
            {"id": "ops-replan-done", "property": "data"},
        ],
        "inputs": [
            {"id": "ops-replan", "property": "n_clicks", "value": 1},
            {"id": "ops-replan-poll", "property": "n_intervals", "value": 0},
        ],
        "changedPropIds": ["ops-replan.n_clicks"],
        "state": [
            {"id": "ops-replan-job", "property": "data", "value": None},
            {"id": "ops-replan-network", "property": "value", "value": ["network"]},
        ],
    }
    job_id = json.loads(_post(client, body))["response"]["ops-replan-job"]["data"]
    runner = app.extensions["kof_ops_jobs"]
    for _ in range(600):  # the job runs in a thread: wait until it has finished
        job = runner.get(job_id)
        if job.finished:
            break
        time.sleep(0.1)

    assert job.error is None
    engine = app.extensions["kof"].engine
    assert dashboard_service.network_view(engine, int(job.result)) is not None
    # the next poll reports the new plan and stops polling; then the plan is drawn once
    body["inputs"][1]["value"] = 1  # type: ignore[index]
    body["changedPropIds"] = ["ops-replan-poll.n_intervals"]
    body["state"][0]["value"] = job_id  # type: ignore[index]
    polled = json.loads(_post(client, body))["response"]
    assert polled["ops-replan-poll"]["disabled"] is True
    done = polled["ops-replan-done"]["data"]
    assert done["plan_id"] == job.result
    drawn = json.loads(
        _post(
            client,
            {
                # Dash names a callback with a duplicate output by a hash of its inputs
                "output": create_callback_id(
                    [
                        Output("ops-cluster-body", "children"),
                        Output("ops-replan-status", "children", allow_duplicate=True),
                    ],
                    [Input("ops-replan-done", "data")],
                ),
                "outputs": [
                    {"id": "ops-cluster-body", "property": "children"},
                    {"id": "ops-replan-status", "property": "children"},
                ],
                "inputs": [{"id": "ops-replan-done", "property": "data", "value": done}],
                "changedPropIds": ["ops-replan-done.data"],
                "state": [],
            },
        )
    )["response"]
    assert drawn["ops-replan-status"]["children"].startswith(f"New plan {job.result} stored")
    assert '"id": "ops-net-diagram"' in json.dumps(drawn["ops-cluster-body"])
