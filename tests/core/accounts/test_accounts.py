"""Accounts: registration bound to a premise, activation, login limits, reset, sessions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from core.accounts import (
    AccountNotActiveError,
    AccountStatus,
    ActivationError,
    InvalidCredentialsError,
    LoginPolicy,
    LoginThrottledError,
    PasswordPolicyError,
    Registration,
    RegistrationError,
    ResetRequest,
    ResetTokenError,
    Role,
    SessionInvalidError,
)
from core.accounts import service as acc
from core.accounts.exceptions import EmailFormatError
from tests.core.accounts.conftest import NOW, household, shop

PASSWORD = "Zielone jabłko 2026"


def _register(engine: Engine, index: int = 0, email: str = "anna@example.pl") -> Registration:
    _, customer, meter = household(engine, index)
    sent: list[Registration] = []
    acc.register(
        engine,
        email=email,
        password=PASSWORD,
        customer_number=customer,
        meter_serial=meter,
        deliver=sent.append,
        now=NOW,
    )
    return sent[0]


def _active(engine: Engine, index: int = 0, email: str = "anna@example.pl") -> int:
    reg = _register(engine, index, email)
    acc.activate(engine, email=email, code=reg.activation_code, now=NOW)
    return reg.user_id


def test_registration_binds_the_account_to_the_customers_premise(region_engine: Engine) -> None:
    premise_id, _, _ = household(region_engine)
    reg = _register(region_engine)
    assert reg.premise_id == premise_id
    assert len(reg.activation_code) == 8
    assert reg.activation_code.isdigit()
    user = acc.get_user(region_engine, reg.user_id)
    assert user.status is AccountStatus.PENDING
    assert user.role is Role.RESIDENT
    with pytest.raises(AccountNotActiveError) as info:
        acc.authenticate(region_engine, email="anna@example.pl", password=PASSWORD, client="t")
    assert info.value.reason == "pending"


def test_wrong_numbers_get_one_answer_whichever_is_wrong(region_engine: Engine) -> None:
    _, customer, meter = household(region_engine, 0)
    _, other_customer, other_meter = household(region_engine, 1)
    shop_customer, shop_meter = shop(region_engine)
    for c, m in [
        (customer, other_meter),  # someone else's meter
        (other_customer, meter),
        ("KOF-999999", meter),
        (shop_customer, shop_meter),  # not a household
    ]:
        with pytest.raises(RegistrationError) as info:
            acc.register(
                region_engine,
                email="x@example.pl",
                password=PASSWORD,
                customer_number=c,
                meter_serial=m,
                deliver=lambda r: None,
            )
        assert info.value.reason == "binding"
        assert c not in str(info.value)
        assert m not in str(info.value)


def test_bad_email_and_weak_passwords_are_refused(region_engine: Engine) -> None:
    _, customer, meter = household(region_engine)
    with pytest.raises(EmailFormatError):
        acc.register(
            region_engine,
            email="not-an-address",
            password=PASSWORD,
            customer_number=customer,
            meter_serial=meter,
        )
    for weak, reason in [
        ("short1!", "too_short"),
        ("qwerty123456", "too_common"),
        ("annanowak-2026-x", "contains_email"),
    ]:
        with pytest.raises(PasswordPolicyError) as info:
            acc.register(
                region_engine,
                email="annanowak@example.pl",
                password=weak,
                customer_number=customer,
                meter_serial=meter,
            )
        assert info.value.reason == reason


def test_one_live_account_per_household_and_per_address(region_engine: Engine) -> None:
    _active(region_engine, 0)
    with pytest.raises(RegistrationError) as info:
        _register(region_engine, 0, email="other@example.pl")
    assert info.value.reason == "premise_taken"
    with pytest.raises(RegistrationError) as info:
        _register(region_engine, 1, email="Anna@Example.pl")
    assert info.value.reason == "email_taken"


def test_registering_again_while_pending_replaces_the_code(region_engine: Engine) -> None:
    first = _register(region_engine)
    second = _register(region_engine)
    with pytest.raises(ActivationError):
        acc.activate(region_engine, email="anna@example.pl", code=first.activation_code, now=NOW)
    user = acc.activate(
        region_engine, email="anna@example.pl", code=second.activation_code, now=NOW
    )
    assert user.is_active


def test_activation_code_is_single_use_limited_and_expires(region_engine: Engine) -> None:
    reg = _register(region_engine)
    wrong = f"{(int(reg.activation_code) + 1) % 10**8:08d}"
    for _ in range(acc.MAX_ACTIVATION_ATTEMPTS):
        with pytest.raises(ActivationError) as info:
            acc.activate(region_engine, email="anna@example.pl", code=wrong, now=NOW)
        assert info.value.reason == "invalid"
    with pytest.raises(ActivationError) as info:  # even the right code is refused now
        acc.activate(region_engine, email="anna@example.pl", code=reg.activation_code, now=NOW)
    assert info.value.reason == "too_many_attempts"

    reg = _register(region_engine)
    later = NOW + dt.timedelta(hours=73)
    with pytest.raises(ActivationError) as info:
        acc.activate(region_engine, email="anna@example.pl", code=reg.activation_code, now=later)
    assert info.value.reason == "expired"


def test_login_and_session_resolution(region_engine: Engine) -> None:
    user_id = _active(region_engine)
    user = acc.authenticate(region_engine, email=" ANNA@example.pl", password=PASSWORD, client="a")
    assert user.id == user_id
    assert user.is_active
    assert acc.resolve_session(region_engine, user_id, user.session_version).id == user_id
    with pytest.raises(SessionInvalidError):
        acc.resolve_session(region_engine, user_id, user.session_version + 1)
    with pytest.raises(InvalidCredentialsError):
        acc.authenticate(
            region_engine, email="anna@example.pl", password="wrong " + PASSWORD, client="a"
        )
    with pytest.raises(InvalidCredentialsError):
        acc.authenticate(region_engine, email="nobody@example.pl", password=PASSWORD, client="a")


def test_failed_logins_throttle_the_account_then_the_window_passes(region_engine: Engine) -> None:
    _active(region_engine)
    policy = LoginPolicy(
        max_failures=3, max_failures_per_client=100, window=dt.timedelta(minutes=15)
    )
    for minute in range(3):
        with pytest.raises(InvalidCredentialsError):
            acc.authenticate(
                region_engine,
                email="anna@example.pl",
                password="bad password 1",
                client=f"10.0.0.{minute}",
                policy=policy,
                now=NOW + dt.timedelta(minutes=minute),
            )
    with pytest.raises(LoginThrottledError) as info:  # the right password does not get through
        acc.authenticate(
            region_engine,
            email="anna@example.pl",
            password=PASSWORD,
            client="10.0.0.9",
            policy=policy,
            now=NOW + dt.timedelta(minutes=3),
        )
    assert info.value.scope == "account"
    assert info.value.retry_after_s == 12 * 60 + 1  # until the first failure leaves the window
    user = acc.authenticate(
        region_engine,
        email="anna@example.pl",
        password=PASSWORD,
        client="10.0.0.9",
        policy=policy,
        now=NOW + dt.timedelta(minutes=16),
    )
    assert user.is_active


def test_one_client_guessing_many_accounts_is_throttled(region_engine: Engine) -> None:
    policy = LoginPolicy(max_failures=100, max_failures_per_client=4)
    for i in range(4):
        with pytest.raises(InvalidCredentialsError):
            acc.authenticate(
                region_engine,
                email=f"guess{i}@example.pl",
                password=PASSWORD,
                client="203.0.113.7",
                policy=policy,
                now=NOW,
            )
    with pytest.raises(LoginThrottledError) as info:
        acc.authenticate(
            region_engine,
            email="guess9@example.pl",
            password=PASSWORD,
            client="203.0.113.7",
            policy=policy,
            now=NOW,
        )
    assert info.value.scope == "client"


def test_password_reset_is_single_use_and_ends_sessions(region_engine: Engine) -> None:
    user_id = _active(region_engine)
    old = acc.authenticate(region_engine, email="anna@example.pl", password=PASSWORD, client="a")
    sent: list[ResetRequest] = []
    acc.request_password_reset(region_engine, email="anna@example.pl", deliver=sent.append, now=NOW)
    acc.request_password_reset(region_engine, email="nobody@example.pl", deliver=sent.append)
    assert len(sent) == 1  # unknown addresses get nothing, and the caller says the same
    new_password = "Nowe hasło na wiosnę 2026"
    acc.reset_password(region_engine, token=sent[0].token, new_password=new_password, now=NOW)
    with pytest.raises(SessionInvalidError):
        acc.resolve_session(region_engine, user_id, old.session_version)
    with pytest.raises(ResetTokenError) as info:
        acc.reset_password(region_engine, token=sent[0].token, new_password=new_password, now=NOW)
    assert info.value.reason == "invalid"
    assert (
        acc.authenticate(
            region_engine, email="anna@example.pl", password=new_password, client="b"
        ).id
        == user_id
    )

    acc.request_password_reset(region_engine, email="anna@example.pl", deliver=sent.append, now=NOW)
    with pytest.raises(ResetTokenError) as info:
        acc.reset_password(
            region_engine,
            token=sent[1].token,
            new_password=PASSWORD,
            now=NOW + dt.timedelta(hours=2),
        )
    assert info.value.reason == "expired"


def test_secrets_are_never_stored_in_clear(region_engine: Engine) -> None:
    reg = _register(region_engine)
    acc.activate(region_engine, email="anna@example.pl", code=reg.activation_code, now=NOW)
    sent: list[ResetRequest] = []
    acc.request_password_reset(region_engine, email="anna@example.pl", deliver=sent.append)
    with region_engine.connect() as conn:
        stored = conn.execute(text("SELECT password_hash FROM users")).scalar_one()
    assert stored.startswith("$argon2id$")
    region_engine.dispose()
    db = Path(region_engine.url.database)
    raw = b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))  # with -wal, -shm
    for secret in (PASSWORD, reg.activation_code, sent[0].token):
        assert secret.encode("utf-8") not in raw


def test_staff_accounts_need_their_scope(region_engine: Engine) -> None:
    from core.exceptions import InputError

    op = acc.create_user(
        region_engine, email="op@mcuk.kielce.pl", password=PASSWORD, role=Role.OPERATOR
    )
    assert op.is_active
    assert op.premise_id is None
    with pytest.raises(InputError, match="premise"):
        acc.create_user(region_engine, email="r@example.pl", password=PASSWORD, role=Role.RESIDENT)
    with pytest.raises(InputError, match="building"):
        acc.create_user(
            region_engine, email="bm@example.pl", password=PASSWORD, role=Role.BUILDING_MANAGER
        )
