"""Errors of the accounts package.

Each carries a ``reason`` from a fixed vocabulary, so the web layer can show a translated
message without parsing text, and never more than the user is allowed to learn.
"""

from __future__ import annotations

from core.exceptions import InputError, PlatformError


class AccountError(PlatformError):
    """Root of the accounts errors.

    Attributes:
        reason: a stable code, e.g. ``"binding"`` or ``"expired"``.
    """

    def __init__(self, message: str, *, reason: str):
        self.reason = reason
        super().__init__(message)


class RegistrationError(AccountError):
    """Registration refused.

    Reasons: ``binding`` (customer and meter number do not match a residential premise),
    ``premise_taken`` (the premise already has an account), ``email_taken``.
    """


class ActivationError(AccountError):
    """Activation refused. Reasons: ``invalid``, ``expired``, ``too_many_attempts``."""


class InvalidCredentialsError(AccountError):
    """Wrong e-mail or password (which one is never said)."""

    def __init__(self) -> None:
        super().__init__("wrong e-mail address or password", reason="invalid")


class AccountNotActiveError(AccountError):
    """Right password, but the account is not active. Reasons: ``pending``, ``disabled``."""


class LoginThrottledError(AccountError):
    """Too many failed logins for the account or from the client address.

    Attributes:
        retry_after_s: seconds until the next attempt is accepted.
    """

    def __init__(self, retry_after_s: int, *, scope: str):
        self.retry_after_s = max(1, int(retry_after_s))
        self.scope = scope
        super().__init__(
            f"too many failed logins ({scope}); try again in {self.retry_after_s} s",
            reason="throttled",
        )


class ResetTokenError(AccountError):
    """Password reset refused. Reasons: ``invalid`` (unknown or used), ``expired``."""


class SessionInvalidError(AccountError):
    """A session cookie names an account that is gone, disabled or has a newer session version."""

    def __init__(self) -> None:
        super().__init__("the session is no longer valid; log in again", reason="session")


class PasswordPolicyError(InputError):
    """A new password is refused. Reasons: ``too_short``, ``too_long``, ``too_common``,
    ``contains_email``."""

    def __init__(self, message: str, *, reason: str):
        self.reason = reason
        super().__init__(message, field="password")


class EmailFormatError(InputError):
    """An e-mail address that is not of the form local@domain."""

    def __init__(self) -> None:
        self.reason = "email_format"
        super().__init__("not an e-mail address (expected name@domain)", field="email")
