"""Portal accounts: registration bound to a premise, activation, login, roles, data rights."""

from core.accounts.enums import AccountEventKind, AccountStatus, ConsentKind, Role
from core.accounts.exceptions import (
    AccountError,
    AccountNotActiveError,
    ActivationError,
    InvalidCredentialsError,
    LoginThrottledError,
    PasswordPolicyError,
    RegistrationError,
    ResetTokenError,
    SessionInvalidError,
)
from core.accounts.model import (
    ConsentState,
    DeletionReceipt,
    LoginPolicy,
    Registration,
    ResetRequest,
    UserView,
)

__all__ = [
    "AccountError",
    "AccountEventKind",
    "AccountNotActiveError",
    "AccountStatus",
    "ActivationError",
    "ConsentKind",
    "ConsentState",
    "DeletionReceipt",
    "InvalidCredentialsError",
    "LoginPolicy",
    "LoginThrottledError",
    "PasswordPolicyError",
    "Registration",
    "RegistrationError",
    "ResetRequest",
    "ResetTokenError",
    "Role",
    "SessionInvalidError",
    "UserView",
]
