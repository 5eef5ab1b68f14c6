"""Data-protection use cases (RODO/GDPR): consents, the account's own data, deletion, pruning.

What deleting an account removes and keeps:

- removed: the e-mail address, the password hash, the link to the premise (and so to the
  customer), open activation codes and reset tokens, login attempts under the address;
- kept, anonymous: the account row as a tombstone (id, role, dates), its consent history and
  account log (accountability for the consents given, RODO art. 5(2) and 7(1)), without
  anything that points to a person or a premise;
- kept, not part of the account: the meter readings and the customer record. They belong to
  the supply contract, which the utility must keep for billing and accounting (Prawo
  energetyczne; ustawa o rachunkowości art. 74: five years); deleting the portal account does
  not end the contract.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from sqlalchemy import Engine, delete, select

from core.accounts import secrets_util as sec
from core.accounts.enums import AccountEventKind, AccountStatus, ConsentKind
from core.accounts.exceptions import InvalidCredentialsError
from core.accounts.model import ConsentState, DeletionReceipt
from core.accounts.models import (
    AccountEvent,
    ActivationCode,
    Consent,
    LoginAttempt,
    PasswordResetToken,
    User,
)
from core.accounts.rows import LIVE_STATUSES, add_event, utcnow
from core.db.engine import session_factory, session_scope
from core.exceptions import InputError

logger = logging.getLogger(__name__)


def set_consent(
    engine: Engine,
    user_id: int,
    kind: ConsentKind,
    granted: bool,
    now: dt.datetime | None = None,
) -> ConsentState:
    """Record a consent decision (the history is kept; the latest decision is in force)."""
    now = now or utcnow()
    with session_scope(engine) as session:
        session.add(Consent(user_id=user_id, kind=kind, granted=granted, ts=now))
        add_event(
            session,
            user_id,
            AccountEventKind.CONSENT_CHANGED,
            now,
            f"{kind.value}={'granted' if granted else 'withdrawn'}",
        )
    logger.info("account %d: consent %s %s", user_id, kind.value, granted)
    return ConsentState(kind, granted, now)


def consents(engine: Engine, user_id: int) -> dict[ConsentKind, ConsentState]:
    """The consent in force for every purpose."""
    with session_factory(engine)() as session:
        rows = session.scalars(
            select(Consent).where(Consent.user_id == user_id).order_by(Consent.ts, Consent.id)
        ).all()
    state = {kind: ConsentState(kind, None, None) for kind in ConsentKind}
    for row in rows:
        state[row.kind] = ConsentState(row.kind, row.granted, row.ts)
    return state


def premises_without_comparison_consent(engine: Engine) -> set[int]:
    """Premises whose account holder has not granted the comparisons consent.

    Their data is left out of every comparison group. Premises without a portal account are
    not in this set: their data enters comparisons only as part of groups of at least ten
    households, as anonymous quantiles (the utility's statistics); a resident who registers
    decides for their own premise.
    """
    with session_factory(engine)() as session:
        users = session.execute(
            select(User.id, User.premise_id).where(
                User.status.in_(LIVE_STATUSES), User.premise_id.is_not(None)
            )
        ).all()
        latest: dict[int, bool] = {}
        for user_id, granted in session.execute(
            select(Consent.user_id, Consent.granted)
            .where(Consent.kind == ConsentKind.COMPARISONS)
            .order_by(Consent.ts, Consent.id)
        ):
            latest[user_id] = granted
    return {premise for user_id, premise in users if not latest.get(user_id, False)}


def account_data(engine: Engine, user_id: int) -> dict[str, Any]:
    """Everything the accounts package holds about an account (for the data export)."""
    with session_factory(engine)() as session:
        user = session.get(User, user_id)
        if user is None:
            raise InputError(f"no account {user_id}", field="user_id", value=user_id)
        consent_rows = session.scalars(
            select(Consent).where(Consent.user_id == user_id).order_by(Consent.ts, Consent.id)
        ).all()
        events = session.scalars(
            select(AccountEvent)
            .where(AccountEvent.user_id == user_id)
            .order_by(AccountEvent.ts, AccountEvent.id)
        ).all()
        return {
            "account": {
                "id": user.id,
                "email": user.email,
                "role": user.role.value,
                "status": user.status.value,
                "premise_id": user.premise_id,
                "locale": user.locale,
                "created_at": user.created_at.isoformat(),
                "activated_at": user.activated_at.isoformat() if user.activated_at else None,
                "password": "stored only as an Argon2id hash; not exported",
            },
            "consents": [
                {"purpose": c.kind.value, "granted": c.granted, "at": c.ts.isoformat()}
                for c in consent_rows
            ],
            "account_log": [
                {"event": e.kind.value, "at": e.ts.isoformat(), "detail": e.detail} for e in events
            ],
        }


def record_export(engine: Engine, user_id: int, fmt: str, now: dt.datetime | None = None) -> None:
    """Log that the account downloaded its data (format in the detail)."""
    with session_scope(engine) as session:
        add_event(session, user_id, AccountEventKind.DATA_EXPORTED, now or utcnow(), fmt[:40])


def delete_account(
    engine: Engine, user_id: int, password: str, now: dt.datetime | None = None
) -> DeletionReceipt:
    """Delete an account at its holder's request (RODO art. 17), confirmed by the password.

    Raises:
        InvalidCredentialsError: the password does not match (nothing is changed).
        InputError: no such live account.
    """
    now = now or utcnow()
    with session_scope(engine) as session:
        user = session.get(User, user_id)
        if user is None or user.status not in LIVE_STATUSES:
            raise InputError(f"no account {user_id} to delete", field="user_id", value=user_id)
        if not sec.verify_password(user.password_hash, password):
            raise InvalidCredentialsError()
        key = sec.login_key(user.email or "")
        session.execute(delete(ActivationCode).where(ActivationCode.user_id == user_id))
        session.execute(delete(PasswordResetToken).where(PasswordResetToken.user_id == user_id))
        session.execute(delete(LoginAttempt).where(LoginAttempt.login_key == key))
        user.email = None
        user.password_hash = None
        user.premise_id = None
        user.building_id = None
        user.status = AccountStatus.DELETED
        user.deleted_at = now
        user.session_version += 1
        add_event(session, user_id, AccountEventKind.DELETED, now)
    logger.info("deleted account %d (tombstone kept)", user_id)
    return DeletionReceipt(
        user_id=user_id,
        deleted_at=now,
        removed=(
            "email",
            "password_hash",
            "premise_link",
            "activation_codes",
            "reset_tokens",
            "login_attempts",
        ),
        kept=("consent_history_anonymous", "account_log_anonymous", "meter_readings_contract"),
    )


def prune_security_records(
    engine: Engine, keep: dt.timedelta = dt.timedelta(days=1), now: dt.datetime | None = None
) -> int:
    """Delete login attempts older than ``keep`` and expired or used codes and tokens.

    Returns:
        Rows deleted.
    """
    now = now or utcnow()
    with session_scope(engine) as session:
        n = session.execute(delete(LoginAttempt).where(LoginAttempt.ts < now - keep)).rowcount
        n += session.execute(
            delete(PasswordResetToken).where(
                (PasswordResetToken.expires_at < now) | PasswordResetToken.used_at.is_not(None)
            )
        ).rowcount
        n += session.execute(
            delete(ActivationCode).where(
                ActivationCode.expires_at < now - keep, ActivationCode.used_at.is_not(None)
            )
        ).rowcount
    return int(n)
