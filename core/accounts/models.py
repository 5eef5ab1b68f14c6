"""Tables of the accounts package (migration ``accounts_0001``).

Personal data held here: the e-mail address, the password hash, the link to a premise, the
consent history and the account log. Deleting an account (``service_privacy.delete_account``)
clears the first three and keeps the rest attached to an anonymous tombstone row.
Secrets (activation codes, reset tokens) are stored as SHA-256 digests, never in clear.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.accounts.enums import AccountEventKind, AccountStatus, ConsentKind, Role
from core.db.models import Base
from core.db.types import UtcDateTime, enum_column


class User(Base):
    """A portal account.

    ``session_version`` is part of every session cookie: raising it (password change, deletion,
    disabling) ends every session of the account at once.
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role, "user_role"))
    status: Mapped[AccountStatus] = mapped_column(enum_column(AccountStatus, "account_status"))
    premise_id: Mapped[int | None] = mapped_column(ForeignKey("premises.id"), index=True)
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"), index=True)
    locale: Mapped[str] = mapped_column(String(8), default="pl")
    session_version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    activated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class ActivationCode(Base):
    """The one-time code that activates a registered account (sent by letter; logged in the demo)."""

    __tablename__ = "account_activation_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)


class PasswordResetToken(Base):
    """A single-use password reset token (its SHA-256 digest)."""

    __tablename__ = "account_reset_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class LoginAttempt(Base):
    """One login attempt, for rate limiting; pruned after a day (``prune_security_records``).

    ``login_key`` is the SHA-256 of the normalised e-mail, ``client`` the client address.
    """

    __tablename__ = "account_login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    ts: Mapped[datetime] = mapped_column(UtcDateTime())
    login_key: Mapped[str] = mapped_column(String(64))
    client: Mapped[str] = mapped_column(String(64))
    success: Mapped[bool] = mapped_column(Boolean)


class Consent(Base):
    """One consent decision; the history is kept (the latest row per kind is in force)."""

    __tablename__ = "account_consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[ConsentKind] = mapped_column(enum_column(ConsentKind, "consent_kind"))
    granted: Mapped[bool] = mapped_column(Boolean)
    ts: Mapped[datetime] = mapped_column(UtcDateTime())


class AccountEvent(Base):
    """The account log: what happened to an account, when (no personal data in ``detail``)."""

    __tablename__ = "account_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[AccountEventKind] = mapped_column(
        enum_column(AccountEventKind, "account_event_kind")
    )
    ts: Mapped[datetime] = mapped_column(UtcDateTime())
    detail: Mapped[str | None] = mapped_column(String(200))


Index("ix_account_login_attempts_key_ts", LoginAttempt.login_key, LoginAttempt.ts)
Index("ix_account_login_attempts_client_ts", LoginAttempt.client, LoginAttempt.ts)
