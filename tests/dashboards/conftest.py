"""The portal on a copy of the reference region; helpers to log in through the forms."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, text

from core.accounts import ConsentKind, Role, UserView, privacy
from core.accounts import service as accounts
from dashboards import create_app
from dashboards.extensions import limiter
from tests.core.residents.regionkit import build_region_db, settings_on_copy

PASSWORD = "Zielone jabłko 2026"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="session")
def portal_region_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_region_db(tmp_path_factory.mktemp("portal_region"))


def make_app(db: Path, folder: Path, **overrides: Any) -> Flask:
    app = create_app(settings_on_copy(db, folder, **overrides))
    app.config["TESTING"] = True
    limiter.reset()
    return app


@pytest.fixture
def app(portal_region_db: Path, tmp_path: Path) -> Iterator[Flask]:
    application = make_app(portal_region_db, tmp_path, login_max_failures=3)
    yield application
    application.extensions["kof"].engine.dispose()


@pytest.fixture
def engine(app: Flask) -> Engine:
    return app.extensions["kof"].engine


def households(engine: Engine) -> list[tuple[int, int]]:
    """(premise id, building id) of the households, largest building first."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT p.id, p.building_id FROM premises p WHERE p.premise_kind = 'residential' "
                "ORDER BY (SELECT count(*) FROM premises q WHERE q.building_id = p.building_id) "
                "DESC, p.id"
            )
        ).all()
    return [(int(p), int(b)) for p, b in rows]


def meters_of(engine: Engine, premise_id: int) -> list[int]:
    with engine.connect() as conn:
        return list(
            conn.execute(
                text("SELECT id FROM meters WHERE premise_id = :p ORDER BY id"), {"p": premise_id}
            ).scalars()
        )


def resident(engine: Engine, premise_id: int, email: str | None = None) -> UserView:
    user = accounts.create_user(
        engine,
        email=email or f"resident{premise_id}@example.pl",
        password=PASSWORD,
        role=Role.RESIDENT,
        premise_id=premise_id,
    )
    privacy.set_consent(engine, user.id, ConsentKind.COMPARISONS, True)
    return user


def csrf_of(client: FlaskClient, url: str) -> str:
    page = client.get(url)
    found = _CSRF.search(page.get_data(as_text=True))
    assert found, f"no CSRF token on {url}"
    return found.group(1)


def login(client: FlaskClient, email: str, password: str = PASSWORD) -> Any:
    token = csrf_of(client, "/login")
    return client.post("/login", data={"csrf_token": token, "email": email, "password": password})
