"""The ``kof`` command as an operator runs it: a real process, real settings, a real store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

KOF = [sys.executable, "-m", "core.cli_main"]


def run_kof(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("KOF_")}
    full_env.update(env or {})
    return subprocess.run(
        [*KOF, *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def test_help_lists_the_registered_commands() -> None:
    result = run_kof("--help")
    assert result.returncode == 0
    assert "db " in result.stdout
    assert "region " in result.stdout


def test_db_upgrade_then_status_as_json(tmp_path: Path) -> None:
    env = {"KOF_DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}"}
    up = run_kof("db", "upgrade", env=env)
    assert up.returncode == 0, up.stderr
    assert "is at revision" in up.stdout

    status = run_kof("db", "status", "--json", env=env)
    assert status.returncode == 0, status.stderr
    document = json.loads(status.stdout)
    assert document["revisions"] == document["heads"] != []


def test_default_store_is_under_var(tmp_path: Path) -> None:
    result = run_kof("db", "upgrade", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "var" / "kof.db").exists()


@pytest.mark.parametrize(
    ("env", "config", "expected"),
    [
        ({"KOF_DATABASE_URL": "oracle://x"}, None, "KOF_DATABASE_URL"),
        ({}, "database_url = 'sqlite:///x.db'\nlog_levl = 'INFO'\n", "log_levl"),
        ({}, "database_url = [\n", "not valid TOML"),
    ],
)
def test_bad_settings_exit_non_zero_with_one_line(tmp_path: Path, env, config, expected) -> None:
    if config is not None:
        path = tmp_path / "kof.toml"
        path.write_text(config)
        env = {**env, "KOF_CONFIG": str(path)}
    result = run_kof("db", "status", env=env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("kof: error:")
    assert expected in lines[0]


def test_region_generate_builds_a_small_region_then_if_empty_leaves_it(tmp_path: Path) -> None:
    env = {"KOF_DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}"}
    assert run_kof("db", "upgrade", env=env).returncode == 0
    args = (
        "region",
        "generate",
        "--premises",
        "50",
        "--days",
        "2",
        "--seed",
        "7",
        "--start",
        "2026-10-24",
        "--json",
    )
    first = run_kof(*args, env=env)
    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout)
    assert summary["premises"] == 50
    assert summary["readings"] > 50 * 2 * 96

    again = run_kof(*args, env=env)
    assert again.returncode == 2
    assert "already contains a region" in again.stderr

    skipped = run_kof(*args, "--if-empty", env=env)
    assert skipped.returncode == 0
    assert json.loads(skipped.stdout) == {"skipped": True, "store": env["KOF_DATABASE_URL"]}


def test_region_generate_bad_argument_is_one_line(tmp_path: Path) -> None:
    env = {"KOF_DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}"}
    run_kof("db", "upgrade", env=env)
    result = run_kof("region", "generate", "--premises", "10", env=env)
    assert result.returncode == 2
    assert result.stderr.strip().startswith("kof: error: premises: 10 is out of range")


def test_a_broken_command_is_reported_and_the_others_still_work(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from importlib.metadata import EntryPoint

    from click.testing import CliRunner

    from core import cli_main

    registered = {
        "db": EntryPoint("db", "core.cli:db", "kof.commands"),
        "broken": EntryPoint("broken", "no_such_package.cli:broken", "kof.commands"),
    }
    monkeypatch.setattr(cli_main._KofGroup, "_registered", staticmethod(lambda: registered))
    result = CliRunner().invoke(cli_main.cli, ["--help"])
    assert result.exit_code == 0
    assert "db " in result.stdout
    assert "'broken' (no_such_package.cli:broken) failed to load" in result.stderr
