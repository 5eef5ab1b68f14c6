"""Value objects returned by the accounts services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from core.accounts.enums import AccountStatus, ConsentKind, Role


@dataclass(frozen=True)
class UserView:
    """An account as the services and the web layer see it (no password hash)."""

    id: int
    email: str | None
    role: Role
    status: AccountStatus
    premise_id: int | None
    building_id: int | None
    locale: str
    session_version: int

    @property
    def is_active(self) -> bool:
        return self.status is AccountStatus.ACTIVE


@dataclass(frozen=True)
class Registration:
    """A registered, not yet active account and its one-time activation code.

    The code is handed to the delivery (a letter to the premise; the log in the demo), and is
    stored only as a digest.
    """

    user_id: int
    premise_id: int
    activation_code: str = field(repr=False)
    expires_at: dt.datetime


@dataclass(frozen=True)
class ResetRequest:
    """A password reset token to deliver (stored only as a digest)."""

    user_id: int
    token: str = field(repr=False)
    expires_at: dt.datetime


@dataclass(frozen=True)
class ConsentState:
    """The consent in force for one purpose (None: never asked)."""

    kind: ConsentKind
    granted: bool | None
    decided_at: dt.datetime | None


@dataclass(frozen=True)
class LoginPolicy:
    """Login rate limits.

    Attributes:
        max_failures: failed logins per account within the window before it is throttled.
        max_failures_per_client: failed logins per client address within the window.
        window: the sliding window.
    """

    max_failures: int = 5
    max_failures_per_client: int = 20
    window: dt.timedelta = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class DeletionReceipt:
    """What deleting an account removed and what the utility keeps (and why)."""

    user_id: int
    deleted_at: dt.datetime
    removed: tuple[str, ...]
    kept: tuple[str, ...]
