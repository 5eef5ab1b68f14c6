"""``kof field-sim``, ``kof poll`` and ``kof import`` as an operator runs them: real processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from core.db.models import Reading
from core.enums import Medium, ReadingType
from core.settings import Settings
from tests.factories import add_meters
from tests.metering.conftest import devices_doc, write_devices

KOF = [sys.executable, "-m", "core.cli_main"]


def _env(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOF_")}
    env["KOF_DATABASE_URL"] = settings.database_url
    return env


def kof(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*KOF, *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


def test_field_sim_then_poll_once_json(
    engine: Engine, sqlite_settings: Settings, tmp_path: Path
) -> None:
    meter = add_meters(engine, 1, reading_type=ReadingType.CUMULATIVE, unit="kWh", prefix="SDM")[0]
    water = add_meters(
        engine, 1, medium=Medium.WATER, reading_type=ReadingType.CUMULATIVE, unit="m3", prefix="W"
    )[0]
    doc = devices_doc(
        {
            "gw-1": [
                {
                    "name": "flat-1",
                    "unit_id": 1,
                    "profile": "eastron_sdm630",
                    "meter": {"meter_id": meter},
                },
                {
                    "name": "dead",
                    "unit_id": 2,
                    "profile": "carlo_gavazzi_em340",
                    "faults": [{"kind": "no_answer"}],
                },
            ],
            "gw-2": [
                {
                    "name": "water-1",
                    "unit_id": 5,
                    "profile": "mbus_water_meter",
                    "meter": {"meter_id": water},
                }
            ],
        }
    )
    path = write_devices(tmp_path / "devices.yaml", doc)
    env = _env(sqlite_settings)
    sim = subprocess.Popen(
        [*KOF, "field-sim", "--devices", str(path), "--duration", "60", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        line = sim.stdout.readline()  # the simulator prints its endpoints once it listens
        listing = json.loads(line)
        assert [e["port"] for e in listing["endpoints"]] == [e["port"] for e in doc["endpoints"]]
        result = kof("poll", "--devices", str(path), "--once", "--json", env=env)
    finally:
        sim.terminate()
        sim.communicate(timeout=30)  # waits and closes the pipes
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    by_device = {d["device"]: d for d in document["devices"]}
    flat = by_device["gw-1/flat-1"]
    assert flat["outcome"] == "ok"
    assert flat["health"] == "online"
    assert flat["quantities"]["energy_import_kwh"]["unit"] == "kWh"
    assert flat["quantities"]["voltage_l1_v"]["value"] == pytest.approx(230, abs=15)
    assert by_device["gw-2/water-1"]["quantities"]["volume_m3"]["unit"] == "m3"
    assert by_device["gw-1/dead"]["outcome"] == "failed"
    assert document["cycle"]["readings_written"] == 2
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Reading)).scalar_one() == 2


def test_bad_input_exits_2_with_one_line(sqlite_settings: Settings, tmp_path: Path) -> None:
    env = _env(sqlite_settings)
    doc = devices_doc({"gw": [{"name": "x", "unit_id": 1, "profile": "no_such_meter"}]})
    path = write_devices(tmp_path / "bad.yaml", doc)
    for command in (
        ["poll", "--devices", str(path), "--once"],
        ["field-sim", "--devices", str(path)],
    ):
        result = kof(*command, env=env)
        assert result.returncode == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith(
            f"kof: error: {path}: device gw/x: endpoints[0].devices[0].profile:"
        )
    # polling into a store without the metering tables
    good = write_devices(
        tmp_path / "good.yaml",
        devices_doc({"gw": [{"name": "x", "unit_id": 1, "profile": "eastron_sdm630"}]}),
    )
    result = kof("poll", "--devices", str(good), "--once", env=env)
    assert result.returncode == 2
    assert "run `kof db upgrade` first" in result.stderr


def test_import_exit_codes(engine: Engine, sqlite_settings: Settings, tmp_path: Path) -> None:
    add_meters(
        engine, 1, medium=Medium.WATER, reading_type=ReadingType.CUMULATIVE, unit="m3", prefix="WM"
    )
    env = _env(sqlite_settings)
    good = tmp_path / "good.csv"
    good.write_text("timestamp,meter,value\n2026-02-01T00:00Z,WM000000,12.5\n")
    ok = kof("import", str(good), "--medium", "water", "--json", env=env)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["readings_written"] == 1
    mixed = tmp_path / "mixed.csv"
    mixed.write_text(
        "timestamp,meter,value\n2026-02-01T01:00Z,WM000000,13\n2026-02-01T02:00,WM000000,14\n"
    )
    partial = kof("import", str(mixed), "--medium", "water", env=env)
    assert partial.returncode == 1
    assert "line 3, column timestamp" in partial.stderr
    refused = kof("import", str(mixed), "--medium", "water", "--all-or-nothing", env=env)
    assert refused.returncode == 2
    assert refused.stderr.startswith(f"kof: error: {mixed}: 1 line(s) refused, nothing imported")
