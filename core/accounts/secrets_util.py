"""Passwords (Argon2id), one-time codes and tokens (stored as SHA-256 digests)."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from core.accounts.exceptions import EmailFormatError, PasswordPolicyError

PASSWORD_MIN_CHARS = 12
PASSWORD_MAX_CHARS = 128  # bounds the hashing work an attacker can ask for
ACTIVATION_CODE_DIGITS = 8
_EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
# The most common passwords of public breach lists that are 12+ characters long (sample).
_COMMON = frozenset(
    {
        "123456789012",
        "qwertyuiopas",
        "password1234",
        "haslo1234567",
        "zaq12wsxcde3",
        "1q2w3e4r5t6y",
        "qwerty123456",
        "iloveyou1234",
        "administrator",
        "kielce123456",
    }
)


@lru_cache(maxsize=1)
def password_hasher() -> PasswordHasher:
    """The Argon2id hasher with the library's defaults (RFC 9106 low-memory profile)."""
    return PasswordHasher()


def normalise_email(email: str) -> str:
    """Lower-cased, trimmed e-mail address; raises EmailFormatError if it is not one.

    Example:
        >>> normalise_email("  Anna.Nowak@Example.PL ")
        'anna.nowak@example.pl'
    """
    value = email.strip().lower()
    if len(value) > 254 or not _EMAIL_RE.match(value):
        raise EmailFormatError()
    return value


def check_password_policy(password: str, email: str | None = None) -> None:
    """Refuse short, over-long, common passwords and ones containing the e-mail's name."""
    if len(password) < PASSWORD_MIN_CHARS:
        raise PasswordPolicyError(
            f"the password needs at least {PASSWORD_MIN_CHARS} characters", reason="too_short"
        )
    if len(password) > PASSWORD_MAX_CHARS:
        raise PasswordPolicyError(
            f"the password may have at most {PASSWORD_MAX_CHARS} characters", reason="too_long"
        )
    if password.lower() in _COMMON or len(set(password)) < 4:
        raise PasswordPolicyError("the password is too easy to guess", reason="too_common")
    if email:
        local = email.split("@", 1)[0].lower()
        if len(local) >= 4 and local in password.lower():
            raise PasswordPolicyError(
                "the password must not contain the e-mail address", reason="contains_email"
            )


def hash_password(password: str) -> str:
    """Argon2id hash (salt and parameters included in the string)."""
    return password_hasher().hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; a missing hash still costs one hash computation."""
    hasher = password_hasher()
    try:
        return hasher.verify(stored_hash or _dummy_hash(), password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return password_hasher().hash(secrets.token_urlsafe(16))


def needs_rehash(stored_hash: str) -> bool:
    return password_hasher().check_needs_rehash(stored_hash)


def digest(secret: str) -> str:
    """SHA-256 hex digest of a code or token (what the store keeps)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def same_digest(secret: str, stored_digest: str) -> bool:
    """Constant-time comparison of a secret with a stored digest."""
    return hmac.compare_digest(digest(secret), stored_digest)


def new_activation_code() -> str:
    """A random 8-digit code (10^8 values; 5 attempts per code)."""
    return f"{secrets.randbelow(10**ACTIVATION_CODE_DIGITS):0{ACTIVATION_CODE_DIGITS}d}"


def new_token() -> str:
    """A random URL-safe token with 256 bits of entropy."""
    return secrets.token_urlsafe(32)


def login_key(email: str) -> str:
    """The key login attempts are counted under (digest of the normalised address)."""
    return digest(email.strip().lower())
