"""The secret key that signs sessions and CSRF tokens.

From ``KOF_SECRET_KEY`` (settings.secret_key) in production; otherwise a random key generated
once into ``var_dir/secret_key`` (mode 0600), so demo sessions survive a restart and no key is
ever in the repository.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from core.exceptions import ConfigError
from core.settings import Settings

logger = logging.getLogger(__name__)
MIN_KEY_CHARS = 32


def secret_key(settings: Settings) -> str:
    """The configured key, or the generated one under ``var_dir``."""
    if settings.secret_key is not None:
        key = settings.secret_key.get_secret_value()
        if len(key) < MIN_KEY_CHARS:
            raise ConfigError(
                f"KOF_SECRET_KEY: use at least {MIN_KEY_CHARS} random characters",
                source="KOF_SECRET_KEY",
                field="secret_key",
            )
        return key
    path = Path(settings.var_dir) / "secret_key"
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key)
    logger.warning("generated a new secret key in %s (set KOF_SECRET_KEY in production)", path)
    return key
