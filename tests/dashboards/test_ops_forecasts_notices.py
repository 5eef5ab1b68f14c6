"""The Forecasts and Outage notices views of /ops: services, callbacks and roles (no browser)."""

from __future__ import annotations

import pandas as pd
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine

from core.accounts import Role
from core.notices import service as notices
from dashboards.ops import notices as notices_view
from forecasting import service as forecasting
from forecasting.catalogue import build_catalogue
from forecasting.model import quantile_column
from forecasting.store_io import load_meters, read_meter_matrix, total_of
from forecasting.store_write import start_run, upsert_series, write_series_result
from tests.dashboards.conftest import households, login, resident
from tests.dashboards.test_ops_access import post_callback, staff

ISSUED = pd.Timestamp("2026-02-07T23:00Z")  # local midnight of 8 February, the last day stored
QUANTILES = (0.1, 0.5, 0.9)


def seed_forecast(engine: Engine) -> str:
    """Store a day-ahead forecast of the region's first cluster series and two scored ones."""
    specs = build_catalogue(load_meters(engine))
    spec = next(s for s in specs if s.key.startswith("cluster:"))
    sid = upsert_series(engine, [spec])[spec.key]
    for k, issued in enumerate((ISSUED - pd.Timedelta(days=2), ISSUED - pd.Timedelta(days=1))):
        run = start_run(engine, issued, 86_400, 1, "test")
        accuracy = [
            {
                "issued_at": (issued - pd.Timedelta(days=1)).to_pydatetime(),
                "model": "seasonal_naive",
                "n_points": 96,
                "mae": 1.0 + k / 2,
                "rmse": 12.0,
                "mase": 0.8 + k / 10,
                "smape_percent": 5.0,
                "pinball": 3.0,
                "coverage": 0.8,
                "anomaly_score": 0.1,
                "max_abs_z": 1.5,
            }
        ]
        write_series_result(
            engine, run, sid, issued, _status(), None, "seasonal_naive", QUANTILES, accuracy
        )
    run = start_run(engine, ISSUED, 86_400, 1, "test")
    index = pd.date_range(ISSUED, periods=86_400 // spec.step_s, freq=f"{spec.step_s}s")
    # a seasonal-naive forecast: the day before, as the store holds it
    day_before = ISSUED - pd.Timedelta(days=1)
    values, complete = read_meter_matrix(engine, spec.meter_ids, day_before, ISSUED, spec.step_s)
    base = total_of(values, complete, spec.meter_ids).ffill().fillna(0.0).to_numpy()
    frame = pd.DataFrame(
        {
            "yhat": base,
            quantile_column(0.1): base * 0.9,
            quantile_column(0.5): base,
            quantile_column(0.9): base * 1.1,
        },
        index=index,
    )
    write_series_result(engine, run, sid, ISSUED, _status(), frame, "ensemble", QUANTILES, [])
    return spec.key


def _status() -> dict[str, object]:
    return {
        "status": "ok",
        "model": "ensemble",
        "backtest_mase": 0.9,
        "seasonal_naive_mase": 1.0,
        "message": None,
    }


def show(client: FlaskClient, view: str) -> str:
    body = {
        "output": "ops-content.children",
        "outputs": {"id": "ops-content", "property": "children"},
        "inputs": [{"id": "ops-tabs", "property": "value", "value": view}],
        "changedPropIds": ["ops-tabs.value"],
        "state": [],
    }
    response = post_callback(client, body)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def pick_series(client: FlaskClient, key: object) -> object:
    body = {
        "output": "ops-forecast-body.children",
        "outputs": {"id": "ops-forecast-body", "property": "children"},
        "inputs": [{"id": "ops-forecast-series", "property": "value", "value": key}],
        "changedPropIds": ["ops-forecast-series.value"],
        "state": [],
    }
    return post_callback(client, body)


def publish(client: FlaskClient, **values: object) -> object:
    names = notices_view.FIELDS + notices_view.TIMES
    body = {
        "output": "..ops-notice-status.children...ops-notices-body.children..",
        "outputs": [
            {"id": "ops-notice-status", "property": "children"},
            {"id": "ops-notices-body", "property": "children"},
        ],
        "inputs": [{"id": "ops-notice-publish", "property": "n_clicks", "value": 1}],
        "changedPropIds": ["ops-notice-publish.n_clicks"],
        "state": [
            {"id": f"ops-notice-{n}", "property": "value", "value": values.get(n)} for n in names
        ],
    }
    return post_callback(client, body)


def test_forecast_vs_actuals_reads_forecast_actuals_and_accuracy(engine: Engine) -> None:
    assert forecasting.stored_series(engine) == []
    key = seed_forecast(engine)
    assert [s.key for s in forecasting.stored_series(engine)] == [key]
    view = forecasting.forecast_vs_actuals(engine, key)
    assert view is not None
    assert view.issued_at == ISSUED
    assert view.model == "ensemble"
    assert len(view.forecast) == 86_400 // view.series.step_s
    assert (view.forecast["yhat_lower"] <= view.forecast["yhat_upper"]).all()
    assert view.actuals.notna().sum() > 0  # the store holds readings of 6-8 February
    assert view.actuals.index.min() <= ISSUED - pd.Timedelta(hours=47)
    assert list(view.accuracy["mae"]) == [1.0, 1.5]
    assert forecasting.forecast_vs_actuals(engine, "no:such:series") is None


def test_operator_sees_forecasts_and_picks_a_series(app: Flask, engine: Engine) -> None:
    client = app.test_client()
    login(client, staff(engine, Role.OPERATOR))
    assert "No forecasts are stored yet" in show(client, "forecasts")
    key = seed_forecast(engine)
    text = show(client, "forecasts")
    assert "ops-forecast-accuracy" in text
    assert "forecast (median)" in text
    picked = pick_series(client, key)
    assert picked.status_code == 200
    assert "ops-forecast" in picked.get_data(as_text=True)
    for bad in ("no:such", None, 42):
        response = pick_series(client, bad)
        assert response.status_code == 200
        assert "ops-no-data" in response.get_data(as_text=True)


def test_operator_publishes_a_notice_that_residents_see(app: Flask, engine: Engine) -> None:
    client = app.test_client()
    login(client, staff(engine, Role.OPERATOR))
    assert notices_view.NO_NOTICES in show(client, "notices")
    premise = households(engine)[0][0]
    response = publish(
        client,
        kind="planned",
        medium="water",
        scope="region",
        title="Water off in the centre",
        body="Pipe works on Sienkiewicza street.",
        starts_at="2099-02-10 08:00",
        ends_at="2099-02-10 14:00",
    )
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "published" in text
    assert "Water off in the centre" in text
    seen = notices.notices_for_premise(engine, premise)
    assert [n.title for n in seen] == ["Water off in the centre"]
    assert seen[0].starts_at.utcoffset() is not None


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"scope": "district"}, "a district notice needs district_id"),
        ({"scope": "district", "district_id": 999_999}, "no such district or building"),
        ({"starts_at": "tomorrow"}, "starts_at"),
        ({"starts_at": None}, "starts_at"),
        ({"title": "x"}, "title"),
        ({"ends_at": "2099-02-10 07:00"}, "ends_at must be after starts_at"),
        ({"kind": "party"}, "kind"),
    ],
)
def test_a_bad_notice_gets_a_clear_message(
    app: Flask, engine: Engine, values: dict[str, object], message: str
) -> None:
    client = app.test_client()
    login(client, staff(engine, Role.OPERATOR))
    good = {
        "kind": "failure",
        "medium": "heat",
        "scope": "region",
        "title": "Heat off",
        "body": "A burst pipe.",
        "starts_at": "2099-02-10 08:00",
    }
    response = publish(client, **{**good, **values})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Check the notice" in text
    assert message in text
    assert "Traceback" not in text
    assert notices.list_notices(engine) == []


def test_a_resident_cannot_reach_the_new_views_or_callbacks(app: Flask, engine: Engine) -> None:
    client = app.test_client()
    login(client, resident(engine, households(engine)[0][0]).email)
    for view in ("forecasts", "notices"):
        body = {
            "output": "ops-content.children",
            "outputs": {"id": "ops-content", "property": "children"},
            "inputs": [{"id": "ops-tabs", "property": "value", "value": view}],
            "changedPropIds": ["ops-tabs.value"],
            "state": [],
        }
        assert post_callback(client, body).status_code == 403
    assert pick_series(client, "cluster:x").status_code == 403
    response = publish(client, kind="planned", medium="water", scope="region", title="Fake")
    assert response.status_code == 403
    assert notices.list_notices(engine) == []
    anonymous = app.test_client()
    assert pick_series(anonymous, "cluster:x").status_code == 401
    assert publish(anonymous, title="Fake").status_code == 401
