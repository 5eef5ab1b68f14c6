from pathlib import Path

import pytest

from core.exceptions import ConfigError
from core.settings import load_settings


def test_defaults_use_the_embedded_sqlite_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KOF_DATABASE_URL", raising=False)
    monkeypatch.delenv("KOF_CONFIG", raising=False)
    settings = load_settings()
    assert settings.database_url == "sqlite:///var/kof.db"
    assert settings.is_sqlite


def test_environment_switches_to_postgresql(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KOF_DATABASE_URL", "postgresql+psycopg://kof@db.example:5432/kof")
    settings = load_settings()
    assert not settings.is_sqlite
    assert settings.database_url.startswith("postgresql+psycopg://")


def test_toml_file_is_read_and_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "kof.toml"
    config.write_text('database_url = "sqlite:///other.db"\nlog_level = "DEBUG"\n')
    monkeypatch.delenv("KOF_DATABASE_URL", raising=False)
    assert load_settings(config).database_url == "sqlite:///other.db"
    monkeypatch.setenv("KOF_LOG_LEVEL", "ERROR")
    assert load_settings(config).log_level == "ERROR"


def test_misspelt_key_in_file_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "kof.toml"
    config.write_text('databse_url = "sqlite:///x.db"\n')
    with pytest.raises(ConfigError, match="databse_url.*unknown setting") as info:
        load_settings(config)
    assert info.value.field == "databse_url"
    assert str(config) in str(info.value)


def test_malformed_toml_names_the_file(tmp_path: Path) -> None:
    config = tmp_path / "kof.toml"
    config.write_text("database_url = \n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(config)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mysql://root@localhost/test", "driver 'mysql' is not supported"),
        ("not a url", "not a database URL"),
    ],
)
def test_bad_database_url_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, url: str, expected: str
) -> None:
    monkeypatch.setenv("KOF_DATABASE_URL", url)
    with pytest.raises(ConfigError, match=expected) as info:
        load_settings()
    assert "KOF_DATABASE_URL" in str(info.value)


def test_missing_settings_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "absent.toml")
