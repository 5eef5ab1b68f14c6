"""Vocabularies of the accounts package."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What a portal user may see and do.

    RESIDENT: own premise (and the aggregate of the own building). OPERATOR: MCUK operators
    (outage notices, education pages, /ops). TRADER: group purchasing (/trading).
    BUILDING_MANAGER: own buildings (/buildings). ADMIN: everything, including accounts.
    """

    RESIDENT = "resident"
    OPERATOR = "operator"
    TRADER = "trader"
    BUILDING_MANAGER = "building_manager"
    ADMIN = "admin"


class AccountStatus(StrEnum):
    """Life cycle of an account: registered -> active -> deleted (anonymised)."""

    PENDING = "pending"  # registered, waiting for the activation code
    ACTIVE = "active"
    DISABLED = "disabled"  # switched off by an administrator
    DELETED = "deleted"  # personal data removed; the row stays as an anonymous tombstone


class ConsentKind(StrEnum):
    """Purposes a resident can consent to (RODO art. 6(1)(a), art. 7)."""

    COMPARISONS = "comparisons"  # own data in anonymous comparisons with similar households


class AccountEventKind(StrEnum):
    """What the account log records (accountability, RODO art. 5(2))."""

    REGISTERED = "registered"
    ACTIVATED = "activated"
    LOGIN = "login"
    LOGOUT = "logout"
    PASSWORD_RESET_REQUESTED = "password_reset_requested"
    PASSWORD_CHANGED = "password_changed"
    CONSENT_CHANGED = "consent_changed"
    DATA_EXPORTED = "data_exported"
    DELETED = "deleted"
