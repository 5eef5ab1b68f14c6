"""Consents, the account's own data and deletion (RODO)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text

from core.accounts import AccountStatus, ConsentKind, InvalidCredentialsError, Registration, privacy
from core.accounts import service as acc
from tests.core.accounts.conftest import NOW, household

PASSWORD = "Zielone jabłko 2026"


def _active(engine: Engine, index: int, email: str, consent: bool) -> int:
    _, customer, meter = household(engine, index)
    sent: list[Registration] = []
    acc.register(
        engine,
        email=email,
        password=PASSWORD,
        customer_number=customer,
        meter_serial=meter,
        consent_comparisons=consent,
        deliver=sent.append,
        now=NOW,
    )
    acc.activate(engine, email=email, code=sent[0].activation_code, now=NOW)
    return sent[0].user_id


def test_consent_history_is_kept_and_the_latest_decides(region_engine: Engine) -> None:
    user_id = _active(region_engine, 0, "a@example.pl", consent=False)
    premise_id = acc.get_user(region_engine, user_id).premise_id
    assert privacy.consents(region_engine, user_id)[ConsentKind.COMPARISONS].granted is False
    assert premise_id in privacy.premises_without_comparison_consent(region_engine)
    privacy.set_consent(region_engine, user_id, ConsentKind.COMPARISONS, True)
    assert premise_id not in privacy.premises_without_comparison_consent(region_engine)
    data = privacy.account_data(region_engine, user_id)
    assert [c["granted"] for c in data["consents"]] == [False, True]
    assert data["account"]["email"] == "a@example.pl"
    assert "hash" not in str(data["account"]["password"]).split(";")[1]


def test_deletion_removes_personal_data_and_keeps_an_anonymous_tombstone(
    region_engine: Engine,
) -> None:
    user_id = _active(region_engine, 0, "a@example.pl", consent=True)
    with pytest.raises(InvalidCredentialsError):
        privacy.delete_account(region_engine, user_id, "wrong password here")
    assert acc.get_user(region_engine, user_id).is_active  # nothing changed

    receipt = privacy.delete_account(region_engine, user_id, PASSWORD)
    assert "email" in receipt.removed
    assert "meter_readings_contract" in receipt.kept
    with region_engine.connect() as conn:
        row = conn.execute(
            text("SELECT email, password_hash, premise_id, status FROM users WHERE id = :i"),
            {"i": user_id},
        ).one()
        readings = conn.execute(text("SELECT count(*) FROM readings")).scalar_one()
        events = conn.execute(
            text("SELECT count(*) FROM account_events WHERE user_id = :i"), {"i": user_id}
        ).scalar_one()
        attempts = conn.execute(text("SELECT count(*) FROM account_login_attempts")).scalar_one()
    assert row == (None, None, None, AccountStatus.DELETED.value)
    assert readings > 0
    assert events >= 3
    assert attempts == 0
    with pytest.raises(InvalidCredentialsError):
        acc.authenticate(region_engine, email="a@example.pl", password=PASSWORD, client="x")
    # the household can register again, with the same address
    assert _active(region_engine, 0, "a@example.pl", consent=False) != user_id


def test_prune_drops_old_login_attempts(region_engine: Engine) -> None:
    import datetime as dt

    with pytest.raises(InvalidCredentialsError):
        acc.authenticate(
            region_engine, email="z@example.pl", password=PASSWORD, client="c", now=NOW
        )
    assert privacy.prune_security_records(region_engine, now=NOW + dt.timedelta(hours=1)) == 0
    assert privacy.prune_security_records(region_engine, now=NOW + dt.timedelta(days=2)) == 1
