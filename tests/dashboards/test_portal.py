"""The portal's pages and API on the reference region, through the Flask test client."""

from __future__ import annotations

import json
import logging
import re

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from flask import Flask
from sqlalchemy import Engine, text

from core.accounts import Role
from core.accounts import service as accounts
from dashboards import i18n
from dashboards.dash_registry import DashAppSpec
from tests.dashboards.conftest import (
    PASSWORD,
    csrf_of,
    households,
    login,
    meters_of,
    resident,
)


def _numbers(engine: Engine, premise: int) -> tuple[str, str]:
    with engine.connect() as conn:
        return tuple(
            conn.execute(
                text(
                    "SELECT c.customer_number, m.serial_number FROM premises p "
                    "JOIN customers c ON c.id = p.customer_id JOIN meters m ON m.premise_id = p.id "
                    "WHERE p.id = :p ORDER BY m.id LIMIT 1"
                ),
                {"p": premise},
            ).one()
        )


def test_register_activate_log_in_and_see_the_household_in_polish(
    app: Flask, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    premise, _ = households(engine)[0]
    customer, meter = _numbers(engine, premise)
    client = app.test_client()
    form = {
        "csrf_token": csrf_of(client, "/register"),
        "email": "ewa@example.pl",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        "customer_number": customer,
        "meter_serial": "KOF-E-9999999",
    }
    wrong = client.post("/register", data=form)
    assert wrong.status_code == 400
    assert "nie pasują" in wrong.get_data(as_text=True)  # Polish by default
    with caplog.at_level(logging.WARNING, logger="core.accounts.service"):
        done = client.post(
            "/register", data={**form, "meter_serial": meter, "consent_comparisons": "true"}
        )
    assert done.status_code == 302
    assert done.headers["Location"].startswith("/activate")
    code = re.search(r"\): (\d{8}) \(valid", caplog.text)[1]
    pending = login(client, "ewa@example.pl")
    assert pending.status_code == 403
    assert "kod aktywacyjny" in pending.get_data(as_text=True)
    token = csrf_of(client, "/activate")
    assert (
        client.post(
            "/activate", data={"csrf_token": token, "email": "ewa@example.pl", "code": "00000000"}
        ).status_code
        == 400
    )
    assert (
        client.post(
            "/activate", data={"csrf_token": token, "email": "ewa@example.pl", "code": code}
        ).status_code
        == 302
    )
    assert login(client, "ewa@example.pl").status_code == 302
    home = client.get("/").get_data(as_text=True)
    assert "Twoje liczniki" in home
    assert meter in home
    for url in (
        "/comparison",
        "/tips",
        "/notices",
        "/education",
        "/account",
        f"/consumption/{meters_of(engine, premise)[0]}?period=week",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'lang="pl"' in response.get_data(as_text=True)
    tips = client.get("/tips").get_data(as_text=True)
    assert "Szacowana oszczędność" in tips
    assert "odbiorze odpadów" in tips


def test_consumption_page_has_chart_data_summary_and_table(app: Flask, engine: Engine) -> None:
    premise, _ = households(engine)[0]
    me = resident(engine, premise)
    client = app.test_client()
    login(client, me.email)
    meter = meters_of(engine, premise)[0]
    page = client.get(f"/consumption/{meter}?period=day&date=2026-01-14").get_data(as_text=True)
    spec = re.search(
        r'<script type="application/json" id="consumption-figure">(.*?)</script>', page, re.S
    )[1]
    figure = json.loads(spec)
    assert len(figure["data"][0]["y"]) == 96
    assert page.count('<th scope="row">') == 96
    assert "Razem" in page
    assert 'role="img"' in page
    api = client.get(f"/api/v1/meters/{meter}/consumption?period=day&date=2026-01-14").get_json()
    assert len(api["points"]) == 96
    assert api["totals"]["value"] == pytest.approx(sum(figure["data"][0]["y"]), abs=1e-2)


def test_english_is_one_click_away_and_every_text_has_polish(app: Flask, engine: Engine) -> None:
    client = app.test_client()
    token = csrf_of(client, "/login")
    switched = client.post("/lang", data={"csrf_token": token, "lang": "en", "next": "/login"})
    assert switched.headers["Location"] == "/login"
    page = client.get("/login").get_data(as_text=True)
    assert 'lang="en"' in page
    assert "Forgot your password?" in page
    assert client.get("/education/woda").get_data(as_text=True).count("Saving water") >= 1

    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    ids = {
        m[2] if isinstance(m[2], str) else m[2][0]
        for m in extract_from_dir(i18n.SOURCE_DIR.parent, method_map)
    }
    with (i18n.SOURCE_DIR / "pl/LC_MESSAGES/messages.po").open("rb") as fh:
        catalog = read_po(fh)
    untranslated = sorted(i for i in ids if not (catalog.get(i) and catalog.get(i).string))
    assert untranslated == []


def test_download_all_my_data_and_delete_the_account(app: Flask, engine: Engine) -> None:
    premise, _ = households(engine)[0]
    me = resident(engine, premise)
    client = app.test_client()
    login(client, me.email)
    for fmt, mimetype in (
        ("csv", "text/csv"),
        ("json", "application/json"),
        ("xml", "application/xml"),
    ):
        response = client.get(f"/account/export.{fmt}")
        assert response.status_code == 200
        assert response.mimetype == mimetype
        assert "attachment" in response.headers["Content-Disposition"]
        assert response.headers["Cache-Control"] == "no-store"
    document = client.get("/account/export.json").get_json()
    assert document["account"]["email"] == me.email
    assert document["meters"][0]["readings"]

    token = csrf_of(client, "/account")
    assert (
        client.post(
            "/account/delete",
            data={"csrf_token": token, "password": "wrong one!", "confirm": "true"},
        ).status_code
        == 400
    )
    done = client.post(
        "/account/delete", data={"csrf_token": token, "password": PASSWORD, "confirm": "true"}
    )
    assert done.status_code == 302
    assert client.get("/account").status_code == 302  # logged out
    assert login(client, me.email).status_code == 401
    with engine.connect() as conn:
        assert (
            conn.execute(
                text("SELECT count(*) FROM users WHERE email = :e"), {"e": me.email}
            ).scalar_one()
            == 0
        )


def test_operators_edit_education_pages(app: Flask, engine: Engine) -> None:
    op = accounts.create_user(
        engine, email="op@mcuk.kielce.pl", password=PASSWORD, role=Role.OPERATOR
    )
    client = app.test_client()
    login(client, op.email)
    token = csrf_of(client, "/operator/education/woda/pl")
    saved = client.post(
        "/operator/education/woda/pl",
        data={
            "csrf_token": token,
            "title": "Woda w Kielcach",
            "body": "Pierwszy akapit.\n\nDrugi <b>akapit</b>.",
        },
    )
    assert saved.status_code == 302
    page = client.get("/education/woda").get_data(as_text=True)
    assert "Woda w Kielcach" in page
    assert "&lt;b&gt;akapit&lt;/b&gt;" in page
    assert client.get("/operator/education/nope/pl").status_code == 404


def test_dash_apps_are_mounted_behind_their_roles(portal_region_db, tmp_path) -> None:
    import dash
    from dash import html

    def build(server: Flask, prefix: str) -> dash.Dash:
        app = dash.Dash(__name__, server=server, url_base_pathname=prefix)
        app.layout = html.Div("ops view", id="ops")
        return app

    spec = DashAppSpec("ops", "/ops/", frozenset({Role.OPERATOR}), build, "MCUK")
    from dashboards import create_app
    from tests.core.residents.regionkit import settings_on_copy

    app = create_app(settings_on_copy(portal_region_db, tmp_path), dash_apps=[spec])
    engine = app.extensions["kof"].engine
    me = resident(engine, households(engine)[0][0])
    op = accounts.create_user(
        engine, email="op@mcuk.kielce.pl", password=PASSWORD, role=Role.OPERATOR
    )
    anonymous = app.test_client()
    assert anonymous.get("/ops/").status_code == 302
    assert anonymous.post("/ops/_dash-update-component", json={}).status_code == 401
    client = app.test_client()
    login(client, me.email)
    assert client.get("/ops/").status_code == 403
    assert client.get("/ops/_dash-layout").status_code == 403
    staff = app.test_client()
    login(staff, op.email)
    assert staff.get("/ops/").status_code == 200
    assert "ops view" in staff.get("/ops/_dash-layout").get_data(as_text=True)
    assert 'href="/ops/"' in staff.get("/").get_data(as_text=True)  # in the navigation
