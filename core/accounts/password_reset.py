"""Password reset: a one-time token delivered to the account's address, then a new password.

Reset ends every session of the account (the session version is raised).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from sqlalchemy import Engine, select, update

from core.accounts import secrets_util as sec
from core.accounts.enums import AccountEventKind, AccountStatus
from core.accounts.exceptions import ResetTokenError
from core.accounts.model import ResetRequest, UserView
from core.accounts.models import PasswordResetToken, User
from core.accounts.rows import add_event, live_user_by_email, to_view, utcnow
from core.db.engine import session_scope
from core.exceptions import InputError

# Log records keep the service's logger name, which operators' log filters already use.
logger = logging.getLogger("core.accounts.service")

ResetDelivery = Callable[[ResetRequest], None]


def log_reset_delivery(request: ResetRequest) -> None:
    """Demo delivery of a password reset token: the log (in production: an e-mail)."""
    logger.warning(
        "DEMO password reset token for account %d: %s (valid until %s)",
        request.user_id,
        request.token,
        request.expires_at.isoformat(timespec="minutes"),
    )


def request_password_reset(
    engine: Engine,
    *,
    email: str,
    ttl: dt.timedelta = dt.timedelta(hours=1),
    deliver: ResetDelivery = log_reset_delivery,
    now: dt.datetime | None = None,
) -> None:
    """Send a reset token to an active account's address; unknown addresses get no answer.

    The caller shows the same message in both cases, so the form does not reveal accounts.
    """
    now = now or utcnow()
    try:
        address = sec.normalise_email(email)
    except InputError:
        return
    token = sec.new_token()
    with session_scope(engine) as session:
        user = live_user_by_email(session, address)
        if user is None or user.status is not AccountStatus.ACTIVE:
            logger.info("password reset asked for an address without an active account")
            return
        session.add(
            PasswordResetToken(user_id=user.id, token_hash=sec.digest(token), expires_at=now + ttl)
        )
        add_event(session, user.id, AccountEventKind.PASSWORD_RESET_REQUESTED, now)
        request = ResetRequest(user.id, token, now + ttl)
    deliver(request)


def reset_password(
    engine: Engine, *, token: str, new_password: str, now: dt.datetime | None = None
) -> UserView:
    """Set a new password with a reset token; every session of the account ends.

    Raises:
        ResetTokenError: ``invalid`` (unknown or already used) or ``expired``.
        PasswordPolicyError: the new password is refused.
    """
    now = now or utcnow()
    with session_scope(engine) as session:
        record = session.scalars(
            select(PasswordResetToken).where(PasswordResetToken.token_hash == sec.digest(token))
        ).one_or_none()
        if record is None or record.used_at is not None:
            raise ResetTokenError("the reset link is not valid", reason="invalid")
        if record.expires_at <= now:
            raise ResetTokenError("the reset link has expired", reason="expired")
        user = session.get(User, record.user_id)
        if user is None or user.status is not AccountStatus.ACTIVE:
            raise ResetTokenError("the reset link is not valid", reason="invalid")
        sec.check_password_policy(new_password, user.email)
        user.password_hash = sec.hash_password(new_password)
        user.session_version += 1
        session.execute(
            update(PasswordResetToken)
            .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
            .values(used_at=now)
        )
        add_event(session, user.id, AccountEventKind.PASSWORD_CHANGED, now, "reset")
        view = to_view(user)
    logger.info("password reset for account %d", view.id)
    return view
