"""Security of the portal: ownership, CSRF, rate limits, sessions, headers, roles."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import Engine, text

from core.accounts import Role
from core.accounts import service as accounts
from tests.dashboards.conftest import (
    PASSWORD,
    csrf_of,
    households,
    login,
    make_app,
    meters_of,
    resident,
)


def test_a_resident_gets_404_for_another_residents_meter(app: Flask, engine: Engine) -> None:
    (mine, _), (theirs, _) = households(engine)[0], households(engine)[-1]
    me = resident(engine, mine)
    my_meter, their_meter = meters_of(engine, mine)[0], meters_of(engine, theirs)[0]
    client = app.test_client()
    assert login(client, me.email).status_code == 302
    assert client.get(f"/consumption/{my_meter}").status_code == 200
    assert client.get(f"/api/v1/meters/{my_meter}/consumption").status_code == 200
    page = client.get(f"/consumption/{their_meter}")
    api = client.get(f"/api/v1/meters/{their_meter}/consumption?period=day")
    missing = client.get("/api/v1/meters/999999/consumption")
    assert page.status_code == 404
    assert api.status_code == 404
    assert missing.status_code == 404
    assert api.get_json() == missing.get_json()  # someone else's and absent look the same
    assert "consumption-table" not in page.get_data(as_text=True)  # nothing of theirs shown
    listed = {m["id"] for m in client.get("/api/v1/meters").get_json()["meters"]}
    assert their_meter not in listed
    assert my_meter in listed


def test_anonymous_visitors_are_sent_to_login_and_the_api_says_401(app: Flask) -> None:
    client = app.test_client()
    page = client.get("/consumption/1?period=day")
    assert page.status_code == 302
    assert page.headers["Location"].startswith("/login?next=")
    api = client.get("/api/v1/meters")
    assert api.status_code == 401
    assert api.get_json()["error"]["code"] == "unauthorized"
    assert client.get("/api/v1/health").status_code == 200


def test_forms_without_a_csrf_token_are_refused(app: Flask, engine: Engine) -> None:
    premise, _ = households(engine)[0]
    me = resident(engine, premise)
    client = app.test_client()
    refused = client.post("/login", data={"email": me.email, "password": PASSWORD})
    assert refused.status_code == 400
    assert "uid" not in (client.get_cookie("session").value if client.get_cookie("session") else "")
    assert login(client, me.email).status_code == 302
    before = client.get("/account").get_data(as_text=True)
    assert 'id="f-comparisons" name="comparisons" value="true" checked' in before
    forged = client.post("/account/consent", data={})  # a cross-site form would look like this
    assert forged.status_code == 400
    assert (
        client.post("/account/delete", data={"password": PASSWORD, "confirm": "true"}).status_code
        == 400
    )
    assert accounts.get_user(engine, me.id).is_active
    after = client.get("/account").get_data(as_text=True)
    assert 'name="comparisons" value="true" checked' in after


def test_repeated_wrong_passwords_are_throttled_with_429(app: Flask, engine: Engine) -> None:
    premise, _ = households(engine)[0]
    me = resident(engine, premise)
    client = app.test_client()
    for _ in range(3):  # the app fixture allows 3 failures per account
        assert login(client, me.email, "not the password 1").status_code == 401
    throttled = login(client, me.email)  # even the right password waits now
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) > 0
    assert "min" in throttled.get_data(as_text=True)


def test_the_per_client_limit_of_the_web_layer(app: Flask) -> None:
    client = app.test_client()
    token = csrf_of(client, "/login")
    statuses = [
        client.post("/reset", data={"csrf_token": token, "email": f"x{i}@example.pl"}).status_code
        for i in range(22)
    ]
    assert statuses[:20] == [302] * 20
    assert statuses[-1] == 429


def test_passwords_and_codes_never_reach_the_store_in_clear(
    app: Flask, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    premise, _ = households(engine)[1]
    with engine.connect() as conn:
        customer, meter = conn.execute(
            text(
                "SELECT c.customer_number, m.serial_number FROM premises p "
                "JOIN customers c ON c.id = p.customer_id JOIN meters m ON m.premise_id = p.id "
                "WHERE p.id = :p ORDER BY m.id LIMIT 1"
            ),
            {"p": premise},
        ).one()
    client = app.test_client()
    password = "Moje tajne hasło 12345"
    with caplog.at_level(logging.WARNING, logger="core.accounts.service"):
        response = client.post(
            "/register",
            data={
                "csrf_token": csrf_of(client, "/register"),
                "email": "nowy@example.pl",
                "password": password,
                "password_confirm": password,
                "customer_number": customer,
                "meter_serial": meter,
            },
        )
    assert response.status_code == 302
    code = re.search(r"activation code for account \d+ \(premise \d+\): (\d{8})", caplog.text)[1]
    engine.dispose()
    db = Path(engine.url.database)
    raw = b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))
    assert password.encode() not in raw
    assert code.encode() not in raw
    assert b"$argon2id$" in raw


def test_tampered_or_foreign_session_cookies_are_no_session(
    app: Flask, engine: Engine, portal_region_db: Path, tmp_path: Path
) -> None:
    premise, _ = households(engine)[0]
    me = resident(engine, premise)
    client = app.test_client()
    login(client, me.email)
    assert client.get("/account").status_code == 200
    cookie = client.get_cookie("session").value
    payload, rest = cookie.split(".", 1)
    client.set_cookie(
        "session", payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + "." + rest
    )
    assert client.get("/account").status_code == 302  # bad signature: anonymous
    assert client.get("/api/v1/me").status_code == 401

    (tmp_path / "other").mkdir()
    other = make_app(portal_region_db, tmp_path / "other", secret_key="x" * 40)
    forged = other.test_client()
    with forged.session_transaction() as session:
        session["uid"], session["sv"] = me.id, 0
    app_client = app.test_client()
    app_client.set_cookie("session", forged.get_cookie("session").value)
    assert app_client.get("/api/v1/me").status_code == 401  # signed with another key


def test_a_password_reset_ends_existing_sessions(app: Flask, engine: Engine) -> None:
    premise, _ = households(engine)[0]
    me = resident(engine, premise)
    client = app.test_client()
    login(client, me.email)
    assert client.get("/api/v1/me").status_code == 200
    sent = []
    accounts.request_password_reset(engine, email=me.email, deliver=sent.append)
    accounts.reset_password(engine, token=sent[0].token, new_password="Całkiem nowe hasło 77")
    assert client.get("/api/v1/me").status_code == 401


def test_cookie_flags_and_security_headers(portal_region_db: Path, tmp_path: Path) -> None:
    app = make_app(portal_region_db, tmp_path, session_cookie_secure=True)
    engine = app.extensions["kof"].engine
    me = resident(engine, households(engine)[0][0])
    client = app.test_client()
    response = login(client, me.email)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" in cookie
    page = client.get("/account")
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["X-Content-Type-Options"] == "nosniff"


def test_login_never_redirects_off_site(app: Flask, engine: Engine) -> None:
    me = resident(engine, households(engine)[0][0])
    client = app.test_client()
    token = csrf_of(client, "/login")
    for target in ("//evil.example/x", "https://evil.example/", "javascript:alert(1)"):
        response = client.post(
            "/login",
            data={"csrf_token": token, "email": me.email, "password": PASSWORD, "next": target},
        )
        assert response.headers["Location"] == "/"
        client.post("/logout", data={"csrf_token": csrf_of(client, "/account")})
        token = csrf_of(client, "/login")


def test_roles_guard_the_operator_pages(app: Flask, engine: Engine) -> None:
    premise, building = households(engine)[0]
    me = resident(engine, premise)
    operator = accounts.create_user(
        engine, email="op@mcuk.kielce.pl", password=PASSWORD, role=Role.OPERATOR
    )
    client = app.test_client()
    login(client, me.email)
    assert client.get("/operator/notices").status_code == 403
    staff = app.test_client()
    login(staff, operator.email)
    token = csrf_of(staff, "/operator/notices")
    published = staff.post(
        "/operator/notices",
        data={
            "csrf_token": token,
            "kind": "failure",
            "medium": "water",
            "scope": "building",
            "building_id": str(building),
            "title": "Awaria pionu wodnego",
            "body": "Trwa naprawa.",
            "starts_at": "2026-02-08T08:00",
            "ends_at": "",
        },
    )
    assert published.status_code == 302
    bad = staff.post(
        "/operator/notices",
        data={
            "csrf_token": token,
            "kind": "failure",
            "medium": "water",
            "scope": "building",
            "title": "X",
            "body": "Y",
            "starts_at": "soon",
        },
    )
    assert bad.status_code == 400
    notices = client.get("/api/v1/notices").get_json()["notices"]
    assert [n["title"] for n in notices] == ["Awaria pionu wodnego"]
    assert "Awaria pionu wodnego" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?period=decade", "period"),
        ("?date=31.01.2026", "date"),
        ("?date=1990-01-01", "date"),
        ("?period=day&start=2016-01-01", "start"),
    ],
)
def test_malformed_api_parameters_get_400_with_a_reason(
    app: Flask, engine: Engine, query: str, field: str
) -> None:
    premise, _ = households(engine)[0]
    me = resident(engine, premise)
    client = app.test_client()
    login(client, me.email)
    response = client.get(f"/api/v1/meters/{meters_of(engine, premise)[0]}/consumption{query}")
    assert response.status_code == 400
    body = response.get_json()["error"]
    assert body["code"] == "bad_parameter"
    assert field in body["message"]
    assert "Traceback" not in response.get_data(as_text=True)
