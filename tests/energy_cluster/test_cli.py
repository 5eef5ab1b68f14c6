"""``kof cluster`` as operators script it: JSON on stdout, one-line errors, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from core.cli_main import main
from tests.energy_cluster.conftest import REFERENCE, el_demand, heat_demand, tiny


def tiny_file(tmp_path: Path) -> Path:
    raw = tiny(
        units=[
            {
                "name": "grid",
                "type": "grid",
                "bus": "b1",
                "import_max_mw": 5,
                "export_max_mw": 5,
                "price_pln_per_mwh": "price",
            },
            {
                "name": "gb",
                "type": "boiler",
                "heat_node": "dh",
                "q_th_max_mw": 10,
                "eta_th": 0.9,
                "fuel_price_pln_per_mwh": 200,
            },
        ],
        series={
            "d_el": {"constant": 2.0},
            "d_heat": {"constant": 4.0},
            "price": {"profile": {"hourly": [300.0] * 24}},
        },
        demands=[el_demand(), heat_demand()],
        rolling={"resolution_min": 60},
    )
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


def test_plan_json_has_status_objective_gap_kpis_and_schedules(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["cluster", "plan", "--scenario", str(tiny_file(tmp_path)), "--json"]) == 0

    doc = json.loads(capsys.readouterr().out)
    assert doc["status"] == "optimal"
    assert doc["flagged"] is False
    assert doc["objective_pln"] == pytest.approx(8 * 300 + 16 / 0.9 * 200)
    assert doc["gap"] == pytest.approx(0.0, abs=1e-9)
    assert doc["kpis"]["total_cost_pln"] == pytest.approx(doc["objective_pln"])
    assert len(doc["timestamps"]) == 4
    assert doc["timestamps"][0] == "2026-01-14T00:00:00+01:00"
    assert doc["schedules"]["gb"]["q_th_mw"] == [4.0, 4.0, 4.0, 4.0]
    assert doc["schedules"]["grid"]["import_mw"] == [2.0, 2.0, 2.0, 2.0]


def test_plan_text_and_schedules_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "schedules.csv"
    assert (
        main(
            ["cluster", "plan", "--scenario", str(tiny_file(tmp_path)), "--schedules-csv", str(out)]
        )
        == 0
    )

    text = capsys.readouterr().out
    assert "tiny: optimal" in text
    assert "total_cost_pln" in text
    assert "shortfalls: none" in text
    header = out.read_text().splitlines()[0].split(",")
    assert header[0] == "timestamp"
    assert "gb-q_th_mw" in header


def test_bad_scenario_is_one_line_with_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tiny_file(tmp_path)
    raw = yaml.safe_load(path.read_text())
    raw["units"][1]["eta_th"] = 1.4
    path.write_text(yaml.safe_dump(raw))

    assert main(["cluster", "plan", "--scenario", str(path), "--json"]) == 2

    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert "unit 'gb', field 'eta_th': thermal efficiency 1.4 is above 1" in captured.err


def test_rolling_json_and_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KOF_DATABASE_URL", f"sqlite:///{tmp_path / 'kof.db'}")
    assert main(["db", "upgrade"]) == 0
    capsys.readouterr()

    assert (
        main(
            [
                "cluster",
                "rolling",
                "--scenario",
                str(tiny_file(tmp_path)),
                "--days",
                "2",
                "--json",
                "--store",
            ]
        )
        == 0
    )

    captured = capsys.readouterr()
    doc = json.loads(captured.out)
    assert doc["windows"] == 2
    assert doc["steps"] == 48
    assert doc["flagged_windows"] == 0
    assert doc["kpis"]["heat_served_mwh"] == pytest.approx(48 * 4.0)
    assert doc["plan_id"] == 1
    assert "planning" in captured.err  # the progress bar goes to stderr


def test_store_refuses_a_store_that_is_not_migrated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KOF_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    assert main(["cluster", "plan", "--scenario", str(tiny_file(tmp_path)), "--store"]) == 2
    assert "kof db upgrade" in capsys.readouterr().err


def test_validate_and_series_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cluster", "validate", "--scenario", str(REFERENCE)]) == 0
    assert "valid (13 units, 3 demands" in capsys.readouterr().out
    out = tmp_path / "series.csv"
    assert main(["cluster", "series", "--scenario", str(REFERENCE), "--out", str(out)]) == 0
    lines = out.read_text().splitlines()
    assert len(lines) == 97
    assert lines[0].startswith("timestamp,day_ahead_pln_per_mwh")


def test_the_installed_command_plans_the_reference_scenario() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOF_")}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "core.cli_main",
            "cluster",
            "plan",
            "--scenario",
            str(REFERENCE),
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["status"] == "optimal"
    assert doc["violations"] == []
    assert doc["shortfalls"] == []
    assert len(doc["schedules"]["promnik_wte"]["burn_t_per_h"]) == 96
