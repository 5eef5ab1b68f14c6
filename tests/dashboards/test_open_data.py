"""Open data: public, anonymised (never a group under 10 premises), JSON and CSV, ISO 37120."""

from __future__ import annotations

import csv
import io

import pytest
from flask import Flask
from sqlalchemy import Engine

from core.region import query as region


def test_consumption_json_is_public_and_has_no_small_group(app: Flask, engine: Engine) -> None:
    response = app.test_client().get("/api/v1/open-data/consumption")
    assert response.status_code == 200
    body = response.get_json()
    assert body["min_group_premises"] == 10
    assert body["rows"], "the reference region has a district of 10+ premises"
    assert all(row["n_premises"] >= 10 for row in body["rows"])
    # the 60-premise region has many small districts: they are suppressed, not shown
    assert body["suppressed_groups"] > 0
    shown = {r["district"] for r in body["rows"]}
    _, suppressed = region.monthly_by_district(engine)
    assert suppressed == body["suppressed_groups"]
    assert "Czarnów" not in shown  # 4 premises in the fixture region
    for row in body["rows"]:
        assert abs(row["per_premise"] * row["n_premises"] - row["total"]) < 0.1 * row["n_premises"]
        assert row["total"] >= 0


def test_consumption_csv_matches_json(app: Flask) -> None:
    client = app.test_client()
    rows = client.get("/api/v1/open-data/consumption").get_json()["rows"]
    response = client.get("/api/v1/open-data/consumption?format=csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    parsed = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(parsed) == len(rows)
    assert all(int(r["n_premises"]) >= 10 for r in parsed)
    assert list(parsed[0]) == region.OPEN_DATA_COLUMNS


def test_bad_format_is_a_clear_400(app: Flask) -> None:
    response = app.test_client().get("/api/v1/open-data/consumption?format=xml")
    assert response.status_code == 400
    assert "json or csv" in response.get_json()["error"]["message"]


def test_a_higher_threshold_suppresses_more_and_a_lower_one_is_refused(engine: Engine) -> None:
    base, n_base = region.monthly_by_district(engine)
    strict, n_strict = region.monthly_by_district(engine, min_premises=11)
    assert len(strict) <= len(base)
    assert n_strict >= n_base
    with pytest.raises(ValueError, match="at least 10"):
        region.monthly_by_district(engine, min_premises=3)


def test_indicators_have_definitions_and_say_not_available(app: Flask) -> None:
    body = app.test_client().get("/api/v1/open-data/indicators").get_json()
    by_code = {i["code"]: i for i in body["indicators"]}
    assert {"7.1", "21.5", "7.4", "16.1", "16.2"} <= set(by_code)
    assert all(i["definition"] for i in body["indicators"])
    assert by_code["7.1"]["unit"] == "kWh/year"
    assert by_code["7.1"]["value"] > 0
    assert by_code["21.5"]["unit"] == "litres/day"
    assert 30 < by_code["21.5"]["value"] < 300  # plausible litres per person and day
    assert by_code["16.1"]["value"] is None
    assert "not available" in by_code["16.1"]["note"]
    assert by_code["7.4"]["value"] is None  # no cluster plan stored in the fixture region


def test_page_and_openapi(app: Flask) -> None:
    client = app.test_client()
    page = client.get("/open-data", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="open-data-table"' in html
    assert "ISO 37120" in html
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/open-data/consumption" in paths
    assert "/open-data/indicators" in paths
    assert paths["/open-data/consumption"]["get"]["security"] == []
