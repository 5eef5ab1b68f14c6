"""Account use cases: register, activate, log in, resolve a session, create accounts.

Password reset lives in ``core.accounts.password_reset`` and is re-exported here.

Every function takes the store's engine and typed values and returns value objects from
``core.accounts.model``; ``now`` can be given for tests (default: the current UTC time).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.orm import Session

from core.accounts import secrets_util as sec
from core.accounts.enums import AccountEventKind, AccountStatus, ConsentKind, Role
from core.accounts.exceptions import (
    AccountNotActiveError,
    ActivationError,
    InvalidCredentialsError,
    LoginThrottledError,
    RegistrationError,
    SessionInvalidError,
)
from core.accounts.model import LoginPolicy, Registration, UserView
from core.accounts.models import (
    AccountEvent,
    ActivationCode,
    Consent,
    LoginAttempt,
    PasswordResetToken,
    User,
)
from core.accounts.password_reset import request_password_reset, reset_password
from core.accounts.rows import LIVE_STATUSES, add_event, live_user_by_email, to_view, utcnow
from core.db.engine import session_factory, session_scope
from core.db.models import Customer, Meter, Premise
from core.enums import PremiseKind
from core.exceptions import InputError

__all__ = [
    "LIVE_STATUSES",
    "activate",
    "add_event",
    "authenticate",
    "create_user",
    "get_user",
    "record_logout",
    "register",
    "request_password_reset",
    "reset_password",
    "resolve_session",
    "set_locale",
    "to_view",
    "utcnow",
]

logger = logging.getLogger(__name__)

MAX_ACTIVATION_ATTEMPTS = 5

CodeDelivery = Callable[[Registration], None]


def log_delivery(registration: Registration) -> None:
    """Demo delivery of the activation code: the log (in production: a letter to the premise)."""
    logger.warning(
        "DEMO activation code for account %d (premise %d): %s (valid until %s)",
        registration.user_id,
        registration.premise_id,
        registration.activation_code,
        registration.expires_at.isoformat(timespec="minutes"),
    )


def _find_premise(session: Session, customer_number: str, meter_serial: str) -> int | None:
    stmt = (
        select(Premise.id)
        .join(Customer, Customer.id == Premise.customer_id)
        .join(Meter, Meter.premise_id == Premise.id)
        .where(
            Customer.customer_number == customer_number.strip(),
            Meter.serial_number == meter_serial.strip(),
            Premise.premise_kind == PremiseKind.RESIDENTIAL,
        )
    )
    return session.scalars(stmt).first()


def _remove_account_rows(session: Session, user_id: int) -> None:
    for model in (ActivationCode, PasswordResetToken, Consent, AccountEvent):
        session.execute(delete(model).where(model.user_id == user_id))
    session.execute(delete(User).where(User.id == user_id))


def register(
    engine: Engine,
    *,
    email: str,
    password: str,
    customer_number: str,
    meter_serial: str,
    consent_comparisons: bool = False,
    code_ttl: dt.timedelta = dt.timedelta(hours=72),
    deliver: CodeDelivery = log_delivery,
    now: dt.datetime | None = None,
) -> Registration:
    """Register a resident bound to the premise of a customer number and one of its meters.

    The account stays PENDING until ``activate`` receives the one-time code, which ``deliver``
    sends to the premise (the log in the demo). Registering again while pending replaces the
    pending account (the new code goes to the same premise).

    Raises:
        EmailFormatError, PasswordPolicyError: bad e-mail or password.
        RegistrationError: ``binding`` (no residential premise of that customer has that meter;
            the same answer whichever number is wrong), ``premise_taken``, ``email_taken``.

    Example:
        >>> register(engine, email="anna@example.pl", password="długie hasło 2026",
        ...          customer_number="KOF-000001", meter_serial="KOF-E-0000001")  # doctest: +SKIP
    """
    now = now or utcnow()
    address = sec.normalise_email(email)
    sec.check_password_policy(password, address)
    password_hash = sec.hash_password(password)
    code = sec.new_activation_code()
    with session_scope(engine) as session:
        premise_id = _find_premise(session, customer_number, meter_serial)
        if premise_id is None:
            raise RegistrationError(
                "the customer number and the meter number do not match a household we supply",
                reason="binding",
            )
        holders = session.scalars(
            select(User).where(User.premise_id == premise_id, User.status.in_(LIVE_STATUSES))
        ).all()
        for holder in holders:
            if holder.status is not AccountStatus.PENDING:
                raise RegistrationError(
                    "this household already has an account; log in or reset the password",
                    reason="premise_taken",
                )
            _remove_account_rows(session, holder.id)
        session.flush()
        if live_user_by_email(session, address) is not None:
            raise RegistrationError(
                "this e-mail address cannot be used for a new account", reason="email_taken"
            )
        user = User(
            email=address,
            password_hash=password_hash,
            role=Role.RESIDENT,
            status=AccountStatus.PENDING,
            premise_id=premise_id,
            locale="pl",
            session_version=0,
            created_at=now,
        )
        session.add(user)
        session.flush()
        expires = now + code_ttl
        session.add(
            ActivationCode(
                user_id=user.id, code_hash=sec.digest(code), expires_at=expires, failed_attempts=0
            )
        )
        session.add(
            Consent(
                user_id=user.id, kind=ConsentKind.COMPARISONS, granted=consent_comparisons, ts=now
            )
        )
        add_event(session, user.id, AccountEventKind.REGISTERED, now)
        registration = Registration(user.id, premise_id, code, expires)
    logger.info("registered account %d for premise %d (pending)", user.id, premise_id)
    deliver(registration)
    return registration


def activate(engine: Engine, *, email: str, code: str, now: dt.datetime | None = None) -> UserView:
    """Activate a pending account with its one-time code.

    Raises:
        ActivationError: ``invalid`` (unknown address, wrong or used code), ``expired``,
            ``too_many_attempts`` (5 wrong codes: register again for a new code).
    """
    now = now or utcnow()
    try:
        address = sec.normalise_email(email)
    except InputError as err:
        raise ActivationError("the activation code is not valid", reason="invalid") from err
    with session_scope(engine) as session:
        user = live_user_by_email(session, address)
        record = None
        if user is not None and user.status is AccountStatus.PENDING:
            record = session.scalars(
                select(ActivationCode)
                .where(ActivationCode.user_id == user.id, ActivationCode.used_at.is_(None))
                .order_by(ActivationCode.id.desc())
            ).first()
        if user is None or record is None:
            sec.same_digest(code, "0" * 64)  # same work whether or not the account exists
            raise ActivationError("the activation code is not valid", reason="invalid")
        if record.failed_attempts >= MAX_ACTIVATION_ATTEMPTS:
            raise ActivationError(
                "too many wrong codes; register again for a new code", reason="too_many_attempts"
            )
        if record.expires_at <= now:
            raise ActivationError(
                "the activation code has expired; register again for a new code", reason="expired"
            )
        if not sec.same_digest(code.strip(), record.code_hash):
            record.failed_attempts += 1
            session.flush()
            # Commit the failed attempt, then refuse (the counter must survive the error).
            failure = ActivationError("the activation code is not valid", reason="invalid")
        else:
            failure = None
            record.used_at = now
            user.status = AccountStatus.ACTIVE
            user.activated_at = now
            add_event(session, user.id, AccountEventKind.ACTIVATED, now)
        view = to_view(user)
    if failure is not None:
        raise failure
    logger.info("activated account %d", view.id)
    return view


def _throttle(
    session: Session, key: str, client: str, policy: LoginPolicy, now: dt.datetime
) -> None:
    since = now - policy.window
    for column, value, limit, scope in (
        (LoginAttempt.login_key, key, policy.max_failures, "account"),
        (LoginAttempt.client, client, policy.max_failures_per_client, "client"),
    ):
        count, oldest = session.execute(
            select(func.count(), func.min(LoginAttempt.ts)).where(
                column == value, LoginAttempt.ts > since, LoginAttempt.success.is_(False)
            )
        ).one()
        if count >= limit:
            oldest_ts = (
                oldest
                if isinstance(oldest, dt.datetime)
                else dt.datetime.fromtimestamp(int(oldest), dt.UTC)
            )
            retry = (oldest_ts + policy.window - now).total_seconds()
            logger.warning("login throttled (%s): %d failures in the window", scope, count)
            raise LoginThrottledError(int(retry) + 1, scope=scope)


def authenticate(
    engine: Engine,
    *,
    email: str,
    password: str,
    client: str,
    policy: LoginPolicy | None = None,
    now: dt.datetime | None = None,
) -> UserView:
    """Check an e-mail and password; every attempt is recorded for rate limiting.

    Raises:
        LoginThrottledError: too many failures for this account or from this client in the window
            (checked before the password, so guessing stops).
        InvalidCredentialsError: unknown address or wrong password (which one is not said).
        AccountNotActiveError: right password, account ``pending`` or ``disabled``.
    """
    policy = policy or LoginPolicy()
    now = now or utcnow()
    key = sec.login_key(email)
    client = (client or "unknown")[:64]
    with session_factory(engine)() as session:
        _throttle(session, key, client, policy, now)
        try:
            address = sec.normalise_email(email)
            user = live_user_by_email(session, address)
        except InputError:
            user = None
        ok = sec.verify_password(user.password_hash if user else None, password)
    with session_scope(engine) as session:
        session.add(LoginAttempt(ts=now, login_key=key, client=client, success=ok))
        if not ok or user is None:
            failure: Exception = InvalidCredentialsError()
        elif user.status is not AccountStatus.ACTIVE:
            failure = AccountNotActiveError(
                f"the account is {user.status.value}", reason=user.status.value
            )
        else:
            failure = None
            stored = session.get(User, user.id)
            if stored.password_hash and sec.needs_rehash(stored.password_hash):
                stored.password_hash = sec.hash_password(password)
            add_event(session, user.id, AccountEventKind.LOGIN, now)
            view = to_view(stored)
    if failure is not None:
        raise failure
    return view


def resolve_session(engine: Engine, user_id: int, session_version: int) -> UserView:
    """The account behind a session cookie.

    Raises:
        SessionInvalidError: no such account, not active, or a newer session version (password
            changed, account deleted or disabled since the cookie was issued).
    """
    with session_factory(engine)() as session:
        user = session.get(User, int(user_id))
        if (
            user is None
            or user.status is not AccountStatus.ACTIVE
            or user.session_version != int(session_version)
        ):
            raise SessionInvalidError()
        return to_view(user)


def get_user(engine: Engine, user_id: int) -> UserView:
    """One account by id (any status). Raises InputError if there is none."""
    with session_factory(engine)() as session:
        user = session.get(User, int(user_id))
        if user is None:
            raise InputError(f"no account {user_id}", field="user_id", value=user_id)
        return to_view(user)


def record_logout(engine: Engine, user_id: int, now: dt.datetime | None = None) -> None:
    with session_scope(engine) as session:
        add_event(session, user_id, AccountEventKind.LOGOUT, now or utcnow())


def create_user(
    engine: Engine,
    *,
    email: str,
    password: str,
    role: Role,
    premise_id: int | None = None,
    building_id: int | None = None,
    now: dt.datetime | None = None,
) -> UserView:
    """Create an active account directly (administrators, demo accounts, staff).

    Raises:
        InputError: a resident without a premise, a building manager without a building, or an
            address already in use.
    """
    now = now or utcnow()
    address = sec.normalise_email(email)
    sec.check_password_policy(password, address)
    if role is Role.RESIDENT and premise_id is None:
        raise InputError("a resident account needs a premise", field="premise_id")
    if role is Role.BUILDING_MANAGER and building_id is None:
        raise InputError("a building manager account needs a building", field="building_id")
    with session_scope(engine) as session:
        if live_user_by_email(session, address) is not None:
            raise InputError(f"{address} already has an account", field="email", value=address)
        user = User(
            email=address,
            password_hash=sec.hash_password(password),
            role=role,
            status=AccountStatus.ACTIVE,
            premise_id=premise_id,
            building_id=building_id,
            locale="pl",
            session_version=0,
            created_at=now,
            activated_at=now,
        )
        session.add(user)
        session.flush()
        add_event(session, user.id, AccountEventKind.ACTIVATED, now, "created by administrator")
        return to_view(user)


def set_locale(engine: Engine, user_id: int, locale: str) -> None:
    """Remember the account's language (``pl`` or ``en``)."""
    if locale not in ("pl", "en"):
        raise InputError(f"locale: {locale!r} is not pl or en", field="locale", value=locale)
    with session_scope(engine) as session:
        session.execute(update(User).where(User.id == user_id).values(locale=locale))
