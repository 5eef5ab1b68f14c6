"""The one settings object: ``KOF_`` environment variables over an optional TOML file.

Precedence (highest first): keyword arguments, ``KOF_*`` environment variables, the TOML file
named by ``KOF_CONFIG`` (or passed as ``config_file``), the defaults below.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, ClassVar

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from core.exceptions import ConfigError

SUPPORTED_DRIVERS = ("sqlite", "sqlite+pysqlite", "postgresql+psycopg")


class _TomlSource(PydanticBaseSettingsSource):
    """Reads one TOML file; a missing or malformed file is a ConfigError naming it."""

    def __init__(self, settings_cls: type[BaseSettings], path: Path | None):
        super().__init__(settings_cls)
        self.path = path

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # unused: __call__ returns the whole mapping

    def __call__(self) -> dict[str, Any]:
        if self.path is None:
            return {}
        try:
            with self.path.open("rb") as fh:
                return tomllib.load(fh)
        except FileNotFoundError as err:
            raise ConfigError(
                f"settings file {self.path} does not exist", source=str(self.path)
            ) from err
        except tomllib.TOMLDecodeError as err:
            raise ConfigError(
                f"settings file {self.path} is not valid TOML: {err}", source=str(self.path)
            ) from err


class Settings(BaseSettings):
    """Platform settings.

    Example:
        >>> Settings(database_url="sqlite:///:memory:").is_sqlite
        True
    """

    model_config = SettingsConfigDict(env_prefix="KOF_", extra="forbid", frozen=True)
    _config_file: ClassVar[Path | None] = None

    database_url: str = Field(
        default="sqlite:///var/kof.db",
        description="SQLAlchemy URL of the store: sqlite:///PATH or postgresql+psycopg://...",
    )
    var_dir: Path = Field(default=Path("var"), description="run-time files: store, logs, pids")
    water_networks_dir: Path | None = Field(
        default=None,
        description="EPANET .inp models of the water networks (KOF_WATER_NETWORKS_DIR); "
        "unset: <var_dir>/water/networks",
    )
    log_level: str = Field(default="INFO", pattern="^(DEBUG|INFO|WARNING|ERROR)$")
    sqlite_busy_timeout_s: float = Field(default=30.0, gt=0)
    write_chunk_rows: int = Field(
        default=50_000, ge=1_000, description="rows per executemany/COPY chunk in write_readings"
    )
    # web (dashboards/) and accounts (core/accounts/)
    secret_key: SecretStr | None = Field(
        default=None,
        description="signs sessions and CSRF tokens (KOF_SECRET_KEY); unset: a random key is "
        "generated once into var_dir/secret_key",
    )
    session_cookie_secure: bool = Field(
        default=False, description="send the session cookie over HTTPS only (set it in production)"
    )
    session_lifetime_min: int = Field(default=480, ge=5, le=7 * 24 * 60)
    login_max_failures: int = Field(
        default=5, ge=1, description="failed logins per account within login_window_min"
    )
    login_max_failures_per_ip: int = Field(
        default=20, ge=1, description="failed logins per client address within login_window_min"
    )
    login_window_min: int = Field(default=15, ge=1)
    activation_code_ttl_h: int = Field(default=72, ge=1)
    password_reset_ttl_min: int = Field(default=60, ge=5)
    web_trusted_proxies: int = Field(
        default=0, ge=0, le=5, description="reverse proxies in front of `kof serve` (X-Forwarded-*)"
    )

    @field_validator("database_url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError as err:
            raise ValueError(f"not a database URL: {value!r}") from err
        if url.drivername not in SUPPORTED_DRIVERS:
            raise ValueError(
                f"driver {url.drivername!r} is not supported; use one of {', '.join(SUPPORTED_DRIVERS)}"
            )
        return value

    @property
    def is_sqlite(self) -> bool:
        return make_url(self.database_url).get_backend_name() == "sqlite"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, _TomlSource(settings_cls, cls._config_file))


def load_settings(config_file: str | Path | None = None, **overrides: Any) -> Settings:
    """Build the settings; every problem becomes one ConfigError naming the field and the source.

    Args:
        config_file: a TOML file; defaults to ``$KOF_CONFIG`` when that is set.
        **overrides: values that win over the environment and the file.
    """
    path = config_file or os.environ.get("KOF_CONFIG")
    source = str(path) if path else "environment (KOF_*)"

    class _Bound(Settings):
        _config_file: ClassVar[Path | None] = Path(path) if path else None

    try:
        bound = _Bound(**overrides)
    except ValidationError as err:
        first = err.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        hint = f"KOF_{field.upper()}" if field else ""
        where = hint if hint in os.environ else source
        message = first["msg"]
        if first["type"] == "extra_forbidden":
            message = "unknown setting"
        raise ConfigError(
            f"{where}: setting {field!r} ({hint}): {message}",
            source=where,
            field=field,
        ) from err
    return Settings.model_construct(**bound.model_dump())
